"""Markdown (.md, .markdown): headings, paragraphs, list items and code as blocks.

* ATX headings (``#`` .. ``######``) and Setext headings (a paragraph
  underlined with ``===`` for level 1 or ``---`` for level 2) are heading
  blocks with their level.
* Fenced code (``` or ~~~) and indented code (four spaces) are code blocks,
  verbatim.
* Front matter (``---`` ... ``---`` at the very top, YAML-style ``key: value``
  lines) gives the document's title, author, date and publisher and is not
  part of the text. Without it, a level-1 heading that opens the document is
  the title.
* Everything else is grouped into para blocks at blank lines; each list item
  is a para of its own; a table is one para per row, cells joined by " | "
  (so is a raw HTML ``<table>``: raw HTML blocks are read by the HTML reader);
  block quotes are read as body. Inline markdown is removed from the words:
  [text](url) -> text, **bold**, *em*, `code` -> code, <b>tags</b>,
  &amp; entities; link reference definitions and HTML comments are dropped.
"""

from __future__ import annotations

import html
import re

from ..document import Block, Document, Unreadable
from .text import read_text

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_LIST_ITEM = re.compile(r"^( {0,3})([-+*]|\d{1,9}[.)])([ \t]+|$)")
_TASK = re.compile(r"^\[[ xX]\][ \t]+")
_BLOCKQUOTE = re.compile(r"^ {0,3}> ?")
_LINK_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*\S+(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*$")
_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]]+)\]:\s?(.*)$")
_TABLE_DELIM = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_BLOCK_START = re.compile(
    r"^ {0,3}<(?:/?(?:address|article|aside|blockquote|body|center|details|dialog|dd|div|dl|dt|fieldset|figcaption|"
    r"figure|footer|form|h[1-6]|head|header|hr|html|iframe|legend|li|main|menu|nav|ol|p|section|summary|table|tbody|"
    r"td|tfoot|th|thead|title|tr|ul|img|a|br|picture|source|span|sup|sub|b|i|em|strong|kbd|code)\b|script|style|pre)",
    re.I)
_META_KEYS = {"title": "title", "author": "author", "authors": "author", "date": "date", "published": "date",
              "publisher": "publisher", "source": "publisher", "site": "publisher"}


def parse(data: bytes) -> Document:
    text = read_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    meta, text = front_matter(text)
    blocks: list[Block] = []
    _Parser(blocks).body(text.split("\n"))
    blocks = [b for b in blocks if b.text.strip()]
    if not blocks:
        raise Unreadable("empty document (no text after the front matter)" if meta else "empty document (no text)")
    title = meta.get("title", "")
    if not title and blocks[0].kind == "heading" and blocks[0].level == 1:
        title = blocks[0].text
    return Document(blocks, kind="markdown", title=title, author=meta.get("author", ""),
                    date=meta.get("date", ""), publisher=meta.get("publisher", ""))


# -- front matter ----------------------------------------------------------------------

def front_matter(text: str) -> tuple[dict[str, str], str]:
    """(title/author/date/publisher, text without the front matter) for a ``---`` block at the very top."""
    match = re.match(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", text, re.S)
    if not match:
        return {}, text
    lines = (match.group(1) or "").split("\n")
    if not any(re.match(r"^[\w-]+\s*:", line) for line in lines):
        return {}, text  # a thematic break and a setext line, not YAML
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines):
        m = re.match(r"^([\w-]+)\s*:\s*(.*)$", lines[i])
        i += 1
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        items: list[str] = []
        if value in ("", "|", ">", "|-", ">-"):
            while i < len(lines) and (lines[i].startswith((" ", "\t")) or not lines[i].strip()):
                item = lines[i].strip()
                i += 1
                if not item:
                    continue
                item_match = re.match(r"^-\s*(?:name\s*:\s*)?(.*)$", item)
                if item_match and value == "":
                    items.append(_scalar(item_match.group(1)))
                elif value == "" and re.match(r"^name\s*:", item):
                    items.append(_scalar(item.split(":", 1)[1]))
                elif value != "":
                    items.append(item)
            value = " ".join(items) if value in ("|", ">", "|-", ">-") else ", ".join(x for x in items if x)
        elif value.startswith("[") and value.endswith("]"):
            value = ", ".join(_scalar(v) for v in value[1:-1].split(",") if v.strip())
        else:
            value = _scalar(value)
        field = _META_KEYS.get(key)
        if field and value and field not in meta:
            if field == "date":
                iso = re.match(r"^(\d{4}-\d{2}-\d{2})", value)
                value = iso.group(1) if iso else value
            if field == "publisher" and re.match(r"^https?://", value):
                host = re.match(r"^https?://(?:www\.)?([^/\s]+)", value)
                value = host.group(1) if host else value
            meta[field] = value
    return meta, text[match.end():]


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return re.sub(r"\s+#.*$", "", value)


