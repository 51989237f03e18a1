"""Sentence-aware chunking with overlap and content-derived, stable ids.

Chunks are built from whole sentences up to ``size`` words; the next chunk
starts with the trailing sentences of the previous one (up to ``overlap``
words) so a fact split across a boundary is still retrievable whole. A
sentence longer than ``size`` is cut on word boundaries.

A chunk id is ``<hash of source path>-<hash of chunk text>``: re-chunking an
unchanged file gives the same ids, and an edit to one paragraph only changes
the ids of the chunks that contain it, so incremental ingest re-embeds just
those.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..text import split_sentences


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    index: int


def source_key(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


def _pieces(text: str, size: int) -> list[tuple[str, bool]]:
    """(sentence, starts_paragraph) pairs; over-long sentences cut into word windows."""
    out: list[tuple[str, bool]] = []
    for paragraph in text.split("\n\n"):
        for i, sentence in enumerate(split_sentences(paragraph)):
            tokens = sentence.split()
            for j in range(0, len(tokens), size):
                out.append((" ".join(tokens[j:j + size]), i == 0 and j == 0))
    return out


def chunk_text(text: str, source: str, size: int = 140, overlap: int = 30) -> list[Chunk]:
    pieces = _pieces(text, size)
    groups: list[list[tuple[str, bool]]] = []
    current: list[tuple[str, bool]] = []
    count = 0
    fresh = 0  # sentences in `current` not carried over from the previous chunk
    for piece in pieces:
        n = len(piece[0].split())
        if current and count + n > size and fresh:
            groups.append(current)
            carry: list[tuple[str, bool]] = []
            carried = 0
            for prev in reversed(current):
                m = len(prev[0].split())
                if carried + m > overlap:
                    break
                carry.insert(0, prev)
                carried += m
            current, count, fresh = carry, carried, 0
        current.append(piece)
        count += n
        fresh += 1
    if current and fresh:
        groups.append(current)

    key = source_key(source)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for index, group in enumerate(groups):
        parts: list[str] = []
        for k, (sentence, starts_paragraph) in enumerate(group):
            if k:
                parts.append("\n\n" if starts_paragraph else " ")
            parts.append(sentence)
        body = "".join(parts)
        digest = hashlib.sha1(body.encode("utf-8")).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        suffix = "" if seen[digest] == 1 else f"-{seen[digest]}"
        chunks.append(Chunk(id=f"{key}-{digest}{suffix}", text=body, index=index))
    return chunks
