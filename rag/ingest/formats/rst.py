"""reStructuredText (.rst, .rst.txt): sections, paragraphs and code, read without docutils.

* Section titles (a line underlined, and optionally overlined, with one
  punctuation character at least as long as the title) are heading blocks.
  Their level follows the order in which each adornment style (character,
  with or without overline) first appears, as docutils assigns it. A lone
  top-level title is the document's title.
* Literal blocks (a paragraph ending in "::" and the indented block after
  it), doctest blocks (">>>") and code directives (code-block, code,
  sourcecode, testcode, math, ...) are code blocks, verbatim.
* Paragraphs, list items, block quotes, footnotes and table rows (cells joined
  by " | ") are para blocks; inline markup is removed (``code`` -> code,
  *em*, **strong**, :role:`text` -> text, `link <url>`_ -> link); substitution
  references (|name|) are left as they are.
* Directives keep their text: admonitions (note, warning, ...) and other
  containers are read as body; API descriptions (function, class, method,
  ...) and definition-list terms are headings one level below their section,
  so the text under them is attributed to them. Comments, hyperlink targets,
  substitution definitions and directives with no readable text (toctree,
  image, include, raw, autodoc) are dropped.
* Bibliographic fields at the top (:Author:, :Date:, :Organization:) are the
  document's author, date and publisher.
"""

from __future__ import annotations

import csv
import re

from ..document import Block, Document, Unreadable
from .text import read_text

_ADORNMENT_CHARS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_BULLET = re.compile(r"^([-*+•‣⁃])( +|$)")
_ENUM = re.compile(r"^(\(?(?:\d+|#|[a-zA-Z]|[ivxlcdmIVXLCDM]+)[.)])( +|$)")
_FIELD = re.compile(r"^:((?:[^:\\`]|\\.|`[^`]*`)+):(?:\s+|$)(.*)$")
_OPTION_LINE = re.compile(r"^:[\w .-]+:(?:\s|$)")
_DIRECTIVE = re.compile(r"^\.\.\s+([\w][\w:.+-]*)\s?::(?:\s+(.*))?$")
_SUBST_DEF = re.compile(r"^\.\.\s+\|[^|]+\|\s")
_SUBST_REPLACE = re.compile(r"^\s*\.\.\s+\|([^|]+)\|\s+replace::\s*(.*)$")
_FOOTNOTE = re.compile(r"^\.\.\s+\[([^\]]+)\](?:\s+(.*))?$")

_CODE_DIRECTIVES = {
    "code-block", "code", "sourcecode", "testcode", "testoutput", "testsetup", "testcleanup", "doctest", "ipython",
    "jupyter-execute", "math", "graphviz", "digraph", "graph", "mermaid", "plantuml", "uml", "prompt", "literal",
    "parsed-literal", "productionlist",
}
_SKIP_DIRECTIVES = {
    "toctree", "contents", "include", "literalinclude", "raw", "image", "meta", "index", "highlight", "sectnum",
    "section-numbering", "header", "footer", "target-notes", "currentmodule", "module", "default-role", "role",
    "tabularcolumns", "autosummary", "automodule", "autoclass", "autofunction", "automethod", "autodata",
    "autoattribute", "autoexception", "autoproperty", "autodecorator", "autoclasstree", "inheritance-diagram",
    "bibliography", "youtube", "video", "spelling:word-list", "program", "codeauthor", "sectionauthor",
}
_OBJECT_DIRECTIVES = {
    "function", "class", "method", "classmethod", "staticmethod", "attribute", "property", "exception", "data",
    "decorator", "decoratormethod", "member", "macro", "type", "var", "struct", "union", "enum", "enumerator",
    "concept", "envvar", "option", "cmdoption", "describe", "object", "directive", "role", "event", "setting",
    "confval", "fixture", "opcode", "pdbcommand", "2to3fixer", "monitoring-event",
}
_VERSION_NOTES = {"versionadded": "New in version", "versionchanged": "Changed in version",
                  "deprecated": "Deprecated since version", "versionremoved": "Removed in version"}
_DOCINFO = {"author": "author", "authors": "author", "date": "date", "organization": "publisher",
            "organisation": "publisher", "publisher": "publisher"}