# -- blocks ------------------------------------------------------------------------------

def _expand(line: str) -> str:
    return line.expandtabs(4) if "\t" in line else line


def _drop_columns(line: str, width: int) -> str:
    """``line`` without its first ``width`` columns of indentation (a tab reaches the next multiple of 4)."""
    column = k = 0
    while k < len(line) and column < width and line[k] in " \t":
        column = column + 1 if line[k] == " " else (column // 4 + 1) * 4
        k += 1
    return " " * (column - width) + line[k:] if column > width else line[k:]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Parser:
    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.raw: list[str] = []

    def para(self, text: str) -> None:
        text = strip_inline(text)
        if text:
            self.blocks.append(Block(text, "para"))

    def heading(self, text: str, level: int) -> None:
        text = strip_inline(text)
        if text:
            self.blocks.append(Block(text, "heading", level))

    def code(self, lines: list[str]) -> None:
        while lines and not lines[0].strip():
            lines = lines[1:]
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        if lines:
            self.blocks.append(Block("\n".join(lines), "code"))

    def body(self, raw_lines: list[str]) -> None:
        outer = self.raw
        self.raw = raw_lines  # code keeps its tabs; structure is read with tabs expanded
        try:
            self._body([_expand(line) for line in raw_lines])
        finally:
            self.raw = outer

    def _body(self, lines: list[str]) -> None:
        i, n = 0, len(lines)
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                self.para(" ".join(line.strip().removesuffix("\\") for line in paragraph))
                paragraph.clear()

        while i < n:
            line = lines[i]
            stripped = line.strip()
            if not stripped:
                flush()
                i += 1
                continue
            fence = _FENCE.match(line)
            if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
                flush()
                i = self.fenced(lines, i, fence)
                continue
            if paragraph and _SETEXT.match(line) and not _LIST_ITEM.match(paragraph[0]):
                level = 1 if stripped[0] == "=" else 2
                self.heading(" ".join(p.strip() for p in paragraph), level)
                paragraph.clear()
                i += 1
                continue
            atx = _ATX.match(line)
            if atx:
                flush()
                self.heading(atx.group(2) or "", len(atx.group(1)))
                i += 1
                continue
            if _THEMATIC.match(line):
                flush()
                i += 1
                continue
            if _indent(line) >= 4 and not paragraph:
                i = self.indented_code(lines, i)
                continue
            if _BLOCKQUOTE.match(line):
                flush()
                i = self.blockquote(lines, i)
                continue
            item = _LIST_ITEM.match(line)
            if item and (not paragraph or (item.group(3) and (not item.group(2)[0].isdigit() or item.group(2)[:-1] == "1"))):
                flush()
                i = self.list_item(lines, i, item)
                continue
            if (not paragraph and "|" in line and i + 1 < n and _TABLE_DELIM.match(lines[i + 1])
                    and len(_split_row(line)) == len(_split_row(lines[i + 1]))):
                i = self.table(lines, i)
                continue
            if not paragraph and _LINK_DEF.match(line):
                i += 1
                continue
            footnote = _FOOTNOTE_DEF.match(line)
            if footnote and not paragraph:
                j = i + 1
                body = [footnote.group(2)]
                while j < n and (not lines[j].strip() or _indent(lines[j]) >= 4):
                    if not lines[j].strip() and (j + 1 >= n or _indent(lines[j + 1]) < 4):
                        break
                    body.append(lines[j][4:])
                    j += 1
                self.body(body)
                i = j
                continue
            if line.lstrip().startswith("<!--") and _indent(line) < 4:
                flush()
                j = i
                while j < n and "-->" not in lines[j]:
                    j += 1
                rest = lines[j].split("-->", 1)[1] if j < n else ""
                i = j + 1
                if rest.strip():
                    paragraph.append(rest)
                continue
            if not paragraph and _HTML_BLOCK_START.match(line):
                i = self.html_block(lines, i)
                continue
            paragraph.append(line)
            i += 1
        flush()

    def fenced(self, lines: list[str], i: int, fence: re.Match) -> int:
        indent, marker = len(fence.group(1)), fence.group(2)
        close = re.compile(r"^ {0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            raw = self.raw[j]
            body.append(raw[min(indent, len(raw) - len(raw.lstrip(" "))):])
            j += 1
        self.code(body)
        return j + 1

    def indented_code(self, lines: list[str], i: int) -> int:
        j = i
        body: list[str] = []
        while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) >= 4):
            body.append(_drop_columns(self.raw[j], 4))
            j += 1
        self.code(body)
        return j

    def blockquote(self, lines: list[str], i: int) -> int:
        body: list[str] = []
        j = i
        while j < len(lines) and lines[j].strip():
            quote = _BLOCKQUOTE.match(lines[j])
            if quote:
                body.append(lines[j][quote.end():])
            elif body and body[-1].strip() and not _FENCE.match(lines[j]):
                body.append(lines[j])  # a lazy continuation line
            else:
                break
            j += 1
        self.body(body)
        return j

    def list_item(self, lines: list[str], i: int, item: re.Match) -> int:
        first = lines[i][item.end():]
        content = item.end() if first.strip() else len(item.group(1)) + len(item.group(2)) + 1
        if first.strip() and _indent(first) >= 4:  # code right after the marker: content starts one space in
            content = len(item.group(1)) + len(item.group(2)) + 1
            first = lines[i][content:]
        body = [_TASK.sub("", first)]
        j = i + 1
        while j < len(lines):
            line = lines[j]
            if not line.strip():
                nxt = next((k for k in range(j + 1, len(lines)) if lines[k].strip()), None)
                if nxt is None or _indent(lines[nxt]) < content:
                    break
                body.append("")
                j += 1
                continue
            if _indent(line) >= content:
                body.append(line[content:])
            elif body[-1].strip() and not (_LIST_ITEM.match(line) or _ATX.match(line) or _FENCE.match(line)
                                            or _THEMATIC.match(line) or _BLOCKQUOTE.match(line)):
                body.append(line.strip())  # a lazy continuation of the item's paragraph
            else:
                break
            j += 1
        self.body(body)
        return j

    def table(self, lines: list[str], i: int) -> int:
        j = i
        while j < len(lines) and lines[j].strip() and ("|" in lines[j] or j == i):
            if j != i + 1:  # the delimiter row
                cells = _split_row(lines[j])
                texts = [strip_inline(cell) for cell in cells]
                if any(texts):
                    self.blocks.append(Block(" | ".join(texts), "para"))
            j += 1
        return j

    def html_block(self, lines: list[str], i: int) -> int:
        j = i + 1
        while j < len(lines) and lines[j].strip() and not (_ATX.match(lines[j]) or _FENCE.match(lines[j])):
            j += 1
        raw = " ".join(line.strip() for line in lines[i:j])
        if re.match(r"^\s*<(script|style)\b", raw, re.I):
            return j
        if re.match(r"^\s*<pre\b", raw, re.I):
            self.code([html.unescape(re.sub(r"<[^>]+>", "", line)) for line in lines[i:j]])
            return j
        # any other raw HTML (a <table> of constants, a <dl>, <details>) is read as HTML is: a table keeps its rows
        # ("PRIORITY_LOW | The lowest ... priority."), not one run of every cell's words
        from . import html as html_format  # the HTML reader (lxml) only for a file that has raw HTML

        try:
            blocks = html_format.parse("\n".join(lines[i:j]).encode("utf-8")).blocks
        except Unreadable:
            blocks = []
        if blocks:
            self.blocks.extend(blocks)
        else:
            self.para(raw)
        return j


