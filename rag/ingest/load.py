"""Read a file into text by its format (.txt, .md, .html/.htm, .pdf).

Every failure becomes ``Unreadable`` with a short human reason, so the
pipeline can skip the file and name why, instead of crashing the run.
"""

from __future__ import annotations

import codecs
from pathlib import Path

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}


class Unreadable(Exception):
    """The file cannot be turned into text; ``str()`` is the reason."""


def load_text(path: Path, max_bytes: int | None = None) -> tuple[str, str]:
    """Return (text, kind) where kind is 'text', 'markdown', 'html' or 'pdf'."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise Unreadable(f"unsupported type {suffix or '(none)'}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Unreadable(f"cannot stat: {exc.strerror}") from None
    if size == 0:
        raise Unreadable("empty file")
    if max_bytes is not None and size > max_bytes:
        raise Unreadable(f"too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit, setting max_file_mb)")
    return parse_bytes(_read_bytes(path), suffix)


def parse_bytes(data: bytes, suffix: str) -> tuple[str, str]:
    """Text of a file's bytes, by suffix (the pipeline hashes and parses the same bytes)."""
    suffix = suffix.lower()
    if not data:
        raise Unreadable("empty file")
    if suffix == ".pdf":
        return _load_pdf(data), "pdf"
    text = _decode(data)
    if not text.strip():
        raise Unreadable("empty file (whitespace only)")
    if suffix in {".html", ".htm"}:
        return html_to_text(text), "html"
    return text, "markdown" if suffix in {".md", ".markdown"} else "text"


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror}") from None


def _cp1252_bytes(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode handler: a byte that is not valid UTF-8 is read as cp1252 (mixed-encoding files)."""
    return err.object[err.start:err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("rag-cp1252", _cp1252_bytes)


def _decode(data: bytes) -> str:
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


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, without scripts, styles, SVG, nav, forms and footers."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["script", "style", "svg", "noscript", "nav", "footer", "form", "button", "iframe", "header", "aside", "template"]):
        tag.decompose()
    body = soup.body or soup
    blocks = []
    for el in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "dt", "dd", "td", "th", "figcaption"]):
        if el.find(["p", "li", "pre", "blockquote", "dt", "dd", "td"]):
            continue  # a container: its children are emitted themselves
        text = " ".join(el.get_text(" ", strip=True).split())
        if text:
            blocks.append(("# " + text) if el.name == "h1" else text)
    if not blocks:
        blocks = [" ".join(body.get_text(" ", strip=True).split())]
    if title and not any(b.lstrip("# ") == title for b in blocks[:3]):
        blocks.insert(0, "# " + title)
    return "\n\n".join(blocks)


def _load_pdf(data: bytes) -> str:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise Unreadable("encrypted PDF (password required)")
            except Exception as exc:  # pypdf raises several types here
                raise Unreadable("encrypted PDF (password required)") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise Unreadable(f"damaged PDF ({type(exc).__name__})") from None
    text = "\n\n".join(p for p in pages if p.strip())
    if not text.strip():
        raise Unreadable("PDF has no text layer (scanned image?)")
    return text
