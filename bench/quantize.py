"""Graph variants of the embedding model side by side: closeness to the float graph, speed, retrieval quality.

    PYTHONPATH=. nice -n 10 .venv/bin/python bench/quantize.py                        # every part, every variant
    PYTHONPATH=. nice -n 10 .venv/bin/python bench/quantize.py --parts speed          # one part
    PYTHONPATH=. nice -n 10 .venv/bin/python bench/quantize.py --parts quality --variants float,int8

Variants (``VARIANTS``) are recipes of ``rag.embedders.ort.derive_graph``, each derived from the same
hash-checked float graph through the embedder's own cache, exactly as the ``onnx-int8`` runtime does:
``float`` (today's ``onnx`` runtime), ``fused`` (onnxruntime's BERT optimizer: Attention,
SkipLayerNormalization, BiasGelu fused; float), and ``quantize_dynamic`` variants: weights QInt8 (s8) or
QUInt8 (u8), per tensor or per output channel (pc), reduce_range (rr: 7-bit weights, which avoids the int16
saturation of u8 x s8 products on CPUs without VNNI), every supported op (MatMul and the word-embedding
Gather) or MatMul only (mm), with or without the fusion first.

Parts, each measured for every chosen variant in the same process as ``float`` (``float`` is always run):

* ``closeness``: cosine of each variant's vector to the float graph's, over every chunk of the three eval
  corpora (chunked by the project's own ``read_chunks``, 140/30 words), encoded with the runtime's default
  batch size (2) as ingest does, and over every eval question encoded alone (as a question is embedded).
  Also the same variant at batch 1 vs batch 8 (dynamic quantisation takes one activation scale per batch,
  so an int8 vector depends a little on its batch mates; a float one does not).
* ``speed``: ``encode_many`` chunks/s on a fixed sample of the Python docs chunks (seed 0), batch sizes
  1/2/4/8, the variants interleaved in rounds and the best round kept (the machine is shared: the best of
  several rounds is the least disturbed one). The ratio is to ``float``'s best batch size in this run.
* ``quality``: per eval set, ingest its corpus into a fresh store with that embedder and ask every question
  through ``Engine.ask`` (with its history): hit@6 and MRR (rank of the first gold source among the
  retrieved passages) and gold source cited (a gold source among the citations; a refusal counts as not
  cited), over the answerable questions (``expect != "refuse"``) with gold sources; also answer correctness
  (eval's own judge), refusal accuracy on the unanswerable ones, the ingest rate and the ask p50.

Prints a markdown table per part; writes bench/results/quantize.json. On a busy machine run the parts (and
the quality part's variants) one at a time: closeness and quality results are merged per variant with the
earlier runs' (each entry says when it ran); a speed run replaces the previous one (ratios only hold within
one run).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.dataset import load_questions  # noqa: E402
from eval.metrics import judge  # noqa: E402
from rag.embedders import BUNDLED_EMBEDDING, sha256_file  # noqa: E402
from rag.embedders.ort import INT8_RECIPE, OnnxEmbedder, OnnxInt8Embedder  # noqa: E402
from rag.ingest.pipeline import read_chunks  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "quantize.json"
TOP_K = 6
SETS = {  # name -> (corpus root, pages listed relative to it or None for the whole folder, questions)
    "seeds": (ROOT / "seeds", None, ROOT / "eval" / "questions.jsonl"),
    "python311": (Path("/usr/share/doc/python3.11/html"), ROOT / "eval/sets/python311/corpus.txt", ROOT / "eval/sets/python311/questions.jsonl"),
    "postgresql15": (Path("/usr/share/doc/postgresql-doc-15/html"), ROOT / "eval/sets/postgresql15/corpus.txt", ROOT / "eval/sets/postgresql15/questions.jsonl"),
}


def _q(weight: str, per_channel: bool, reduce_range: bool, matmul_only: bool) -> dict:
    return {"weight_type": weight, "per_channel": per_channel, "reduce_range": reduce_range, "op_types": ["MatMul", "Attention"] if matmul_only else []}


#: name -> recipe (None: the float graph). ``int8`` is what the ``onnx-int8`` runtime registers (s8, per channel,
#: reduce_range, every supported op).
VARIANTS: dict[str, dict | None] = {
    "float": None,
    "fused": {"name": "b-fused", "optimize": True, "quantize": None, "min_probe_cosine": 0.9999},
    "s8": {"name": "b-s8", "optimize": False, "quantize": _q("QInt8", False, False, False), "min_probe_cosine": 0.0},
    "s8-pc": {"name": "b-s8-pc", "optimize": False, "quantize": _q("QInt8", True, False, False), "min_probe_cosine": 0.0},
    "u8-pc": {"name": "b-u8-pc", "optimize": False, "quantize": _q("QUInt8", True, False, False), "min_probe_cosine": 0.0},
    "u8-pc-mm": {"name": "b-u8-pc-mm", "optimize": False, "quantize": _q("QUInt8", True, False, True), "min_probe_cosine": 0.0},
    "fused+s8-pc-rr": {"name": "b-fused-s8-pc-rr", "optimize": True, "quantize": _q("QInt8", True, True, False), "min_probe_cosine": 0.0},
    "fused+u8-pc-mm": {"name": "b-fused-u8-pc-mm", "optimize": True, "quantize": _q("QUInt8", True, False, True), "min_probe_cosine": 0.0},
    "int8": INT8_RECIPE,
}


def pages(name: str) -> tuple[Path, list[str]]:
    root, listing, _ = SETS[name]
    if listing is None:
        return root, sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    return root, [line.strip() for line in listing.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def chunk_texts(name: str) -> list[str]:
    root, rels = pages(name)
    out = []
    for rel in rels:
        try:
            out += [c.text for c in read_chunks((root / rel).read_bytes(), Path(rel).name, rel, 140, 30)[1]]
        except Exception:  # an unreadable file is skipped, as ingest does
            pass
    return out


def build(variant: str, cache: Path, batch_size: int = 0) -> OnnxEmbedder:
    recipe = VARIANTS[variant]
    if recipe is None:
        return OnnxEmbedder(BUNDLED_EMBEDDING, batch_size, cache_dir=cache)
    if recipe == INT8_RECIPE:
        return OnnxInt8Embedder(BUNDLED_EMBEDDING, batch_size, cache_dir=cache)
    return OnnxEmbedder(BUNDLED_EMBEDDING, batch_size, cache_dir=cache, recipe=recipe)


def describe(variant: str, embedder: OnnxEmbedder) -> dict:
    record = json.loads(embedder.graph_path.with_name(embedder.graph_path.name.rsplit("-", 1)[0] + ".json").read_text())
    return {"recipe": VARIANTS[variant], "graph_mb": round(embedder.graph_path.stat().st_size / 2**20, 1),
            "probe_min_cosine": round(record.get("probe_min_cosine", 1.0), 5)}


def cos_stats(a: np.ndarray, b: np.ndarray) -> dict:
    c = (a * b).sum(1)
    return {"mean": round(float(c.mean()), 5), "min": round(float(c.min()), 5), "p1": round(float(np.percentile(c, 1)), 5), "n": int(len(c))}


# -- parts -------------------------------------------------------------------------------------------------
def float_reference(embedder: OnnxEmbedder, texts: list[str], questions: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The float graph's vectors of the chunks and questions, cached in bench/results by graph hash and texts
    (the float graph is deterministic), so a closeness run on a few variants does not encode them again."""
    key = hashlib.sha256("\x00".join([sha256_file(embedder.graph_path), *texts, "\x01", *questions]).encode()).hexdigest()[:16]
    path = RESULTS.with_name(f"float-vectors-{key}.npz")
    if path.is_file():
        saved = np.load(path)
        return saved["chunks"], saved["questions"]
    chunks = embedder.encode_many(texts)
    asked = np.concatenate([embedder.encode([q]) for q in questions])
    for old in RESULTS.parent.glob("float-vectors-*.npz"):
        old.unlink()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, chunks=chunks, questions=asked)
    return chunks, asked


