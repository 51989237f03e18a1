"""HTML (.html, .htm, .xhtml): the page's main content as typed blocks, in reading order.

The page is read as a tree of block and inline elements, whatever generator
wrote it: a paragraph is any maximal run of inline content between block
boundaries, so ``<p>``, a DocBook ``<div class="para">``, text straight in a
``<div>``/``<td>`` or a span-only layout all come out the same way. No list of
"content tags" and no per-site class names.

Blocks:

* ``heading`` for ``h1``-``h6`` (levels shifted so the page's top heading is
  1) and for a definition term (``<dt>``: Sphinx's "exception KeyError", a
  DocBook variablelist term), one level below the section it sits in; a
  ``<dt>`` inside a ``<dd>`` goes one level below that term.
* ``code`` for ``<pre>`` (line breaks kept).
* ``para`` for everything else: paragraphs, list items, definitions, quotes,
  admonitions, captions, and table rows (simple cells joined by " | "; a row
  whose cells hold lists, code or tables is read cell by cell).

Chrome is dropped by general rules, in this order:

1. Never rendered: ``script``, ``style``, ``svg``, ``noscript``, ``template``,
   ``iframe``..., ``hidden``, ``aria-hidden="true"``, inline ``display:none``,
   an unopened ``<dialog>``. Form controls (``button``, ``input``,
   ``select``, ``textarea``) are never text (checkbox and radio inputs are
   CSS toggles for tabs and drawers, not controls).
2. Declared chrome: the landmarks a page declares as not its content
   (``landmark()``, after HTML-AAM): navigation (``<nav>``), banner and
   contentinfo (``<header>``/``<footer>`` of the page, not of an article or
   section), complementary (an ``<aside>`` of the page or of ``<main>``),
   search, and ``role=menu|menubar|dialog|alertdialog`` (cookie banners,
   modals). Markup is trusted only while it does not hold most of the page
   (a page wrapped in one ``<header>`` is not thrown away).
3. The main region: ``<main>``/``[role=main]``, else a single ``<article>``,
   when it holds at least half of the page's words; else the body. Outside
   it nothing is kept.
4. Periphery: from the region down, while one child container holds at
   least 80 % of the words, its sibling blocks that carry a link but no
   heading and no prose (no sentence of 8+ non-link words) are chrome: the
   navigation bars around the content (DocBook's navheader/navfooter tables,
   Publican's docnav, a breadcrumb line above an article).
5. Shape, per block, top-down (a block that holds half of the region is not
   judged by its links; the outermost link-dense one of those is an index
   page's content and nothing inside it is):

   * pager: links marked as the way to 2+ different neighbours of the
     page (``accesskey``, ``rel=prev|next|up|...``) and no prose ("Prev |
     Up | Home | Next");
   * links: 2+ links, more than half of the words in runs that read as link
     items (mostly link text and not ending a sentence) and no prose: menus,
     breadcrumbs, tables of contents, related-article lists, tag lists. A
     sentence that happens to be mostly links ("Subclasses are A, B, C and
     D.") is prose, and a section with a paragraph of prose is not dropped
     whole, only its link lists are;
   * lone link: one link of at most 5 words and nothing else ("Skip to
     content", "Back to top");
   * widget: form controls with at most 50 words around them (cookie
     banner, newsletter signup, share bar, search box).

Words are counted as ``rag.ingest.coverage.count_words`` counts them (runs
of ``\\w``). The rule constants below were set on bench/html_extract.py.
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass

from ..document import Block, Document
from .text import read_text

try:  # lxml builds the tree ~2x faster; html.parser (stdlib) gave the same blocks on every benchmark page
    import lxml  # noqa: F401

    PARSER = "lxml"
except ImportError:  # pragma: no cover - depends on the environment
    PARSER = "html.parser"

_DEEP = threading.Lock()
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_HAS_WORD = re.compile(r"\w")
_CLOSERS = ")]\"'”’»"
_STOPS = ".!?:;"

INVISIBLE = frozenset({"script", "style", "svg", "noscript", "template", "iframe", "object", "embed", "canvas",
                       "head", "title", "meta", "link", "base", "audio", "video", "map", "datalist", "frame", "frameset"})
CONTROLS = frozenset({"button", "input", "select", "textarea", "option", "optgroup", "progress", "meter"})
_TOGGLES = frozenset({"checkbox", "radio", "hidden"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
                          "dialog", "alertdialog"})
#: Link types (HTML ``rel``) that name a page's neighbours in its sequence.
_SEQUENCE = frozenset({"prev", "previous", "next", "up", "home", "start", "first", "last", "index", "contents", "toc",
                       "top", "parent"})
_HEADER_SCOPES = frozenset({"article", "aside", "main", "nav", "section"})  # a header/footer inside these is theirs
_ASIDE_SCOPES = frozenset({"article", "aside", "nav", "section"})  # an aside inside these is a note of theirs
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
PRE = frozenset({"pre", "listing", "xmp", "plaintext"})
BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "col", "colgroup", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "html", "label", "legend", "li", "listing", "main", "menu", "nav",
    "noframes", "ol", "p", "plaintext", "pre", "search", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul", "xmp",
})
#: Containers the main-region descent may step into (never into a paragraph, list or table).
CONTAINERS = frozenset({"body", "div", "section", "article", "main", "center", "span", "font", "form"})

#: Elements the scan must look at even without attributes (the others need a role, hidden, style...).
_SPECIAL = INVISIBLE | {"nav", "search", "main", "article", "header", "footer", "aside", "dialog"}

# Stats flags
_F_HEADING, _F_PRE, _F_COMPLEX, _F_HASBLOCK = 1, 2, 4, 8
_COMPLEX = frozenset({"table", "ul", "ol", "dl", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})

#: Rule constants (see the module docstring; measured in bench/html_extract.py).
DOMINANT = 0.8  # share of the words that makes a child container the core (periphery rule)
PROSE_WORDS = 8  # a run ending a sentence with this many non-link words is prose (never periphery or pager)
DENSE = 0.5  # link words / words above which a block with 2+ links is navigation
LONE_LINK_WORDS = 5  # a block that is one link of at most this many words and nothing else
WIDGET_WORDS = 50  # words around form controls below which the block is a widget
MAJORITY = 0.5  # a block/landmark holding this share of the page is never chrome


@dataclass(slots=True)
class _Stats:
    w: int = 0  # words
    lw: int = 0  # words inside <a href>
    links: int = 0
    ctl: int = 0  # form controls
    prose: int = 0  # the most non-link words in one block (paragraph, cell, item) inside that ends a sentence
    navw: int = 0  # words in runs that read as navigation items (mostly link text, not a sentence)
    pager: frozenset = frozenset()  # the page's neighbours (hrefs) it links to (see _Extractor.is_pager)
    flags: int = 0


_TEXT_TYPES: dict[type, bool] = {}


def _is_text(node) -> bool:
    """A string a reader sees (not a comment, doctype, declaration or processing instruction)."""
    kind = type(node)
    known = _TEXT_TYPES.get(kind)
    if known is None:
        from bs4 import NavigableString
        from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

        known = _TEXT_TYPES[kind] = issubclass(kind, NavigableString) and not issubclass(
            kind, (Comment, Declaration, Doctype, ProcessingInstruction))
    return known


def _ends_sentence(text: str, in_link: bool) -> bool:
    """Text (right-stripped) that ends a sentence outside a link: "... and D." but not "<a>Next</a>"."""
    end = text.rstrip(_CLOSERS)
    return not in_link and bool(end) and end[-1] in _STOPS


def _close(st: "_Stats", run: list) -> None:
    """Account for a finished run (paragraph, item, cell) in its block's stats."""
    w, lw, _, sentence = run
    if not w:
        return
    if sentence:
        st.prose = max(st.prose, w - lw)
    elif lw > DENSE * w:
        st.navw += w


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u00a0", " ").replace("\u200b", "").replace("\u00ad", "")).strip()


