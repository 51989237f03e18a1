"""Plain text (.txt): no stated structure; one block that the line rules in clean.py split."""

from __future__ import annotations

from ..decode import decode
from ..document import Block, Document, Unreadable


def read_text(data: bytes, declared: str = "") -> str:
    text = decode(data, declared)
    if not text.strip():
        raise Unreadable("empty file (whitespace only)")
    return text


def parse(data: bytes) -> Document:
    return Document([Block(read_text(data))], kind="text")
