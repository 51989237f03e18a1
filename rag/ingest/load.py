"""Read a file into a ``Document`` by its format (the registry in ``formats/``).

Every failure becomes ``Unreadable`` with a short human reason, so the
pipeline can skip the file and name why, instead of crashing the run.
"""

from __future__ import annotations

from pathlib import Path

from .document import Document, Unreadable
from .formats import FORMATS, format_of, parse

#: Supported file-name endings (read from the format registry).
SUPPORTED = frozenset(FORMATS)


def check_size(path: Path, max_bytes: int | None) -> int:
    """The file's size; ``Unreadable`` when it is empty, missing or over the limit (checked before reading)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Unreadable(f"cannot stat: {exc.strerror}") from None
    if size == 0:
        raise Unreadable("empty file")
    if max_bytes is not None and size > max_bytes:
        raise Unreadable(f"too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:g} MB limit, setting max_file_mb)")
    return size


def load_document(path: Path, max_bytes: int | None = None) -> Document:
    if format_of(path.name) is None:
        raise Unreadable(f"unsupported type {path.suffix.lower() or '(none)'}")
    check_size(path, max_bytes)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror}") from None
    return parse(data, path.name)


def parse_bytes(data: bytes, suffix: str) -> tuple[str, str]:
    """(text, kind) of a file's bytes, by suffix or file name: the document's blocks joined by blank lines."""
    doc = parse(data, suffix if suffix.startswith(".") or "." in suffix else "." + suffix)
    return doc.text, doc.kind


def load_text(path: Path, max_bytes: int | None = None) -> tuple[str, str]:
    doc = load_document(path, max_bytes)
    return doc.text, doc.kind


__all__ = ["SUPPORTED", "Unreadable", "check_size", "format_of", "load_document", "load_text", "parse", "parse_bytes"]
