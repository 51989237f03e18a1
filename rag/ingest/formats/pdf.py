"""PDF (.pdf): the text layer of every page (no OCR), as paragraphs that know their page.

What a PDF states and how it is read:

* text, page by page (pypdf); every block carries its 1-based ``page``;
* paragraphs: a page's lines are grouped where the layout shows a break: a
  blank line, a vertical gap wider than the page's line spacing, a change of
  font size, a move up the page (a new column), a bullet, or a short line that
  ends a sentence. Lines of a paragraph are rejoined, and a word hyphenated
  across a line end ("infor-" / "mation") is made whole again; a footnote
  mark (one to three digits, small and raised, after a word) is left out;
* running headers and footers ("ACME Handbook — Confidential", "Page 3 of
  10", "- 3 -"): a line that, with its digits read as '#', sits in the first
  or last two lines of at least half of the pages (and at least 3) is page
  chrome and is dropped (listed in ``Document.removed``);
* tables of contents and indexes: a line of dot leaders ending in a page
  number ("Vectors . . . . . 8", "7.1 The read.table() function ..... 33")
  is navigation, not text, and is dropped, with an index's letter groups
  ("Q", "R") on the pages where such lines are most lines; the headings
  they list are kept from the outline;
* code: lines set wholly in a monospaced font (Courier, a "Mono" face, TeX's
  cmtt) are a code block of their own, line breaks kept, unless the prose
  runs on through them mid-sentence ("When after ``> b <- A %*% x`` only A
  and b are given, ..."): then they stay in its paragraph; one such short
  line before its description is a term ("--vanilla" / "Combine ..."), a
  heading one level below its section, as an option list prints it;
* headings: the PDF's outline (bookmarks) names them with their depth and
  page; the printed line is marked as a heading there. A PDF without an
  outline has paragraphs only (font size alone is not a reliable level);
* title and author: the document information, unless it is a placeholder
  ("untitled", "Microsoft Word - report.doc"); without a title there, the
  line set in the largest type on the first page ("An Introduction to R").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..document import Block, Document, Unreadable
from . import stated_author, stated_title

#: Bullets and enumerators that start a new list item (a paragraph of its own).
_ITEM_START = re.compile(r"^(?:[•●▪◦‣∙·○■□►]|[-*–—]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s|\([ivx]{1,4}\)\s)")
_TERMINAL = tuple('.!?:;"”’)')


@dataclass
class _Line:
    text: str
    x: float | None = None  # geometry of the line's first text run, when pypdf reported it
    y: float | None = None
    size: float | None = None
    heading: int = 0  # outline depth when this line is a heading
    mono: bool | None = None  # every text run of the line is in a monospaced font (None: not reported)


def parse(data: bytes) -> Document:
    if not data.strip():
        raise Unreadable("empty file" if not data else "empty file (whitespace only)")
    reader = _open(data)
    pages = _read_pages(reader)
    if not any(line.text.strip() for page in pages for line in page):
        raise Unreadable("PDF has no text layer (scanned image?)")
    title_line = _largest_line(pages[0]) if pages else ""
    removed = _drop_chrome(pages) + _drop_leaders(pages)
    outline = _outline(reader, len(pages))
    blocks: list[Block] = []
    full_text = "\n".join(line.text for page in pages for line in page)
    for number, lines in enumerate(pages, 1):
        lines = _mark_headings(lines, outline.get(number, []))
        page_blocks = _page_blocks(lines, number, full_text)
        if page_blocks and blocks and _continues(blocks[-1], page_blocks[0]):
            # a paragraph broken by the page break: one block, on the page it starts on
            blocks[-1] = Block(_join_lines([blocks[-1].text, page_blocks[0].text], full_text), "para", 0, blocks[-1].page)
            page_blocks = page_blocks[1:]
        blocks.extend(page_blocks)
    blocks = _code_in_context(blocks, full_text)
    title, author = _info(reader)
    return Document(blocks, kind="pdf", title=title or stated_title(title_line), author=author, removed=removed)


# -- reading ----------------------------------------------------------------------------

def _open(data: bytes):
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
            except Unreadable:
                raise
            except Exception as exc:  # pypdf raises several types here
                raise Unreadable("encrypted PDF (password required)") from exc
        len(reader.pages)  # a broken page tree fails here, not later
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError, RecursionError) as exc:
        raise Unreadable(f"damaged PDF ({type(exc).__name__})") from None
    return reader


def _read_pages(reader) -> list[list[_Line]]:
    """Each page's lines with the position and size of their first text run."""
    pages: list[list[_Line]] = []
    failures: list[str] = []
    for page in reader.pages:
        frags: list[tuple[str, list[float], list[float], float, bool]] = []  # text, cm, tm, size, monospaced

        def visit(text, cm, tm, font, size, frags=frags):
            frags.append((text, cm, tm, size, _is_mono(font)))

        try:
            text = page.extract_text(visitor_text=visit) or ""
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types on a damaged page; one page must not sink the file
            failures.append(type(exc).__name__)
            pages.append([])
            continue
        if "".join(f[0] for f in frags) == text:
            pages.append(_lines_with_geometry(frags))
        else:  # pypdf's output differs from what it reported: use the text alone
            pages.append([_Line(t) for t in text.split("\n")])
    if failures and len(failures) == len(pages):
        raise Unreadable(f"damaged PDF ({failures[0]})")
    return pages


