"""Sentence-aware chunking with overlap, heading paths, page numbers and content-derived, stable ids.

Chunks are built from whole sentences up to ``size`` words; the next chunk
starts with the trailing sentences of the previous one (up to ``overlap``
words) so a fact split across a boundary is still retrievable whole. A
sentence longer than ``size`` is cut on word boundaries.

Structure from the document's blocks (document.py) rides along: each chunk
records its heading path (document title › section › subsection, at the
chunk's first sentence), the headings it contains, and the page it starts on.
A chunk never crosses a top-level section boundary (no overlap is carried
across one either), so a passage never mixes two sections' subjects. Heading
lines stay in the chunk text: they are visible words of the document, and the
answerer reads "exception KeyError" above "Raised when ..." to name the subject.
A chunk that starts inside a table (one paragraph per row, cells joined by
" | ") opens with the table's first row, so its rows are still read under
their column names.

A chunk id is ``<hash of source path>-<hash of chunk text>``: re-chunking an
unchanged file gives the same ids, and an edit to one paragraph only changes
the ids of the chunks that contain it, so incremental ingest re-embeds just
those.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..text import split_sentences
from .document import Block

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    index: int
    heading: str = ""  # heading path where the chunk's content starts: "Title › Section › Subsection"
    page: int = 0  # page the chunk's content starts on (0: the format has no pages)
    headings: tuple[str, ...] = ()  # heading lines inside the chunk text
    heading_paths: tuple[str, ...] = ()  # the full path of each of those headings ("Title › Section › Item"): the outline
    pages: tuple[tuple[int, int], ...] = ()  # (character offset in text, page) wherever the page changes


@dataclass(frozen=True)
class _Piece:
    text: str
    starts_paragraph: bool
    section: int  # index of the top-level section; chunks never span two
    path: tuple[str, ...]
    page: int
    heading: bool
    header: str = ""  # a table row's: the table's first row ("Encoding | Aliases"), which a chunk cut inside the table repeats


def source_key(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


def _top_level(blocks: list[Block]) -> int:
    """The heading depth that starts a top-level section: below a lone title, else the shallowest."""
    levels = [b.level for b in blocks if b.kind == "heading"]
    if not levels:
        return 0
    shallowest = min(levels)
    first_heading = next(b for b in blocks if b.kind == "heading")
    if levels.count(shallowest) == 1 and first_heading.level == shallowest and len(set(levels)) > 1:
        return min(level for level in levels if level > shallowest)
    return shallowest


def _pieces(blocks: list[Block], size: int, title: str) -> list[_Piece]:
    """Sentences (over-long ones cut into word windows) with their paragraph start, section, path and page."""
    top = _top_level(blocks)
    stack: list[tuple[int, str]] = []  # (level, heading text)
    section = 0
    out: list[_Piece] = []
    header = ""  # the first row of the table being read (a table is one paragraph per row, cells joined by " | ")
    for block in blocks:
        row = block.kind == "para" and " | " in block.text and "\n\n" not in block.text.strip()
        first_row = row and not header
        header = (header or " ".join(block.text.split())) if row else ""
        if block.kind == "heading":
            text = " ".join(block.text.split())
            if not text:
                continue
            if block.level <= top and out:
                section += 1
            stack = [(lvl, t) for lvl, t in stack if lvl < block.level] + [(block.level, text)]
            path = _path(title, stack)
            out.append(_Piece(text, True, section, path, block.page, True))
            continue
        path = _path(title, stack)
        for paragraph in block.text.split("\n\n"):
            for i, sentence in enumerate(split_sentences(paragraph)):
                tokens = sentence.split()
                for j in range(0, len(tokens), size):
                    out.append(_Piece(" ".join(tokens[j:j + size]), i == 0 and j == 0, section, path, block.page, False,
                                      header if row and not first_row else ""))
    return out


def _path(title: str, stack: list[tuple[int, str]]) -> tuple[str, ...]:
    names = [t for _, t in stack]
    if title and (not names or not title.startswith(names[0])):  # "Built-in Exceptions — Python docs" heads "Built-in Exceptions"
        names.insert(0, title)
    return tuple(names)


def chunk_blocks(blocks: list[Block], source: str, size: int = 140, overlap: int = 30, title: str = "") -> list[Chunk]:
    """Chunks of a document's blocks; ``title`` heads every heading path."""
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []
    count = 0
    fresh = 0  # pieces in `current` not carried over from the previous chunk
    for piece in _pieces(blocks, size, title):
        n = len(piece.text.split())
        if current and piece.section != current[-1].section and not all(p.heading for p in current):
            if fresh:
                groups.append(current)
            current, count, fresh = [], 0, 0  # nothing carries over a section boundary (headings alone join the next)
        if current and count + n > size and fresh:
            groups.append(current)
            carry: list[_Piece] = []
            carried = 0
            for prev in reversed(current):
                m = len(prev.text.split())
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
        group = _with_table_header(group)
        parts: list[str] = []
        pages: list[tuple[int, int]] = []
        length = 0
        for k, piece in enumerate(group):
            if k:
                parts.append("\n\n" if piece.starts_paragraph else " ")
                length += len(parts[-1])
            if piece.page and (not pages or pages[-1][1] != piece.page):
                pages.append((length, piece.page))
            parts.append(piece.text)
            length += len(piece.text)
        body = "".join(parts)
        digest = hashlib.sha1(body.encode("utf-8")).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        suffix = "" if seen[digest] == 1 else f"-{seen[digest]}"
        first = next((p for p in group if not p.heading), group[-1])  # where the chunk's content starts
        chunks.append(Chunk(id=f"{key}-{digest}{suffix}", text=body, index=index, heading=PATH_SEPARATOR.join(first.path),
                            page=first.page, headings=tuple(dict.fromkeys(p.text for p in group if p.heading)),
                            heading_paths=tuple(dict.fromkeys(PATH_SEPARATOR.join(p.path) for p in group if p.heading)),
                            pages=tuple(pages)))
    return chunks


def _with_table_header(group: list[_Piece]) -> list[_Piece]:
    """A chunk that starts inside a table opens the table with its first row: the header that says what the cells are
    ("Encoding | Aliases" above "'windows-1252' | 'ascii', 'latin1', ..."), not the first row the chunk holds."""
    for k, piece in enumerate(group):
        if piece.heading or not piece.starts_paragraph:
            continue
        if piece.header and piece.header not in {p.text for p in group[:k]}:
            return [*group[:k], _Piece(piece.header, True, piece.section, piece.path, piece.page, False), *group[k:]]
        if " | " not in piece.text:
            continue
        break  # the chunk's first row of a table is its header, or follows it
    return group


def chunk_text(text: str, source: str, size: int = 140, overlap: int = 30) -> list[Chunk]:
    """Chunks of plain text (one block)."""
    return chunk_blocks([Block(text)], source, size, overlap)
