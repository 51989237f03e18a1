"""PDF (.pdf): the text layer of every page (no OCR)."""

from __future__ import annotations

from ..document import Block, Document, Unreadable


def parse(data: bytes) -> Document:
    return Document([Block(_load_pdf(data))], kind="pdf")


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