def _lines_with_geometry(frags) -> list[_Line]:
    """Lines of the page text, each with the x of its first text run and the y and size of its longest one."""
    lines: list[_Line] = [_Line("")]
    longest = [0]
    last: tuple[float, float, float] | None = None  # placement of the line's previous text run
    for text, cm, tm, size, mono in frags:
        here = _placement(cm, tm, size)
        for k, part in enumerate(text.split("\n")):
            if k:
                lines.append(_Line(""))
                longest.append(0)
                last = None
            line = lines[-1]
            if _is_marker(part, line.text, here, last):
                continue  # a footnote mark set small and raised after a word ("... computed by something like²")
            if part.strip() and here is not None:
                last = here
            line.text += part
            n = len(part.strip())
            if n:
                line.mono = mono if line.mono is None else line.mono and mono
            if not n or here is None or (line.x is not None and n <= longest[-1]):
                continue
            if line.x is None:
                line.x = here[0]
            longest[-1] = n
            line.y, line.size = here[1], here[2] or None
    return lines


def _placement(cm, tm, size) -> tuple[float, float, float] | None:
    """(x, baseline y, type size) of a text run on the page."""
    try:
        a, b, c, d, e, f = (float(v) for v in cm)
        ta, tb, tc, td, te, tf = (float(v) for v in tm)
        return te * a + tf * c + e, te * b + tf * d + f, abs(float(size)) * math.hypot(tc * a + td * c, tc * b + td * d)
    except (TypeError, ValueError):
        return None


def _is_marker(part: str, before: str, here: tuple[float, float, float] | None, last: tuple[float, float, float] | None) -> bool:
    """A footnote mark: one to three digits right after a word or its stop, in type under 0.8 of the run before and
    raised above its baseline (a subscript, as in H2O, sits lower and stays)."""
    if here is None or last is None or not re.fullmatch(r"\d{1,3}", part) or not re.search(r"[^\W\d_][.,;:)”’\"]?$", before):
        return False
    (_, y, size), (_, base, body) = here, last
    return 0 < size < 0.8 * body and y > base + 0.15 * body


_MONO_FONT = re.compile(r"mono|courier|typewriter|consol|menlo|inconsolata|fixedsys|(?:^|\+|/)(?:cm|lm|ec)tt|\btt\d", re.I)


def _is_mono(font) -> bool:
    """Is a text run's font monospaced, by its name ("/GSNRSV+CMTT10", "Courier", "DejaVuSansMono")?"""
    try:
        return bool(font) and bool(_MONO_FONT.search(str(font.get("/BaseFont", ""))))
    except Exception:  # noqa: BLE001 - a malformed font dictionary only costs the code mark
        return False


