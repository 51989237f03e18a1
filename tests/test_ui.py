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
    from ui.app import answer_markdown, plain_text, sources_html

    c = Citation(marker=1, source="x.txt", title="<b>t</b>", text="a <script>alert(1)</script> b", score=1.0,
                 highlights=("a <script>alert(1)</script> b",))
    html = sources_html(Answer(text="a <script>alert(1)</script> b [1].", citations=[c], answered=True))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" not in answer_markdown("<script>alert(1)</script> [1]")
    assert plain_text(answer_markdown("a < b [1], c & d [12].")) == "a < b [1], c & d [12]."


CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (scripts/install.sh --test installs it)")


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
@needs_chromium
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
@needs_chromium
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


# -- feedback, export, the documents table and the watch switch -------------------------------------

DECEMBER = "How many prisoners were released in December?"
PRAVDA = "european-pravda-trumps-deal-with-belarus.txt"
PISM = "pism-kellogg-visits-belarus.txt"
ONLY_PISM = "What was Jerzy Żywalewski sentenced to?"  # only the PISM article names him


def _last(generator):
    *_, last = generator
    return last


def _lines(path: Path) -> list[dict]:
    import json

    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_answers_are_kept_for_the_thumbs_and_the_export(seeded, tmp_path):
    from ui.app import ChatApp

    log = tmp_path / "feedback.jsonl"
    app = ChatApp(seeded.replace(feedback__log=log))
    try:
        history, _, _, answers = _last(app.respond(DECEMBER, [], "extractive", 6, "documents", []))
        history, _, _, answers = _last(app.respond("Who is Ales Bialiatski?", history, "extractive", 6, "documents", answers))
        assert [a["message_index"] for a in answers] == [1, 3] and len({a["id"] for a in answers}) == 2
        assert answers[0]["citations"][0]["source"] == PRAVDA
        assert answers[1]["history"] == [{"role": "user", "content": DECEMBER}, {"role": "assistant", "content": answers[0]["answer"]}]

        assert "👍 thumbs up logged with your comment" in app.rate(answers, 1, True, "right")
        assert "👎 thumbs down logged" in app.rate(answers, [3], False, "")  # an index may come as a list
        assert "withdrawn" in app.rate(answers, 3, "", "")  # the thumb clicked off again
        assert app.rate(answers, 0, True, "") == "Only answers to questions can be rated."  # a question, not an answer
        up, down, cleared = _lines(log)
        assert (up["verdict"], up["comment"], up["face"], up["question"]) == ("up", "right", "ui", DECEMBER)
        assert "123" in up["answer"] and up["citations"][0]["source"] == PRAVDA and up["collection"] == "documents"
        assert down["verdict"] == "down" and down["answer_id"] == cleared["answer_id"] == answers[1]["id"] != up["answer_id"]
        assert cleared["verdict"] == "cleared"

        md = Path(app.export(answers)).read_text(encoding="utf-8")
        assert f"## 1. {DECEMBER}" in md and "## 2. Who is Ales Bialiatski?" in md and "123" in md
        assert f"`{PRAVDA}`" in md and "\n> " in md
        assert app.export([]) is None
    finally:
        app.engine.close()


def test_the_served_windows_backend_choice_answers_its_own_question_only(seeded):
    """Under `rag serve` the window shares its engine with the HTTP API: picking a backend in the dropdown answers
    that question with it and leaves the engine (what API clients get) on its configured answerer."""
    from rag.api import Engine
    from rag.errors import UserError
    from ui.app import ChatApp

    with Engine(seeded) as shared:
        app = ChatApp(seeded, engine=shared, engine_for=lambda name: shared)
        _, _, _, answers = _last(app.respond(DECEMBER, [], "fake", 6, "documents", []))
        assert answers[0]["answerer"] == "fake" and "123" in answers[0]["answer"]
        assert shared.settings.llm.backend == "extractive"
        assert shared.ask(DECEMBER).answerer == "extractive"  # an API client's answer: the configured answerer
        assert shared.ask(DECEMBER, backend="fake").answerer == "fake"
        with pytest.raises(UserError, match="valid names: .*llamacpp"):
            shared.ask(DECEMBER, backend="no-such-backend")
    with Engine(seeded.replace(llm="fake")) as generative:  # and back: the model-free answerer for one question
        assert generative.ask(DECEMBER, backend="extractive").answerer == "extractive"