def parse(data: bytes) -> Document:
    text = read_text(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").expandtabs(8).split("\n")
    lines = [line.rstrip() for line in lines]
    parser = _Parser()
    parser.find_substitutions(lines)
    parser.body(lines, top=True)
    blocks = [b for b in parser.blocks if b.text.strip()]
    if not blocks:
        raise Unreadable("empty document (no text in the reStructuredText)")
    title = parser.title
    level_one = [b for b in blocks if b.kind == "heading" and b.level == 1]
    if not title and blocks[0].kind == "heading" and blocks[0].level == 1 and len(level_one) == 1:
        title = blocks[0].text
    return Document(blocks, kind="rst", title=title, author=parser.meta.get("author", ""),
                    date=parser.meta.get("date", ""), publisher=parser.meta.get("publisher", ""))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_adornment(line: str) -> bool:
    s = line.rstrip()
    return len(s) >= 2 and s[0] in _ADORNMENT_CHARS and s == s[0] * len(s) and not line.startswith(" ")


def _dedent(lines: list[str]) -> list[str]:
    width = min((_indent(line) for line in lines if line.strip()), default=0)
    return [line[width:] for line in lines]


def _strip_blank_edges(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _indented_block(lines: list[str], i: int, min_indent: int = 1) -> int:
    """End index of the block of blank or indented (>= min_indent) lines starting at ``i``."""
    j = i
    while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) >= min_indent):
        j += 1
    while j > i and not lines[j - 1].strip():
        j -= 1
    return j