def _info(reader) -> tuple[str, str]:
    try:
        meta = reader.metadata
        return (stated_title(meta.title), stated_author(meta.author)) if meta else ("", "")
    except Exception:  # noqa: BLE001 - a broken info dictionary only costs the metadata
        return "", ""


# -- page chrome ------------------------------------------------------------------------

def _chrome_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def _drop_chrome(pages: list[list[_Line]]) -> list[str]:
    """Remove running headers and footers: lines repeated at the top or bottom of most pages.

    A line is chrome when its key (digits as '#', spaces collapsed) is in the
    first or last two lines of at least 3 pages and of at least half of the
    pages from its first such page to its last (so a chapter's running head
    counts within its chapter). A bare page number ("7", "- 7 -", "Page 7 of
    9", "vii") at a page's edge is dropped wherever it is.
    """
    edges: list[list[int]] = []
    seen: dict[str, list[int]] = {}
    for number, lines in enumerate(pages):
        filled = [i for i, line in enumerate(lines) if line.text.strip()]
        edge = sorted(set(filled[:2] + filled[-2:]))
        edges.append(edge)
        for key in {_chrome_key(lines[i].text) for i in edge}:
            seen.setdefault(key, []).append(number)
    chrome = {key for key, at in seen.items()
              if len(at) >= 3 and len(at) >= 0.5 * (at[-1] - at[0] + 1)}
    removed: dict[str, str] = {}  # one example line per chrome pattern
    for lines, edge in zip(pages, edges):
        for i in reversed(edge):
            key = _chrome_key(lines[i].text)
            if key in chrome or _PAGE_NUMBER.match(" ".join(lines[i].text.split())):
                removed.setdefault(key, " ".join(lines[i].text.split()))
                del lines[i]
    return list(removed.values())


#: A table-of-contents or index entry: words, then dot leaders, then a page number ("Vectors . . . . 8"); pypdf
#: may put two columns' entries on one line, hence the search and the share test in ``_drop_leaders``.
_LEADER_ENTRY = re.compile(r"\S[^.]*?(?:\s?\.){4,}\s*(?:\d{1,4}|[ivxlc]{1,6})\b")


def _drop_leaders(pages: list[list[_Line]]) -> list[str]:
    """Remove table-of-contents and index entries: lines that are mostly "text . . . . page" entries. On a page
    where such entries are most of the lines, the one- or two-character lines between them (an index's letter
    groups "Q", "R") go too."""
    removed: list[str] = []
    for lines in pages:
        filled = [line for line in lines if line.text.strip()]
        leaders = [line for line in filled
                   if sum(len(m.group(0)) for m in _LEADER_ENTRY.finditer(line.text)) >= 0.6 * len(line.text.strip())]
        if not leaders:
            continue
        drop = {id(line) for line in leaders}
        if len(leaders) >= 0.5 * len(filled):
            drop |= {id(line) for line in filled if len(line.text.strip()) <= 2}
        if not removed:
            removed.append(" ".join(leaders[0].text.split()))
        lines[:] = [line for line in lines if id(line) not in drop]
    return removed


def _largest_line(lines: list[_Line]) -> str:
    """The first page's line set in the largest type, when it is clearly larger than every other line: a title."""
    sized = [line for line in lines if line.size and line.text.strip()]
    if len(sized) < 2:
        return ""
    sizes = sorted({round(line.size, 1) for line in sized}, reverse=True)
    if len(sizes) < 2 or sizes[0] < 1.15 * sizes[1]:  # a title stands out from every other line of the page
        return ""
    best = next(line for line in sized if round(line.size, 1) == sizes[0])
    text = " ".join(best.text.split())
    return text if re.search(r"[^\W\d_]", text) and len(text.split()) <= 15 else ""


_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|seite|pagina|página)\s*)?[-–—]?\s*(?:\d{1,4}|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))\s*[-–—]?"
    r"(?:\s*(?:of|/|von|de|sur)\s*\d{1,4})?$", re.I)


# -- headings from the outline ------------------------------------------------------------

