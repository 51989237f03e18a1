"""Deterministic, offline metrics: correctness, retrieval, citations (ALCE-style), refusal, latency."""

from __future__ import annotations

import re
import statistics
from typing import Any

from rag.text import fold

from .dataset import Question


def normalise(text: str) -> str:
    """rag.text.fold (lowercase, no accents), plus plain quotes and no thousands separators."""
    text = fold(text).replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return " ".join(text.split()) + " "


def matches(text: str, variants: list[str]) -> bool:
    """A variant matches at a word start; one ending in a digit must not continue with a digit ("14" is not in "140"),
    and a snake_case name must end where the answer's name ends ("jsonb_plperl" is not in "jsonb_plperlu"); a plain word
    may continue ("variable" is in "variables")."""
    norm = normalise(text)
    for variant in variants:
        v = normalise(variant).strip()
        if not v:
            continue
        end = r"(?![\d.,]\d|\d)" if v[-1].isdigit() else r"(?!\w)" if re.fullmatch(r"\w+_\w+", v) else ""
        if re.search(r"(?<!\w)" + re.escape(v) + end, norm):
            return True
    return False


def judge(q: Question, text: str, answered: bool, conflict: bool) -> tuple[bool, str]:
    """(correct, why) for one answer."""
    if q.expect == "refuse":
        return (not answered, "refused as expected" if not answered else "answered a question the documents cannot answer")
    if not answered:
        return False, "refused an answerable question"
    if q.expect == "conflict":
        missing = [side for side in q.sides if not matches(text, side)]
        if not conflict:
            return False, "did not flag the disagreement between sources"
        if missing:
            return False, f"conflict flagged but a side is missing: {missing[0]}"
        return True, "both sides shown"
    if q.answers and not matches(text, q.answers):
        return False, f"none of {q.answers} in the answer"
    missing = [group for group in q.all_of if not matches(text, group)]
    if missing:
        return False, f"missing {missing[0]}"
    return True, "gold answer found"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def aggregate(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Metrics over result rows (one per question)."""
    answerable = [r for r in rows if r["expect"] != "refuse"]
    unanswerable = [r for r in rows if r["expect"] == "refuse"]
    conflicts = [r for r in rows if r["expect"] == "conflict"]
    with_sources = [r for r in answerable if r["gold_sources"]]
    cited_sentences = sum(r["sentences"] for r in answerable if r["answered"])
    supported = sum(r["supported_sentences"] for r in answerable if r["answered"])
    citations = sum(r["citations_total"] for r in answerable if r["answered"])
    precise = sum(r["citations_precise"] for r in answerable if r["answered"])
    latencies = [r["seconds"] for r in rows]
    reworded = [r for r in rows if r.get("paraphrases")]

    def mean(values: list[float]) -> float:
        return round(statistics.fmean(values), 4) if values else 0.0

    return {
        "questions": len(rows),
        "answer_correct": mean([r["correct"] for r in answerable]),
        "overall_correct": mean([r["correct"] for r in rows]),
        "hit_at_k": mean([r["hit"] for r in with_sources]),
        "mrr": mean([r["rr"] for r in with_sources]),
        "gold_source_cited": mean([r["gold_cited"] for r in with_sources if r["answered"]]),
        "citation_recall": round(supported / cited_sentences, 4) if cited_sentences else 0.0,
        "citation_precision": round(precise / citations, 4) if citations else 0.0,
        "refusal_accuracy": mean([not r["answered"] for r in unanswerable]),
        "false_refusal_rate": mean([not r["answered"] for r in answerable]),
        "conflicts_shown": mean([r["correct"] for r in conflicts]),
        # Of the questions answered correctly as written, the share still correct in every rewording.
        "paraphrase_consistency": mean([all(p["correct"] for p in r["paraphrases"]) for r in reworded if r["correct"]]),
        "paraphrase_all_correct": mean([r["correct"] and all(p["correct"] for p in r["paraphrases"]) for r in reworded]),
        "answer_words": mean([r["words"] for r in rows if r["answered"]]),
        "latency_p50_ms": round(1000 * percentile(latencies, 0.5), 1),
        "latency_p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "tokens": sum(r.get("tokens", 0) for r in rows),
    }