class _Parser:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.styles: list[tuple[str, bool]] = []  # section adornment styles in order of first appearance
        self.section_level = 0
        self.object_depth = 0  # nesting of API descriptions (a method inside a class)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.subs: dict[str, str] = {}  # |name| -> text, from the file's own "replace::" definitions

    def inline(self, text: str) -> str:
        return strip_inline(text, self.subs)

    def find_substitutions(self, lines: list[str]) -> None:
        for i, line in enumerate(lines):
            match = _SUBST_REPLACE.match(line)
            if match:
                end = _indented_block(lines, i + 1)
                text = " ".join([match.group(2)] + [part.strip() for part in lines[i + 1:end]])
                self.subs.setdefault(" ".join(match.group(1).split()).lower(), " ".join(text.split()))

    # -- output ----------------------------------------------------------------

    def para(self, text: str) -> None:
        text = self.inline(text)
        if text:
            self.blocks.append(Block(text, "para"))

    def code(self, lines: list[str]) -> None:
        lines = _strip_blank_edges(_dedent(lines))
        if lines:
            self.blocks.append(Block("\n".join(lines), "code"))

    def section(self, title: str, style: tuple[str, bool]) -> None:
        if style not in self.styles:
            self.styles.append(style)
        self.section_level = self.styles.index(style) + 1
        self.object_depth = 0
        text = self.inline(title)
        if text:
            self.blocks.append(Block(text, "heading", min(self.section_level, 6)))

    def term(self, text: str) -> None:
        text = self.inline(text)
        if text:
            self.blocks.append(Block(text, "heading", min(self.section_level + self.object_depth + 1, 6)))

    def _nonempty_output(self) -> bool:
        return any(b.kind != "heading" for b in self.blocks)

    # -- body ------------------------------------------------------------------

    def body(self, lines: list[str], top: bool = False) -> None:
        i, n = 0, len(lines)
        while i < n:
            line = lines[i]
            if not line.strip():
                i += 1
                continue
            if _indent(line) > 0:  # a block quote (or text indented for no stated reason)
                j = _indented_block(lines, i)
                self.body(_dedent(lines[i:j]))
                i = j
                continue
            nxt = lines[i + 1] if i + 1 < n else ""
            if top and _is_adornment(line) and i + 2 < n and nxt.strip() and _is_adornment(lines[i + 2]) \
                    and lines[i + 2].rstrip() == line.rstrip() and len(line.rstrip()) >= len(nxt.strip()):
                self.section(nxt.strip(), (line[0], True))
                i += 3
                continue
            if top and self._is_title(line, nxt):
                self.section(line.strip(), (nxt[0], False))
                i += 2
                continue
            if _is_adornment(line) and len(line) >= 4 and not nxt.strip():
                i += 1  # a transition
                continue
            if line.startswith("..") and (line == ".." or line.startswith(".. ")):
                i = self.explicit(lines, i)
                continue
            if line.startswith("__ ") or line == "__":  # anonymous hyperlink target
                i = _indented_block(lines, i + 1)
                continue
            if line.startswith(">>>"):
                j = i
                while j < n and lines[j].strip():
                    j += 1
                self.code(lines[i:j])
                i = j
                continue
            if re.match(r"^\+[-=+]+\+$", line.rstrip()):
                i = self.grid_table(lines, i)
                continue
            if re.match(r"^=+( +=+)+$", line.rstrip()):
                i = self.simple_table(lines, i)
                continue
            if line.startswith("| ") or line.rstrip() == "|":
                j = i
                parts = []
                while j < n and (lines[j].startswith("| ") or lines[j].rstrip() == "|" or
                                 (lines[j].strip() and _indent(lines[j]) > 0 and parts)):
                    parts.append(lines[j].strip()[2:] if lines[j].startswith("| ") else lines[j].strip())
                    j += 1
                self.para(" ".join(parts))
                i = j
                continue
            item = _BULLET.match(line) or _ENUM.match(line)
            if item and self._is_list_item(lines, i, item):
                i = self.list_item(lines, i, item)
                continue
            field = _FIELD.match(line)
            if field:
                i = self.field(lines, i, field, top)
                continue
            i = self.paragraph(lines, i, top)

    def _is_title(self, line: str, nxt: str) -> bool:
        if not _is_adornment(nxt) or _is_adornment(line) or line.startswith(" "):
            return False
        title = line.strip()
        if title.startswith(".. ") or title == "::":
            return False
        return len(nxt.rstrip()) >= len(title) or (len(nxt.rstrip()) >= 4 and len(title) > 0)

    def _is_list_item(self, lines: list[str], i: int, match: re.Match) -> bool:
        """A list item when it stands alone or its next line is blank, indented or another item (docutils' rule)."""
        if _BULLET.match(lines[i]):
            return True
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        return not nxt.strip() or _indent(nxt) > 0 or bool(_ENUM.match(nxt))

    def list_item(self, lines: list[str], i: int, match: re.Match) -> int:
        first = lines[i][match.end():]
        column = match.end() if first else len(match.group(1)) + 1
        j = _indented_block(lines, i + 1)
        rest = lines[i + 1:j]
        width = min([column] + [_indent(line) for line in rest if line.strip()])
        self.body([first] + [line[width:] for line in rest])
        return j

    def field(self, lines: list[str], i: int, match: re.Match, top: bool) -> int:
        name = self.inline(match.group(1))
        j = _indented_block(lines, i + 1)
        body_lines = [match.group(2)] + _dedent(lines[i + 1:j])
        key = name.lower()
        if top and key in _DOCINFO and not self._nonempty_output() and self.section_level <= 1:
            value = self.inline(" ".join(line.strip() for line in body_lines if line.strip()))
            if value and key not in self.meta:
                self.meta[_DOCINFO[key]] = value
            return j
        text = " ".join(line.strip() for line in body_lines if line.strip())
        if any(_indent(line) > 0 or _BULLET.match(line) for line in body_lines[1:] if line.strip()):
            self.para(name + ":")
            self.body(body_lines)
        else:
            self.para(f"{name}: {text}" if text else name)
        return j

    def paragraph(self, lines: list[str], i: int, top: bool) -> int:
        n = len(lines)
        nxt = lines[i + 1] if i + 1 < n else ""
        if nxt.strip() and _indent(nxt) > 0 and not lines[i].rstrip().endswith("::"):
            return self.definition(lines, i)
        j = i
        while j < n and lines[j].strip() and _indent(lines[j]) == 0:
            if j > i and (top and j + 1 < n and self._is_title(lines[j], lines[j + 1])):
                break
            if j > i and (lines[j].startswith(".. ") or _is_adornment(lines[j])):
                break
            j += 1
        text = " ".join(line.strip() for line in lines[i:j])
        literal = text.endswith("::")
        if literal:
            text = text[:-2].rstrip() if (text == "::" or text[-3:-2].isspace()) else text[:-1]
        self.para(text)
        if not literal:
            return j
        k = j
        while k < n and not lines[k].strip():
            k += 1
        if k < n and _indent(lines[k]) > 0:
            end = _indented_block(lines, k)
            self.code(lines[k:end])
            return end
        if k < n and lines[k][0] in _ADORNMENT_CHARS:  # a quoted literal block: each line starts with the same mark
            end = k
            while end < n and lines[end].strip() and lines[end][0] == lines[k][0]:
                end += 1
            self.code(lines[k:end])
            return end
        return j

    def definition(self, lines: list[str], i: int) -> int:
        j = _indented_block(lines, i + 1)
        term = lines[i].strip()
        term = re.split(r" +: +", term)[0]  # classifiers after " : "
        self.term(term)
        self.object_depth += 1
        self.body(_dedent(lines[i + 1:j]))
        self.object_depth -= 1
        return j

    # -- explicit markup ---------------------------------------------------------

    def explicit(self, lines: list[str], i: int) -> int:
        line = lines[i]
        end = _indented_block(lines, i + 1)
        block = _dedent(lines[i + 1:end])
        if _SUBST_DEF.match(line) or re.match(r"^\.\.\s+_", line):
            return end  # substitution definition or hyperlink target
        footnote = _FOOTNOTE.match(line)
        if footnote:
            self.body([footnote.group(2) or ""] + block)
            return end
        directive = _DIRECTIVE.match(line)
        if not directive:
            return end  # a comment
        name = directive.group(1).lower()
        short = name.split(":")[-1]
        argument_lines = [directive.group(2) or ""]
        k = 0
        while k < len(block) and block[k].strip() and not _OPTION_LINE.match(block[k]):
            argument_lines.append(block[k])
            k += 1
        while k < len(block) and block[k].strip():  # options (and their continuation lines)
            k += 1
        content = block[k:]
        argument = " ".join(part.strip() for part in argument_lines if part.strip())
        if short in _SKIP_DIRECTIVES or name.startswith("auto"):
            return end
        if short == "title":
            self.title = self.title or self.inline(argument)
            return end
        if short in _CODE_DIRECTIVES:
            if short in ("math", "code", "code-block", "sourcecode") and not content and argument_lines[1:]:
                content = argument_lines[1:]  # code written right under the directive, without a blank line
            if short == "math" and not content and argument:
                content = [argument]
            self.code(content)
            return end
        if short in _OBJECT_DIRECTIVES:
            for signature in argument_lines:
                if signature.strip():
                    self.term(signature.strip())
            self.object_depth += 1
            self.body(content)
            self.object_depth -= 1
            return end
        if short == "csv-table":
            if argument:
                self.para(argument)
            for row in csv.reader([line.strip() for line in content if line.strip()], skipinitialspace=True):
                self.para(" | ".join(cell.strip() for cell in row))
            return end
        if short == "list-table":
            if argument:
                self.para(argument)
            self.list_table(content)
            return end
        if short == "figure":
            self.body(content)  # the caption and legend; the image path is not text
            return end
        if short in _VERSION_NOTES and argument:  # as Sphinx prints them: "Changed in version 3.5: ..."
            version, _, rest = argument.partition(" ")
            more = rest.strip() or any(line.strip() for line in content)
            self.para(f"{_VERSION_NOTES[short]} {version}" + (": " + rest.strip() if more else "."))
            self.body(content)
            return end
        # admonitions, containers and unknown directives: their words are kept
        if argument:
            self.para(argument)
        self.body(content)
        return end

    # -- tables ------------------------------------------------------------------

    def grid_table(self, lines: list[str], i: int) -> int:
        j = i
        while j < len(lines) and lines[j][:1] in "+|":
            j += 1
        border = lines[i].rstrip()
        cuts = [k for k, ch in enumerate(border) if ch == "+"]
        row: list[list[str]] = [[] for _ in cuts[1:]]
        for line in lines[i + 1:j]:
            if re.match(r"^\+[-=+]+\+$", line.rstrip()):
                self._row([" ".join(cell) for cell in row])
                row = [[] for _ in cuts[1:]]
                continue
            for c, (a, b) in enumerate(zip(cuts, cuts[1:])):
                cell = line[a + 1:b].strip(" |")
                if cell:
                    row[c].append(cell)
        self._row([" ".join(cell) for cell in row])
        return j

    def simple_table(self, lines: list[str], i: int) -> int:
        """Rows of a simple table; it ends at a border line followed by a blank line (or the end)."""
        border = lines[i].rstrip()
        starts = [m.start() for m in re.finditer(r"=+", border)]
        rows: list[list[str]] = []
        j = i + 1
        while j < len(lines):
            line = lines[j]
            j += 1
            if re.match(r"^=+( +=+)+$", line.rstrip()):
                if j >= len(lines) or not lines[j].strip():
                    break
                continue
            if not line.strip() or re.match(r"^-+( +-+)*$", line.rstrip()):  # blank or column-span underline
                continue
            cells = [line[a:b].strip() for a, b in zip(starts, starts[1:] + [len(line) + 1])]
            if rows and not cells[0] and any(cells):  # a blank first column continues the row above
                rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells)]
            else:
                rows.append(cells)
        for cells in rows:
            self._row(cells)
        return j

    def list_table(self, content: list[str]) -> None:
        rows: list[list[str]] = []
        for line in content:
            stripped = line.strip()
            if not stripped:
                continue
            if _indent(line) == 0 and line.startswith(("* ", "- ")):
                rows.append([])
                stripped = stripped[2:].strip()
            if not rows:
                continue
            if stripped.startswith(("- ", "* ")) or stripped in ("-", "*"):
                rows[-1].append(stripped[2:].strip())
            elif rows[-1]:
                rows[-1][-1] = f"{rows[-1][-1]} {stripped}".strip()
            else:
                rows[-1].append(stripped)
        for cells in rows:
            self._row(cells)

    def _row(self, cells: list[str]) -> None:
        cells = [self.inline(cell) for cell in cells]
        if any(cells):
            self.blocks.append(Block(" | ".join(cells), "para"))


