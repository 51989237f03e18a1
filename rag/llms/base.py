"""The LLM seam: chat messages in, text (or a stream of text) out."""

from __future__ import annotations

from typing import Iterator, Protocol, TypedDict


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


class LLM(Protocol):
    name: str
    tokens_used: int  # prompt + completion tokens of the last call (0 when unknown)

    def complete(self, messages: list[Message], max_tokens: int) -> str: ...

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]: ...
