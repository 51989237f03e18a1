"""Markdown (.md, .markdown): read as text; ``#`` headings and front matter are handled by clean.py."""

from __future__ import annotations

from ..document import Block, Document
from .text import read_text


def parse(data: bytes) -> Document:
    return Document([Block(read_text(data))], kind="markdown")
