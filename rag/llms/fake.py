"""A deterministic fake LLM shipped for the answerer seam's contract tests.

It reads the numbered passages from the prompt and answers with the passage
sentence sharing most words with the question, cited. ``script`` maps a
question substring to a canned reply, so tests can make it say something
unsupported, mis-cited or refusing, exactly like a small model might.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..text import content_words, split_sentences
from .base import Message


class FakeLLM:
    name = "fake"

    def __init__(self, settings=None, script: dict[str, str] | None = None) -> None:
        if isinstance(settings, dict):  # FakeLLM({...}): a script without settings
            settings, script = None, settings
        self.script = script or {}
        self.tokens_used = 0
        self.calls: list[list[Message]] = []

    def complete(self, messages: list[Message], max_tokens: int = 200) -> str:
        self.calls.append(messages)
        prompt = messages[-1]["content"]
        question = prompt.rsplit("Question:", 1)[-1].strip()
        if "standalone question" in messages[0]["content"].lower():
            return question.splitlines()[-1]
        for needle, reply in self.script.items():
            if needle.lower() in question.lower():
                self.tokens_used = len(prompt.split()) + len(reply.split())
                return reply
        passages = dict(re.findall(r"^\[(\d+)\][^\n]*\n(.*?)(?=^\[\d+\]|\Z|^Question:)", prompt, re.M | re.S))
        wanted = set(content_words(question))
        best, best_marker, best_overlap = "", 0, 0
        for marker, text in passages.items():
            for sentence in split_sentences(text):
                overlap = len(wanted & set(content_words(sentence)))
                if overlap > best_overlap:
                    best, best_marker, best_overlap = sentence, int(marker), overlap
        reply = f"{best.rstrip('.')} [{best_marker}]." if best else "I don't know."
        self.tokens_used = len(prompt.split()) + len(reply.split())
        return reply

    def stream(self, messages: list[Message], max_tokens: int = 200) -> Iterator[str]:
        for piece in re.findall(r"\S+\s*", self.complete(messages, max_tokens)):
            yield piece