def _outline(reader, n_pages: int) -> dict[int, list[tuple[str, int, float | None]]]:
    """Outline entries by 1-based page: (title, depth, top of the destination or None)."""
    out: dict[int, list[tuple[str, int, float | None]]] = {}

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            try:
                title = " ".join(str(item.title or "").split())
                index = reader.get_destination_page_number(item)
                top = item.get("/Top")
                top = float(top) if top is not None else None
            except Exception:  # noqa: BLE001 - a broken bookmark is skipped
                continue
            if title and index is not None and 0 <= index < n_pages:
                out.setdefault(index + 1, []).append((title, min(depth, 6), top))

    try:
        walk(reader.outline, 1)
    except Exception:  # noqa: BLE001 - a broken outline means no headings, not an unreadable file
        return {}
    return out


_NUMBERING = re.compile(r"^(?:(?:\d+|[ivxlc]+|[a-z])(?:\.\d+)*[.)]?|chapter \w+|section \w+|part \w+)\s+", re.I)


def _heading_key(text: str) -> str:
    text = " ".join(text.split()).lower()
    return re.sub(r"[\W_]+", "", _NUMBERING.sub("", text))


def _mark_headings(lines: list[_Line], entries: list[tuple[str, int, float | None]]) -> list[_Line]:
    """Mark the printed lines that outline entries point to; an entry not found on its page is inserted."""
    if not entries:
        return lines
    lines = [line for line in lines]
    start = 0
    for title, depth, top in entries:
        key = _heading_key(title)
        found = None
        if key:
            for i in range(start, len(lines)):
                if lines[i].heading or not lines[i].text.strip():
                    continue
                own = _heading_key(lines[i].text)
                if own == key:
                    found = i
                    break
                nxt = next((j for j in range(i + 1, min(i + 3, len(lines))) if lines[j].text.strip()), None)
                if nxt is not None and key.startswith(own) and own and _heading_key(lines[i].text + " " + lines[nxt].text) == key:
                    lines[i] = _Line(" ".join((lines[i].text + " " + lines[nxt].text).split()), lines[i].x, lines[i].y, lines[i].size)
                    del lines[nxt]
                    found = i
                    break
        if found is not None:
            line = lines[found]
            lines[found] = _Line(line.text, line.x, line.y, line.size, heading=depth)
            start = found + 1
            continue
        # Not printed as a line of its own (or worded differently): place it by its destination.
        at = start
        if top is not None:
            at = next((i for i in range(start, len(lines)) if lines[i].y is not None and lines[i].y <= top + 1), len(lines))
        lines.insert(at, _Line(title, heading=depth))
        start = at + 1
    return lines


# -- paragraphs ---------------------------------------------------------------------------

def _page_blocks(lines: list[_Line], page: int, full_text: str) -> list[Block]:
    blocks: list[Block] = []
    typical = _line_spacing(lines)
    widths = sorted(len(line.text.strip()) for line in lines if line.text.strip() and not line.heading)
    full_width = widths[int(len(widths) * 0.9)] if widths else 0
    left = min((line.x for line in lines if line.x is not None and line.text.strip()), default=None)
    current: list[_Line] = []

    def flush() -> None:
        if current:
            if current[0].mono:
                text = "\n".join(line.text.rstrip() for line in current).strip("\n")
                kind = "code"
            else:
                text, kind = _join_lines([line.text for line in current], full_text), "para"
            if text:
                blocks.append(Block(text, kind, 0, page))
            current.clear()

    prev: _Line | None = None
    for line in lines:
        text = line.text.strip()
        if not text:
            flush()
            prev = None
            continue
        if line.heading:
            flush()
            blocks.append(Block(" ".join(text.split()), "heading", line.heading, page))
            prev = None
            continue
        if prev is not None and (bool(prev.mono) != bool(line.mono) or (not line.mono and _breaks(prev, line, typical, full_width, left))):
            flush()
        current.append(line)
        prev = line
    flush()
    return blocks


#: A command typed at a prompt ("> help(x)", "$ make") is an example, not a term
_PROMPT = re.compile(r"\s*(?:>>>|[>$%#])\s")