def part_closeness(embedders: dict[str, OnnxEmbedder]) -> dict:
    texts = [t for name in SETS for t in chunk_texts(name)]
    questions = [q.question for name in SETS for q in load_questions(SETS[name][2])]
    print(f"closeness: {len(texts)} chunks, {len(questions)} questions", file=sys.stderr)
    want, want_q = float_reference(embedders["float"], texts, questions)
    sample = random.Random(1).sample(texts, min(200, len(texts)))
    out = {}
    for name, emb in embedders.items():
        got = want if name == "float" else emb.encode_many(texts)
        got_q = want_q if name == "float" else np.concatenate([emb.encode([q]) for q in questions])
        out[name] = {"chunks": cos_stats(got, want), "questions": cos_stats(got_q, want_q),
                     "batch1_vs_batch8": cos_stats(emb.encode_many(sample, batch_size=1), emb.encode_many(sample, batch_size=8)),
                     **describe(name, emb)}
        print(f"  {name}: {out[name]['chunks']} {out[name]['questions']}", file=sys.stderr)
    return out


def part_speed(embedders: dict[str, OnnxEmbedder], sample_size: int, rounds: int) -> dict:
    texts = chunk_texts("python311")
    random.Random(0).shuffle(texts)
    sample = texts[:sample_size]
    best: dict[str, dict[int, float]] = {name: {} for name in embedders}
    for name, emb in embedders.items():  # warm-up: first runs allocate
        emb.encode(sample[:8], batch_size=8)
    for r in range(rounds):
        for bs in (1, 2, 4, 8):
            for name, emb in embedders.items():
                start = time.perf_counter()
                emb.encode_many(sample, batch_size=bs)
                rate = len(sample) / (time.perf_counter() - start)
                best[name][bs] = max(best[name].get(bs, 0.0), rate)
        print(f"  round {r + 1}/{rounds}: " + ", ".join(f"{n} {max(v.values()):.1f}" for n, v in best.items()), file=sys.stderr)
    float_best = max(best["float"].values())
    return {name: {"chunks_per_s": {str(bs): round(v, 1) for bs, v in rates.items()},
                   "best_batch": max(rates, key=rates.get), "best": round(max(rates.values()), 1),
                   "ratio": round(max(rates.values()) / float_best, 2)}
            for name, rates in best.items()} | {"_sample": {"chunks": len(sample), "rounds": rounds}}


