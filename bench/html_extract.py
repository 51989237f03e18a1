"""HTML extraction benchmark: our block walker against trafilatura (and the old loader) on the same pages.

    .venv/bin/python bench/html_extract.py                 # 20 pages per generator + the test fixtures
    .venv/bin/python bench/html_extract.py --pages 5 -v    # quick look, worst pages listed
    .venv/bin/python bench/html_extract.py --only blocks   # one extractor

Pages: a fixed random sample (seed 0) of the Debian doc packages installed on
this machine: Sphinx (python3.11-doc), DocBook XSL (postgresql-doc-15),
hand-written HTML (sqlite3-doc), plus every page under tests/fixtures/html/
(grouped by generator folder). A generator whose folder is missing is skipped.

Columns, per extractor and generator (means over pages):

* ``cov`` — the brief's coverage: share of the word 3-grams of the page's
  visible body text (``body.get_text(" ")`` after removing script, style,
  svg, noscript, template) that occur in the extractor's output. Chrome
  counts in the denominator, so an extractor that drops menus cannot reach 1.
* ``cov main`` — the same with a known-chrome reference removed from the
  denominator: declared navigation (``nav``, ``role=navigation|banner|
  contentinfo|search``, page-level ``header``/``footer``) plus the
  generator's own chrome containers listed in ``CHROME`` below (ground truth
  for the benchmark only; the extractor never sees these selectors).
  ``min`` is the worst page.
* ``nav kept`` — share of known-chrome lines (text of each leaf block inside
  those chrome containers) whose words occur, in order, in the output.
  Lines whose words also occur in the main content are not counted.
* ``ms/page`` — CPU time per page (``time.process_time``, best of
  ``--repeat`` runs, parse included), so other work on the machine's shared
  cores inflates it less than wall time would.

The ``fixtures`` rows pool the fixture pages, the ``all`` rows every page.

Words are ``\\w+`` runs, lowercased (``rag.ingest.coverage.words``), so
punctuation, "¶" and the " | " between table cells do not matter.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.ingest.coverage import INVISIBLE, words  # noqa: E402
from rag.ingest.formats.html import declared_chrome  # noqa: E402

SOURCES = {
    "sphinx": (Path("/usr/share/doc/python3.11/html"), "**/*.html"),
    "docbook": (Path("/usr/share/doc/postgresql-doc-15/html"), "*.html"),
    "sqlite": (Path("/usr/share/doc/sqlite3"), "*.html"),
}
FIXTURES = ROOT / "tests" / "fixtures" / "html"

#: Known chrome per generator (benchmark ground truth, CSS selectors), on top of declared navigation.
CHROME = {
    "sphinx": ["div.related", "div.sphinxsidebar", "div.footer", "div.mobile-nav", "#sidebarbutton"],
    "docbook": ["div.navheader", "div.navfooter"],
    "publican": ["div.navheader", "div.navfooter", "p#title", "ul.docnav"],
    "sqlite": ["div.nosearch"],
    "mkdocs": [".md-skip", ".md-header", ".md-sidebar", ".md-footer", ".md-search", ".md-tabs", "[data-md-component=skip]",
               ".md-source", ".md-top", ".md-dialog"],
    "news": ["#cookie-consent", ".share-tools", ".newsletter-signup", "aside.related", ".site-header", ".site-footer",
             ".skip-link", ".breadcrumbs", ".article-tags", ".comments-cta"],
}


def sample_pages(n: int) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for gen, (root, pattern) in SOURCES.items():
        if not root.is_dir():
            continue
        pages = sorted(p for p in root.glob(pattern) if p.is_file() and "_static" not in p.parts and "_sources" not in p.parts)
        out[gen] = random.Random(0).sample(pages, min(n, len(pages)))
    if FIXTURES.is_dir():
        for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
            out[f"fixture/{folder.name}"] = sorted(folder.glob("*.htm*"))
    return out


# -- references ---------------------------------------------------------------------------------------------
def _soup(html: str):
    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, "lxml")


_LEAF_BLOCKS = {"p", "li", "dt", "dd", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "div", "span", "a",
                "caption", "figcaption", "label", "summary", "blockquote"}


def references(html: str, gen: str) -> tuple[list[str], list[str], list[list[str]]]:
    """(visible words, main-content words, chrome lines as word lists) of a page."""
    soup = _soup(html)
    body = soup.body or soup
    for tag in body.find_all(list(INVISIBLE)):
        tag.decompose()
    visible = words(body.get_text(" "))
    chrome = [t for t in body.find_all(True) if declared_chrome(t)]
    for selector in CHROME.get(gen.split("/")[-1], []):
        chrome += body.select(selector)
    ids = {id(t) for t in chrome}
    top = list({id(t): t for t in chrome if not any(id(p) in ids for p in t.parents)}.values())
    lines: list[list[str]] = []
    for tag in top:
        for leaf in [tag] + tag.find_all(_LEAF_BLOCKS):
            if leaf.find(_LEAF_BLOCKS):
                continue
            line = words(leaf.get_text(" "))
            if line:
                lines.append(line)
    for tag in top:
        if not tag.decomposed:
            tag.decompose()
    main = words(body.get_text(" "))
    return visible, main, lines


def trigrams(tokens: list[str]) -> set[tuple[str, str, str]]:
    return set(zip(tokens, tokens[1:], tokens[2:]))


def share(ref: list[str], out3: set) -> float:
    ref3 = trigrams(ref)
    return len(ref3 & out3) / len(ref3) if ref3 else 1.0


def nav_kept(lines: list[list[str]], main: list[str], out: list[str]) -> tuple[int, int]:
    main_s, out_s = f" {' '.join(main)} ", f" {' '.join(out)} "
    counted = kept = 0
    for line in lines:
        needle = f" {' '.join(line)} "
        if needle in main_s:
            continue  # also main content: cannot tell
        counted += 1
        kept += needle in out_s
    return kept, counted


# -- extractors ---------------------------------------------------------------------------------------------
def ours(html: str) -> str:
    from rag.ingest.formats.html import extract

    return extract(html).text


def ours_stdlib(html: str) -> str:
    import rag.ingest.formats.html as mod

    saved, mod.PARSER = mod.PARSER, "html.parser"
    try:
        return mod.extract(html).text
    finally:
        mod.PARSER = saved


def old(html: str) -> str:
    """The loader before this change (fixed tag list, one block), for reference."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "svg", "noscript", "nav", "footer", "form", "button", "iframe", "header", "aside", "template"]):
        tag.decompose()
    body = soup.body or soup
    blocks = []
    for el in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "dt", "dd", "td", "th", "figcaption"]):
        if el.find(["p", "li", "pre", "blockquote", "dt", "dd", "td"]):
            continue
        text = " ".join(el.get_text(" ", strip=True).split())
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


