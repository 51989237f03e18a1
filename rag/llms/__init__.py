"""LLM backends behind one small interface, chosen by name (setting ``llm``).

``make_llm(settings)`` imports the heavy SDK of the chosen backend only.
"""

from __future__ import annotations

from ..errors import UserError
from ..settings import Settings
from .base import LLM, Message


def make_llm(settings: Settings) -> LLM:
    name = settings.llm
    if name == "fake":
        from .fake import FakeLLM

        return FakeLLM()
    if name == "openai":
        from .openai import OpenAICompatibleLLM

        return OpenAICompatibleLLM(settings)
    if name == "llamacpp":
        from .llamacpp import LlamaCppLLM

        return LlamaCppLLM(settings)
    raise UserError(f"llm backend {name!r} has no LLM (setting RAG_LLM); LLM backends: fake, llamacpp, openai")


__all__ = ["LLM", "Message", "make_llm"]
