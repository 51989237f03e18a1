"""Cleaning and loading: junk never reaches the index; metadata is read from the text."""

import pytest

from rag.ingest.chunk import chunk_text
from rag.ingest.clean import clean, parse_date
from rag.ingest.load import Unreadable, load_text

from .conftest import SEEDS

JUNK = ["<path", "<span", "<button", "</div>", "](#)", "Subscribe to the Newsletter", "Join us", "Belarus Weekly",
        "Why Russian economy warnings", "Related article", "Original url", "POLSKI INSTYTUT", "PISM SPOTLIGHT", "**"]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_junk_is_removed(path):
    doc = clean(path.read_text(encoding="utf-8"))
    for junk in JUNK:
        assert junk not in doc.text, junk
    # a repeated headline survives exactly once
    assert doc.text.count(doc.title) == 1


EXPECTED_META = {
    "kyiv-independent-diplomacy-or-deal-making": ("Diplomacy or deal-making? Unpacking the U.S.-Belarus prisoner deal", "Tim Zadorozhnyy", "", "The Kyiv Independent"),
    "moscow-times-belarus-coming-in-from-the-cold": ("Is Belarus Coming In From the Cold Following a U.S. Visit?", "Artyom Shraibman", "2025-07-16", "The Moscow Times"),
    "european-pravda-trumps-deal-with-belarus": ("Trump’s deal with Belarus’s dictator: what lies behind the release of political prisoners?", "Yurii Panchenko", "2025-12-15", "European Pravda"),
    "pism-kellogg-visits-belarus": ("U.S. Special Envoy Kellogg Visits Belarus", "Anna Maria Dynier", "2024-06-23", "PISM"),
    "jamestown-belarus-normalize-relations": ("Belarus Looking to Normalize Relations with the United States", "Yauheni Preiherman", "2025-07-31", "Eurasia Daily Monitor"),
}


@pytest.mark.parametrize("stem", sorted(EXPECTED_META))
def test_seed_metadata(stem):
    doc = clean((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
    assert (doc.title, doc.author, doc.date, doc.publisher) == EXPECTED_META[stem]


def test_sentences_broken_by_layout_are_rejoined():
    doc = clean((SEEDS / "moscow-times-belarus-coming-in-from-the-cold.txt").read_text(encoding="utf-8"))
    assert "he is prepared to make concessions." in doc.text
    jt = clean((SEEDS / "jamestown-belarus-normalize-relations.txt").read_text(encoding="utf-8"))
    assert "possibilities for a full normalization of diplomatic relations" in jt.text


def test_pull_quotes_are_dropped_but_the_paragraph_is_kept():
    doc = clean((SEEDS / "kyiv-independent-diplomacy-or-deal-making.txt").read_text(encoding="utf-8"))
    assert doc.text.count("free all political prisoners in Belarus just like that") == 1


def test_front_matter_overrides_metadata():
    doc = clean("---\ntitle: My Title\nauthor: Jane Roe\ndate: 2024-01-02\npublisher: Acme\n---\nSome text here about things that happened.\n")
    assert (doc.title, doc.author, doc.date, doc.publisher) == ("My Title", "Jane Roe", "2024-01-02", "Acme")


def test_parse_date_formats():
    assert parse_date("July 16, 2025") == "2025-07-16"
    assert parse_date(", 15 December 2025, 09:32") == "2025-12-15"
    assert parse_date("31.07.2025") == "2025-07-31"
    assert parse_date("no date") == ""


def test_html_loader_drops_scripts_svg_and_nav(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<html><head><title>T page</title><script>alert(1)</script></head><body><nav>Home | About</nav>"
                    "<h1>Big news</h1><p>The envoy visited the capital on Monday.</p><svg><path d='M1 2'/></svg>"
                    "<footer>Subscribe</footer></body></html>")
    text, kind = load_text(page)
    assert kind == "html"
    assert "The envoy visited the capital on Monday." in text
    for junk in ("alert", "Home | About", "M1 2", "Subscribe"):
        assert junk not in text


def _pdf_with_text(path, text):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.text(0.1, 0.5, text)
    fig.savefig(path, format="pdf")
    plt.close(fig)


def test_pdf_text_layer_is_read(tmp_path):
    pdf = tmp_path / "doc.pdf"
    _pdf_with_text(pdf, "The treaty was signed in Vilnius.")
    text, kind = load_text(pdf)
    assert kind == "pdf" and "treaty was signed in Vilnius" in text


def test_encrypted_pdf_is_unreadable_with_reason(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    _pdf_with_text(plain, "Secret text.")
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("s3cret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    with pytest.raises(Unreadable, match="encrypted"):
        load_text(locked)


@pytest.mark.parametrize("name, data, reason", [
    ("bin.txt", b"\x00\x01\x02\x03" * 100, "binary"),
    ("empty.txt", b"", "empty"),
    ("blank.md", b"   \n\n  ", "empty"),
    ("bad.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ("image.png", b"\x89PNG\r\n", "unsupported"),
])
def test_unreadable_files_have_named_reasons(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(Unreadable, match=reason):
        load_text(path)


def test_cp1252_text_is_decoded(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("The caf\xe9 opened in Minsk \x96 a first.".encode("latin-1"))
    text, _ = load_text(path)
    assert "café" in text


def test_chunks_are_sentence_aligned_overlapping_and_stable():
    doc = clean((SEEDS / "kyiv-independent-diplomacy-or-deal-making.txt").read_text(encoding="utf-8"))
    a = chunk_text(doc.text, "k.txt", 140, 30)
    b = chunk_text(doc.text, "k.txt", 140, 30)
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    from rag.text import split_sentences

    overlapping = 0
    for first, second in zip(a, a[1:]):
        assert first.text.rstrip()[-1] in ".!?\"”’:)", first.text[-40:]
        last = split_sentences(first.text)[-1]
        if len(last.split()) <= 30:  # a short last sentence is carried into the next chunk
            assert last in second.text
            overlapping += 1
    assert overlapping >= len(a) // 3
    # editing one paragraph changes only the chunks that contain it
    edited = chunk_text(doc.text.replace("Restoring ties?", "Restoring ties!"), "k.txt", 140, 30)
    changed = {c.id for c in edited} ^ {c.id for c in a}
    assert 0 < len(changed) <= 4


def test_a_section_number_stays_with_its_heading():
    from rag.text import split_sentences

    assert split_sentences("26.3.1. Setting Up WAL Archiving. The path is relative. See section 4. Then go.") == [
        "26.3.1. Setting Up WAL Archiving.", "The path is relative.", "See section 4.", "Then go."]
