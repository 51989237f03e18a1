"""Turn scraped or exported text into clean prose plus document metadata.

Scraped news pages carry junk that must never be indexed or cited: HTML/SVG
markup and path data, newsletter widgets, markdown link residue, banner lines,
repeated headlines and pull quotes, teasers of unrelated articles cut off
mid-sentence, and paragraphs broken in the middle of a sentence by page
layout. The rules below are structural (what a line looks like), not tied to
one site, so they apply to a user's own folder too. Metadata (title, author,
date, publisher) is read from what the text states: front matter, a
``# heading``, a "By ..." line, a dateline, a copyright or "originally
published in" line, or a source URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..facts import MONTHS
from .document import Block, Document


_MONTH_RE = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
DATE_PATTERNS = [
    (re.compile(rf"\b({_MONTH_RE})\.? (\d{{1,2}}),? (\d{{4}})\b", re.I), ("m", "d", "y")),
    (re.compile(rf"\b(\d{{1,2}}) ({_MONTH_RE})\.?,? (\d{{4}})\b", re.I), ("d", "m", "y")),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), ("d", "m", "y")),
]

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_INLINE_FORMAT_TAG = re.compile(r"</?(?:b|i|em|strong|a|span|br|sup|sub|u|small|mark|font)(?:\s[^<>]*)?/?>", re.I)
_MARKUP_LINE = re.compile(r"^\s*(?:<(?!https?:)[^<>]*>\s*)+$|^\s*<[a-zA-Z!/][^>]*$|^[^<]*>\s*$")
_BLOCK_TAGS = re.compile(r"<(svg|script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
_BOILERPLATE = re.compile(
    r"^(?:subscribe\b|sign up\b|join us\b|related (?:article|story|stories|reading)\b|read more\b|read also\b|"
    r"share (?:this|on)\b|follow us\b|advertisement\b|original url\b|click here\b|newsletter\b|"
    r"you may also like\b|recommended\b|most read\b|this article is adapted from\b|\(?photo:)",
    re.I,
)
_TERMINAL = tuple('.!?:;"”’)…')
_FOOTNOTE_MARKS = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+")


@dataclass
class CleanDocument:
    text: str
    title: str = ""
    author: str = ""
    date: str = ""
    publisher: str = ""
    removed: list[str] = field(default_factory=list)  # junk lines, for debugging and tests


def parse_date(text: str) -> str:
    """First date stated in ``text`` as ISO ``YYYY-MM-DD``, or ''."""
    found: list[tuple[int, str]] = []
    for pattern, order in DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups()))
            month = parts["m"]
            month_num = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."), 0)
            try:
                value = date(int(parts["y"]), month_num, int(parts["d"])).isoformat()
            except ValueError:
                continue
            found.append((match.start(), value))
    return min(found)[1] if found else ""


def _strip_markdown(line: str) -> str:
    line = _MD_LINK.sub(lambda m: m.group(1), line)
    line = _AUTOLINK.sub(lambda m: m.group(1), line)
    line = _INLINE_FORMAT_TAG.sub("", line)
    line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
    line = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", line)
    line = line.replace("\\\\$", "$").replace("\\$", "$")
    line = _FOOTNOTE_MARKS.sub("", line)
    return line.rstrip()


def _is_all_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(line.split()) <= 12


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _looks_like_headline(line: str) -> bool:
    n = len(line.split())
    return (
        3 <= n <= 25
        and not _is_all_caps(line)
        and not line.rstrip().endswith((".", ",", ";"))
        and "©" not in line
        and not re.match(r"^(by|originally|no\.|\(|,|photo)\b", line.strip(), re.I)
        and "http" not in line
        and parse_date(line) == ""
    )


def _looks_like_person(line: str) -> bool:
    tokens = line.split()
    return 2 <= len(tokens) <= 4 and all(t[:1].isupper() and t.replace("-", "").replace(".", "").replace("'", "").isalpha() for t in tokens) and not _is_all_caps(line)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = re.match(r"\A---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end():]


def clean_document(doc: Document) -> Document:
    """A parsed document made ready for chunking.

    A document without stated structure (plain text, or any format read as one
    block) goes through the line rules below, written for scraped pages saved as
    text. A structured one (headings, paragraphs, code from HTML, PDF, docx,
    Markdown, reST) was freed of page chrome by its format parser: it keeps
    every block, with whitespace normalised, and metadata from the format.
    """
    if doc.kind == "text" or (len(doc.blocks) == 1 and doc.blocks[0].kind == "para"):
        cleaned = clean(doc.text, doc.kind)
        meta = Metadata(doc.title or cleaned.title, doc.author or cleaned.author, doc.date or cleaned.date,
                        doc.publisher or cleaned.publisher)
        return Document([Block(cleaned.text)], kind=doc.kind, title=meta.title, author=meta.author, date=meta.date,
                        publisher=meta.publisher, removed=cleaned.removed)
    blocks = []
    for b in doc.blocks:
        text = b.text.strip("\n") if b.kind == "code" else " ".join(b.text.split())
        if text.strip():
            blocks.append(Block(text, b.kind, b.level, b.page))
    title = doc.title or next((b.text for b in blocks if b.kind == "heading"), "")
    date_ = parse_date(doc.date) or doc.date if doc.date else ""
    return Document(blocks, kind=doc.kind, title=title, author=doc.author, date=date_, publisher=doc.publisher)


def clean(raw: str, kind: str = "text") -> CleanDocument:
    """Clean ``raw`` text and extract its metadata: normalise, read metadata, drop boilerplate, rebuild paragraphs."""
    meta, lines, removed = _normalise(raw)
    found, consumed = extract_metadata(lines, meta)
    body = remove_boilerplate(lines, consumed, removed)
    paragraphs = _paragraphs(body)
    paragraphs = _drop_duplicates(paragraphs, found.title, removed)
    paragraphs = _drop_truncated(paragraphs, removed)
    if found.title and not (paragraphs and _norm(paragraphs[0]) == _norm(found.title)):
        paragraphs.insert(0, found.title)
    date_ = found.date
    if date_ and not re.match(r"^\d{4}-\d{2}-\d{2}$", date_):
        date_ = parse_date(date_) or date_
    return CleanDocument("\n\n".join(paragraphs), title=found.title, author=found.author, date=date_,
                         publisher=found.publisher, removed=removed)


def _normalise(raw: str) -> tuple[dict[str, str], list[str], list[str]]:
    """(front matter, lines without markup residue, removed lines)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").replace("\u00a0", " ")
    meta, text = _front_matter(text)
    text = _BLOCK_TAGS.sub("\n", text)
    removed: list[str] = []
    lines: list[str] = []
    for line in text.split("\n"):
        if line.strip() and _MARKUP_LINE.match(line):
            removed.append(line.strip()[:80])
            continue
        lines.append(_strip_markdown(line))
    return meta, lines, removed