# -- inline markup -----------------------------------------------------------------

_START = r"(?:(?<=^)|(?<=[\s'\"(\[{<\-/:‘“’«]))"
_END = r"(?=$|[\s'\")\]}>\-/:.,;!?\\’”»])"
_LITERAL = re.compile(_START + r"``(\S|\S.*?\S)``" + _END)
_ROLE_PREFIX = re.compile(r":[\w.+:-]+:`((?:[^`\\]|\\.)+)`")
_ROLE_SUFFIX = re.compile(r"`((?:[^`\\]|\\.)+)`:[\w.+:-]+:")
_REFERENCE = re.compile(r"`((?:[^`\\]|\\.)+?)`__?")
_INLINE_TARGET = re.compile(r"_`((?:[^`\\]|\\.)+)`")
_INTERPRETED = re.compile(_START + r"`((?:[^`\\]|\\.)+)`" + _END)
_STRONG = re.compile(_START + r"\*\*(\S|\S.*?\S)\*\*" + _END)
_EMPHASIS = re.compile(_START + r"\*(?!\*)(\S|\S.*?\S)\*" + _END)
_NOTE_REF = re.compile(r"\s?\[(?:#[\w-]*|\*|\d+|[A-Za-z][\w.-]*)\]_")
_WORD_REF = re.compile(r"(?<![\w_])([A-Za-z0-9][\w.+-]*?)__?(?=$|[\s.,;:!?)\]'\"’”])")
_SUBST_REF_ANY = re.compile(r"\|([^|\s](?:[^|]*[^|\s])?)\|(?:__?)?")
_SUBST_REF = re.compile(r"(\|[^|\s](?:[^|]*[^|\s])?\|)__?")


