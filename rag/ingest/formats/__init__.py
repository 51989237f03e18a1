"""File formats: one module per format, each with ``parse(data: bytes) -> Document``.

``FORMATS`` maps a file-name ending to the module that reads it and is the only
list of supported types: the pipeline, the CLI's error messages and the chat
window's upload filter all read it. Adding a format means one new module here
plus one line in ``FORMATS`` (and its test). Modules are imported on first use,
so a format's heavy library (pypdf, python-docx) loads only when a file needs it.
"""

from __future__ import annotations

import importlib
import re

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
    ".docx": "docx",
    ".rst": "rst",
    ".rst.txt": "rst",
}


#: Titles and authors that document software writes when the person did not ("Microsoft Word - x.doc", "untitled").
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:untitled.*|microsoft (?:word|powerpoint|excel) - .*|(?:word )?document ?\d*|powerpoint presentation|"
    r"presentation ?\d*|slide \d+|title|no title|.*\.(?:docx?|pdf|tex|dvi|rtf|odt|indd|qxd|pptx?|xlsx?|txt|html?))$",
    re.I,
)
_PLACEHOLDER_AUTHOR = re.compile(
    r"^(?:python-docx|unknown|administrator|admin|user|owner|author|default|windows user|microsoft office user|"
    r"[\W\d_]*)$", re.I)


def stated_title(text: str) -> str:
    """A title from a file's metadata, or '' when it is a placeholder or has no letters."""
    text = " ".join(str(text or "").split())
    return "" if _PLACEHOLDER_TITLE.match(text) or not re.search(r"[^\W\d_]", text) else text


def stated_author(text: str) -> str:
    """An author from a file's metadata, or '' when it is a placeholder ("Administrator", "python-docx")."""
    text = " ".join(str(text or "").split())
    return "" if _PLACEHOLDER_AUTHOR.match(text) else text


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


__all__ = ["FORMATS", "Document", "Unreadable", "format_of", "parse", "stated_author", "stated_title", "supported_endings"]
