"""How much of a file's visible text its parsed blocks kept: the ingest warning for lossy extraction.

``visible_words(html)`` is the denominator: the words a reader sees in the
page body, without what is never shown (``script``, ``style``, ``svg``,
``noscript``, ``template``) and without what the page itself declares to be
navigation chrome (``<nav>``, ``[role=navigation]``, and ``<header>`` /
``<footer>`` that belong to the page rather than to an ``<article>``,
``<main>``, ``<section>`` or ``<aside>``). Everything else counts, including
chrome that is only recognisable by its shape (a DocBook "Prev | Up | Next"
table, a copyright ``div``), so a good extractor scores a little under 1.

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
#: Sectioning elements that make a header/footer theirs rather than the page's.
SECTIONING = ("article", "main", "section", "aside", "nav")


def count_words(text: str) -> int:
    """Words in ``text`` (runs of ``\\w``), the unit of every coverage figure."""
    return len(_WORD.findall(text))


def words(text: str) -> list[str]:
    """Lowercased words of ``text`` (for n-gram comparisons)."""
    return _WORD.findall(text.lower())


def is_page_level(tag) -> bool:
    """A header/footer whose nearest sectioning ancestor is the body (the page's own banner or footer)."""
    for parent in tag.parents:
        if parent.name in SECTIONING or (parent.get("role") or "").strip().lower() == "main":
            return False
    return True


def declared_chrome(tag) -> bool:
    """Navigation the markup declares: ``<nav>``, ``[role=navigation]``, a page-level ``<header>``/``<footer>``."""
    if tag.name == "nav" or (tag.get("role") or "").strip().lower() == "navigation":
        return True
    return tag.name in ("header", "footer") and is_page_level(tag)


def visible_body(html: str):
    """The page's ``<body>`` (a BeautifulSoup tag) with invisible elements and declared navigation removed."""
    from bs4 import BeautifulSoup

    from .formats.html import PARSER

    soup = BeautifulSoup(html, PARSER)
    body = soup.body or soup
    for tag in body.find_all(INVISIBLE):
        tag.decompose()
    for tag in [t for t in body.find_all(True) if declared_chrome(t)]:
        if not tag.decomposed:
            tag.decompose()
    return body


def visible_text(html: str) -> str:
    return visible_body(html).get_text(" ")


def visible_words(html: str) -> int:
    """Words a reader sees in the page body, navigation landmarks excluded (see the module docstring)."""
    return count_words(visible_text(html))


__all__ = ["count_words", "declared_chrome", "visible_body", "visible_text", "visible_words", "words"]
