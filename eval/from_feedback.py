"""``rag eval --from-feedback [FILE] --out draft.jsonl``: rated answers become draft eval questions.

Reads the feedback log (``rag/feedback.py``; default: the ``feedback.log`` setting) and writes drafts
in the question-set format of ``eval/dataset.py``, for a person to review before they join a set:

* Each answer counts once, by its last verdict: a chat-window thumb clicked again (``cleared``) or
  switched replaces the earlier line of the same ``answer_id``.
* Repeated questions (same words after case, accents and spacing are folded, and the same earlier
  turns) become one draft.
* Only thumbs up: an answerable draft (``expect: answer``) with the cited sources as gold ``sources``
  and the answer, markers removed, in ``answer`` as the gold-answer hint; ``answers`` (the words that
  must appear) is left for the reviewer. A thumbs-up on a refusal is a draft expecting a refusal.
* Any thumbs down: ``needs_review: true``, the answers rated down in ``wrong_answers``, the comments in
  ``note``, and the hint and sources of a thumbs-up answer to the same question if there is one.

A missing log, or a line that is not a feedback entry, stops with one line naming the file and line
number (exit 2) and writes nothing: the log is written by this program one whole line at a time, so a
bad line means it was edited or damaged, and the reviewer should see it rather than lose a verdict.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from rag.feedback import CLEARED, read
from rag.text import fold

FIELDS = ("id", "category", "question", "answer", "answers", "sources", "expect", "history", "needs_review",
          "wrong_answers", "note")


def strip_markers(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text).strip()


def question_key(entry: dict[str, Any]) -> str:
    turns = [f"{t.get('role')}:{fold(' '.join(str(t.get('content', '')).split()))}" for t in entry.get("history") or []]
    return "\n".join([*turns, fold(" ".join(entry["question"].split())).rstrip(" ?.!")])


def latest_verdicts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each answer's last verdict, in the order answers were first rated; cleared ones left out."""
    last: dict[str, dict[str, Any]] = {}
    for n, item in enumerate(entries):
        last[item.get("answer_id") or f"#{n}"] = item
    return [item for item in last.values() if item["verdict"] != CLEARED]


def drafts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Draft questions (dicts in the question-set format) from feedback entries, one per distinct question."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in latest_verdicts(entries):
        groups.setdefault(question_key(item), []).append(item)
    return [_draft(key, items) for key, items in groups.items()]


def _draft(key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    ups = [i for i in items if i["verdict"] == "up"]
    downs = [i for i in items if i["verdict"] == "down"]
    latest = items[-1]
    good = ups[-1] if ups else None
    refusal = good is not None and not good.get("answered", True)
    sources = [] if good is None or refusal else list(dict.fromkeys(c.get("source", "") for c in good.get("citations", []) if c.get("source")))
    counts = ", ".join(x for x in (f"{len(ups)} up" if ups else "", f"{len(downs)} down" if downs else "") if x)
    comments = [f"{i['verdict']}: {i['comment']}" for i in items if i.get("comment")]
    note = f"from feedback ({counts}; last {latest.get('time', '?')}, collection {latest.get('collection') or '?'})"
    if comments:
        note += "; " + "; ".join(comments)
    if good is not None and not downs and not refusal:
        note += "; fill `answers` with the words a correct answer must contain"
    draft = {"id": "feedback-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10], "category": "feedback",
             "question": latest["question"], "answer": "" if good is None or refusal else strip_markers(good.get("answer", "")),
             "answers": [], "sources": sources, "expect": "refuse" if refusal else "answer", "history": latest.get("history") or [],
             "needs_review": bool(downs), "wrong_answers": list(dict.fromkeys(strip_markers(i.get("answer", "")) for i in downs)),
             "note": note}
    return {k: draft[k] for k in FIELDS if draft[k] not in ([], "") or k in ("answer", "answers", "sources")}


def main(path: Path, out: Path | None) -> int:
    entries = [item for _, item in read(path)]
    rows = drafts(entries)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    review = sum(1 for r in rows if r.get("needs_review"))
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    print(f"{len(entries)} feedback lines -> {len(rows)} draft questions ({len(rows) - review} answerable, {review} need review)"
          + (f": {out}" if out is not None else ""), file=sys.stderr)
    return 0