def part_quality(embedders: dict[str, OnnxEmbedder], cache: Path, work: Path, sets: list[str]) -> dict:
    from rag.api import Engine
    from rag.settings import Settings

    corpora = {}
    for name in sets:
        root, rels = pages(name)
        if SETS[name][1] is None:
            corpora[name] = root
            continue
        folder = work / "corpora" / name
        for rel in rels:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / rel, folder / rel)
        corpora[name] = folder
    out: dict[str, dict] = {}
    for variant in embedders:
        out[variant] = {}
        for name, corpus in corpora.items():
            recipe = VARIANTS[variant]
            runtime = "onnx" if recipe is None else "onnx-int8" if recipe == INT8_RECIPE else "onnx"
            settings = Settings.load(env={}, store_dir=str(work / f"store-{variant}-{name}"), corpus_dir=str(corpus),
                                     show_progress=False, embedding_runtime=runtime, cache_dir=str(cache))
            embedder = None if runtime == "onnx-int8" or recipe is None else embedders[variant]  # None: built from the settings
            with Engine(settings, writer=True, embedder=embedder) as engine:
                report = engine.ingest()
                questions = load_questions(SETS[name][2])
                engine.ask("warm-up question about the documents")
                rows = []
                for q in questions:
                    answer = engine.ask(q.question, history=q.history or None)
                    retrieved = [p.source for p in answer.passages][:TOP_K]
                    rank = next((i + 1 for i, s in enumerate(retrieved) if s in q.sources), None)
                    rows.append({"expect": q.expect, "has_sources": bool(q.sources), "hit": rank is not None,
                                 "rr": 1.0 / rank if rank else 0.0, "cited": any(c.source in q.sources for c in answer.citations),
                                 "correct": judge(q, answer.text, answer.answered, answer.conflict)[0],
                                 "answered": answer.answered, "seconds": answer.seconds})
            answerable = [r for r in rows if r["expect"] != "refuse"]
            with_sources = [r for r in answerable if r["has_sources"]]
            refuse = [r for r in rows if r["expect"] == "refuse"]

            def mean(values: list) -> float:
                return round(statistics.fmean(values), 4) if values else 0.0

            out[variant][name] = {
                "questions": len(with_sources), "hit_at_k": mean([r["hit"] for r in with_sources]),
                "mrr": mean([r["rr"] for r in with_sources]), "gold_cited": mean([r["cited"] for r in with_sources]),
                "correct": mean([r["correct"] for r in answerable]), "refusal_accuracy": mean([not r["answered"] for r in refuse]),
                "ingest_chunks": report.chunks_added, "ingest_chunks_per_s": round(report.chunks_added / report.seconds, 1),
                "ask_p50_ms": round(1000 * statistics.median(r["seconds"] for r in rows), 1),
            }
            print(f"  {variant} {name}: {out[variant][name]}", file=sys.stderr)
    return out


