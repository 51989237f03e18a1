"""The form every file format is read into: a document as a list of typed blocks.

A format parser (``rag/ingest/formats/<name>.py``) turns a file's bytes into a
``Document``; cleaning and chunking work on blocks from then on, so structure
that the file states (headings and their depth, definition terms, code, page
numbers) is not flattened away before the chunker can use it.

* ``heading`` blocks carry a depth (1 = document title or top-level section,
  up to 6); a definition term such as Sphinx's "exception KeyError" or a
  DocBook ``<dt>`` is a heading one level below its section, so the sentence
  under it can be attributed to it.
* ``page`` is the 1-based page a block starts on (PDF), 0 where a format has
  no pages.

Plain text has no stated structure: it arrives as one ``para`` block and the
line rules in ``clean.py`` split it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BLOCK_KINDS = ("para", "heading", "code")


@dataclass(frozen=True)
class Block:
    text: str
    kind: str = "para"  # para | heading | code
    level: int = 0  # heading depth 1..6 (0 for other blocks)
    page: int = 0  # 1-based page number, 0 when the format has no pages


@dataclass
class Document:
    blocks: list[Block]
    kind: str = "text"  # the format family: text, markdown, rst, html, pdf, docx
    title: str = ""  # what the format's own metadata says (<title>, PDF info, docx core properties)
    author: str = ""
    date: str = ""
    publisher: str = ""
    removed: list[str] = field(default_factory=list)  # what cleaning dropped (for tests and the coverage warning)

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks if b.text)

    def words(self) -> int:
        return sum(len(b.text.split()) for b in self.blocks)


class Unreadable(Exception):
    """The file cannot be turned into text; ``str()`` is the reason (shown in the ingest summary)."""