def test_the_documents_table_deletes_a_document_and_its_file_without_orphans(seeded, tmp_path):
    import shutil

    from rag.documents import list_documents
    from ui.app import DELETE_CELL, ChatApp

    from .conftest import SEEDS
    from .test_docs_cli import expected_ids

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    note = tmp_path / "field-notes.txt"
    note.write_text("The Grodno bridge reopened on 3 March after repairs costing 7 million roubles.\n", encoding="utf-8")
    app = ChatApp(seeded.replace(corpus_dir=corpus))
    try:
        rows = {r[0]: r for r in app.document_rows()}
        assert rows[PISM][1:3] == ["U.S. Special Envoy Kellogg Visits Belarus", 7] and rows[PISM][4] == DELETE_CELL
        assert app.ask_delete(rows[PISM]) == (PISM, f"Delete **{PISM}**: its 7 chunks (its file stays in {SEEDS.resolve()})?")

        assert "✓ field-notes.txt indexed" in app.upload([str(note)])[0]  # indexes the corpus folder: the seeds' copies now
        rows = {r[0]: r for r in app.document_rows()}
        assert rows["uploads/field-notes.txt"][2] == 1 and len(rows["uploads/field-notes.txt"][3]) == 16  # "YYYY-MM-DD HH:MM"
        source, question = app.ask_delete(rows["uploads/field-notes.txt"])
        assert source == "uploads/field-notes.txt" and "its 1 chunks and its file in the corpus folder" in question
        assert app.delete_document("uploads/field-notes.txt") == "Deleted uploads/field-notes.txt: 1 chunks and its file."
        assert app.delete_document(PISM) == f"Deleted {PISM}: 7 chunks and its file."
        assert "⚠ no document" in app.delete_document(PISM)
        assert app.ask_delete([PISM, "", 7]) == ("", f"{PISM} is no longer in the store.")

        assert not (corpus / "uploads" / "field-notes.txt").exists() and not (corpus / PISM).exists()
        assert (SEEDS / PISM).is_file()  # only files in the corpus folder are ever deleted
        left = {r[0] for r in app.document_rows()}
        assert PISM not in left and "uploads/field-notes.txt" not in left and len(left) == 4
        expected = expected_ids(corpus, app.settings)  # the chunks of the files left in the folder, computed from the files
        assert set(app.engine.store.all_ids()) == expected  # no orphan chunk
        assert set(app.engine.retriever.lexical().ids) == expected  # nor lexical entry
        assert {d.source for d in list_documents(app.engine)} == left
        assert not app.engine.ask(ONLY_PISM).answered
        assert not app.engine.ask("When did the Grodno bridge reopen?").answered
    finally:
        app.engine.close()


def test_the_watch_switch_starts_and_stops_watching_and_only_the_corpus_folder_when_reachable(plumbing, tmp_path):
    import time

    from ui.app import ChatApp

    from .conftest import SEEDS

    corpus, elsewhere = tmp_path / "corpus", tmp_path / "elsewhere"
    (corpus / "inbox").mkdir(parents=True)
    elsewhere.mkdir()
    (corpus / PISM).write_bytes((SEEDS / PISM).read_bytes())
    app = ChatApp(plumbing.replace(corpus_dir=corpus))  # any_folder False: as when the window is reachable from other machines
    try:
        assert app.watch_folder("") == corpus.resolve() and app.watch_folder(str(corpus / "inbox")) == (corpus / "inbox").resolve()
        for folder, message in ((str(elsewhere), "watches only the corpus folder"), (str(tmp_path / "nope"), "not an existing folder")):
            on, status = app.set_watch(True, folder)
            assert not on and message in status and app.watcher is None
        on, status = app.set_watch(True, str(corpus))
        assert on and status.startswith(f"Watching `{corpus.resolve()}`")
        deadline = time.monotonic() + 30
        while app.watch_passes() < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.watch_passes() == 1 and "1 pass; last: 1 files read" in app.watch_status()
        (corpus / "inbox" / "meteors.txt").write_text("The Naroch observatory recorded 412 meteors on 3 March.\n", encoding="utf-8")
        # the pass is counted once its writes are done: the document may show a moment before
        while ("inbox/meteors.txt" not in {r[0] for r in app.document_rows()} or app.watch_passes() < 2) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "inbox/meteors.txt" in {r[0] for r in app.document_rows()} and app.watch_passes() == 2
        assert app.set_watch(False, str(corpus)) == (False, "Not watching a folder.") and app.watch_passes() == -1
        (corpus / "later.txt").write_text("Written after the watcher stopped.\n", encoding="utf-8")
        time.sleep(1.5)
        assert "later.txt" not in {r[0] for r in app.document_rows()}
        local = ChatApp(plumbing.replace(corpus_dir=corpus), engine=app.engine, any_folder=True)  # a loopback-only window
        assert local.watch_folder(str(elsewhere)) == elsewhere.resolve()
    finally:
        app.close()
        app.engine.close()