def _attr(tag, name: str) -> str:
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return (value or "").strip().lower()


def hidden(tag) -> bool:
    """Not rendered: ``hidden``, ``aria-hidden="true"``, an unopened ``<dialog>``, inline ``display:none`` or
    ``visibility:hidden``."""
    if tag.has_attr("hidden") or _attr(tag, "aria-hidden") == "true":
        return True
    if tag.name == "dialog" and not tag.has_attr("open"):
        return True
    style = _attr(tag, "style")
    return bool(style) and ("display:none" in style.replace(" ", "") or "visibility:hidden" in style.replace(" ", ""))


def _scoped_to_page(tag, sections: frozenset[str]) -> bool:
    """No ancestor among ``sections`` (nor one with ``role=main`` when main counts): the tag belongs to the page."""
    for parent in tag.parents:
        if parent.name in sections or ("main" in sections and _attr(parent, "role") == "main"):
            return False
    return True


def landmark(tag) -> str:
    """The ARIA role ``tag`` states or implies (HTML-AAM): ``role=...`` first, then ``nav`` -> navigation,
    ``search`` -> search, ``main`` -> main, a ``header``/``footer`` scoped to the body -> banner/contentinfo,
    an ``aside`` scoped to the body or ``main`` -> complementary; '' otherwise."""
    role = _attr(tag, "role")
    if role:
        return role.split()[0]
    name = tag.name
    if name == "nav":
        return "navigation"
    if name in ("search", "main"):
        return name
    if name in ("header", "footer") and _scoped_to_page(tag, _HEADER_SCOPES):
        return "banner" if name == "header" else "contentinfo"
    if name == "aside" and _scoped_to_page(tag, _ASIDE_SCOPES):
        return "complementary"
    return ""


