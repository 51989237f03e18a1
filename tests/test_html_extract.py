"""The HTML loader on real pages from six generators, and its general rules on small synthetic pages.

Fixtures (tests/fixtures/html/<generator>/, origins in LICENSES.md): Sphinx
(python3.11-doc), DocBook XSL (postgresql-doc-15), hand-written HTML
(sqlite3-doc), a Publican-style DocBook page, a news article in news-site
chrome and a MkDocs Material page. Nothing here loads a model; the whole file
runs in a few seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rag.ingest.formats.html as html_mod
from rag.ingest.coverage import count_words, visible_text, visible_words, words
from rag.ingest.formats.html import extract, parse

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
PAGES = sorted(FIXTURES.glob("*/*.htm*"))
PARSERS = ["html.parser"] + (["lxml"] if html_mod.PARSER == "lxml" else [])


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _doc(rel: str):
    return parse((FIXTURES / rel).read_bytes())


def _trigrams(tokens: list[str]) -> set:
    return set(zip(tokens, tokens[1:], tokens[2:]))


@pytest.fixture(params=PARSERS)
def parser(request, monkeypatch):
    monkeypatch.setattr(html_mod, "PARSER", request.param)
    return request.param


def test_fixtures_cover_six_generators():
    assert {p.parent.name for p in PAGES} >= {"sphinx", "docbook", "publican", "news", "sqlite", "mkdocs"}
    assert (FIXTURES / "LICENSES.md").is_file()
    for page in PAGES:
        assert 2_000 < page.stat().st_size < 70_000, page


# -- coverage --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_coverage_of_visible_main_content(page, parser):
    """Stored words / visible words >= 0.95, and >= 95 % of the visible word 3-grams are stored in order.

    Stored words: the words of ``parse(data).blocks`` (what the pipeline will chunk, block by block).
    Visible words (``rag.ingest.coverage.visible_words``), defined by the page's own markup, not by the
    extractor: the text of the page's ``<main>``/``[role=main]`` if it has one, else of its ``<body>``, minus
    ``script``/``style``/``svg``/``noscript``/``template`` and hidden elements, minus the landmarks it
    declares as chrome: ``nav``/``[role=navigation]``, the page-level ``header``/``footer``/``aside``
    (banner, contentinfo, complementary), ``role=search``, menus and dialogs. Chrome that only its shape
    gives away (DocBook's Prev/Up/Next tables, share bars, tag lists, a newsletter box) stays in the
    denominator, so dropping it costs coverage. Words are ``\\w+`` runs on both sides.
    """
    html = page.read_bytes().decode("utf-8")
    doc = parse(page.read_bytes())
    stored, visible = count_words(doc.text), visible_words(html)
    assert visible > 300
    assert stored / visible >= 0.95, (stored, visible)
    assert stored / visible <= 1.02, "more words than the page shows: something is emitted twice"
    ref, out = _trigrams(words(visible_text(html))), _trigrams(words("\n".join(b.text for b in doc.blocks)))
    assert len(ref & out) / len(ref) >= 0.95


# -- chrome ----------------------------------------------------------------------------------------------------
SPHINX_CHROME = ["Table of Contents", "Navigation", "index", "modules", "next", "previous", "This Page",
                 "Report a Bug", "Show Source", "Quick search", "Python » 3.11.2 Documentation »",
                 "The Python Standard Library", "© Copyright 2001-2026, Python Software Foundation.",
                 "This page is licensed under the Python Software Foundation License Version 2.",
                 "Created using Sphinx 5.3.0.", "Please donate.", "Previous topic", "Next topic", "Theme"]
SQLITE_CHROME = ["Small. Fast. Reliable. Choose any three.", "Home", "Menu", "About", "Documentation", "Download",
                 "License", "Support", "Purchase", "Search", "Search Documentation", "Search Changelog",
                 "Home Menu About Documentation Download License Support Purchase Search"]
CHROME = {
    "sphinx/exceptions.html": SPHINX_CHROME + ["Built-in Types", "Text Processing Services",
                                               "Exception context Inheriting from built-in exceptions"],
    "sphinx/json.html": SPHINX_CHROME + ["Basic Usage Encoders and Decoders Exceptions", "marshal",
                                         "mailbox — Manipulate mailboxes in various formats"],
    "docbook/tutorial-join.html": ["Prev", "Up", "Next", "Home", "Prev | Up | Next", "Chapter 2. The SQL Language",
                                   "2.5. Querying a Table", "2.7. Aggregate Functions",
                                   "Prev Up Chapter 2. The SQL Language Home Next"],
    "docbook/datatype-numeric.html": ["Prev", "Up", "Next", "Home", "Chapter 8. Data Types", "8.2. Monetary Types",
                                      "8.1.1. Integer Types 8.1.2. Arbitrary Precision Numbers"],
    "publican/sect-Backup_Guide-Scheduling.html": ["Prev", "Up", "Next", "Table of Contents",
                                                   "Chapter 3. Scheduling and Retention", "3.3. Retention Policies",
                                                   "Prev Up Next"],
    "news/moscow-times-belarus.html": [
        "Skip to main content", "Independent News From Russia", "Contribute", "Newsletters",
        "News Business Opinion Ukraine War", "Home / Opinion / Belarus", "Opinion",
        "We use cookies to improve your experience on our website.", "Accept all", "Only necessary",
        "Subscribe to our newsletter", "Get the best of The Moscow Times in your inbox every weekday morning.",
        "By subscribing, you agree with our privacy policy.", "Facebook X Telegram Email", "Copy link",
        "Read more about:", "Belarus Lukashenko Donald Trump Political prisoners", "Show comments", "Read more",
        "Belarus Frees 16 More Political Prisoners Ahead of Independence Day", "About us Contact Advertising",
        "© 2025 The Moscow Times, all rights reserved."],
    "sqlite/whentouse.html": SQLITE_CHROME,
    "sqlite/datatype3.html": SQLITE_CHROME + ["Table Of Contents",
                                              "1. Datatypes In SQLite 2. Storage Classes and Datatypes"],
    "mkdocs/configuration.html": [
        "Skip to content", "Tidewater", "Initializing search", "example/tidewater", "Home", "User guide",
        "Reference", "Getting started", "Plugins", "Deploying your handbook", "Troubleshooting", "Command line",
        "Theme options", "Changelog", "Table of contents", "The configuration file Site settings Build settings",
        "Back to top", "Previous", "Next", "Made with Material for MkDocs", "Copyright © 2023 - 2025 Tidewater maintainers"],
}


def test_every_fixture_has_a_chrome_list():
    assert sorted(CHROME) == sorted(f"{p.parent.name}/{p.name}" for p in PAGES)


@pytest.mark.parametrize("rel", sorted(CHROME))
def test_no_navigation_line_is_stored(rel, parser):
    """None of the page's actual chrome strings is a block, and no multi-word one is inside a block."""
    blocks = [" ".join(b.text.split()) for b in _doc(rel).blocks]
    for chrome in CHROME[rel]:
        assert chrome not in blocks, chrome
        if len(chrome.split()) > 1:
            hits = [b for b in blocks if chrome in b]
            assert not hits, (chrome, hits[:1])


# -- structure -------------------------------------------------------------------------------------------------
def _after(blocks, text):
    i = next(i for i, b in enumerate(blocks) if b.text == text)
    return blocks[i], blocks[i + 1]


def test_sphinx_definition_term_is_a_heading_over_its_definition():
    blocks = _doc("sphinx/exceptions.html").blocks
    term, definition = _after(blocks, "exception KeyError")
    section = next(b for b in blocks if b.text == "Concrete exceptions")
    assert term.kind == "heading" and section.kind == "heading"
    assert term.level == section.level + 1 == 3
    assert definition.kind == "para"
    assert definition.text.startswith("Raised when a mapping (dictionary) key is not found")
    top = blocks[0]
    assert (top.kind, top.level, top.text) == ("heading", 1, "Built-in Exceptions")
    assert not any("¶" in b.text for b in blocks)


def test_sphinx_signatures_keep_their_spelling_and_nest():
    blocks = _doc("sphinx/json.html").blocks
    dump = next(b for b in blocks if b.text.startswith("json.dump("))
    assert dump.kind == "heading"
    assert dump.text.startswith("json.dump(obj, fp, *, skipkeys=False, ensure_ascii=True,")
    error = next(b for b in blocks if b.text.startswith("exception json.JSONDecodeError("))
    msg = blocks[blocks.index(error) + 2]  # heading, its first para, then the first attribute
    assert (msg.kind, msg.text, msg.level) == ("heading", "msg", error.level + 1)


@pytest.mark.parametrize("rel, expected", [
    ("docbook/datatype-numeric.html", [(1, "8.1. Numeric Types"), (2, "8.1.1. Integer Types"),
                                       (2, "8.1.2. Arbitrary Precision Numbers"), (2, "8.1.3. Floating-Point Types")]),
    ("docbook/tutorial-join.html", [(1, "2.6. Joins Between Tables")]),
    ("publican/sect-Backup_Guide-Scheduling.html", [(1, "3.2. Scheduling Backups"), (2, "3.2.1. Defining a Schedule"),
                                                    (2, "3.2.2. Schedule Options"), (3, "--level LEVEL"),
                                                    (3, "--window DURATION"), (2, "3.2.3. Verifying Scheduled Jobs")]),
])
def test_docbook_sections_are_headings_with_levels(rel, expected):
    headings = [(b.level, b.text) for b in _doc(rel).blocks if b.kind == "heading"]
    positions = [headings.index(h) for h in expected]
    assert positions == sorted(positions), headings
    assert headings[0] == expected[0]


def test_publican_div_para_paragraphs_are_kept():
    doc = _doc("publican/sect-Backup_Guide-Scheduling.html")
    paras = [b.text for b in doc.blocks if b.kind == "para"]
    assert any(p.startswith("Lumen Backup runs every backup as a job.") for p in paras)
    assert "incremental | Files changed since the last backup of any level" in paras
    assert sum(len(p.split()) for p in paras) > 450


def test_pre_is_a_code_block_with_its_line_breaks():
    code = [b.text for b in _doc("sphinx/exceptions.html").blocks if b.kind == "code"]
    hierarchy = next(c for c in code if c.startswith("BaseException\n"))
    assert " ├── BaseExceptionGroup\n ├── GeneratorExit" in hierarchy
    sql = [b.text for b in _doc("docbook/tutorial-join.html").blocks if b.kind == "code"]
    assert "SELECT *\n    FROM weather, cities\n    WHERE city = name;" in sql
    yaml = [b.text for b in _doc("mkdocs/configuration.html").blocks if b.kind == "code"]
    assert yaml[0] == "site_name: Harbour Operations Handbook\ndocs_dir: pages\nstrict: true"


def test_mkdocs_admonitions_tabs_and_details_are_text():
    paras = [b.text for b in _doc("mkdocs/configuration.html").blocks if b.kind == "para"]
    assert any(p.startswith("Keys are case-sensitive.") for p in paras)  # admonition
    assert any(p.startswith("Settings can be split across files") for p in paras)  # <details>
    assert any(p.startswith("For a release, build the whole site") for p in paras)  # second content tab
    assert "Local preview" in paras and "Release build" in paras  # tab labels, not glued together


# -- metadata --------------------------------------------------------------------------------------------------
def test_news_metadata():
    doc = _doc("news/moscow-times-belarus.html")
    assert doc.title == "Is Belarus Coming In From the Cold Following a U.S. Visit? - The Moscow Times"
    assert doc.author == "Artyom Shraibman"
    assert doc.date == "2025-07-16T13:05:00+03:00"
    assert doc.publisher == "The Moscow Times"
    assert doc.kind == "html"
    assert doc.blocks[0] == html_mod.Block("Is Belarus Coming In From the Cold Following a U.S. Visit?", "heading", 1)


def test_titles_of_doc_pages():
    assert _doc("sphinx/exceptions.html").title == "Built-in Exceptions — Python 3.11.2 documentation"
    assert _doc("docbook/tutorial-join.html").title == "2.6. Joins Between Tables"
    assert _doc("mkdocs/configuration.html").author == "Tidewater maintainers"


def test_title_falls_back_to_first_h1_and_date_to_time_element():
    doc = extract("<body><article><h1>Harbour opens</h1><time datetime='2024-05-01'>1 May</time>"
                  "<p>The new harbour opened on Wednesday after three years of work.</p></article></body>")
    assert doc.title == "Harbour opens" and doc.date == "2024-05-01"


# -- general rules on synthetic pages ----------------------------------------------------------------------------
PROSE = "The committee approved the budget after a long debate about the harbour and its future. "


def _blocks(body: str, head: str = "") -> list[tuple[str, str]]:
    doc = extract(f"<html><head><title>T</title>{head}</head><body>{body}</body></html>")
    return [(b.kind, b.text) for b in doc.blocks]


def test_paragraphs_in_any_block_element(parser):
    got = _blocks(f"<div class='para'>{PROSE}</div><section>{PROSE}<span>Second</span> run.</section>"
                  f"<table><tr><td>{PROSE}</td></tr></table><div><span>One {PROSE}</span><br><br><span>Two.</span></div>")
    texts = [t for _, t in got]
    assert texts == [PROSE.strip(), PROSE + "Second run.", PROSE.strip(), "One " + PROSE.strip(), "Two."]


def test_table_rows_join_cells_and_layout_cells_are_containers():
    got = _blocks("<table><tr><th>Name</th><th>Size</th></tr><tr><td><code>int</code></td><td>4 bytes</td></tr></table>"
                  f"<table><tr><td><p>{PROSE}</p><ul><li>first item</li><li>second item</li></ul></td></tr></table>")
    assert got == [("para", "Name | Size"), ("para", "int | 4 bytes"), ("para", PROSE.strip()),
                   ("para", "first item"), ("para", "second item")]


def test_heading_levels_shift_and_terms_nest():
    got = extract("<h2>Top</h2><h3>Sub</h3><dl><dt>term</dt><dd><p>Its meaning.</p><dl><dt>inner</dt>"
                  "<dd>Inner meaning.</dd></dl></dd></dl><h2>Next section</h2>").blocks
    assert [(b.kind, b.level, b.text) for b in got] == [
        ("heading", 1, "Top"), ("heading", 2, "Sub"), ("heading", 3, "term"), ("para", 0, "Its meaning."),
        ("heading", 4, "inner"), ("para", 0, "Inner meaning."), ("heading", 1, "Next section")]


def test_docbook_style_nav_table_without_markup_hints_is_periphery():
    """No nav element, no role, no accesskey, no <link rel>: only its place around the content gives it away."""
    nav = ("<div><table><tr><td><a href='a.html'>Prev</a></td><td><a href='up.html'>Up</a></td>"
           "<td>Chapter 4. Harbour Works</td><td><a href='c.html'>Next</a></td></tr></table></div>")
    got = _blocks(f"{nav}<div><h1>4.2. Budget</h1><p>{PROSE * 4}</p><p>{PROSE * 3}</p></div>{nav}")
    assert [k for k, _ in got] == ["heading", "para", "para"]


def test_pager_links_are_chrome():
    pager = ("<div><a accesskey='p' href='p1.html'>Prev</a> Chapter 3. Harbour Works and Budget "
             "<a rel='next' href='p3.html'>Next</a></div>")
    got = _blocks(f"<div><p>{PROSE}</p>{pager}<p>{PROSE}</p></div>")
    assert [t for _, t in got] == [PROSE.strip(), PROSE.strip()]


def test_content_linking_to_the_neighbour_pages_is_not_a_pager():
    """A catalog table referencing the previous and next pages (the head's <link rel>) is content."""
    rows = "".join(f"<tr><td><code>col{i}</code> oid (references <a href='{page}.html'>{page}</a>.oid)</td></tr>"
                   for i, page in enumerate(["pg_prev", "pg_next", "pg_prev"]))
    got = _blocks(f"<p>{PROSE}</p><table>{rows}</table>",
                  head="<link rel='prev' href='pg_prev.html'><link rel='next' href='pg_next.html'>")
    assert len(got) == 4 and got[1] == ("para", "col0 oid (references pg_prev.oid)")


def test_link_dense_blocks_go_but_sentences_of_links_stay():
    sentence = "Subclasses are <a href='#a'>BrokenPipeError</a>, <a href='#b'>ConnectionAbortedError</a> and <a href='#c'>ConnectionResetError</a>."
    got = _blocks(f"<div><a href='/'>Home</a> » <a href='/docs'>Docs</a> » <a href='/docs/x'>Budget</a></div>"
                  f"<p>{PROSE}</p><p>{sentence}</p><p>{PROSE}</p>"
                  "<ul><li><a href='/a'>Alpha</a></li><li><a href='/b'>Beta</a></li><li><a href='/c'>Gamma</a></li></ul>"
                  "<p>By <a href='/author/jane'>Jane Doe</a></p><a href='#main'>Skip to content</a>")
    texts = [t for _, t in got]
    assert texts == [PROSE.strip(), "Subclasses are BrokenPipeError, ConnectionAbortedError and ConnectionResetError.",
                     PROSE.strip(), "By Jane Doe"]


def test_an_index_page_keeps_its_links():
    items = "".join(f"<li><a href='p{i}.html'>Harbour chapter {i}</a></li>" for i in range(30))
    got = _blocks(f"<h1>Contents</h1><p>All chapters.</p><ul>{items}</ul>")
    assert len(got) == 32 and got[-1] == ("para", "Harbour chapter 29")


def test_an_index_table_keeps_its_links():
    rows = "".join(f"<tr><td><a href='t{i}'>2022-12-{i:02d}</a></td><td><a href='r{i}.html'>3.40.{i}</a></td></tr>"
                   for i in range(1, 29))
    got = _blocks(f"<h1>History Of Releases</h1><table><thead><tr><th>Date<th>Version</thead><tbody>{rows}</tbody></table>")
    assert len(got) == 30 and got[-1] == ("para", "2022-12-28 | 3.40.28")


def test_a_two_column_index_keeps_both_columns():
    left = "".join(f"<li><a href='a{i}.html'>alpha entry {i}</a></li>" for i in range(26))
    right = "".join(f"<li><a href='b{i}.html'>beta entry {i}</a></li>" for i in range(25))
    got = _blocks(f"<div role='main'><h1>Index</h1><table><tr><td><ul>{left}</ul></td><td><ul>{right}</ul></td></tr>"
                  "</table></div>")
    assert len(got) == 52 and got[-1] == ("para", "beta entry 24")


def test_a_section_with_prose_loses_only_its_link_list():
    toc = "".join(f"<li><a href='c{i}.html'>Chapter {i} of the guide</a></li>" for i in range(12))
    got = _blocks(f"<div><p>{PROSE * 6}</p></div><section><h2>Embedding</h2>"
                  f"<p>This part of the guide explains how to embed the interpreter in an application.</p>"
                  f"<ul>{toc}</ul></section>")
    assert [t for _, t in got] == [(PROSE * 6).strip(), "Embedding",
                                   "This part of the guide explains how to embed the interpreter in an application."]


def test_widgets_forms_and_hidden_things_go():
    got = _blocks(f"<p>{PROSE}</p><div class='x'><h3>Subscribe to our newsletter</h3><p>Weekly, free.</p>"
                  "<form><input type='email'><button>Subscribe</button></form></div>"
                  "<div>We use cookies. <button>Accept</button></div><div hidden>Secret menu</div>"
                  "<p aria-hidden='true'>Decorative</p><p style='display: none'>Gone</p>"
                  "<div role='dialog'>Sign in to continue reading this story on our site today.</div>"
                  "<script>var x = 'script text';</script><noscript>Enable JavaScript</noscript>"
                  f"<p>{PROSE}</p>")
    assert [t for _, t in got] == [PROSE.strip(), PROSE.strip()]


def test_css_toggles_are_not_widgets():
    got = _blocks("<div class='tabs'><input type='radio' checked><input type='radio'>"
                  "<label>Python</label><label>Shell</label><div><p>Install it with pip.</p></div></div>")
    assert [t for _, t in got] == ["Python", "Shell", "Install it with pip."]


def test_declared_chrome_and_main_region():
    got = _blocks(f"<header><p>Site name and a long tagline that is not part of any article at all.</p></header>"
                  f"<nav><p>{PROSE}</p></nav><div id='promo'><p>{PROSE}</p></div>"
                  f"<main><article><header><h1>Story</h1></header><p>{PROSE * 3}</p>"
                  "<footer><p>Filed under harbour news.</p></footer></article>"
                  f"<aside><h2>Elsewhere</h2><p>{PROSE}</p></aside></main><footer><p>{PROSE}</p></footer>")
    assert got == [("heading", "Story"), ("para", (PROSE * 3).strip()), ("para", "Filed under harbour news.")]


def test_markup_that_holds_most_of_the_page_is_not_trusted_as_chrome():
    got = _blocks(f"<header><h1>Report</h1><p>{PROSE * 5}</p></header><footer><p>Contact us.</p></footer>")
    assert got[:2] == [("heading", "Report"), ("para", (PROSE * 5).strip())]


def test_permalink_anchors_and_whitespace():
    got = _blocks("<h2>Install<a class='headerlink' href='#install'>¶</a></h2>"
                  "<p>Run   <code>pip\n install</code>\u00a0now.</p><dt>exception <span>Key</span><span>Error</span>"
                  "<a href='#KeyError'>¶</a></dt>")
    assert got == [("heading", "Install"), ("para", "Run pip install now."), ("heading", "exception KeyError")]


def test_deep_nesting_and_tag_soup_do_not_crash(parser):
    limit = __import__("sys").getrecursionlimit()
    deep = "<div>" * 5000 + "<p>Deep text survives.</p>" + "</div>" * 5000
    assert ("para", "Deep text survives.") in _blocks(deep)
    assert __import__("sys").getrecursionlimit() == limit
    soup = _blocks("<ul><li>one<li>two<p>para<p>another</ul><td>stray cell<table><tr><td>x</table>")
    assert [t for _, t in soup][:2] == ["one", "two"]


def test_empty_and_textless_pages():
    assert extract("<html><body><script>x()</script></body></html>").blocks == []
    assert extract("plain text, no tags").blocks[0].text == "plain text, no tags"


# -- visible_words (the ingest warning's denominator) -------------------------------------------------------------
def test_visible_words_counts_what_a_reader_sees():
    html = ("<html><head><title>Not counted</title><style>p{}</style></head><body>"
            "<header><nav>Home About</nav>Site tagline here</header>"
            "<div role='navigation'>Prev Next</div>"
            "<article><header>Article Title</header><p>One two three, four-five.</p><footer>By me</footer></article>"
            "<script>var a = 1;</script><svg><text>label</text></svg><noscript>js off</noscript>"
            "<template>later</template><p hidden>hidden words</p><aside>Related links</aside>"
            "<footer>Copyright notice</footer></body></html>")
    # Article Title (2) + One two three four five (5) + By me (2)
    assert visible_words(html) == 9


def test_visible_words_uses_the_main_landmark():
    html = (f"<body><div class='banner'>Big banner words that are outside main</div><main><p>{PROSE}</p>"
            "<nav>skip me</nav></main><div class='footer'>copyright words</div></body>")
    assert visible_words(html) == count_words(PROSE)
    assert count_words("json.dump(obj, fp) | ¶ — 1,100") == 6  # json dump obj fp 1 100


def test_visible_words_flags_a_lossy_extraction():
    """The pipeline's warning: a page whose blocks hold far fewer words than it shows."""
    page = (FIXTURES / "publican" / "sect-Backup_Guide-Scheduling.html").read_text(encoding="utf-8")
    only_p = sum(count_words(p) for p in __import__("re").findall(r"<p>(.*?)</p>", page))
    assert only_p < 0.2 * visible_words(page)  # what a <p>-only loader would have kept
    assert count_words(extract(page).text) >= 0.95 * visible_words(page)
