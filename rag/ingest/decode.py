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


#: WHATWG Encoding: pages labelled Latin-1 or ASCII are read as windows-1252 by every browser.
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252", "ascii": "cp1252",
                   "us-ascii": "cp1252", "iso8859-1": "cp1252", "iso_8859-1": "cp1252", "x-sjis": "shift_jis"}


def codec_for(label: str) -> str:
    """The Python codec for a declared charset label ("" when the label names none, or UTF-16 without a BOM)."""
    label = label.strip().strip("\"'").lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ""
    return "" if name.startswith("utf-16") or name.startswith("utf-32") else name


def decode(data: bytes, declared: str = "") -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, the encoding the file declares, cp1252, or UTF-8 with stray
    cp1252 bytes.

    ``declared`` is the charset the file names (an HTML ``<meta charset>``): it is used when the bytes are not UTF-8
    (a page saved in KOI8-R or Shift_JIS; valid UTF-8 is kept as UTF-8 whatever the label says, since a mislabelled
    UTF-8 page is far more common than Latin-1 text that happens to be valid UTF-8). Mixed files are common (a UTF-8
    file edited once on Windows): every valid UTF-8 sequence is read as UTF-8 and only the invalid bytes as cp1252,
    so "café" and "naïve" both survive. Content that decodes to mostly unprintable characters is refused as binary.
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
    codec = codec_for(declared) if declared else ""
    if codec and codec != "utf-8":
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass  # the label is wrong too: read it as mixed UTF-8 / cp1252
    text = data.decode("utf-8-sig", errors="rag-cp1252")
    head = text[:20000]
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in head)
    if printable < 0.95 * len(head):
        raise Unreadable("bad encoding (not UTF-8 or cp1252; looks binary)")
    return text
