"""File formats read into structured blocks, on files made by real tools.

* PDF: a three-page handbook written with python-docx and printed to PDF by
  LibreOffice (headless), with a running header, a "Page N of 3" footer,
  headings (which LibreOffice exports as the PDF outline) and words that
  LibreOffice hyphenates at line ends. Skipped when ``soffice`` is absent
  (``scripts/install.sh --test`` installs it).
* docx: written by python-docx.
* reStructuredText: numpy's ``numpy/ma/README.rst`` (tests/fixtures/formats,
  BSD-3-Clause) and a Sphinx-style page.
* Markdown: headings of both kinds, fences, front matter.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from rag.ingest.document import Block, Unreadable
from rag.ingest.formats import format_of, parse
from rag.ingest.formats import docx as docx_format
from rag.ingest.formats import markdown as markdown_format
from rag.ingest.formats import pdf as pdf_format
from rag.ingest.formats import rst as rst_format

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def blocks_of(doc) -> list[tuple[str, int, int, str]]:
    return [(b.kind, b.level, b.page, b.text) for b in doc.blocks]


# -- every format ----------------------------------------------------------------------

@pytest.mark.parametrize("module", [pdf_format, docx_format, rst_format, markdown_format], ids=lambda m: m.__name__.rsplit(".", 1)[-1])
@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n   \n"], ids=["empty", "whitespace"])
def test_empty_or_blank_file_is_unreadable_as_empty(module, data):
    with pytest.raises(Unreadable, match="empty"):
        module.parse(data)


def test_registry_maps_new_endings():
    assert format_of("handbook.docx") == "docx"
    assert format_of("guide.rst") == "rst"
    assert format_of("guide.rst.txt") == "rst"  # the longer ending wins over ".txt"
    assert format_of("notes.txt") == "text"
    assert format_of("Report.PDF") == "pdf"


# -- PDF ---------------------------------------------------------------------------------

HEADER = "ACME Handbook — Confidential"
PAGES = [
    ("1. Safety", None,
     "Every employee completes the introductory safety programme during the first working week. Supervisors "
     "document participation, verify comprehension through practical demonstrations and countersign the "
     "individual training certificates before unsupervised assignments begin. Contractors follow identical "
     "procedures whenever they access restricted installations."),
    ("2. Travel", "2.1 Booking",
     "Business travel requires authorisation from the responsible department manager at least ten working days "
     "beforehand. Travellers arrange transportation, accommodation and conference registration exclusively "
     "through the corporate reservation platform, which automatically applies negotiated discounts and "
     "documents every itinerary for insurance purposes."),
    ("3. Leave", None,
     "Annual leave entitlements accumulate proportionally throughout the calendar year. Employees coordinate "
     "holiday requests with colleagues, ensuring uninterrupted operational availability, and submit "
     "applications electronically through the personnel administration portal. Unused entitlements expire "
     "after the following quarter unless management approves an extension."),
]
SECOND_PARAGRAPH = "Fire doors close automatically at night."


def _soft_hyphens(text: str) -> str:
    """Allow a line break every three letters of long words (LibreOffice prints a hyphen where it breaks)."""
    return re.sub(r"[A-Za-z]{8,}", lambda m: "\u00ad".join(m.group(0)[i:i + 3] for i in range(0, len(m.group(0)), 3)), text)


def _field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


@pytest.fixture(scope="module")
def handbook_pdf(tmp_path_factory) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; scripts/install.sh --test installs it (Debian libreoffice-writer-nogui)")
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    folder = tmp_path_factory.mktemp("handbook")
    document = docx.Document()
    document.core_properties.title = "ACME Handbook"
    document.core_properties.author = "Jane Roe"
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER
    footer = section.footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    for number, (heading, subheading, body) in enumerate(PAGES):
        if number:
            document.add_page_break()
        document.add_heading(heading, 1)
        if subheading:
            document.add_heading(subheading, 2)
        document.add_paragraph(_soft_hyphens(body)).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if number == 0:
            document.add_paragraph(SECOND_PARAGRAPH)
    source = folder / "handbook.docx"
    document.save(source)
    profile = folder / "lo-profile"
    result = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=300)
    pdf = folder / "handbook.pdf"
    assert pdf.exists(), f"LibreOffice did not write the PDF: {result.returncode} {result.stdout} {result.stderr}"
    return pdf.read_bytes()


def test_libreoffice_pdf_has_the_layout_this_test_relies_on(handbook_pdf):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(handbook_pdf))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 3
    assert all(HEADER in t and f"Page {n} of 3" in t for n, t in enumerate(texts, 1))
    assert re.search(r"[a-z]-\s*\n[a-z]", "\n".join(texts)), "no word was hyphenated at a line end"
    assert [item.title for item in reader.outline if not isinstance(item, list)] == ["1. Safety", "2. Travel", "3. Leave"]


def test_pdf_pages_paragraphs_headings_and_no_page_chrome(handbook_pdf):
    doc = pdf_format.parse(handbook_pdf)
    assert doc.kind == "pdf"
    assert blocks_of(doc) == [
        ("heading", 1, 1, "1. Safety"),
        ("para", 0, 1, PAGES[0][2]),
        ("para", 0, 1, SECOND_PARAGRAPH),
        ("heading", 1, 2, "2. Travel"),
        ("heading", 2, 2, "2.1 Booking"),
        ("para", 0, 2, PAGES[1][2]),
        ("heading", 1, 3, "3. Leave"),
        ("para", 0, 3, PAGES[2][2]),
    ]
    for block in doc.blocks:
        assert "Confidential" not in block.text and not re.search(r"Page \d of 3", block.text)
        assert "\u00ad" not in block.text and "- " not in block.text
    assert HEADER in doc.removed and any(re.fullmatch(r"Page \d of 3", line) for line in doc.removed)
    assert (doc.title, doc.author) == ("ACME Handbook", "Jane Roe")


def test_pdf_words_are_all_kept_and_hyphenated_words_rejoined(handbook_pdf):
    words = set(parse(handbook_pdf, "handbook.pdf").text.split())
    for _, _, body in PAGES:
        for word in body.split():
            assert word in words, word


def _libreoffice_pdf(document, folder: Path) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; scripts/install.sh --test installs it (Debian libreoffice-writer-nogui)")
    source = folder / "manual.docx"
    document.save(source)
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)], capture_output=True, text=True, timeout=300)
    assert (folder / "manual.pdf").exists(), "LibreOffice did not write the PDF"
    return (folder / "manual.pdf").read_bytes()


POND_BODY = ("Ponds hold still fresh water that warms quickly in spring. Floating leaves shade the surface and "
             "keep algae in check during the summer months.")


def test_pdf_contents_and_index_entries_are_dropped_and_the_title_page_names_the_document(tmp_path):
    """A manual with a title page (no title in its document information), a table of contents and an index written
    with dot leaders: the entries are navigation, not text, and would otherwise be retrieved and quoted for any
    question naming a section; the largest line of the first page is the title."""
    import docx

    document = docx.Document()
    document.core_properties.title = ""
    document.add_paragraph("Field Guide to Ponds", style="Title")
    document.add_paragraph("Contents")
    for entry in ("1 Water . . . . . . . . . . . . . . . . . . . . . . 2", "2 Plants . . . . . . . . . . . . . . . . . . . . . 2",
                  "2.1 Floating leaves ................................ 2"):
        document.add_paragraph(entry)
    document.add_page_break()
    document.add_heading("1 Water", 1)
    document.add_paragraph(POND_BODY)
    document.add_heading("2 Plants", 1)
    document.add_paragraph("Water lilies root in the mud . . . and flower from June.")
    document.add_page_break()
    document.add_heading("Index", 1)
    for entry in ("A", "algae . . . . . . . . . . . . . . . . . . . . . 2", "W", "water lilies . . . . . . . . . . . . . . . . 2",
                  "warming . . . . . . . . . . . . . . . . . . . . 2"):
        document.add_paragraph(entry)
    doc = pdf_format.parse(_libreoffice_pdf(document, tmp_path))
    text = doc.text
    assert POND_BODY in text
    assert "Water lilies root in the mud . . . and flower from June." in text  # an ellipsis in prose is not a leader
    assert ". . . . ." not in text and "....." not in text and "Floating leaves ...." not in text
    assert not any(b.text.strip() in {"A", "W"} for b in doc.blocks)  # the index's letter groups went with it
    assert any("1 Water . . ." in line for line in doc.removed)
    assert [b.text for b in doc.blocks if b.kind == "heading"][:2] == ["1 Water", "2 Plants"]
    assert doc.title == "Field Guide to Ponds"


def test_pdf_lines_in_a_monospaced_font_are_a_code_block_unless_a_sentence_runs_through_them(tmp_path):
    """A manual shows commands in a monospaced font: whole lines of it are a code block (line breaks kept), so the
    prose after it starts a sentence of its own instead of running on from the code; code a sentence runs on
    through ("When after ... only x is set") stays in that sentence; one short line before its description is an
    option list's term, a heading."""
    import docx

    document = docx.Document()

    def code(line: str) -> None:
        document.add_paragraph().add_run(line).font.name = "Courier New"

    document.add_paragraph("Run the report every morning like this:")
    code("report --daily")
    code("report --send inbox")
    document.add_paragraph("Reports go to the inbox.")
    document.add_paragraph("When after")
    code("x <- compute(1)")
    document.add_paragraph("only x is set, the value stays in memory until the session ends.")
    code("--quiet")  # an option list: the term, then what it does
    document.add_paragraph("Print nothing but errors.")
    code("> report --help")  # a command at a prompt is an example, not a term
    document.add_paragraph("Lists the options.")
    doc = pdf_format.parse(_libreoffice_pdf(document, tmp_path))
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("para", "Run the report every morning like this:"),
        ("code", "report --daily\nreport --send inbox"),
        ("para", "Reports go to the inbox."),
        ("para", "When after x <- compute(1) only x is set, the value stays in memory until the session ends."),
        ("heading", "--quiet"),
        ("para", "Print nothing but errors."),
        ("code", "> report --help"),
        ("para", "Lists the options."),
    ]


