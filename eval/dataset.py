"""The question-set format (JSONL, one question per line) and its loader.

Fields: ``id``, ``category``, ``question``, ``answer`` (gold, for humans),
``answers`` (acceptable variants; any one must appear), ``all_of`` (list of
variant groups that must all appear, for list questions), ``sources`` (gold
documents, paths relative to the corpus), ``expect`` (``answer`` |
``refuse`` | ``conflict``), ``sides`` (for conflicts: variant groups, one
per side, all must appear), ``history`` (previous turns as
``{"role", "content"}`` messages, for follow-ups), ``gold`` (a correct answer
sentence in the writer's own words), ``paraphrases`` (rewordings of the
question), ``needs_review`` (a draft, e.g. from ``rag eval --from-feedback``,
that a person must check before it counts: ``rag eval`` skips it),
``wrong_answers`` (answers users rated down) and ``note`` (for the reviewer).
See eval/README.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import UserError

EXPECT = {"answer", "refuse", "conflict"}


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    question: str
    answer: str = ""
    answers: list[str] = field(default_factory=list)
    all_of: list[list[str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    expect: str = "answer"
    sides: list[list[str]] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    gold: str = ""  # a correct answer sentence in the writer's own words (for the verification check)
    paraphrases: list[str] = field(default_factory=list)  # the same question reworded (robustness)
    needs_review: bool = False  # a draft a person must check first (rag eval skips it)
    wrong_answers: list[str] = field(default_factory=list)  # answers users rated down (drafts from feedback)
    note: str = ""  # for the reviewer


def load_questions(path: Path) -> list[Question]:
    if not Path(path).is_file():
        raise UserError(f"question set {path} does not exist; pass a JSONL file with --set (format: eval/README.md)")
    out: list[Question] = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(line)
            item = Question(**data)
        except (json.JSONDecodeError, TypeError) as exc:
            raise UserError(f"{path}:{lineno}: not a valid question ({exc}); see eval/README.md for the format") from None
        if item.expect not in EXPECT:
            raise UserError(f"{path}:{lineno}: expect={item.expect!r}; use one of {sorted(EXPECT)}")
        if not item.question.strip():
            raise UserError(f"{path}:{lineno}: empty question")
        out.append(item)
    if not out:
        raise UserError(f"question set {path} has no questions")
    ids = [q.id for q in out]
    if len(set(ids)) != len(ids):
        raise UserError(f"question set {path} has duplicate ids")
    return out