def declared_chrome(tag) -> bool:
    """Markup that declares itself page chrome: a navigation, banner, contentinfo, complementary or search
    landmark, a menu, or a dialog (cookie banners, modals)."""
    return landmark(tag) in CHROME_ROLES


def _is_permalink(tag) -> bool:
    """``<a href="#id">¶</a>``: a permalink anchor whose text is one symbol (Sphinx, MkDocs, many blogs)."""
    if tag.name != "a" or not _attr(tag, "href").startswith("#"):
        return False
    text = tag.get_text().strip()
    return 0 < len(text) <= 2 and not _HAS_WORD.search(text)


class _Extractor:
    def __init__(self, soup):
        self.soup = soup
        self.body = soup.body or soup
        self.stats: dict[int, _Stats] = {}
        self.skip: set[int] = set()  # ids of elements dropped as chrome
        self.blocks: list[tuple[str, str, int]] = []  # (kind, text, raw level)
        self.removed: list[str] = []
        self.region = self.body
        self.region_words = 0
        # inline run state
        self.run: list[str] = []
        self.run_w = self.run_lw = self.run_links = 0
        self.brs = 0
        self.run_tail = False  # the run's last visible text ends a sentence outside a link
        self.h_level = 0  # raw level of the last h1-h6
        self.last_dt = 0  # raw level of the last <dt> heading in the current <dl>
        self.exempt = False  # inside a link-dense block that is the content (link rules off)
        self.scanning = False
        self.index = None  # see find_index
        self.declared: list = []  # elements the markup declares as navigation (nav, role=navigation, ...)
        self.landmarks: list = []  # <main>, [role=main], <article>

    @staticmethod
    def is_pager(a) -> bool:
        """A link the page marks as a way to its neighbours: a keyboard shortcut (``accesskey``, as DocBook XSL,
        Publican and Sphinx write) or ``rel=prev|next|up|...``. A plain link that happens to point at the
        previous page (a catalog table referencing its neighbour) is not one."""
        return a.has_attr("accesskey") or not _SEQUENCE.isdisjoint(_attr(a, "rel").split())

    # -- measuring (one pass: invisible and declared chrome are set aside as they are met) ---------------------
    def measure(self, el, in_link: bool = False) -> tuple[_Stats, list]:
        """Stats of ``el`` (stored by id), and its still-open inline run ``[words, link words, links, ends a
        sentence]`` for the parent to continue (a run is the text between two block boundaries)."""
        st = _Stats()
        run = [0, 0, 0, False]
        skip = self.skip
        for child in el.children:
            name = child.name
            if name is None:
                if _is_text(child):
                    n = len(_WORD.findall(child))
                    st.w += n
                    run[0] += n
                    if in_link:
                        st.lw += n
                        run[1] += n
                    end = child.rstrip()
                    if end:
                        run[3] = _ends_sentence(end, in_link)
                continue
            if id(child) in skip:
                continue
            if name in CONTROLS:
                if name != "input" or _attr(child, "type") not in _TOGGLES:
                    st.ctl += 1  # a checkbox/radio/hidden input is a CSS toggle (tabs, drawers), not a widget
                continue
            if self.scanning and (child.attrs or name in _SPECIAL):
                if name in INVISIBLE or hidden(child):
                    skip.add(id(child))
                    continue
                if declared_chrome(child):
                    self.declared.append(child)
                    self.measure(child, in_link)  # its size, for the majority guard; not added to the parent
                    skip.add(id(child))
                    continue
                if name == "main" or name == "article" or _attr(child, "role") == "main":
                    self.landmarks.append(child)
            is_link = name == "a" and child.has_attr("href")
            cst, crun = self.measure(child, in_link or is_link)
            st.w += cst.w
            st.lw += cst.lw
            st.links += cst.links + is_link
            if cst.pager:
                st.pager = st.pager | cst.pager
            if is_link and self.is_pager(child):
                st.pager = st.pager | {(child.get("href") or "").strip()}
            st.ctl += cst.ctl
            st.prose = max(st.prose, cst.prose)
            st.navw += cst.navw
            st.flags |= cst.flags
            if name in BLOCK:
                _close(st, run)
                st.flags |= _F_HASBLOCK
                run = [0, 0, 0, False]
            elif crun[0]:
                run[0] += crun[0]
                run[1] += crun[1]
                run[2] += crun[2] + is_link
                run[3] = crun[3]
        name = el.name
        if name in HEADINGS:
            st.flags |= _F_HEADING
        if name in PRE:
            st.flags |= _F_PRE
        if name in _COMPLEX:
            st.flags |= _F_COMPLEX
        if name in BLOCK:
            _close(st, run)
            run = [0, 0, 0, False]
        self.stats[id(el)] = st
        return st, run

    def words_of(self, el) -> int:
        st = self.stats.get(id(el))
        return st.w if st else 0

    # -- chrome by markup, region, periphery ------------------------------------------------------------------
    def drop(self, el, why: str) -> None:
        text = self.text_of(el)
        self.skip.add(id(el))
        if text:
            self.removed.append(f"{why}: {text[:80]}")

    def scan(self) -> None:
        """Measure the page, setting aside what is never shown and what the markup declares as navigation."""
        self.scanning = True
        self.measure(self.body)
        self.scanning = False
        total = self.words_of(self.body)
        trusted = []
        for tag in self.declared:
            if self.words_of(tag) > MAJORITY * (total + self.words_of(tag)):
                self.skip.discard(id(tag))  # mis-marked: the "header" holds most of the page
            else:
                trusted.append(tag)
        if len(trusted) < len(self.declared):
            self.stats.clear()
            self.measure(self.body)
        for tag in trusted:
            if not any(id(p) in self.skip for p in tag.parents):
                text = _clean(tag.get_text(" "))
                if text:
                    self.removed.append(f"declared: {text[:80]}")

    def find_region(self):
        total = self.words_of(self.body)
        live = [t for t in self.landmarks if id(t) in self.stats]
        mains = [t for t in live if t.name == "main" or _attr(t, "role") == "main"]
        if mains:
            best = max(mains, key=self.words_of)
            return best if self.words_of(best) >= MAJORITY * total else self.body
        articles = [t for t in live if t.name == "article" and not t.find_parent("article")]
        if len(articles) == 1 and self.words_of(articles[0]) >= MAJORITY * total:
            return articles[0]
        return self.body

    def drop_periphery(self) -> None:
        """Rule 4: step down into the child container that holds most of the words; its link-bearing,
        prose-less, heading-less siblings (navigation bars around the content) are chrome."""
        node = self.region
        blockish = BLOCK | CONTAINERS
        while True:
            st = self.stats[id(node)]
            kids = [c for c in node.children if c.name in blockish and id(c) in self.stats and id(c) not in self.skip]
            if not st.w or not kids:
                return
            core = max(kids, key=self.words_of)
            if core.name not in CONTAINERS or self.words_of(core) < DOMINANT * st.w:
                return
            for sib in kids:
                s = self.stats[id(sib)]
                if sib is not core and s.links and s.prose < PROSE_WORDS and not s.flags & _F_HEADING:
                    self.drop(sib, "periphery")
            node = core

    def chrome(self, st: _Stats, judge_links: bool = True) -> str:
        """Why a block is chrome by its shape ('' when it is content).

        ``judge_links`` is False for headings, for a sentence that happens to be mostly links ("Subclasses are
        A, B, C and D.") and inside the link-dense block that is a page's content (an index page).
        """
        if not st.w and not st.ctl:
            return ""
        if st.ctl and st.w <= WIDGET_WORDS and not st.flags & _F_PRE:
            return "widget"
        if len(st.pager) >= 2 and st.prose < PROSE_WORDS:
            return "pager"
        if not judge_links or not st.w:
            return ""
        if st.links >= 2 and st.navw > DENSE * st.w and st.prose < PROSE_WORDS:
            return "links"  # (a block with a sentence of prose is not dropped whole: its parts are judged)
        if st.links == 1 and st.lw == st.w and st.w <= LONE_LINK_WORDS:
            return "lone link"
        return ""

    def find_index(self):
        """The link-dense element holding half of the region that is an index page's content (a generated
        index, a table of contents that is the page), or None. Inside it links are not navigation.

        Along the chain of elements holding half of the region, the outermost one below the region that is
        link-dense (so a two-column index keeps both columns), else the region itself if it is."""
        def dense_majority(el) -> bool:
            st = self.stats.get(id(el))
            return st is not None and st.w >= MAJORITY * self.region_words and st.lw > DENSE * st.w

        node = self.region
        while True:
            node = next((c for c in node.children if c.name is not None and id(c) not in self.skip
                         and self.words_of(c) >= MAJORITY * self.region_words), None)
            if node is None:
                return self.region if dense_majority(self.region) else None
            if dense_majority(node):
                return node

    # -- text ------------------------------------------------------------------------------------------------
    def text_of(self, el, pre: bool = False) -> str:
        parts: list[str] = []
        self._collect(el, parts, pre)
        text = "".join(parts)
        if pre:
            lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
            while lines and not lines[0].strip():
                lines.pop(0)
            while lines and not lines[-1].strip():
                lines.pop()
            return "\n".join(lines)
        return _clean(text.replace("\u00b6", " "))

    def _collect(self, el, parts: list[str], pre: bool) -> None:
        for child in el.children:
            if child.name is None:
                if _is_text(child):
                    parts.append(str(child))
                continue
            if id(child) in self.skip or child.name in CONTROLS or _is_permalink(child):
                continue
            if child.name == "br":
                parts.append("\n" if pre else " ")
                continue
            block = child.name in BLOCK and not pre
            if block:
                parts.append(" ")
            self._collect(child, parts, pre)
            if block:
                parts.append(" ")

    # -- walking ---------------------------------------------------------------------------------------------
    def flush(self) -> None:
        self.brs = 0
        if not self.run:
            return
        text = _clean("".join(self.run))
        st = _Stats(w=self.run_w, lw=self.run_lw, links=self.run_links)
        _close(st, [self.run_w, self.run_lw, self.run_links, self.run_tail])
        self.run = []
        self.run_w = self.run_lw = self.run_links = 0
        self.run_tail = False
        if not _HAS_WORD.search(text):
            return
        why = self.chrome(st, judge_links=not self.exempt)
        if why:
            self.removed.append(f"{why}: {text[:80]}")
            return
        self.blocks.append(("para", text, 0))

    def emit(self, kind: str, text: str, level: int = 0) -> None:
        if text and (kind == "code" or _HAS_WORD.search(text)):
            self.blocks.append((kind, text, level))

    def walk(self, el, in_link: bool = False, dt_level: int = 0) -> None:
        for child in el.children:
            name = child.name
            if name is None:
                if _is_text(child):
                    s = str(child)
                    self.run.append(s)
                    n = len(_WORD.findall(s))
                    if n:
                        self.brs = 0
                    end = s.rstrip()
                    if end:
                        self.run_tail = _ends_sentence(end, in_link)
                    self.run_w += n
                    if in_link:
                        self.run_lw += n
                continue
            if id(child) in self.skip or name in CONTROLS:
                continue
            if name == "br":
                self.brs += 1
                if self.brs >= 2:
                    self.flush()
                else:
                    self.run.append(" ")
                continue
            if name not in BLOCK:
                if _is_permalink(child):
                    continue
                is_link = name == "a" and child.has_attr("href")
                if is_link and not in_link:
                    self.run_links += 1
                self.walk(child, in_link or is_link, dt_level)
                continue
            self.flush()
            self.block(child, in_link, dt_level)
            self.flush()

    def block(self, el, in_link: bool, dt_level: int) -> None:
        name = el.name
        st = self.stats.get(id(el)) or _Stats()
        exempt_before = self.exempt
        leaf = not st.flags & _F_HASBLOCK and name not in ("table", "tr")  # one run of text: judged at flush
        major = st.w >= MAJORITY * self.region_words  # half of the region is never navigation
        why = self.chrome(st, judge_links=not (self.exempt or leaf or major or name in HEADINGS or name == "dt"))
        if why:
            self.drop(el, why)
            return
        if el is self.index:
            self.exempt = True
        try:
            if name in HEADINGS:
                level = HEADINGS[name]
                self.h_level = level
                self.emit("heading", self.text_of(el), level)
            elif name in PRE:
                self.emit("code", self.text_of(el, pre=True))
            elif name == "dt":
                level = (dt_level or self.h_level) + 1
                text = self.text_of(el)
                if text:
                    self.emit("heading", text, level)
                    self.last_dt = level
            elif name == "dd":
                self.walk(el, in_link, self.last_dt or dt_level)
            elif name == "dl":
                saved = self.last_dt
                self.last_dt = 0
                self.walk(el, in_link, dt_level)
                self.last_dt = saved
            elif name == "table":
                self.table(el, in_link, dt_level)
            else:
                self.walk(el, in_link, dt_level)
        finally:
            self.exempt = exempt_before

    def table(self, el, in_link: bool, dt_level: int) -> None:
        for child in el.children:
            name = child.name
            if name is None:
                if _is_text(child) and _HAS_WORD.search(child):  # stray text between rows (tag soup)
                    self.run.append(str(child))
                    self.run_w += len(_WORD.findall(child))
                continue
            if id(child) in self.skip:
                continue
            if name in ("thead", "tbody", "tfoot"):
                before = self.exempt
                self.exempt = before or child is self.index
                self.table(child, in_link, dt_level)
                self.exempt = before
            elif name == "tr":
                self.flush()
                self.row(child, in_link, dt_level)
            elif name in ("colgroup", "col"):
                continue
            else:  # caption, stray content
                self.flush()
                self.block(child, in_link, dt_level) if name in BLOCK else self.walk(child, in_link, dt_level)
        self.flush()

    def row(self, tr, in_link: bool, dt_level: int) -> None:
        if tr is self.index and not self.exempt:
            self.exempt = True
            self.row(tr, in_link, dt_level)
            self.exempt = False
            return
        cells = [c for c in tr.children if c.name in ("td", "th") and id(c) not in self.skip]
        others = [c for c in tr.children if c.name is not None and c.name not in ("td", "th") and id(c) not in self.skip]
        stats = [self.stats.get(id(c)) or _Stats() for c in cells]
        if any(s.flags & _F_COMPLEX for s in stats) or others:
            for child in tr.children:  # a layout row: each cell is a container
                if child.name is None or id(child) in self.skip:
                    continue
                self.flush()
                self.block(child, in_link, dt_level)
            self.flush()
            return
        texts = [t for t in (self.text_of(c) for c in cells) if t]
        if not texts:
            return
        st = _Stats(w=sum(s.w for s in stats), lw=sum(s.lw for s in stats), links=sum(s.links for s in stats),
                    ctl=sum(s.ctl for s in stats), prose=max(s.prose for s in stats),
                    navw=sum(s.navw for s in stats), pager=frozenset().union(*(s.pager for s in stats)))
        why = self.chrome(st, judge_links=not self.exempt)
        text = " | ".join(texts)
        if why:
            self.removed.append(f"{why}: {text[:80]}")
            return
        self.emit("para", text)

    # -- the whole page --------------------------------------------------------------------------------------
    def run_all(self) -> None:
        self.scan()
        self.region = self.find_region()
        self.region_words = self.words_of(self.region)
        self.drop_periphery()
        self.index = self.find_index()
        self.exempt = self.index is self.region
        self.walk(self.region)
        self.flush()