def _target_text(text: str) -> str:
    """`title <target>` -> title; `<target>` alone -> target; Sphinx's `~a.b.c` -> c and `!x` -> x."""
    match = re.match(r"^(.*?\S)\s+<([^<>]+)>$|^<([^<>]+)>$", text, re.S)
    if match:
        return (match.group(1) or match.group(3)).strip()
    if text.startswith("~"):
        text = text[1:].rsplit(".", 1)[-1]
    return text.lstrip("!")


def strip_inline(text: str, substitutions: dict[str, str] | None = None) -> str:
    """Plain words of a line of reStructuredText inline markup.

    A substitution reference (|name|) is replaced when the file defines it with
    ``replace::`` (``substitutions``) and left as it is otherwise.
    """
    literals: list[str] = []

    def keep(value: str) -> str:
        literals.append(value)
        return f"\x00{len(literals) - 1}\x00"

    text = _LITERAL.sub(lambda m: keep(m.group(1)), text)
    if substitutions:
        text = _SUBST_REF_ANY.sub(lambda m: substitutions.get(m.group(1).lower(), m.group(0)), text)
    text = _ROLE_PREFIX.sub(lambda m: keep(_target_text(_unescape(m.group(1)))), text)
    text = _ROLE_SUFFIX.sub(lambda m: keep(_target_text(_unescape(m.group(1)))), text)
    text = _INLINE_TARGET.sub(lambda m: _unescape(m.group(1)), text)
    text = _REFERENCE.sub(lambda m: _target_text(m.group(1)) if m.group(0).endswith("_") else m.group(0), text)
    text = _INTERPRETED.sub(lambda m: keep(_target_text(_unescape(m.group(1)))), text)
    text = _NOTE_REF.sub("", text)
    text = _SUBST_REF.sub(r"\1", text)
    text = _WORD_REF.sub(r"\1", text)
    text = _STRONG.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _unescape(text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: literals[int(m.group(1))], text)
    return " ".join(text.split())


def _unescape(text: str) -> str:
    text = re.sub(r"\\\s", "", text)
    return re.sub(r"\\(.)", r"\1", text)