@pytest.fixture
def chat_page(app_server):
    """A Chromium page on the running chat window (``app_server``), ready to ask."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser, page = _open_chat(p, app_server["url"])
        yield page
        browser.close()


def _ask(page, question: str, expect_source: str) -> None:
    page.fill("#question textarea", question)
    page.click("#ask")
    # The panel of *this* answer (the previous answer's panel may hold the same source name).
    page.wait_for_function(f"(() => {{ const p = document.querySelector('#sources [data-question]'); "
                           f"return p !== null && p.dataset.question === {question!r} && p.innerText.includes({expect_source!r}); }})()",
                           timeout=60_000)


def _open_documents(page) -> None:
    page.click("#documents > button.label-wrap")
    page.wait_for_selector("#docs-table [role=row]", timeout=30_000)


@pytest.mark.browser
@needs_chromium
def test_browser_thumbs_log_the_answer_and_export_downloads_the_conversation(app_server, chat_page):
    log = app_server["feedback"]
    page = chat_page
    _ask(page, DECEMBER, "European Pravda")
    page.fill("#feedback-comment textarea", "exactly the number I needed")
    page.click("#chat button[aria-label='Like']")
    page.wait_for_function("document.querySelector('#feedback-status').innerText.includes('logged')", timeout=30_000)
    assert page.input_value("#feedback-comment textarea") == ""  # the comment went with the thumb
    (up,) = _lines(log)
    assert (up["verdict"], up["question"], up["comment"], up["face"]) == ("up", DECEMBER, "exactly the number I needed", "ui")
    assert "123" in up["answer"] and "[1]" in up["answer"] and up["answered"] is True and up["collection"] == "documents"
    assert up["citations"][0]["source"] == PRAVDA and {"title", "heading", "page", "text"} <= set(up["citations"][0])

    _ask(page, "Who is Ales Bialiatski?", "Bialiatski")
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.wait_for_function("document.querySelector('#feedback-status').innerText.includes('Bialiatski')", timeout=30_000)
    down = _lines(log)[1]
    assert down["verdict"] == "down" and down["question"] == "Who is Ales Bialiatski?" and down["answer_id"] != up["answer_id"]
    assert down["history"][0] == {"role": "user", "content": DECEMBER}

    page.wait_for_function("!document.querySelector('#export').disabled", timeout=30_000)
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename.endswith(".md")
    md = Path(download.value.path()).read_text(encoding="utf-8")
    assert md.startswith("# Conversation with the documents") and "· 2 questions" in md
    assert f"## 1. {DECEMBER}\n\n" in md and "## 2. Who is Ales Bialiatski?" in md and "123" in md and "[1]" in md
    assert f"[1] **{up['citations'][0]['title']}** `{PRAVDA}`\n\n> " in md and "\n> **" in md  # quoted, answer's sentence bold
    page.screenshot(path=str(ROOT / "test-artifacts" / "chat-feedback-export.png"), full_page=True)


@pytest.mark.browser
@needs_chromium
def test_browser_deleting_from_the_documents_table_leaves_nothing_in_the_store(app_server, chat_page):
    from rag.api import Engine
    from rag.settings import Settings

    from .conftest import SEEDS, _forget_chroma_clients
    from .test_docs_cli import expected_ids, file_ids

    page = chat_page
    _ask(page, ONLY_PISM, PISM)
    _open_documents(page)
    assert "5 documents" in page.inner_text("#status")
    page.locator("#docs-table [role=row]", has_text=PISM).locator("[role=gridcell]").last.click()  # its "🗑 delete" cell
    page.wait_for_selector("#delete-confirm", state="visible", timeout=30_000)
    assert f"Delete {PISM}: its 7 chunks" in page.inner_text("#delete-confirm")
    page.click("#delete-doc")
    page.wait_for_function("document.querySelector('#docs-status').innerText.includes('Deleted')", timeout=30_000)
    assert f"Deleted {PISM}: 7 chunks." in page.inner_text("#docs-status")
    page.wait_for_function(f"!document.querySelector('#docs-table').innerText.includes({PISM!r})", timeout=30_000)
    assert "4 documents" in page.inner_text("#status") and page.is_hidden("#delete-confirm")
    page.fill("#question textarea", ONLY_PISM)
    page.click("#ask")
    page.wait_for_function("document.querySelector('#sources').innerText.includes(\"don't contain\")", timeout=60_000)
    app_server["proc"].terminate()  # the window holds the store's writer lock; read the store as the next process would
    app_server["proc"].wait(30)
    _forget_chroma_clients()
    settings = Settings.load(env={}, store_dir=app_server["store"], corpus_dir=SEEDS, show_progress=False)
    with Engine(settings) as engine:
        expected = expected_ids(SEEDS, settings) - file_ids(SEEDS / PISM, PISM, settings)
        assert set(engine.store.all_ids()) == expected  # no orphan chunk
        assert set(engine.retriever.lexical().ids) == expected  # nor lexical entry
        assert not engine.ask(ONLY_PISM).answered


@pytest.mark.browser
@needs_chromium
def test_browser_watch_switch_indexes_a_dropped_file_and_stops(app_server, chat_page):
    corpus = app_server["corpus"]
    page = chat_page
    _open_documents(page)
    assert page.input_value("#watch-folder textarea") == str(corpus.resolve())  # the corpus folder by default
    assert "Not watching a folder." in page.inner_text("#watch-status")
    page.check("#watch-switch input")
    page.wait_for_function("document.querySelector('#watch-status').innerText.includes('1 pass;')", timeout=60_000)
    assert f"Watching {corpus.resolve()}" in page.inner_text("#watch-status")
    page.wait_for_function("document.querySelector('#docs-table').innerText.includes('xss-bulletin.txt')", timeout=30_000)

    (corpus / "inbox").mkdir()
    (corpus / "inbox" / "observatory.txt").write_text(
        "The Naroch observatory in the hills recorded 412 meteors during the night of 3 March.\n", encoding="utf-8")
    page.wait_for_function("document.querySelector('#docs-table').innerText.includes('inbox/observatory.txt')", timeout=60_000)
    # the pass is counted once its writes are done: the table may show the file a moment before the status does
    page.wait_for_function("document.querySelector('#watch-status').innerText.includes('2 passes;')", timeout=30_000)
    assert "2 passes; last: 1 files read" in page.inner_text("#watch-status")
    _ask(page, "How many meteors did the Naroch observatory record?", "inbox/observatory.txt")
    assert "412" in page.inner_text("#chat")
    page.screenshot(path=str(ROOT / "test-artifacts" / "chat-watch.png"), full_page=True)

    page.uncheck("#watch-switch input")
    page.wait_for_function("document.querySelector('#watch-status').innerText.includes('Not watching a folder.')", timeout=60_000)
    (corpus / "inbox" / "later.txt").write_text("The Braslau lakes froze on 9 January.\n", encoding="utf-8")
    page.wait_for_timeout(4000)
    page.reload()  # a fresh page shows the store as it is, and the switch as it is
    page.wait_for_selector("#question textarea", timeout=60_000)
    _open_documents(page)
    assert "inbox/later.txt" not in page.inner_text("#docs-table") and not page.is_checked("#watch-switch input")