def _code_in_context(blocks: list[Block], full_text: str) -> list[Block]:
    """What a monospaced block is, by the prose around it:

    * the sentence before runs on into it (no final stop: "To see the code use" / "When after"): it is part of that
      sentence, and so is the paragraph after when it goes on in lower case ("only A and b are given, ...");
    * one short line between a finished paragraph (or a heading) and its description ("--vanilla" / "Combine
      --no-save, ..."): a term, as an option list prints it, so a heading one level below the section's; not a
      command at a prompt ("> help(x)"), which is an example;
    * otherwise a code block."""
    out: list[Block] = []
    section = 0  # depth of the last outline heading
    i = 0
    while i < len(blocks):
        block = blocks[i]
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        before = out[-1] if out else None
        if block.kind == "heading":
            section = block.level
        elif block.kind == "code" and before is not None and before.kind == "para" and not before.text.rstrip().endswith(_TERMINAL):
            parts = [before.text, " ".join(block.text.split())]
            if after is not None and after.kind == "para" and after.text[:1].islower():
                parts.append(after.text)
                i += 1
            out[-1] = Block(_join_lines(parts, full_text), "para", 0, before.page)
            i += 1
            continue
        elif (block.kind == "code" and "\n" not in block.text and len(block.text) <= 60 and not _PROMPT.match(block.text)
              and after is not None and after.kind == "para"
              and (before is None or before.kind == "heading" or before.text.rstrip().endswith((".", "!", "?", ")")))):
            block = Block(block.text.strip(), "heading", min(section + 1, 6), block.page)
        out.append(block)
        i += 1
    return out


def _continues(last: Block, first: Block) -> bool:
    return (last.kind == first.kind == "para" and first.page == last.page + 1
            and not last.text.rstrip().endswith(_TERMINAL) and first.text[:1].islower())


def _line_spacing(lines: list[_Line]) -> float | None:
    gaps = []
    for a, b in zip(lines, lines[1:]):
        if None in (a.y, b.y, a.size, b.size) or abs(a.size - b.size) > 0.1 * a.size:
            continue
        gap = a.y - b.y
        if 0.8 * a.size <= gap <= 3 * a.size:
            gaps.append(gap)
    if not gaps:
        return None
    gaps.sort()
    return gaps[int(len(gaps) * 0.3)]


def _breaks(prev: _Line, line: _Line, typical: float | None, full_width: int, left: float | None) -> bool:
    """Whether ``line`` starts a new paragraph after ``prev``."""
    text, before = line.text.strip(), prev.text.strip()
    if _ITEM_START.match(text):
        return True
    if None not in (prev.y, line.y):
        gap = prev.y - line.y
        size = line.size or prev.size or 10.0
        if gap < -size:  # moved up the page: a new column or a float
            return True
        if typical and gap > typical * 1.3 + 0.5:
            return True
        if typical is None and gap > 1.9 * size:
            return True
        if prev.size and line.size and abs(prev.size - line.size) > 0.12 * max(prev.size, line.size):
            return True
        if (left is not None and line.x is not None and prev.x is not None and before.endswith(_TERMINAL)
                and line.x - left > 0.8 * size and abs(prev.x - left) < 0.5 * size):
            return True  # a first-line indent after a finished sentence
    ended = before.endswith(_TERMINAL)
    if ended and full_width and len(before) < 0.7 * full_width and text[:1].isupper():
        return True
    return False


def _join_lines(lines: list[str], full_text: str) -> str:
    out = ""
    for raw in lines:
        text = " ".join(raw.replace("\u00ad\n", "").split())
        if not text:
            continue
        if not out:
            out = text
            continue
        m = re.search(r"(\w+)[-\u00ad]$", out)
        if m and text[:1].islower() and m.group(1)[-1:].isalpha():
            first = re.match(r"[\w]+", text)
            tail = first.group(0) if first else ""
            compound = f"{m.group(1)}-{tail}"
            keep_hyphen = out.endswith("-") and tail and re.search(
                rf"(?<![\w-]){re.escape(compound)}(?![\w])", full_text) is not None
            out = out[:-1] + ("-" if keep_hyphen else "") + text
        else:
            out = out + " " + text
    return out.replace("\u00ad", "")