# -- report ------------------------------------------------------------------------------------------------
def tables(results: dict) -> str:
    lines = []
    closeness, speed, quality = (results.get(k, {}).get("variants", {}) for k in ("closeness", "speed", "quality"))
    if closeness:
        lines += [f"### Closeness to the float graph ({results['closeness']['ran']})", "",
                  "| variant | graph MB | chunks mean cos | chunks min cos | questions mean cos | questions min cos | probe min cos | batch 1 vs 8 min cos |",
                  "|---|---|---|---|---|---|---|---|"]
        for name, c in closeness.items():
            lines.append(f"| {name} | {c['graph_mb']} | {c['chunks']['mean']:.4f} | {c['chunks']['min']:.4f} | {c['questions']['mean']:.4f} | "
                         f"{c['questions']['min']:.4f} | {c['probe_min_cosine']:.4f} | {c['batch1_vs_batch8']['min']:.4f} |")
        lines.append("")
    if speed:
        s = speed.get("_sample", {})
        lines += [f"### Encode throughput, Python docs chunks ({s.get('chunks')} chunks, best of {s.get('rounds')} rounds; {results['speed']['ran']})", "",
                  "| variant | bs 1 | bs 2 | bs 4 | bs 8 | best (batch) | vs float |", "|---|---|---|---|---|---|---|"]
        for name, v in speed.items():
            if name.startswith("_"):
                continue
            r = v["chunks_per_s"]
            lines.append(f"| {name} | {r['1']} | {r['2']} | {r['4']} | {r['8']} | {v['best']} ({v['best_batch']}) | {v['ratio']:.2f}x |")
        lines.append("")
    if quality:
        lines += [f"### Retrieval and answers, top_k={TOP_K} ({results['quality']['ran']})", "",
                  "| variant | set | n | hit@6 | MRR | gold cited | correct | refusal acc. | ingest chunks/s | ask p50 ms |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name, sets in quality.items():
            for set_name, m in sets.items():
                if not isinstance(m, dict):
                    continue
                lines.append(f"| {name} | {set_name} | {m['questions']} | {m['hit_at_k']:.3f} | {m['mrr']:.3f} | {m['gold_cited']:.3f} | "
                             f"{m['correct']:.3f} | {m['refusal_accuracy']:.3f} | {m['ingest_chunks_per_s']} | {m['ask_p50_ms']} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="closeness,speed,quality")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="float is always included")
    parser.add_argument("--sets", default=",".join(SETS), help="eval sets of the quality part")
    parser.add_argument("--sample", type=int, default=192, help="chunks per speed measurement")
    parser.add_argument("--rounds", type=int, default=3, help="speed rounds (the best is kept)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="embedding cache dir to reuse (default: a fresh temporary one: the float graph is exported and every variant derived in this run)")
    args = parser.parse_args()
    variants = ["float"] + [v for v in args.variants.split(",") if v and v != "float"]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; choose from {list(VARIANTS)}")
    parts = args.parts.split(",")
    sets = [name for name in args.sets.split(",") if name]
    if set(sets) - set(SETS):
        parser.error(f"unknown eval sets {sorted(set(sets) - set(SETS))}; choose from {list(SETS)}")

    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    work = Path(tempfile.mkdtemp(prefix="rag-quantize-"))
    cache = args.cache or work / "cache"
    try:
        import onnxruntime

        started = time.perf_counter()
        embedders = {name: build(name, cache) for name in variants}  # derives every graph once (cached)
        print(f"built {len(embedders)} embedders in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        stamp = {"ran": time.strftime("%Y-%m-%d %H:%M"), "onnxruntime": onnxruntime.__version__}
        for part in parts:
            started = time.perf_counter()
            if part == "closeness":
                got = part_closeness(embedders)
            elif part == "speed":
                got = part_speed(embedders, args.sample, args.rounds)
            elif part == "quality":
                got = part_quality(embedders, cache, work, sets)
            else:
                parser.error(f"unknown part {part!r}")
            stamp["seconds"] = round(time.perf_counter() - started)
            if part == "speed":
                results[part] = {**stamp, "variants": got}
            else:
                entry = results.setdefault(part, {"variants": {}})
                entry.update({k: v for k, v in stamp.items() if k != "seconds"})
                for name, value in got.items():  # quality: merged per eval set too
                    merged = entry["variants"].setdefault(name, {}) if part == "quality" else {}
                    entry["variants"][name] = {**merged, **value, "ran": stamp["ran"]}
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps(results, indent=1))
            print(f"{part}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(tables(results))


if __name__ == "__main__":
    main()
