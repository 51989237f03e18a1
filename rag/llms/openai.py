"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, LM Studio, llama.cpp server, Ollama /v1).

Uses llama-index's ``OpenAILike`` client. The API key is read from the
environment variable named by ``llm_api_key_env`` (default RAG_LLM_API_KEY)
and never appears in errors or logs. Every request has a timeout and a
bounded number of retries, so a dead server cannot hang the caller.
"""

from __future__ import annotations

from typing import Iterator

from ..errors import BackendError, UserError
from ..settings import Settings
from .base import Message


class OpenAICompatibleLLM:
    name = "openai"

    def __init__(self, settings: Settings) -> None:
        if not settings.llm.base_url:
            raise UserError("the openai backend needs an endpoint: set RAG_LLM_BASE_URL (e.g. http://127.0.0.1:8080/v1, https://api.openai.com/v1, http://127.0.0.1:11434/v1 for Ollama)")
        self.settings = settings
        self.tokens_used = 0
        from llama_index.llms.openai_like import OpenAILike

        self.client = OpenAILike(
            model=settings.llm.model or "local-model", api_base=settings.llm.base_url.rstrip("/"),
            api_key=settings.llm.api_key or "not-needed", timeout=settings.llm.timeout, max_retries=settings.llm.max_retries,
            is_chat_model=True, context_window=settings.llm.context_size, max_tokens=settings.llm.max_tokens, temperature=0.0,
        )

    def _messages(self, messages: list[Message]):
        from llama_index.core.llms import ChatMessage

        return [ChatMessage(role=m["role"], content=m["content"]) for m in messages]

    def _error(self, exc: Exception) -> BackendError:
        kind = type(exc).__name__
        text = str(exc)
        if self.settings.llm.api_key:
            text = text.replace(self.settings.llm.api_key, "***")
        if "timeout" in kind.lower() or "timed out" in text.lower():
            return BackendError(f"the LLM server at {self.settings.llm.base_url} did not answer within {self.settings.llm.timeout:g}s (setting RAG_LLM_TIMEOUT)")
        if "connect" in kind.lower() or "connection" in text.lower():
            return BackendError(f"cannot reach the LLM server at {self.settings.llm.base_url} (setting RAG_LLM_BASE_URL); is it running?")
        if "auth" in kind.lower() or "401" in text:
            return BackendError(f"the LLM server at {self.settings.llm.base_url} rejected the API key (env {self.settings.llm.api_key_env})")
        return BackendError(f"the LLM server at {self.settings.llm.base_url} failed: {kind}: {text[:200]}")

    def complete(self, messages: list[Message], max_tokens: int) -> str:
        try:
            response = self.client.chat(self._messages(messages), max_tokens=max_tokens)
        except Exception as exc:
            raise self._error(exc) from None
        usage = (getattr(response, "raw", None) or {})
        usage = getattr(usage, "usage", None) or (usage.get("usage") if isinstance(usage, dict) else None)
        self.tokens_used = int(getattr(usage, "total_tokens", 0) or 0) if usage else 0
        return response.message.content or ""

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        try:
            for chunk in self.client.stream_chat(self._messages(messages), max_tokens=max_tokens):
                if chunk.delta:
                    yield chunk.delta
        except Exception as exc:
            raise self._error(exc) from None
