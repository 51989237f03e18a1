"""The reranker seam: reorder fused retrieval candidates before they are filtered and cut to top_k.

A reranker is a class ``(settings)`` with ``rerank(question, candidates) ->
candidates``; each ``Candidate`` carries its fused score, and a reranker sets
its own ``score`` (a ranker's threshold lives beside its score, in its own
settings). ``RERANKERS`` is the only list of names; ``none`` (the default)
keeps the fused order. A cross-encoder would plug in here by dotted path or a
``rag.rerankers`` entry point without touching retrieval.
"""

from __future__ import annotations

from typing import Protocol

from .registry import Registry
from .types import Passage


class Reranker(Protocol):
    def rerank(self, question: str, candidates: list[Passage]) -> list[Passage]: ...


class NoReranker:
    """Keeps the fused order."""

    def __init__(self, settings=None) -> None:
        pass

    def rerank(self, question: str, candidates: list[Passage]) -> list[Passage]:
        return candidates


RERANKERS = Registry("reranker", "retrieval.reranker (RAG_RERANKER)", {"none": "rag.rerank:NoReranker"}, group="rag.rerankers")
