"""The chat window, tested as a user would: gradio_client against a running app, and a real Chromium."""

from pathlib import Path

import pytest

from .conftest import ROOT, _client, _text


@pytest.mark.slow
def test_ask_upload_and_bad_upload_through_gradio_client(app_server, tmp_path):
    from gradio_client import handle_file

    client = _client(app_server["url"])
    history, sources, status = client.predict("How many prisoners were released in December?", [], "extractive", 6, "documents", api_name="/chat")
    assert "123" in _text(history[-1]) and "[[1]](#src-1)" in _text(history[-1])
    assert "src-1" in sources and "European Pravda" in sources and "<mark>" in sources
    assert "5 documents" in status

    note = tmp_path / "field-notes.txt"
    note.write_text("The Grodno bridge reopened on 3 March after repairs costing 7 million roubles.\n", encoding="utf-8")
    message, status = client.predict([handle_file(str(note))], api_name="/upload")
    assert "✓ field-notes.txt indexed" in message
    history, sources, _ = client.predict("When did the Grodno bridge reopen?", [], "extractive", 6, "documents", api_name="/chat")
    assert "3 March" in _text(history[-1]) and "field-notes.txt" in sources

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    message, _ = client.predict([handle_file(str(bad))], api_name="/upload")
    assert "✗ broken.pdf" in message and "PDF" in message
    assert not (app_server["corpus"] / "uploads" / "broken.pdf").exists()  # a bad upload changes nothing
    big = tmp_path / "big.txt"
    big.write_text("word " * 400_000)
    with pytest.raises(ValueError, match="maximum file size"):  # the size limit is enforced before upload
        client.predict([handle_file(str(big))], api_name="/upload")


def test_upload_names_cannot_escape_the_corpus():
    from ui.app import safe_name

    assert safe_name("../../etc/x.txt") == "x.txt"
    assert safe_name("..\\..\\windows\\evil.md") == "evil.md"
    assert "/" not in safe_name("a/b/../../c.pdf")
    assert safe_name("Résumé 2025.PDF") == "Résumé_2025.pdf"


def test_document_html_is_escaped_in_answers_and_sources():
    from rag.types import Answer, Citation
    from ui.app import answer_markdown, sources_html

    c = Citation(marker=1, source="x.txt", title="<b>t</b>", text="a <script>alert(1)</script> b", score=1.0,
                 highlights=("a <script>alert(1)</script> b",))
    html = sources_html(Answer(text="a <script>alert(1)</script> b [1].", citations=[c], answered=True))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" not in answer_markdown("<script>alert(1)</script> [1]")


CHROMIUM = "/usr/bin/chromium"


def _open_chat(playwright, url: str):
    """Debian's Chromium, headless and off the network but for loopback, on the chat window, ready to ask."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=60_000)
    return browser, page


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (scripts/install.sh --test installs it)")
def test_browser_ask_sources_and_xss(app_server):
    from gradio_client import handle_file
    from playwright.sync_api import sync_playwright

    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    client = _client(app_server["url"])
    message, _ = client.predict([handle_file(str(app_server["corpus"] / "xss-bulletin.txt"))], api_name="/upload")
    assert "indexed" in message
    with sync_playwright() as p:
        browser, page = _open_chat(p, app_server["url"])
        page.fill("#question textarea", "How many prisoners were released in December?")
        page.click("#ask")
        page.wait_for_function("document.querySelector('#sources') && document.querySelector('#sources').innerText.includes('European Pravda')", timeout=60_000)
        assert "123" in page.inner_text("#chat")
        assert page.query_selector("#sources mark") is not None
        page.screenshot(path=str(artifacts / "chat-answer.png"), full_page=True)
        page.fill("#question textarea", "What was attached to the summit communique?")
        page.click("#ask")
        page.wait_for_function("document.querySelector('#sources').innerText.includes('communique')", timeout=60_000)
        assert page.evaluate("window.__pwned === undefined")
        assert "<img src=x onerror" in page.inner_text("#sources")  # shown as text, not run
        page.screenshot(path=str(artifacts / "chat-xss.png"), full_page=True)
        browser.close()


def _three_page_pdf(path: Path) -> None:
    """A real 3-page PDF (matplotlib's PDF backend), one fact per page."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    facts = ["The lighthouse keeper logbook opens in the spring of the first year.",
             "The northern lighthouse was painted red and white by the harbour guild in 1911.",
             "The logbook closes with the storm that flooded the lower harbour."]
    with PdfPages(path) as pdf:
        for fact in facts:
            fig = plt.figure()
            fig.text(0.05, 0.5, fact, fontsize=8)
            pdf.savefig(fig)
            plt.close(fig)


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (scripts/install.sh --test installs it)")
def test_pdf_citation_shows_its_page_and_the_card_opens_the_pdf_at_that_page(app_server):
    from gradio_client import handle_file
    from playwright.sync_api import sync_playwright

    pdf = app_server["corpus"] / "lighthouse-log.pdf"
    _three_page_pdf(pdf)
    message, _ = _client(app_server["url"]).predict([handle_file(str(pdf))], api_name="/upload")
    assert "indexed" in message, message
    with sync_playwright() as p:
        browser, page = _open_chat(p, app_server["url"])
        page.fill("#question textarea", "Who painted the northern lighthouse red and white?")
        page.click("#ask")
        page.wait_for_function("document.querySelector('#sources a.src-open') !== null", timeout=60_000)
        assert "harbour guild" in page.inner_text("#chat")
        assert "p. 2" in page.inner_text("#sources")
        href = page.get_attribute("#sources a.src-open", "href")
        assert href.endswith("#page=2") and "lighthouse-log.pdf" in href
        response = page.request.get(app_server["url"].rstrip("/") + href.split("#")[0])
        assert response.status == 200 and response.body()[:5] == b"%PDF-"
        page.screenshot(path=str(ROOT / "test-artifacts" / "chat-pdf-page.png"), full_page=True)
        browser.close()
