"""Run the evaluation: ask every question through ``Engine.ask`` (the same call
users make), score it, run the llama-index starter baseline on the same
questions, and write a report folder (summary.md, results.json, charts).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

from rag.errors import UserError

from .corpora import corpus_folder, set_name, split_of
from .dataset import Question, load_questions
from .metrics import aggregate, judge

HERE = Path(__file__).resolve().parent
DEFAULT_SET = HERE / "questions.jsonl"
THRESHOLDS = HERE / "thresholds.toml"
HEADLINE = ["answer_correct", "gold_source_cited", "citation_recall", "citation_precision", "refusal_accuracy",
            "false_refusal_rate", "conflicts_shown", "paraphrase_consistency", "paraphrase_all_correct", "hit_at_k", "mrr",
            "answer_words", "latency_p50_ms", "latency_p95_ms"]


def score_answer(q: Question, answer, engine) -> dict[str, Any]:
    correct, why = judge(q, answer.text, answer.answered, answer.conflict)
    retrieved = [p.source for p in answer.passages]
    rank = next((i + 1 for i, s in enumerate(retrieved) if s in q.sources), None)
    sentences = supported = precise = total = 0
    for ok, p, t in engine.check_citations(answer):
        sentences += 1
        supported += ok
        precise += p
        total += t
    return {
        "id": q.id, "category": q.category, "question": q.question, "expect": q.expect, "gold": q.answer,
        "gold_sources": q.sources, "answer": answer.text, "answered": answer.answered, "conflict": answer.conflict,
        "correct": correct, "why": why, "citations": [{"marker": c.marker, "source": c.source} for c in answer.citations],
        "retrieved": retrieved, "hit": rank is not None, "rr": 1.0 / rank if rank else 0.0,
        "gold_cited": any(c.source in q.sources for c in answer.citations),
        "sentences": sentences, "supported_sentences": supported, "citations_precise": precise, "citations_total": total,
        "dropped": list(answer.dropped), "confidence": answer.confidence, "words": len(answer.text.split()), "seconds": answer.seconds, "tokens": answer.tokens,
    }


def reviewed(questions: list[Question], set_path: Path) -> list[Question]:
    """The questions that count: drafts marked ``needs_review`` (e.g. from ``--from-feedback``) are skipped, with a note."""
    drafts = [q for q in questions if q.needs_review]
    if drafts:
        print(f"{set_path}: {len(drafts)} draft question(s) marked needs_review skipped", file=sys.stderr)
    kept = [q for q in questions if not q.needs_review]
    if not kept:
        raise UserError(f"every question of {set_path} is marked needs_review; review them first (eval/README.md)")
    return kept


def evaluate(engine, questions: list[Question], progress: bool = True, paraphrases: bool = True) -> list[dict[str, Any]]:
    """One row per question; with ``paraphrases``, each rewording is asked too (same history) and judged like the
    original (``paraphrase_correct``), so the report can say whether an answer survives other words."""
    rows = []
    engine.ask("warm-up question about the documents")  # load models before timing
    for i, q in enumerate(questions, 1):
        answer = engine.ask(q.question, history=q.history or None)
        row = score_answer(q, answer, engine)
        if paraphrases and q.paraphrases:
            row["paraphrases"] = []
            for wording in q.paraphrases:
                reworded = engine.ask(wording, history=q.history or None)
                ok, why = judge(q, reworded.text, reworded.answered, reworded.conflict)
                row["paraphrases"].append({"question": wording, "correct": ok, "why": why, "answer": reworded.text})
        rows.append(row)
        if progress:
            print(f"\r  {i}/{len(questions)} {q.id:<22}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return rows


def by_category(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    cats = sorted({r["category"] for r in rows})
    return {c: aggregate([r for r in rows if r["category"] == c]) for c in cats}


def check_gate(overall: dict[str, float], thresholds: dict[str, Any]) -> list[str]:
    failures = []
    for metric, bound in thresholds.get("min", {}).items():
        if overall.get(metric, 0.0) < bound:
            failures.append(f"{metric} = {overall.get(metric)} < {bound}")
    for metric, bound in thresholds.get("max", {}).items():
        if overall.get(metric, 0.0) > bound:
            failures.append(f"{metric} = {overall.get(metric)} > {bound}")
    return failures


def compare(old: Path, new: Path) -> str:
    def load(folder: Path) -> dict[str, dict]:
        path = folder / "results.json"
        if not path.is_file():
            raise UserError(f"{folder} is not a report folder (no results.json)")
        return {r["id"]: r for r in json.loads(path.read_text())["results"]}

    a, b = load(old), load(new)
    lines = [f"# Comparison: {old} -> {new}", ""]
    fixed = [i for i in b if i in a and b[i]["correct"] and not a[i]["correct"]]
    broken = [i for i in b if i in a and a[i]["correct"] and not b[i]["correct"]]
    lines.append(f"newly passing: {len(fixed)}, newly failing: {len(broken)}, only in old: {len(set(a) - set(b))}, only in new: {len(set(b) - set(a))}")
    for title, ids in (("Newly passing", fixed), ("Newly failing", broken)):
        lines += ["", f"## {title}"]
        for i in ids:
            lines.append(f"- {i}: {b[i]['question']}\n  - old: {a[i]['answer'][:160]} ({a[i]['why']})\n  - new: {b[i]['answer'][:160]} ({b[i]['why']})")
    return "\n".join(lines)


def write_overview(out: Path, results) -> None:
    """One table per metric group: every corpus, dev and test side by side (and the starter baseline)."""
    out.mkdir(parents=True, exist_ok=True)
    metrics = ["answer_correct", "gold_source_cited", "refusal_accuracy", "false_refusal_rate", "conflicts_shown",
               "paraphrase_consistency", "hit_at_k", "mrr", "latency_p50_ms"]
    lines = ["# Evaluation overview", "", "Dev and test splits are fixed by a hash of each question id (eval/corpora.py); "
             "tune on dev only.", "", "| corpus | metric | dev | test | all | llama-index starter |", "|---|---|---|---|---|---|"]
    for name, overall, splits, baseline in results:
        for metric in metrics:
            base = baseline.get("overall", {}).get(metric, "—") if baseline else "—"
            lines.append(f"| {name} | {metric} | {splits['dev'].get(metric)} | {splits['test'].get(metric)} | {overall.get(metric)} | {base} |")
    lines += ["", "Per-corpus reports: " + ", ".join(f"[{name}]({name}/summary.md)" for name, *_ in results)]
    (out / "summary.md").write_text("\n".join(lines) + "\n")


def write_report(out: Path, rows, overall, categories, baseline, meta, splits=None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps({"meta": meta, "overall": overall, "categories": categories,
                                                   "baseline": baseline, "results": rows}, indent=2, ensure_ascii=False))
    lines = ["# Evaluation report", "", f"- question set: `{meta['set']}` ({overall['questions']} questions)",
             f"- answerer: `{meta['llm']}`; top_k={meta['top_k']}; support check: {meta['support_check']}",
             f"- baseline: {meta['baseline_note']}", "", "## Overall", "", "| metric | this project | baseline |", "|---|---|---|"]
    for metric in HEADLINE:
        lines.append(f"| {metric} | {overall.get(metric)} | {baseline.get('overall', {}).get(metric, '—') if baseline else '—'} |")
    if splits:
        lines += ["", "## Dev / test split", "", "| metric | dev | test |", "|---|---|---|"]
        for metric in HEADLINE:
            lines.append(f"| {metric} | {splits['dev'].get(metric)} | {splits['test'].get(metric)} |")
    lines += ["", "## Per category", "", "| category | n | correct | gold cited | hit@k | refusal acc. | p50 ms |", "|---|---|---|---|---|---|---|"]
    for cat, m in categories.items():
        lines.append(f"| {cat} | {m['questions']} | {m['answer_correct'] if cat != 'unanswerable' else m['overall_correct']} | {m['gold_source_cited']} | {m['hit_at_k']} | {m['refusal_accuracy']} | {m['latency_p50_ms']} |")
    lines += ["", "## Failures", ""]
    for r in rows:
        if not r["correct"]:
            lines.append(f"- **{r['id']}** {r['question']} — {r['why']}\n  - answer: {r['answer'][:300]}")
    unstable = [r for r in rows if r["correct"] and not all(p["correct"] for p in r.get("paraphrases", []))]
    if unstable:
        lines += ["", "## Correct as written, wrong when reworded", ""]
        for r in unstable:
            for p in r["paraphrases"]:
                if not p["correct"]:
                    lines.append(f"- **{r['id']}** {p['question']} — {p['why']}\n  - answer: {p['answer'][:300]}")
    lines += ["", "![per category](per_category.png)", "", "![latency](latency.png)"]
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    _charts(out, rows, categories, baseline)


def _charts(out: Path, rows, categories, baseline) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cats = list(categories)
    values = [categories[c]["overall_correct"] for c in cats]
    fig, ax = plt.subplots(figsize=(9, 4))
    xs = range(len(cats))
    ax.bar([x - 0.2 for x in xs], values, width=0.4, label="this project")
    if baseline and baseline.get("categories"):
        ax.bar([x + 0.2 for x in xs], [baseline["categories"].get(c, {}).get("overall_correct", 0) for c in cats], width=0.4, label="llama-index starter")
    ax.set_xticks(list(xs), cats, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("correct")
    ax.set_title("Correctness per category")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "per_category.png", dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist([1000 * r["seconds"] for r in rows], bins=20)
    ax.set_xlabel("ask() latency, ms")
    ax.set_ylabel("questions")
    ax.set_title("Latency distribution")
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=110)
    plt.close(fig)


def print_table(overall, baseline) -> None:
    print(f"{'metric':<22}{'project':>10}{'baseline':>10}")
    for metric in HEADLINE:
        b = baseline.get("overall", {}).get(metric, "") if baseline else ""
        print(f"{metric:<22}{overall.get(metric)!s:>10}{b!s:>10}")


def main(args: argparse.Namespace) -> int:
    if args.compare:
        print(compare(*args.compare))
        return 0
    from rag.api import Engine
    from rag.settings import Settings
    from rag.verify import CHECK_NAME

    settings = Settings.load(getattr(args, "config", None))
    if getattr(args, "from_feedback", None) is not None:
        from .from_feedback import main as from_feedback

        return from_feedback(Path(args.from_feedback) if args.from_feedback else settings.feedback.log, args.out)
    overrides = {k: getattr(args, k) for k in ("llm", "collection", "store_dir", "chroma_url") if getattr(args, k, None)}
    if overrides:
        settings = settings.replace(**overrides)
    settings = settings.replace(show_progress=False)
    current_threshold = settings.scoring.min_evidence
    if getattr(args, "calibrate", False):
        settings = settings.replace(min_evidence=0.0)  # answer everything; the threshold is chosen afterwards
    sets = [Path(p) for p in (args.set or [DEFAULT_SET])]
    if sets == [Path("all")]:
        sets = [DEFAULT_SET, *sorted(HERE.glob("sets/*/questions.jsonl"))]
    out = args.out or Path("reports") / time.strftime("%Y%m%d-%H%M%S")
    results = []
    collected: list[tuple[str, list[dict[str, Any]]]] = []
    for set_path in sets:
        questions = reviewed(load_questions(set_path), set_path)
        if getattr(args, "split", None):
            questions = [q for q in questions if split_of(q.id) == args.split]
        name = set_name(set_path)
        corpus = corpus_folder(set_path, settings.ingest.corpus_dir, settings.embedding.cache_dir)
        run_settings = settings if name == "seeds" else settings.replace(collection=f"eval-{name}", corpus_dir=corpus)
        with Engine(run_settings, writer=True, purpose="rag eval") as engine:
            engine.ingest(corpus)
            rows = evaluate(engine, questions, paraphrases=not getattr(args, "no_paraphrases", False))
        for row in rows:
            row["split"] = split_of(row["id"])
        overall = aggregate(rows)
        splits = {split: aggregate([r for r in rows if r["split"] == split]) for split in ("dev", "test")}
        categories = by_category(rows)
        baseline: dict[str, Any] = {}
        note = "skipped (--no-baseline)"
        if not args.no_baseline:
            from .baseline import run_baseline

            baseline, note = run_baseline(run_settings, questions)
        if getattr(args, "verification", False):
            from .verification import verification_check

            overall["verification"] = verification_check(run_settings, questions)
            if overall["verification"]["gold_sentences"]:
                v = overall["verification"]
                print(f"verification of gold sentences: {v['dropped']} of {v['gold_sentences']} dropped ({v['dropped_rate']:.1%}; "
                      f"{v['dropped_gold_not_retrieved']} of them with no gold passage retrieved)")
        meta = {"set": str(set_path), "corpus": str(corpus), "llm": settings.llm.backend, "top_k": settings.retrieval.top_k,
                "support_check": CHECK_NAME, "baseline_note": note, "time": time.strftime("%Y-%m-%d %H:%M:%S")}
        folder = out if len(sets) == 1 else out / name
        write_report(folder, rows, overall, categories, baseline, meta, splits)
        print(f"\n== {name} ({len(questions)} questions) ==")
        print_table(overall, baseline)
        print(f"report: {folder}/summary.md")
        results.append((name, overall, splits, baseline))
        collected.append((name, rows))
    if getattr(args, "calibrate", False):
        from .calibrate import calibrate

        calibration = calibrate({name: rows for name, rows in collected}, current_threshold, out)
        chosen, now = calibration["chosen"], calibration["current"]
        free = calibration["unconstrained"]
        print(f"calibration: min_evidence {chosen['threshold']} gives accuracy {chosen['accuracy']} at coverage {chosen['coverage']} "
              f"with false refusals {chosen['false_refusals']} (at most {calibration['max_false_refusals']}; without that limit "
              f"{free['threshold']}: {free['accuracy']}, false refusals {free['false_refusals']}) "
              f"(setting {current_threshold}: {now['accuracy']} at {now['coverage']}); plot: {out}/risk_coverage.png")
    if len(sets) > 1:
        write_overview(out, results)
        print(f"overview: {out}/summary.md")
    if args.gate:
        overall = results[0][1]
        failures = check_gate(overall, tomllib.loads(THRESHOLDS.read_text()))
        if failures:
            print("eval gate FAILED: " + "; ".join(failures), file=sys.stderr)
            return 1
        print("eval gate passed")
    return 0
