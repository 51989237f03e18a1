"""How much of a file's visible text its parsed blocks kept: the ingest warning for lossy extraction.

``visible_words(html)`` is the denominator: the words a reader sees in the
page's main content as the page itself declares it, with no extraction
heuristics involved:

* the ``<main>`` (or ``role=main``) element when the page has one, else
  the ``<body>``;
* without what is never shown: ``script``, ``style``, ``svg``,
  ``noscript``, ``template``, and elements that are ``hidden``,
  ``aria-hidden="true"`` or ``display:none``;
* without the landmarks the page declares as chrome
  (``rag.ingest.formats.html.declared_chrome``): ``<nav>`` and
  ``role=navigation``, the page's own ``<header>``/``<footer>`` (banner,
  contentinfo; not an article's), a page-level ``<aside>`` (complementary),
  ``role=search``, menus and dialogs.

Everything else counts, including chrome that is only recognisable by its
shape (a DocBook "Prev | Up | Next" table, a share bar, a tag list), so a
good extractor scores a little under 1.

A word is a run of letters, digits or underscores (``\\w+``), counted the same
way on both sides (``count_words``), so punctuation, the " | " that joins
table cells and the "¶" of permalinks neither add nor cost words. The
pipeline can warn when ``count_words(doc.text) < ratio * visible_words(html)``.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")

#: Never rendered as text.
INVISIBLE = ("script", "style", "svg", "noscript", "template")


def count_words(text: str) -> int:
    """Words in ``text`` (runs of ``\\w``), the unit of every coverage figure."""
    return len(_WORD.findall(text))


def words(text: str) -> list[str]:
    """Lowercased words of ``text`` (for n-gram comparisons)."""
    return _WORD.findall(text.lower())


def _soup(html: str):
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    from .formats.html import PARSER

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, PARSER)


def visible_body(html: str):
    """The page's main landmark (else its body) as a BeautifulSoup tag, with invisible elements and
    declared chrome removed (see the module docstring)."""
    from .formats.html import declared_chrome, hidden

    soup = _soup(html)
    body = soup.body or soup
    mains = [t for t in body.find_all(True) if t.name == "main" or (t.get("role") or "").strip().lower() == "main"]
    root = max(mains, key=lambda t: len(t.get_text(" "))) if mains else body
    doomed = [t for t in root.find_all(True) if t.name in INVISIBLE or hidden(t) or declared_chrome(t)]
    for tag in doomed:
        if not tag.decomposed:
            tag.decompose()
    return root


def visible_text(html: str) -> str:
    return visible_body(html).get_text(" ")


def visible_words(html: str) -> int:
    """Words a reader sees in the page's main content (see the module docstring)."""
    return count_words(visible_text(html))


__all__ = ["INVISIBLE", "count_words", "visible_body", "visible_text", "visible_words", "words"]
