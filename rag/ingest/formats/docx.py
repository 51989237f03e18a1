"""Word documents (.docx): paragraphs, headings and tables in reading order (python-docx).

* "Title" and "Heading 1".."Heading 9" paragraphs (or styles based on them, or
  a paragraph outline level) are heading blocks. When the document opens with
  a "Title" paragraph it is level 1 and "Heading N" is level N+1, so the title
  heads the path (title › section › subsection); otherwise "Heading N" is
  level N. Levels stop at 6.
* Other paragraphs, list items included, are para blocks; a table is one para
  per row, cells joined by " | ". Body paragraphs and tables keep their order
  (the body's XML children are read in turn; content controls are opened).
  A table of contents is skipped (it repeats the headings).
* Text boxes are read after the paragraph that anchors them; tracked
  insertions count, tracked deletions and field codes do not.
* Title and author come from the core properties (the first "Title"
  paragraph when the properties have no title).
"""

from __future__ import annotations

import io
import re
import zipfile

from ..document import Block, Document, Unreadable
from . import stated_author, stated_title

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": _W}
_MAX_XML_BYTES = 256 * 1024 * 1024  # word/document.xml larger than this when unpacked: a zip bomb, not a document


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return "{%s}%s" % ({"w": _W, "mc": _MC}[prefix], name)


def parse(data: bytes) -> Document:
    if not data.strip():
        raise Unreadable("empty file" if not data else "empty file (whitespace only)")
    document = _open(data)
    try:
        styles_element = document.styles.element
    except Exception:  # noqa: BLE001 - a package without a styles part: no styled headings
        styles_element = None
    styles = _StyleLevels(styles_element)
    blocks: list[Block] = []
    first_title = ""
    # (kind, text) with kind "title", "h<N>" or "para"
    raw = [(kind, " ".join(text.split())) for kind, text in _container_items(document.element.body, styles)]
    raw = [(kind, text) for kind, text in raw if text]
    has_title = False
    for kind, _ in raw:
        if kind == "title":
            has_title = True
            break
        if kind.startswith("h"):
            break
    for kind, text in raw:
        if kind == "title":
            first_title = first_title or text
            blocks.append(Block(text, "heading", 1))
        elif kind.startswith("h"):
            level = int(kind[1:]) + (1 if has_title else 0)
            blocks.append(Block(text, "heading", min(level, 6)))
        else:
            blocks.append(Block(text, "para"))
    if not blocks:
        raise Unreadable("empty document (no text in the .docx)")
    props = document.core_properties
    title = stated_title(props.title) or first_title
    author = stated_author(props.author)
    return Document(blocks, kind="docx", title=title, author=author)


