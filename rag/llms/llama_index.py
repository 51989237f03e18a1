"""Any llama-index LLM class as the LLM backend (``llm.backend = "llamaindex"``).

The class is named by ``llm.class_path`` (``package.module:Class``, e.g.
``llama_index.llms.openai_like:OpenAILike``, ``llama_index.llms.ollama:Ollama``)
and built with the keyword arguments in ``llm.kwargs`` (TOML table
``[llm.kwargs]``, or JSON in ``RAG_LLM__KWARGS``)::

    [llm]
    backend = "llamaindex"
    class_path = "llama_index.llms.openai_like:OpenAILike"
    [llm.kwargs]
    model = "smollm2"
    api_base = "http://127.0.0.1:8080/v1"
    is_chat_model = true

``llm.kwargs`` wins; the general ``llm`` settings fill in the fields the class
has and the kwargs leave out (model, api_base, api_key from the variable named
by ``llm.api_key_env``, timeout, max_retries, max_tokens, context_window), so
``RAG_LLM_MODEL`` and friends work as with the other backends. Calls go through
the class's ``chat``/``stream_chat``, which every llama-index LLM implements.
The generative answerer checks the output like any other backend's.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..errors import BackendError, UserError
from ..registry import import_object
from ..settings import Settings
from .base import Message


def constructor_kwargs(cls: type, settings: Settings) -> dict[str, Any]:
    """``llm.kwargs`` plus the general llm settings for the class's fields that the kwargs leave out."""
    llm = settings.llm
    fields = set(getattr(cls, "model_fields", {}) or {})
    defaults = {"model": llm.model, "api_base": llm.base_url.rstrip("/"), "api_key": llm.api_key, "timeout": llm.timeout,
                "max_retries": llm.max_retries, "max_tokens": llm.max_tokens, "context_window": llm.context_size}
    kwargs = {name: value for name, value in defaults.items() if name in fields and value not in ("", None)}
    kwargs.update(llm.kwargs)
    return kwargs


class LlamaIndexLLM:
    name = "llamaindex"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tokens_used = 0
        path = settings.llm.class_path
        if not path:
            raise UserError("the llamaindex backend needs a class: set llm.class_path (RAG_LLM__CLASS_PATH), "
                            "e.g. llama_index.llms.openai_like:OpenAILike, and its arguments in [llm.kwargs]")
        try:
            cls = import_object(path)
        except (ImportError, AttributeError) as exc:
            raise UserError(f"llm.class_path {path!r} cannot be imported ({type(exc).__name__}: {exc}); "
                            "install the llama-index integration package that provides it") from None
        if not callable(getattr(cls, "chat", None)):
            raise UserError(f"llm.class_path {path!r} is not a llama-index LLM (it has no chat method)")
        self.class_name = getattr(cls, "__name__", path)
        kwargs = constructor_kwargs(cls, settings)
        try:
            self.client = cls(**kwargs)
        except Exception as exc:
            raise UserError(f"cannot build {self.class_name} from llm.kwargs {sorted(kwargs)}: {self._clean(str(exc))[:300]}") from None

    def _clean(self, text: str) -> str:
        for secret in {self.settings.llm.api_key, str(self.settings.llm.kwargs.get("api_key", ""))} - {""}:
            text = text.replace(secret, "***")
        return " ".join(text.split())

    def _messages(self, messages: list[Message]):
        from llama_index.core.llms import ChatMessage

        return [ChatMessage(role=m["role"], content=m["content"]) for m in messages]

    def _error(self, exc: Exception) -> BackendError:
        return BackendError(f"the llama-index LLM {self.class_name} failed: {type(exc).__name__}: {self._clean(str(exc))[:200]}")

    def complete(self, messages: list[Message], max_tokens: int) -> str:
        # max_tokens is set on the client (a field of the class); not every class accepts it per call
        try:
            response = self.client.chat(self._messages(messages))
        except Exception as exc:
            raise self._error(exc) from None
        self.tokens_used = _usage(getattr(response, "raw", None))
        return response.message.content or ""

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        try:
            for chunk in self.client.stream_chat(self._messages(messages)):
                if chunk.delta:
                    yield chunk.delta
        except Exception as exc:
            raise self._error(exc) from None


def _usage(raw: Any) -> int:
    """Total tokens of a response, when the class reports them (OpenAI-style ``usage``)."""
    usage = getattr(raw, "usage", None) or (raw.get("usage") if isinstance(raw, dict) else None)
    if usage is None:
        return 0
    total = getattr(usage, "total_tokens", None)
    if total is None and isinstance(usage, dict):
        total = usage.get("total_tokens")
    return int(total or 0)