def trafilatura_default(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_tables=True, include_comments=False) or ""


def trafilatura_recall(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_tables=True, include_comments=False, favor_recall=True) or ""


EXTRACTORS = {
    "blocks": ours,
    "blocks/html.parser": ours_stdlib,
    "trafilatura": trafilatura_default,
    "trafilatura/recall": trafilatura_recall,
    "old": old,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=20, help="pages per installed generator (default 20)")
    ap.add_argument("--only", action="append", choices=sorted(EXTRACTORS), help="extractor(s) to run (default all)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per page for the timing (best counts; default 3)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list each extractor's three worst pages")
    args = ap.parse_args()
    names = args.only or list(EXTRACTORS)
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        names = [n for n in names if not n.startswith("trafilatura")]
        print("trafilatura not installed: skipped (pip install trafilatura to compare)", file=sys.stderr)

    pages = sample_pages(args.pages)
    rows = []
    totals: dict[tuple[str, str], list] = {}
    for gen, paths in pages.items():
        refs = {}
        for path in paths:
            html = path.read_bytes().decode("utf-8", errors="replace")
            refs[path] = (html, *references(html, gen))
        for name in names:
            fn = EXTRACTORS[name]
            fn(refs[paths[0]][0])  # warm-up: imports
            covs, mains, kept, counted, ms, per_page = [], [], 0, 0, [], []
            for path in paths:
                html, visible, main_words, lines = refs[path]
                best = float("inf")
                for _ in range(args.repeat):
                    t0 = time.process_time()
                    out = fn(html)
                    best = min(best, time.process_time() - t0)
                ms.append(best * 1000)
                out_words = words(out)
                out3 = trigrams(out_words)
                covs.append(share(visible, out3))
                mains.append(share(main_words, out3))
                k, c = nav_kept(lines, main_words, out_words)
                kept, counted = kept + k, counted + c
                per_page.append((mains[-1], path.name))
            rows.append((gen, name, len(paths), statistics.mean(covs), statistics.mean(mains), min(mains),
                         kept / counted if counted else 0.0, statistics.mean(ms)))
            for group in ("fixtures", "all") if gen.startswith("fixture/") else ("all",):
                pooled = totals.setdefault((group, name), [[], [], [], 0, 0])
                pooled[0] += covs
                pooled[1] += mains
                pooled[2] += ms
                pooled[3] += kept
                pooled[4] += counted
            if args.verbose:
                worst = ", ".join(f"{n} {c:.2f}" for c, n in sorted(per_page)[:3])
                print(f"  {gen:18} {name:20} worst: {worst}", file=sys.stderr)

    print("| generator | extractor | pages | cov | cov main | min | nav kept | ms/page |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (group, name), (covs, mains, ms, kept, counted) in sorted(totals.items(), key=lambda kv: kv[0][0] == "all"):
        rows.append((group, name, len(covs), statistics.mean(covs), statistics.mean(mains), min(mains),
                     kept / counted if counted else 0.0, statistics.mean(ms)))
    for gen, name, n, cov, main_cov, lo, nav, ms in rows:
        print(f"| {gen} | {name} | {n} | {cov:.3f} | {main_cov:.3f} | {lo:.3f} | {nav:.0%} | {ms:.0f} |")


if __name__ == "__main__":
    main()