def _open(data: bytes):
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise Unreadable("damaged .docx (an OLE file: a password-protected document or an old .doc renamed)")
    if not data.startswith(b"PK"):
        raise Unreadable("damaged .docx (not a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = next((i for i in archive.infolist() if i.filename == "word/document.xml"), None)
            if info is not None and info.file_size > _MAX_XML_BYTES:
                raise Unreadable(f"damaged .docx (document.xml unpacks to {info.file_size / 1e6:.0f} MB)")
    except zipfile.BadZipFile:
        raise Unreadable("damaged .docx (bad zip archive)") from None

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError):
        raise Unreadable("damaged .docx (no Word document inside)") from None
    except ValueError as exc:
        if "content type" in str(exc):  # a .docm, .dotx or another Office file renamed
            raise Unreadable("damaged .docx (not a Word document)") from None
        raise Unreadable(f"damaged .docx ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - lxml, zipfile and python-docx raise many types on a broken package
        raise Unreadable(f"damaged .docx ({type(exc).__name__})") from None


class _StyleLevels:
    """Heading kind of a paragraph style: "title", "h<N>" or "" (cached per style id)."""

    def __init__(self, styles_element) -> None:
        self._styles = {} if styles_element is None else {
            style.get(_q("w:styleId")): style for style in styles_element.findall("w:style", _NS)}
        self._cache: dict[str, str] = {}

    def kind(self, paragraph) -> str:
        ppr = paragraph.find("w:pPr", _NS)
        style_id = ""
        if ppr is not None:
            outline = ppr.find("w:outlineLvl", _NS)
            if outline is not None:
                level = _int(outline.get(_q("w:val")))
                if level is not None and level < 9:
                    return f"h{level + 1}"
            pstyle = ppr.find("w:pStyle", _NS)
            if pstyle is not None:
                style_id = pstyle.get(_q("w:val")) or ""
        if not style_id:
            return ""
        if style_id not in self._cache:
            self._cache[style_id] = self._style_kind(style_id, set())
        return self._cache[style_id]

    def _style_kind(self, style_id: str, seen: set[str]) -> str:
        if style_id in seen:
            return ""
        seen.add(style_id)
        style = self._styles.get(style_id)
        if style is None:
            return _kind_of_name(style_id)
        name_el = style.find("w:name", _NS)
        name = (name_el.get(_q("w:val")) if name_el is not None else "") or ""
        found = _kind_of_name(name)
        if found:
            return found
        ppr = style.find("w:pPr", _NS)
        outline = ppr.find("w:outlineLvl", _NS) if ppr is not None else None
        if outline is not None:
            level = _int(outline.get(_q("w:val")))
            if level is not None and level < 9:
                return f"h{level + 1}"
        based = style.find("w:basedOn", _NS)
        if based is not None and based.get(_q("w:val")):
            return self._style_kind(based.get(_q("w:val")), seen)
        return ""


def _kind_of_name(name: str) -> str:
    name = name.strip().lower()
    if name == "title":
        return "title"
    if re.fullmatch(r"toc(?: ?\d| heading)?|contents heading", name):
        return "toc"
    match = re.fullmatch(r"heading ?(\d)", name)
    return f"h{match.group(1)}" if match else ""


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _container_items(container, styles: _StyleLevels):
    """(kind, text) for every paragraph and table row of a body, cell or control, in document order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _q("w:p"):
            kind = styles.kind(child)
            if kind == "toc":
                continue
            yield (kind or "para"), _paragraph_text(child)
            for box in _text_boxes(child):
                yield from _container_items(box, styles)
        elif tag == _q("w:tbl"):
            yield from _table_rows(child)
        elif tag == _q("w:sdt"):
            content = child.find("w:sdtContent", _NS)
            if content is not None and not _is_toc(child):
                yield from _container_items(content, styles)
        elif tag in (_q("w:customXml"), _q("w:ins"), _q("w:smartTag")):
            yield from _container_items(child, styles)


def _is_toc(sdt) -> bool:
    gallery = sdt.find("w:sdtPr/w:docPartObj/w:docPartGallery", _NS)
    return gallery is not None and "table of contents" in (gallery.get(_q("w:val")) or "").lower()


def _paragraph_text(paragraph) -> str:
    parts: list[str] = []
    _collect_text(paragraph, parts)
    return "".join(parts)


def _collect_text(element, parts: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions
        if tag == _q("w:t"):
            parts.append((child.text or "").replace("\u00ad", ""))
        elif tag == _q("w:tab"):
            parts.append(" ")
        elif tag in (_q("w:br"), _q("w:cr")):
            parts.append(" ")
        elif tag == _q("w:noBreakHyphen"):
            parts.append("-")
        elif tag in (_q("w:del"), _q("w:txbxContent"), _q("mc:Fallback"), _q("w:pPr"), _q("w:rPr"), _q("w:instrText"), _q("w:delText")):
            continue  # deleted text, text boxes (read as blocks of their own), VML copies, properties, field codes
        else:
            _collect_text(child, parts)


def _text_boxes(paragraph):
    """The text box contents anchored in a paragraph (the DrawingML copy, not its VML fallback)."""
    boxes = []

    def walk(element) -> None:
        for child in element.iterchildren():
            if not isinstance(child.tag, str) or child.tag == _q("mc:Fallback"):
                continue
            if child.tag == _q("w:txbxContent"):
                boxes.append(child)
            else:
                walk(child)

    walk(paragraph)
    return boxes


def _table_rows(table):
    for row in table.findall("w:tr", _NS):
        cells = []
        for cell in row.iterchildren(_q("w:tc"), _q("w:sdt")):
            if cell.tag == _q("w:sdt"):  # a content control wrapping a cell
                cell = cell.find("w:sdtContent/w:tc", _NS)
                if cell is None:
                    continue
            cells.append(_cell_text(cell))
        if any(cells):
            yield "para", " | ".join(cells)


def _cell_text(cell) -> str:
    parts: list[str] = []
    for child in cell.iterchildren():
        if child.tag == _q("w:p"):
            parts.append(_paragraph_text(child))
        elif child.tag == _q("w:tbl"):  # a nested table: its rows in reading order
            parts.extend(text for _, text in _table_rows(child))
        elif child.tag == _q("w:sdt"):
            content = child.find("w:sdtContent", _NS)
            if content is not None:
                parts.extend(_paragraph_text(p) for p in content.findall("w:p", _NS))
    return " ".join(" ".join(parts).split())
