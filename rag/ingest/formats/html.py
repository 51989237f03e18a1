"""HTML (.html, .htm, .xhtml): the visible text of the page, without scripts, styles, SVG and navigation."""

from __future__ import annotations

from ..document import Block, Document
from .text import read_text


def parse(data: bytes) -> Document:
    return Document([Block(html_to_text(read_text(data)))], kind="html")


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
