"""File formats: one module per format, each with ``parse(data: bytes) -> Document``.

``FORMATS`` maps a file-name ending to the module that reads it and is the only
list of supported types: the pipeline, the CLI's error messages and the chat
window's upload filter all read it. Adding a format means one new module here
plus one line in ``FORMATS`` (and its test). Modules are imported on first use,
so a format's heavy library (pypdf, python-docx) loads only when a file needs it.
"""

from __future__ import annotations

import importlib

from ..document import Document, Unreadable

#: file-name ending (lowercase) -> module in this package. Longer endings win (".rst.txt" before ".txt").
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}


def format_of(name: str) -> str | None:
    """The format module for a file name, or None when the type is not supported."""
    lower = name.lower()
    for ending in sorted(FORMATS, key=len, reverse=True):
        if lower.endswith(ending):
            return FORMATS[ending]
    return None


def supported_endings() -> list[str]:
    return sorted(FORMATS)


def parse(data: bytes, name: str) -> Document:
    """Read a file's bytes by its name's ending; ``Unreadable`` (with a reason) when that fails."""
    module = format_of(name)
    if module is None:
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else "(none)"
        raise Unreadable(f"unsupported type {suffix}")
    if not data:
        raise Unreadable("empty file")
    return importlib.import_module(f"{__name__}.{module}").parse(data)


__all__ = ["FORMATS", "Document", "Unreadable", "format_of", "parse", "supported_endings"]