@dataclass
class Metadata:
    title: str = ""
    author: str = ""
    date: str = ""
    publisher: str = ""


def extract_metadata(lines: list[str], meta: dict[str, str]) -> tuple[Metadata, set[int]]:
    """Title, author, date and publisher from front matter and what the text states.

    Returns the metadata and the indexes of the lines that only carried it (bylines,
    datelines, source URLs, trailers), which are not body text. The title line
    loses its ``#`` marker in ``lines``.
    """
    title, author, date_, publisher = meta.get("title", ""), meta.get("author", ""), meta.get("date", ""), meta.get("publisher", "")
    consumed: set[int] = set()
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    top = nonempty[:15]

    # Title: a markdown heading, else the first headline-like line near the top.
    title_index = None
    for i in top:
        if lines[i].lstrip().startswith("#"):
            title_index = i
            break
    if title_index is None:
        title_index = next((i for i in top if _looks_like_headline(lines[i])), None)
    if title_index is not None:
        found_title = lines[title_index].lstrip("# ").strip()
        title = title or found_title
        lines[title_index] = found_title
    title_norm = _norm(title)
    for i in top:
        line = lines[i].strip()
        if i == title_index:
            continue
        by = re.match(r"^by\s+(.+)$", line, re.I)
        if by and len(by.group(1).split()) <= 8:
            author = author or by.group(1).strip()
            consumed.add(i)
            continue
        dateline = re.match(r"^[,\s]*(.*?\d{4}.*?)\s+[-–—]\s+([A-Z][\w.'-]+(?:\s[A-Z][\w.'-]+){1,3}),\s*(.+)$", line)
        if dateline and parse_date(dateline.group(1)):
            date_ = date_ or parse_date(dateline.group(1))
            author = author or dateline.group(2)
            publisher = publisher or dateline.group(3).strip()
            consumed.add(i)
            continue
        published = re.match(r"^originally published (?:in|by|on)\s+(?:the\s+)?(.+?)\.?$", line, re.I)
        if published:
            publisher = publisher or published.group(1)
            consumed.add(i)
            continue
        copyright_ = re.search(r"©\s*([\w .&-]+)$", line)
        if copyright_:
            publisher = publisher or copyright_.group(1).strip()
            date_ = date_ or parse_date(line)
            consumed.add(i)
            continue
        if parse_date(line) and len(line.split()) <= 6:
            date_ = date_ or parse_date(line)
            consumed.add(i)
            continue
        if title_index is not None and i > title_index and not author and _looks_like_person(line):
            author = line
            consumed.add(i)

    # Later lines: trailers that repeat the title followed by "PublisherAuthor", source URLs, disclaimers.
    for i, line in enumerate(lines):
        stripped = line.strip()
        if title_norm and _norm(stripped).startswith(title_norm) and i != title_index:
            rest = stripped[len(title):].strip() if stripped.startswith(title) else ""
            parts = [p.strip() for p in re.split(r"(?<=[a-z])(?=[A-Z])", rest) if p.strip()]
            if len(parts) == 2:
                publisher = publisher or parts[0]
                author = author or parts[1]
            consumed.add(i)
        url = re.match(r"^(?:original url:?\s*)?(https?://(?:www\.)?([^/\s]+)\S*)$", stripped, re.I)
        if url:
            publisher = publisher or url.group(2)
            consumed.add(i)
        position = re.search(r"reflect the (?:position|views|opinion) of ((?:[Tt]he )?[A-Z][\w ]+?)\.?$", stripped)
        if position:
            publisher = publisher or position.group(1)[0].upper() + position.group(1)[1:]
            consumed.add(i)
    return Metadata(title, author, date_, publisher), consumed


