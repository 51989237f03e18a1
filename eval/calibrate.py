"""Refusal as selective answering: choose ``scoring.min_evidence`` on the dev splits of all corpora together.

``rag eval --set all --split dev --calibrate`` answers every question with the
refusal threshold off (``min_evidence = 0``), so each answer's correctness and
its confidence (the best sentence's evidence score) are known. For a threshold
t, a question is answered when the answerer answered it (its other checks refuse
whatever the threshold) and its confidence is at least t: an answerable
question counts as correct when answered correctly, an unanswerable one when
refused. The chosen t maximises that accuracy over all dev questions of all
corpora together, among the thresholds that refuse at most ``max_false_refusals``
of the answerable questions (the issue's target, 5 %: a tool that refuses what its
documents answer is not trusted either; with more unanswerable questions in dev,
the unconstrained best moved to where a sixth of answerable questions are refused
for +0.01 accuracy). The unconstrained best is reported beside it. The report plots, per corpus, the accuracy of the answered
questions against the share answered (the risk-coverage curve), with the
chosen operating point and today's setting marked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def answers_at(row: dict[str, Any], t: float) -> bool:
    """Is the question answered at threshold t? Only if the answerer answered it at all: its other checks (no sentence
    holds the asked kind of value, what a yes/no question asks is not said ...) refuse whatever the threshold."""
    return bool(row["answered"]) and row["confidence"] >= t


def outcome(rows: list[dict[str, Any]], t: float) -> dict[str, float]:
    answered = [r for r in rows if answers_at(r, t)]
    correct = sum(1 for r in rows if (r["expect"] == "refuse") != answers_at(r, t) and (r["expect"] == "refuse" or r["correct"]))
    answerable = [r for r in rows if r["expect"] != "refuse"]
    return {"threshold": round(t, 3), "accuracy": round(correct / len(rows), 4) if rows else 0.0,
            "coverage": round(len(answered) / len(rows), 4) if rows else 0.0,
            "selective_accuracy": round(sum(1 for r in answered if r["expect"] != "refuse" and r["correct"]) / len(answered), 4) if answered else 1.0,
            "false_refusals": round(sum(1 for r in answerable if not answers_at(r, t)) / len(answerable), 4) if answerable else 0.0}


def calibrate(by_corpus: dict[str, list[dict[str, Any]]], current: float, out: Path,
              max_false_refusals: float = 0.05) -> dict[str, Any]:
    every = [r for rows in by_corpus.values() for r in rows]
    grid = sorted({0.0, *[round(x / 100, 2) for x in range(0, 101, 1)]})
    curve = [outcome(every, t) for t in grid]

    def key(c: dict[str, float]) -> tuple[float, float]:
        return c["accuracy"], -abs(c["threshold"] - current)
    within = [c for c in curve if c["false_refusals"] <= max_false_refusals] or curve
    best = max(within, key=key)
    result = {"chosen": best, "unconstrained": max(curve, key=key), "max_false_refusals": max_false_refusals,
              "current": outcome(every, current),
              "per_corpus": {name: {"chosen": outcome(rows, best["threshold"]), "current": outcome(rows, current),
                                    "curve": [outcome(rows, t) for t in grid]} for name, rows in by_corpus.items()}}
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.json").write_text(json.dumps(result, indent=1))
    _plot(result, current, out / "risk_coverage.png")
    return result


def _plot(result: dict[str, Any], current: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, data in result["per_corpus"].items():
        curve = data["curve"]
        line, = ax.plot([c["coverage"] for c in curve], [c["selective_accuracy"] for c in curve], label=name)
        for key, marker in (("chosen", "o"), ("current", "x")):
            point = data[key]
            ax.plot([point["coverage"]], [point["selective_accuracy"]], marker, color=line.get_color(), markersize=9)
    ax.set_xlabel("share of questions answered (coverage)")
    ax.set_ylabel("accuracy of the answered questions")
    ax.set_title(f"Risk-coverage on dev (o: chosen min_evidence {result['chosen']['threshold']}, x: setting {current})")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
