"""Bytes to text for every text-based format: UTF-8, UTF-16 with a BOM, cp1252, or mixed.

Every failure is ``Unreadable`` with a short reason the ingest summary can show.
"""

from __future__ import annotations

import codecs

from .document import Unreadable


def _cp1252_bytes(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode handler: a byte that is not valid UTF-8 is read as cp1252 (mixed-encoding files)."""
    return err.object[err.start:err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("rag-cp1252", _cp1252_bytes)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, cp1252, or UTF-8 with stray cp1252 bytes.

    Mixed files are common (a UTF-8 file edited once on Windows): every valid
    UTF-8 sequence is read as UTF-8 and only the invalid bytes as cp1252, so
    "café" and "naïve" both survive. Content that decodes to mostly
    unprintable characters is refused as binary.
    """
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unreadable("bad encoding (UTF-16 byte-order mark but invalid UTF-16)") from None
    if b"\x00" in sample:
        raise Unreadable("binary content (NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", errors="rag-cp1252")
    head = text[:20000]
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in head)
    if printable < 0.95 * len(head):
        raise Unreadable("bad encoding (not UTF-8 or cp1252; looks binary)")
    return text