def remove_boilerplate(lines: list[str], consumed: set[int], removed: list[str]) -> list[str]:
    """Body lines without metadata lines, newsletter widgets, banners and symbol-only lines ('' = paragraph break)."""
    body: list[str] = []
    skip_widget = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if i in consumed:
            removed.append(stripped[:80])
            continue
        if not stripped:
            skip_widget = False
            body.append("")
            continue
        if _BOILERPLATE.match(stripped) or (skip_widget and len(stripped.split()) <= 4 and not stripped.endswith(_TERMINAL)):
            skip_widget = skip_widget or bool(re.match(r"^(subscribe|sign up|newsletter|join)", stripped, re.I))
            removed.append(stripped[:80])
            continue
        if _is_all_caps(stripped) or re.fullmatch(r"[\W\d_]+", stripped):
            removed.append(stripped[:80])
            continue
        body.append(stripped)
    return body


def _paragraphs(lines: list[str]) -> list[str]:
    """Group lines into paragraphs and re-join sentences broken across paragraphs."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines + [""]:
        if line:
            current.append(line)
            continue
        if current:
            paragraphs.append(" ".join(current) if all(len(x.split()) > 3 for x in current) else "\n".join(current))
            current = []
    # A sentence broken by a page or column break continues in a later paragraph that
    # starts in lowercase; footnotes or captions may sit in between (look two ahead).
    joined: list[str] = []
    pending = list(paragraphs)
    while pending:
        para = pending.pop(0)
        while not para.rstrip().endswith(_TERMINAL) and len(para.split()) > 6:
            k = next((k for k in range(min(2, len(pending))) if pending[k][:1].islower()), None)
            if k is None:
                break
            para = para.rstrip() + " " + pending.pop(k)
        joined.append(para)
    return joined


def _drop_duplicates(paragraphs: list[str], title: str, removed: list[str]) -> list[str]:
    """Keep the first copy of repeated lines and drop pull quotes contained in longer paragraphs."""
    norms = [_norm(p) for p in paragraphs]
    seen: set[str] = set()
    title_norm = _norm(title)
    out = []
    for para, norm in zip(paragraphs, norms):
        if not norm:
            continue
        if norm in seen or (title_norm and norm == title_norm and title_norm in seen):
            removed.append(para[:80])
            continue
        if len(norm) < 600 and any(norm != other and norm in other for other in norms):
            removed.append(para[:80])
            continue
        seen.add(norm)
        out.append(para)
    return out


def _drop_truncated(paragraphs: list[str], removed: list[str]) -> list[str]:
    """Drop teasers cut off mid-sentence (and the headline line just before them)."""
    out: list[str] = []
    for para in paragraphs:
        if len(para.split()) > 20 and not para.rstrip().endswith(_TERMINAL) and "\n" not in para:
            removed.append(para[:80])
            if out and _looks_like_headline(out[-1]) and len(out) > 1:
                removed.append(out.pop()[:80])
            continue
        out.append(para)
    return out