def _metadata(soup) -> dict[str, str]:
    """``<meta name|property|itemprop=... content=...>`` of the page, keys lowercased (first one wins)."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = _clean(tag.get("content") or "")
        if not content:
            continue
        for attr in ("name", "property", "itemprop"):
            key = _attr(tag, attr)
            if key:
                found.setdefault(key, content)
    return found


def _first(meta: dict[str, str], *keys: str) -> str:
    return next((meta[k] for k in keys if meta.get(k)), "")


def extract(html: str) -> Document:
    """The Document of an HTML page (see the module docstring)."""
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # XHTML (DocBook) read as HTML on purpose
        soup = BeautifulSoup(html, PARSER)
    title = _clean(soup.title.get_text(" ")) if soup.title else ""
    meta = _metadata(soup)
    author = _first(meta, "author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl")
    if author.startswith(("http://", "https://")):
        author = ""
    date = _first(meta, "article:published_time", "datepublished", "date", "dc.date", "dc.date.issued", "pubdate",
                  "parsely-pub-date", "sailthru.date")
    publisher = _first(meta, "og:site_name", "publisher", "dc.publisher")

    ex = _Extractor(soup)
    try:
        ex.run_all()
    except RecursionError:  # thousands of nested elements (tag soup): read it again with room to recurse
        with _DEEP:  # one deep page at a time, so no thread lowers the limit under another
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(limit, 100_000))
            try:
                ex = _Extractor(soup)  # the walk never changes the tree: start over on the same soup
                ex.run_all()
            finally:
                sys.setrecursionlimit(limit)

    if not date:
        time_tag = ex.region.find("time", attrs={"datetime": True}) if ex.region else None
        if time_tag is not None:
            date = time_tag["datetime"].strip()
    raw = ex.blocks
    levels = [lvl for kind, _, lvl in raw if kind == "heading"]
    shift = (min(levels) - 1) if levels else 0
    blocks = [Block(text, kind, min(6, max(1, lvl - shift)) if kind == "heading" else 0) for kind, text, lvl in raw]
    if not title:
        title = next((b.text for b in blocks if b.kind == "heading"), "")
    return Document(blocks, kind="html", title=title, author=author, date=date, publisher=publisher, removed=ex.removed)


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)


def declared_charset(data: bytes) -> str:
    """The charset a page declares in its first 4 KB: ``<meta charset="koi8-r">``, ``<meta http-equiv="Content-Type"
    content="text/html; charset=shift_jis">`` or an XML declaration's encoding ("" when none)."""
    m = _CHARSET.search(data[:4096])
    return (m.group(1) or m.group(2)).decode("ascii", "replace") if m else ""


def parse(data: bytes) -> Document:
    return extract(read_text(data, declared_charset(data)))


def html_to_text(html: str) -> str:
    """The page's main content as text: its blocks joined by blank lines."""
    return extract(html).text


__all__ = ["PARSER", "extract", "html_to_text", "parse"]
