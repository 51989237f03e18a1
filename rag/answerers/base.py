"""The answerer seam: one small Protocol plus the context every answerer receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol

import numpy as np

from ..retrieve import LexicalIndex
from ..types import Answer, Citation, Passage

REFUSAL = "The documents don't contain an answer to this question."


@dataclass
class AnswerContext:
    question: str  # standalone question (follow-ups already rewritten)
    passages: list[Passage]
    query_vector: np.ndarray
    index: LexicalIndex
    embedder: object
    original_question: str = ""


class Answerer(Protocol):
    name: str

    def answer(self, ctx: AnswerContext) -> Answer: ...

    def stream(self, ctx: AnswerContext) -> Iterator[str | Answer]:
        """Yield text pieces as they are produced, then the final Answer."""
        ...


def to_citation(passage: Passage, marker: int, highlights: tuple[str, ...] = ()) -> Citation:
    return Citation(marker=marker, source=passage.source, title=passage.title, text=passage.text, score=round(passage.score, 6),
                    author=passage.author, date=passage.date, publisher=passage.publisher, chunk_id=passage.id, highlights=highlights)


def refusal(ctx: AnswerContext, name: str, dropped: list[str] | None = None) -> Answer:
    return Answer(text=REFUSAL, citations=[], answered=False, question=ctx.original_question or ctx.question,
                  answerer=name, standalone_question=ctx.question, dropped=dropped or [],
                  passages=[to_citation(p, 0) for p in ctx.passages])
