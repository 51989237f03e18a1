"""LLM backends behind one small interface, chosen by name (setting ``llm.backend``).

``LLMS`` is the only list of backend names. A backend is a class taking the
``Settings`` tree (it reads ``settings.llm``) and implementing ``LLM`` (base.py).
Built-ins are imported on first use, so a backend's SDK loads only when it is
chosen. Others plug in without editing this package: a dotted path
(``RAG_LLM=mypkg.backend:MyLLM``) or a ``rag.llms`` entry point in the
plugin's pyproject.toml::

    [project.entry-points."rag.llms"]
    mybackend = "mypkg.backend:MyLLM"
"""

from __future__ import annotations

from ..registry import Registry
from .base import LLM, Message

LLMS = Registry("LLM backend", "llm.backend (RAG_LLM)", {
    "llamacpp": "rag.llms.llamacpp:LlamaCppLLM",
    "openai": "rag.llms.openai:OpenAICompatibleLLM",
    "llamaindex": "rag.llms.llama_index:LlamaIndexLLM",
    "fake": "rag.llms.fake:FakeLLM",
}, group="rag.llms")


def make_llm(settings) -> LLM:
    """The LLM named by ``settings.llm.backend``, built from the settings tree."""
    return LLMS.resolve(settings.llm.backend)(settings)


__all__ = ["LLM", "LLMS", "Message", "make_llm"]
