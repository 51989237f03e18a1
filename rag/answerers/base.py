"""The answerer seam: one small Protocol plus the context every answerer receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

import numpy as np

from ..lexical import LexicalIndex
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
    history: list[dict[str, str]] = field(default_factory=list)  # earlier turns, role/content
    # whose word vectors soft matching compares (the store's embedder: its words.npz is loaded); None: ``embedder``
    words: object = None
    # the passages a claim retrieves, under the same filters (a generated sentence no passage above supports is looked
    # for in the whole collection and cited where it is found); None: not available
    search: Callable[[str], list[Passage]] | None = None


class Answerer(Protocol):
    name: str

    def rewrite(self, question: str, history: list[dict[str, str]]) -> str:
        """The question made standalone using the conversation so far (history as role/content messages)."""
        ...

    def answer(self, ctx: AnswerContext) -> Answer: ...

    def stream(self, ctx: AnswerContext) -> Iterator[str | Answer]:
        """Yield text pieces as they are produced, then the final Answer."""
        ...


def to_citation(passage: Passage, marker: int, highlights: tuple[str, ...] = ()) -> Citation:
    """A numbered citation; its page is where the first highlighted sentence is (a passage may span pages)."""
    offset = passage.text.find(highlights[0]) if highlights else -1
    page = passage.page_at(offset) if offset >= 0 else passage.page
    return Citation(marker=marker, source=passage.source, title=passage.title, text=passage.text, score=round(passage.score, 6),
                    author=passage.author, date=passage.date, publisher=passage.publisher, chunk_id=passage.id, highlights=highlights,
                    heading=passage.heading, page=page)


def language_hint(question: str, index: LexicalIndex) -> str:
    """A hint when the question is written in another script than the documents (Cyrillic vs Latin, ...)."""
    letters = [c for c in question if c.isalpha()]
    if not letters:
        return ""
    question_latin = sum(c.isascii() for c in letters) / len(letters)
    if abs(question_latin - index.latin_share) > 0.5:
        return (" The question is written in a different script from the documents; the search works best in the"
                " documents' own language, so try asking in it.")
    return ""


def refusal(ctx: AnswerContext, name: str, dropped: list[str] | None = None) -> Answer:
    question = ctx.original_question or ctx.question
    return Answer(text=REFUSAL + language_hint(question, ctx.index), citations=[], answered=False, question=question,
                  answerer=name, standalone_question=ctx.question, dropped=dropped or [],
                  passages=[to_citation(p, 0) for p in ctx.passages])
