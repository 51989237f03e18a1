"""Answerers turn a question and its retrieved passages into a cited ``Answer``.

``make_answerer(settings)`` is the one factory: ``extractive`` needs no model;
the others wrap an LLM backend (rag/llms/) in the generative answerer, whose
output is checked sentence by sentence by verify.py.
"""

from __future__ import annotations

from ..settings import LLM_BACKENDS, Settings
from .base import AnswerContext, Answerer


def make_answerer(settings: Settings, embedder=None) -> Answerer:
    if settings.llm == "extractive":
        from .extractive import ExtractiveAnswerer

        return ExtractiveAnswerer(settings)
    if settings.llm in LLM_BACKENDS:
        from ..llms import make_llm
        from .generative import GenerativeAnswerer

        return GenerativeAnswerer(settings, make_llm(settings))
    from ..errors import UserError

    raise UserError(f"unknown llm backend {settings.llm!r} (setting RAG_LLM); valid names: {', '.join(LLM_BACKENDS)}")


__all__ = ["AnswerContext", "Answerer", "make_answerer"]