def _split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells, current, k = [], "", 0
    in_code = False
    while k < len(line):
        ch = line[k]
        if ch == "\\" and k + 1 < len(line) and line[k + 1] == "|":
            current += "|"
            k += 2
            continue
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append(current.strip())
            current = ""
        else:
            current += ch
        k += 1
    cells.append(current.strip())
    return cells


# -- inline markup -----------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)")
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\((?:<[^>]*>|(?:[^()\s]|\([^)]*\))*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_REF_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])+)\]\[[^\]]*\]")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[\w.+-]+@[\w-]+\.[\w.-]+)>")
_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s+[\w:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*\s*/?>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w\\])_(?=[^\s_])(.+?)(?<=[^\s_\\])_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")


def strip_inline(text: str) -> str:
    """The words of a line of Markdown, without inline markup."""
    spans: list[str] = []

    def keep(value: str) -> str:
        spans.append(value)
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE_SPAN.sub(lambda m: keep(m.group(2).strip() if m.group(2).strip() else m.group(2)), text)
    text = _AUTOLINK.sub(lambda m: keep(m.group(1).removeprefix("mailto:")), text)
    text = _IMAGE.sub(lambda m: m.group(1), text)
    for _ in range(2):  # a link inside an image link
        text = _LINK.sub(lambda m: m.group(1), text)
    for _ in range(2):
        text = _REF_LINK.sub(lambda m: m.group(1), text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _HTML_COMMENT.sub("", text)
    text = _TAG.sub("", text)
    for _ in range(2):  # ***both*** and nested emphasis
        text = _STRONG.sub(r"\2", text)
        text = _EM_STAR.sub(r"\1", text)
        text = _EM_UNDER.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    text = re.sub(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])", r"\1", text)
    text = html.unescape(text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], text)
    return " ".join(text.split())
