"""Answerers turn a question and its retrieved passages into a cited ``Answer``.

``ANSWERERS`` is the only list of answerer kinds: ``extractive`` needs no model;
``generative`` wraps an LLM backend (rag/llms/) and checks its output sentence
by sentence (verify.py). ``make_answerer`` picks by ``settings.llm.backend``:
``extractive``, or any LLM backend name, which means the generative answerer
around that LLM.
"""

from __future__ import annotations

from ..registry import Registry
from .base import AnswerContext, Answerer

ANSWERERS = Registry("answerer", "llm.backend (RAG_LLM)", {
    "extractive": "rag.answerers.extractive:ExtractiveAnswerer",
    "generative": "rag.answerers.generative:GenerativeAnswerer",
})


def make_answerer(settings, llm=None) -> Answerer:
    """The answerer for ``settings``; ``llm`` overrides the LLM the settings name (a test seam)."""
    if settings.llm.backend == "extractive" and llm is None:
        return ANSWERERS.resolve("extractive")(settings)
    if llm is None:
        from ..llms import make_llm

        llm = make_llm(settings)
    return ANSWERERS.resolve("generative")(settings, llm)


__all__ = ["ANSWERERS", "AnswerContext", "Answerer", "make_answerer"]