def test_pdf_footnote_marks_are_left_out_of_words_and_subscripts_stay(tmp_path):
    """"... computed by something like² x" is read "like x": a small raised number after a word is a footnote mark,
    not part of the word; a lowered one (H₂O) and a number in the text's own size (atan2) stay."""
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("The quadratic form should be computed by something like")
    paragraph.add_run("2").font.superscript = True
    paragraph.add_run(" solve(A, x), rather than the inverse. Water is H")
    paragraph.add_run("2").font.subscript = True
    paragraph.add_run("O, and atan2 takes two arguments.")
    doc = pdf_format.parse(_libreoffice_pdf(document, tmp_path))
    assert "computed by something like solve(A, x)" in doc.text
    assert "H2O" in doc.text and "atan2 takes" in doc.text


def test_pdf_with_an_owner_password_only_is_read(handbook_pdf):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(handbook_pdf)))
    writer.encrypt(user_password="", owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    doc = pdf_format.parse(out.getvalue())
    assert PAGES[2][2] in doc.text


def _blank_pdf(password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf_is_unreadable_with_reason():
    with pytest.raises(Unreadable, match=r"^encrypted PDF \(password required\)$"):
        pdf_format.parse(_blank_pdf(password="s3cret"))


def test_pdf_without_text_layer_and_damaged_pdf_have_reasons():
    with pytest.raises(Unreadable, match=r"no text layer \(scanned image\?\)"):
        pdf_format.parse(_blank_pdf())
    with pytest.raises(Unreadable, match=r"^damaged PDF \("):
        pdf_format.parse(b"%PDF-1.4 this is not really a pdf")


def test_pdf_line_joining_keeps_real_compound_hyphens():
    text = "a well-known rule"
    assert pdf_format._join_lines(["the infor-", "mation desk"], text) == "the information desk"
    assert pdf_format._join_lines(["a well-", "known rule"], text) == "a well-known rule"
    assert pdf_format._join_lines(["north-", "East wind"], text) == "north- East wind"  # not a lowercase continuation


# -- docx --------------------------------------------------------------------------------

def _policy_docx(with_title: bool = True) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Travel Policy 2025" if with_title else ""
    document.core_properties.author = "Jane Roe"
    if with_title:
        document.add_paragraph("Travel Policy", style="Title")
    document.add_heading("Booking", 1)
    paragraph = document.add_paragraph("Book every trip through the ")
    paragraph.add_run("corporate portal").bold = True
    paragraph.add_run(" at least ten days ahead.")
    document.add_paragraph("Economy class for flights under six hours", style="List Bullet")
    document.add_paragraph("Rail for journeys under 500 km", style="List Number")
    document.add_paragraph("")  # an empty paragraph is no block
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("City", "Hotel cap", "Meal cap"), ("Paris", "180 EUR", "60 EUR"), ("Vilnius", "120 EUR", "45 EUR")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("Refunds", 2)
    document.add_paragraph("Claims are paid within 30 days.")
    document.add_heading("Exceptions", 1)
    document.add_paragraph("The finance director approves exceptions in writing.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_blocks_in_reading_order_with_heading_levels_and_table_rows():
    doc = parse(_policy_docx(), "policy.docx")
    assert doc.kind == "docx"
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        ("heading", 1, "Travel Policy"),
        ("heading", 2, "Booking"),
        ("para", 0, "Book every trip through the corporate portal at least ten days ahead."),
        ("para", 0, "Economy class for flights under six hours"),
        ("para", 0, "Rail for journeys under 500 km"),
        ("para", 0, "City | Hotel cap | Meal cap"),
        ("para", 0, "Paris | 180 EUR | 60 EUR"),
        ("para", 0, "Vilnius | 120 EUR | 45 EUR"),
        ("heading", 3, "Refunds"),
        ("para", 0, "Claims are paid within 30 days."),
        ("heading", 2, "Exceptions"),
        ("para", 0, "The finance director approves exceptions in writing."),
    ]
    assert (doc.title, doc.author) == ("Travel Policy 2025", "Jane Roe")


def test_docx_without_title_paragraph_keeps_heading_levels():
    doc = docx_format.parse(_policy_docx(with_title=False))
    assert [(b.level, b.text) for b in doc.blocks if b.kind == "heading"] == [(1, "Booking"), (2, "Refunds"), (1, "Exceptions")]
    assert doc.title == ""  # no stated title: the pipeline falls back to the file name


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize("data", [
    b"This is plain text saved with a .docx name.",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,  # an OLE file: an old .doc or a password-protected .docx
    _zip({"readme.txt": "not a Word document"}),
], ids=["text", "ole", "zip-without-document"])
def test_damaged_docx_is_unreadable_with_reason(data):
    with pytest.raises(Unreadable, match=r"^damaged \.docx \("):
        docx_format.parse(data)


def test_truncated_docx_is_unreadable_with_reason():
    data = _policy_docx()
    with pytest.raises(Unreadable, match=r"^damaged \.docx \("):
        docx_format.parse(data[: len(data) // 2])


def test_docx_with_no_text_is_empty():
    import docx

    document = docx.Document()
    document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(Unreadable, match="empty"):
        docx_format.parse(out.getvalue())


# -- reStructuredText --------------------------------------------------------------------

def test_rst_real_file_sections_code_and_plain_text():
    data = (FIXTURES / "numpy-ma-README.rst").read_bytes()
    doc = rst_format.parse(data)
    assert doc.kind == "rst" and doc.title == "A guide to masked arrays in NumPy"
    headings = [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert headings[:4] == [(1, "A guide to masked arrays in NumPy"), (2, "History"), (2, "Main differences"), (2, "New features")]
    assert (2, "Should masked arrays be filled before processing or not?") in headings
    assert all(level in (1, 2) for level, _ in headings)
    code = [b.text for b in doc.blocks if b.kind == "code"]
    assert code[0].startswith(">>> import numpy.core.ma as old_ma\n>>> import maskedarray as new_ma")  # doctest block
    assert "python simple_plot.py --maskedarray" in code  # literal block after "e.g.::"
    assert any(c.startswith("d1 = x.filled(0) # d1 = array([0., 2., 3., 4.])") for c in code)
    paras = [b.text for b in doc.blocks if b.kind == "para"]
    assert "by using a command-line option, e.g.:" in " ".join(paras)  # "::" shown as ":"
    history = next(p for p in paras if p.startswith("As a regular user of MaskedArray"))
    assert "TimeSeries Scikit (dead link)" in history and "http" not in history and "`" not in history
    assert "I ended up writing the equivalent of numpy.core.ma for my particular class" in " ".join(paras)
    assert "Contents" not in doc.text  # the contents directive has no text of its own


SPHINX_PAGE = """\
:Author: Jane Roe
:Date: 2024-05-01

=============
 Field Guide
=============

Introduction
============

Use ``rag ingest`` to read a **folder**; see :func:`rag.api.ingest` and
:ref:`the quick start <quickstart>`, or `the website <https://example.org>`_.
The |project| name is a substitution. Footnotes [#]_ are dropped.

.. note::

   Stores are *local*: nothing leaves the machine.

Installing
----------

Run this::

    scripts/install.sh --test
    .venv/bin/python -m pytest

.. code-block:: python
   :linenos:

   from rag import ask

   print(ask("When?").text)

Options
~~~~~~~

chunk_size
    Words per chunk.

.. function:: ask(question, k=5)

   Answer a question with citations.

=========  ===========
Setting    Default
=========  ===========
k          5
store      ``.rag``
=========  ===========

Internals
=========

.. toctree::

   api
   cli

.. This comment is not text.

The end.
"""


def test_rst_levels_follow_first_appearance_and_directives_keep_text():
    doc = parse(SPHINX_PAGE.encode(), "guide.rst.txt")
    assert doc.kind == "rst"
    assert (doc.title, doc.author, doc.date) == ("Field Guide", "Jane Roe", "2024-05-01")
    assert [(b.level, b.text) for b in doc.blocks if b.kind == "heading"] == [
        (1, "Field Guide"),       # "=" with overline: first style
        (2, "Introduction"),      # "=" underline only: a different style
        (3, "Installing"),
        (4, "Options"),
        (5, "chunk_size"),        # a definition term: one level below its section
        (5, "ask(question, k=5)"),  # an API description: one level below its section
        (2, "Internals"),
    ]
    paras = [b.text for b in doc.blocks if b.kind == "para"]
    assert paras[0] == ("Use rag ingest to read a folder; see rag.api.ingest and the quick start, "
                        "or the website. The |project| name is a substitution. Footnotes are dropped.")
    assert "Stores are local: nothing leaves the machine." in paras
    assert "Run this:" in paras
    assert "Setting | Default" in paras and "store | .rag" in paras
    code = [b.text for b in doc.blocks if b.kind == "code"]
    assert code == ["scripts/install.sh --test\n.venv/bin/python -m pytest", 'from rag import ask\n\nprint(ask("When?").text)']
    assert "comment" not in doc.text and "api\ncli" not in doc.text and "linenos" not in doc.text


def test_rst_without_sections_is_paragraphs():
    doc = rst_format.parse(b"Just a paragraph\nover two lines.\n\n* one item\n* two items\n")
    assert blocks_of(doc) == [("para", 0, 0, "Just a paragraph over two lines."), ("para", 0, 0, "one item"), ("para", 0, 0, "two items")]


# -- Markdown ----------------------------------------------------------------------------

MARKDOWN = """\
---
title: "Field Guide: Rivers"
author: Jane Roe
date: 2024-03-05
publisher: River Press
---

Rivers of the North
===================

The **Volga** is the *longest* river in Europe; see [the atlas](https://example.org/atlas "Atlas")
and `river_data.csv` for figures.

Tributaries
-----------

### The Kama ###

- The Kama joins the Volga near Kazan.
- The Oka joins it at
  Nizhny Novgorod.

```python
def length(river):
    return RIVERS[river] * 1.0  # **not bold**, [not](a link)

# not a heading
```

    indented code stays
    verbatim

| River | Length |
|-------|-------:|
| Volga | 3,530 km |
"""


def test_markdown_headings_code_front_matter_and_inline_markup():
    doc = parse(MARKDOWN.encode(), "rivers.md")
    assert doc.kind == "markdown"
    assert (doc.title, doc.author, doc.date, doc.publisher) == ("Field Guide: Rivers", "Jane Roe", "2024-03-05", "River Press")
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        ("heading", 1, "Rivers of the North"),
        ("para", 0, "The Volga is the longest river in Europe; see the atlas and river_data.csv for figures."),
        ("heading", 2, "Tributaries"),
        ("heading", 3, "The Kama"),
        ("para", 0, "The Kama joins the Volga near Kazan."),
        ("para", 0, "The Oka joins it at Nizhny Novgorod."),
        ("code", 0, "def length(river):\n    return RIVERS[river] * 1.0  # **not bold**, [not](a link)\n\n# not a heading"),
        ("code", 0, "indented code stays\nverbatim"),
        ("para", 0, "River | Length"),
        ("para", 0, "Volga | 3,530 km"),
    ]
    assert "title:" not in doc.text and "River Press" not in doc.text


def test_markdown_raw_html_table_keeps_its_rows():
    """API pages written in Markdown put tables of constants in raw HTML: each row stays a row ("PRIORITY_LOW | The
    lowest ..."), so a sentence about one constant is not run together with the next constant's name."""
    text = ("# Constants\n\nPriority constants:\n\n<table>\n  <tr>\n    <th>Constant</th>\n    <th>Description</th>\n  </tr>\n"
            "  <tr>\n    <td><code>LOW</code></td>\n    <td>The lowest priority, a nice value of\n    <code>19</code>.</td>\n  </tr>\n"
            "  <tr>\n    <td><code>HIGH</code></td>\n    <td>Above <code>LOW</code>, a nice value of <code>-7</code>.</td>\n  </tr>\n"
            "</table>\n\nMore text after it.\n")
    doc = parse(text.encode(), "os.md")
    assert [b.text for b in doc.blocks if b.kind == "para"] == [
        "Priority constants:", "Constant | Description", "LOW | The lowest priority, a nice value of 19.",
        "HIGH | Above LOW, a nice value of -7.", "More text after it."]


def test_markdown_without_front_matter_takes_title_from_leading_heading():
    doc = markdown_format.parse(b"# Minsk Notes\n\nText\twith a tab.\n\n---\n\n~~~\n\tkeep\ttabs\n~~~\n")
    assert doc.title == "Minsk Notes" and doc.author == ""
    assert blocks_of(doc) == [("heading", 1, 0, "Minsk Notes"), ("para", 0, 0, "Text with a tab."), ("code", 0, 0, "\tkeep\ttabs")]


def test_markdown_front_matter_only_is_empty():
    with pytest.raises(Unreadable, match="empty"):
        markdown_format.parse(b"---\ntitle: Nothing here\n---\n\n")


def test_block_fields_are_typed():
    doc = markdown_format.parse(b"## Two\n\nText.\n")
    assert doc.blocks == [Block("Two", "heading", 2, 0), Block("Text.", "para", 0, 0)]
