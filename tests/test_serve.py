"""`rag serve`: the OpenAI-compatible API and the chat window in one process.

The slow tests run a real server on loopback (``serve()``) against a copy of the
seed store and talk to it the way users will: the official ``openai`` package for
chat, plain HTTP (httpx) for search, documents, health and docs, gradio_client
for the chat window. The fast ones check the refusal to bind beyond loopback
without a key and the shaping of requests and replies, without a server.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from rag.api import Engine
from rag.settings import Settings

from . import conftest
from .conftest import SEEDS, _forget_chroma_clients, free_port, run_cli, serve

KEY = "test-key-0f3c"
DECEMBER = "How many prisoners were released in December?"
DEPOT = "Depot 7 in Vitebsk district stores 4815 tonnes of grain for the winter, the regional inspectors reported in March."


def server_env(store, corpus, **extra):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"RAG_STORE_DIR": str(store), "RAG_CORPUS_DIR": str(corpus), "RAG_SHOW_PROGRESS": "false",
                "RAG_CACHE_DIR": str(conftest.MODEL_CACHE), "RAG_FEEDBACK__LOG": str(store.parent / "feedback.jsonl"), **extra})
    return env


@pytest.fixture(scope="module")
def api(seeded_store, tmp_path_factory):
    """A running `rag serve` with an API key, the seeds in `documents` and a second collection `notes`."""
    root = tmp_path_factory.mktemp("serve")
    corpus, store, notes = root / "corpus", root / "store", root / "notes"
    shutil.copytree(SEEDS, corpus)
    shutil.copytree(seeded_store, store)
    notes.mkdir()
    (notes / "depot.txt").write_text(DEPOT + "\n", encoding="utf-8")
    with Engine(Settings.load(env={}, store_dir=store, corpus_dir=notes, collection="notes", show_progress=False,
                              cache_dir=conftest.MODEL_CACHE), writer=True) as engine:
        engine.ingest()
    _forget_chroma_clients()
    port = free_port()
    env = server_env(store, corpus, RAG_API_KEY=KEY, RAG_MAX_FILE_MB="1")
    log = root / "serve.log"
    with serve([sys.executable, "-m", "rag", "serve", "--port", str(port)], port, 180, env=env, log=log) as proc:
        yield SimpleNamespace(base=f"http://127.0.0.1:{port}", corpus=corpus, store=store, proc=proc, log=log)
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


def openai_client(api, key=KEY):
    from openai import OpenAI

    return OpenAI(base_url=f"{api.base}/v1", api_key=key, max_retries=0, timeout=120)


def http(api, key=KEY) -> httpx.Client:
    return httpx.Client(base_url=api.base, headers={"Authorization": f"Bearer {key}"} if key else {}, timeout=120)


def ask(client, question, history=(), model="documents", stream=False):
    messages = [*history, {"role": "user", "content": question}]
    return client.chat.completions.create(model=model, messages=messages, stream=stream)


def streamed(client, question, history=(), model="documents"):
    """(text joined from the deltas, the final chunk's extension fields, chunks)."""
    chunks = list(ask(client, question, history, model, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    final = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(final) == 1 and final[0] is chunks[-1]
    return text, final[0].model_extra, chunks


# -- fast: no server -----------------------------------------------------------------

@pytest.mark.parametrize("args, env", [(["--host", "0.0.0.0"], {}), ([], {"RAG_SERVE__HOST": "192.168.1.10"})])
def test_binding_beyond_loopback_without_a_key_is_refused_with_one_line(args, env):
    out = run_cli("serve", "--port", str(free_port()), *args, env=env, timeout=60)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert "needs an API key" in out.stderr and "RAG_API_KEY" in out.stderr


def test_loopback_names_and_key_settings():
    from rag.server import check_binding, is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.5.0.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.10", "example.org"))
    check_binding("0.0.0.0", "k")  # a key makes any address acceptable
    assert Settings.load(env={"RAG_API_KEY": "a"}).serve.api_key == "a"
    assert Settings.load(env={"RAG_SERVE__API_KEY": "b"}).serve.api_key == "b"
    s = Settings.load(env={"RAG_API_KEY": "secret"})
    assert s.public()["serve.api_key"] == "***" and "secret" not in repr(s)


def test_messages_become_question_and_history_without_our_sources_lists():
    from rag.server import Message, reply_text, split_messages
    from rag.types import Answer, Citation

    c = Citation(marker=1, source="a.txt", title="A", text="t", score=1.0, heading="A › Part", page=2)
    answer = Answer(text="X happened [1].", citations=[c], answered=True)
    assert reply_text(answer) == "X happened [1].\n\nSources:\n[1] A › Part, p. 2 (a.txt)"
    question, history = split_messages([Message(role="system", content="be brief"), Message(role="user", content="Who?"),
                                        Message(role="assistant", content=reply_text(answer)),
                                        Message(role="user", content=[{"type": "text", "text": "Where?"}])])
    assert question == "Where?"
    assert history == [{"role": "user", "content": "Who?"}, {"role": "assistant", "content": "X happened [1]."}]
    with pytest.raises(Exception, match="role 'user'"):
        split_messages([Message(role="user", content="Who?"), Message(role="assistant", content="X.")])


# -- slow: a real server, the openai package as the client ------------------------------

@pytest.mark.slow
def test_openai_client_gets_a_cited_answer_with_sources_and_citation_fields(api):
    r = ask(openai_client(api), DECEMBER)
    content = r.choices[0].message.content
    body, sources = content.split("\n\nSources:\n")
    assert "123" in body and "[1]" in body
    extra = r.model_extra
    assert extra["answered"] is True and extra["conflict"] is False and extra["dropped"] == [] and extra["seconds"] > 0
    cite = extra["citations"][0]
    assert set(cite) >= {"marker", "source", "title", "heading", "location", "page", "text", "score", "highlights"}
    assert cite["marker"] == 1 and cite["source"] == "european-pravda-trumps-deal-with-belarus.txt"
    assert "123" in cite["text"] and any("123" in h for h in cite["highlights"]) and cite["score"] > 0
    assert sources.splitlines()[0] == f"[1] {cite['title']} ({cite['source']})"  # no location: the seeds have no sections
    assert len(sources.splitlines()) == len(extra["citations"])
    assert r.to_dict()["citations"] == extra["citations"]


@pytest.mark.slow
def test_streamed_answer_is_the_same_text_and_the_final_chunk_carries_the_citations(api):
    client = openai_client(api)
    whole = ask(client, DECEMBER)
    text, extra, chunks = streamed(client, DECEMBER)
    assert len(chunks) >= 4  # role, pieces of text, final
    assert chunks[0].choices[0].delta.role == "assistant"
    assert text == whole.choices[0].message.content and "[1]" in text
    assert extra["citations"] == whole.model_extra["citations"] and extra["answered"] is True
    with httpx.stream("POST", f"{api.base}/v1/chat/completions", headers={"Authorization": f"Bearer {KEY}"}, timeout=120,
                      json={"model": "documents", "stream": True, "messages": [{"role": "user", "content": DECEMBER}]}) as raw:
        assert raw.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in raw.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines) and lines[-1] == "data: [DONE]"
    assert json.loads(lines[-2][6:])["choices"][0]["finish_reason"] == "stop"


@pytest.mark.slow
def test_a_follow_up_question_is_answered_from_the_conversation(api):
    client = openai_client(api)
    first = "Which prisoners were released after Kellogg visited Minsk in June?"
    r1 = ask(client, first)
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": r1.choices[0].message.content}]
    r2 = ask(client, "Where were they taken?", history)
    assert r2.model_extra["answered"] and "Vilnius" in r2.choices[0].message.content
    assert first in r2.model_extra["standalone_question"]  # the follow-up was read together with the earlier question
    text, extra, _ = streamed(client, "Where were they taken?", history)
    assert "Vilnius" in text and extra["standalone_question"] == r2.model_extra["standalone_question"]
    alone = ask(client, "Where were they taken?")
    assert alone.model_extra["standalone_question"] == "Where were they taken?"


@pytest.mark.slow
def test_a_question_the_documents_do_not_answer_is_refused_without_citations(api):
    client = openai_client(api)
    r = ask(client, "What is the population of Belarus?")
    assert r.model_extra["answered"] is False and r.model_extra["citations"] == []
    assert "don't contain" in r.choices[0].message.content and "Sources:" not in r.choices[0].message.content
    text, extra, _ = streamed(client, "What is the population of Belarus?")
    assert extra["answered"] is False and extra["citations"] == [] and "[1]" not in text


@pytest.mark.slow
def test_bad_key_unknown_model_and_bad_questions_are_json_errors_with_statuses(api):
    import openai

    with pytest.raises(openai.AuthenticationError):
        ask(openai_client(api, key="wrong"), DECEMBER)
    with http(api, key=None) as c:
        r = c.get("/v1/models")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert r.json()["error"]["code"] == "invalid_api_key" and set(r.json()["error"]) == {"message", "type", "code"}
    client = openai_client(api)
    with pytest.raises(openai.NotFoundError, match="no collection 'nosuch'"):
        ask(client, DECEMBER, model="nosuch")
    with pytest.raises(openai.NotFoundError):
        ask(client, DECEMBER, model="nosuch", stream=True)
    with pytest.raises(openai.BadRequestError, match="max_question_chars"):
        ask(client, "Why? " * 20_000)
    with pytest.raises(openai.BadRequestError, match="max_question_chars"):
        ask(client, "Why? " * 20_000, stream=True)  # refused before the stream starts
    with pytest.raises(openai.BadRequestError, match="empty"):
        ask(client, "   ")
    with http(api) as c:
        r = c.post("/v1/chat/completions", json={"model": "documents", "messages": [{"role": "assistant", "content": "hi"}]})
        assert r.status_code == 400 and "role 'user'" in r.json()["error"]["message"]
        r = c.post("/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"})
        assert r.status_code == 400 and "error" in r.json() and "Traceback" not in r.text
        r = c.post("/v1/chat/completions", json={"model": "documents", "messages": [{"role": "user", "content": "Who?"}], "top_k": 500})
        assert r.status_code == 400 and "top_k" in r.json()["error"]["message"]
    assert "123" in ask(client, DECEMBER).choices[0].message.content  # and it goes on answering


def feedback_lines(api) -> list[dict]:
    path = api.store.parent / "feedback.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


@pytest.mark.slow
def test_feedback_on_an_answer_by_its_completion_id_is_logged_with_the_answer_and_citations(api):
    client = openai_client(api)
    r = ask(client, DECEMBER)
    _, _, chunks = streamed(client, "Who is Ales Bialiatski?")
    before = len(feedback_lines(api))
    with http(api) as c:
        ok = c.post("/v1/feedback", json={"id": r.id, "verdict": "up", "comment": "right number"})
        assert ok.status_code == 201 and ok.json()["logged"] is True and ok.json()["id"] == r.id
        assert c.post("/v1/feedback", json={"id": chunks[0].id, "verdict": "down"}).status_code == 201  # a streamed answer's id
        up, down = feedback_lines(api)[before:]
    assert up["verdict"] == "up" and up["comment"] == "right number" and up["face"] == "api" and up["collection"] == "documents"
    assert up["question"] == DECEMBER and up["answer"] == r.choices[0].message.content.split("\n\nSources:")[0]
    assert [(c["marker"], c["source"]) for c in up["citations"]] == [(c["marker"], c["source"]) for c in r.model_extra["citations"]]
    assert all({"heading", "page", "text"} <= set(c) for c in up["citations"])
    assert down["question"] == "Who is Ales Bialiatski?" and down["answer_id"] == chunks[0].id and "Bialiatski" in down["answer"]
    with http(api, key="wrong") as c:  # the key rules of every /v1 route
        assert c.post("/v1/feedback", json={"id": r.id, "verdict": "up"}).status_code == 401
    assert len(feedback_lines(api)) == before + 2


@pytest.mark.slow
def test_models_are_the_collections_and_model_selects_one(api):
    client = openai_client(api)
    assert {m.id for m in client.models.list()} == {"documents", "notes"}
    question = "How many tonnes of grain does Depot 7 store?"
    r = ask(client, question, model="notes")
    assert "4815" in r.choices[0].message.content and r.model_extra["citations"][0]["source"] == "depot.txt"
    other = ask(client, question, model="documents")
    assert all(c["source"] != "depot.txt" for c in other.model_extra["citations"])


@pytest.mark.slow
def test_search_health_and_docs_over_plain_http(api):
    with http(api) as c:
        r = c.post("/v1/search", json={"query": "When did Keith Kellogg visit Minsk?", "top_k": 3})
        assert r.status_code == 200
        hits = r.json()["data"]
        assert len(hits) == 3 and [h["rank"] for h in hits] == [1, 2, 3]
        assert hits[0]["source"] == "pism-kellogg-visits-belarus.txt" and "Kellogg" in hits[0]["text"]
        assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"] > 0
        assert set(hits[0]) >= {"id", "source", "title", "heading", "location", "page", "text", "score"}
        only = c.post("/v1/search", json={"query": "Kellogg visit to Minsk", "sources": ["kyiv-independent-diplomacy-or-deal-making.txt"]}).json()["data"]
        assert only and {h["source"] for h in only} == {"kyiv-independent-diplomacy-or-deal-making.txt"}
        assert c.post("/v1/search", json={"query": ""}).status_code == 400
        assert c.post("/v1/search", json={"query": "x", "model": "nosuch"}).status_code == 404

    health = httpx.get(f"{api.base}/health", timeout=30)  # no key needed
    assert health.status_code == 200
    assert health.json()["status"] == "ok" and health.json()["documents"] >= 5 and health.json()["chunks"] >= 59
    docs = httpx.get(f"{api.base}/docs", timeout=30)
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    scripts = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", docs.text)
    assert scripts and all(u.startswith("/") for u in scripts), scripts  # served here: no CDN, works offline
    assert all(httpx.get(f"{api.base}{u}", timeout=30).status_code == 200 for u in scripts)
    schema = httpx.get(f"{api.base}/openapi.json", timeout=30).json()
    assert {"/v1/chat/completions", "/v1/models", "/v1/search", "/v1/documents", "/v1/documents/{source}", "/health"} <= set(schema["paths"])


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium not installed (scripts/install.sh --test)")
def test_the_api_docs_page_renders_offline_in_a_browser(api):
    """/docs in Chromium with every request beyond loopback refused: Swagger UI draws the API's operations."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        try:
            page = browser.new_page()

            def only_loopback(route):
                if route.request.url.startswith(api.base):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()
            page.route("**/*", only_loopback)
            page.goto(f"{api.base}/docs")
            page.get_by_text("/v1/chat/completions").first.wait_for(timeout=30_000)
        finally:
            browser.close()
    assert outside == []


@pytest.mark.slow
def test_upload_ask_then_delete_a_document_leaves_no_trace(api):
    phrase = "The Lida glassworks produced 8,240 green bottles on 2 February, the plant manager Ihar Zhuk said."
    client = openai_client(api)
    with http(api) as c:
        before = c.get("/v1/documents").json()["data"]
        assert {"european-pravda-trumps-deal-with-belarus.txt", "pism-kellogg-visits-belarus.txt"} <= {d["source"] for d in before}
        assert all(d["chunks"] > 0 and d["title"] and d["modified"] for d in before)
        chunks_before = httpx.get(f"{api.base}/health").json()["chunks"]
        assert sum(d["chunks"] for d in before) == chunks_before

        r = c.post("/v1/documents", files={"files": ("../../glass works.txt", phrase.encode(), "text/plain")})
        assert r.status_code == 201, r.text
        assert r.json()["indexed"] == ["uploads/glass_works.txt"] and r.json()["chunks_added"] == 1
        assert (api.corpus / "uploads" / "glass_works.txt").read_text() == phrase  # the name cannot leave the upload folder
        listed = {d["source"]: d for d in c.get("/v1/documents").json()["data"]}
        assert listed["uploads/glass_works.txt"]["chunks"] == 1

        answer = ask(client, "How many bottles did the Lida glassworks produce?")
        assert "8,240" in answer.choices[0].message.content
        assert answer.model_extra["citations"][0]["source"] == "uploads/glass_works.txt"

        r = c.delete("/v1/documents/uploads/glass_works.txt")
        assert r.status_code == 200 and r.json() == {"deleted": True, "source": "uploads/glass_works.txt", "chunks_removed": 1, "file_removed": True}
        assert not (api.corpus / "uploads" / "glass_works.txt").exists()
        assert "uploads/glass_works.txt" not in {d["source"] for d in c.get("/v1/documents").json()["data"]}
        assert httpx.get(f"{api.base}/health").json()["chunks"] == chunks_before
        hits = c.post("/v1/search", json={"query": "Lida glassworks green bottles Ihar Zhuk", "top_k": 20}).json()["data"]
        assert all(h["source"] != "uploads/glass_works.txt" and "glassworks" not in h["text"] for h in hits)
        after = ask(client, "How many bottles did the Lida glassworks produce?")
        assert "8,240" not in after.choices[0].message.content
        assert all(cite["source"] != "uploads/glass_works.txt" for cite in after.model_extra["citations"])
        assert c.delete("/v1/documents/uploads/glass_works.txt").status_code == 404
        assert c.delete("/v1/documents/..%2F..%2Fetc%2Fpasswd").status_code == 404


@pytest.mark.slow
def test_bad_uploads_are_refused_and_change_nothing(api):
    with http(api) as c:
        chunks = httpx.get(f"{api.base}/health").json()["chunks"]
        big = c.post("/v1/documents", files={"files": ("big.txt", b"word " * 250_000, "text/plain")})  # 1.25 MB > 1 MB
        assert big.status_code == 413 and "max_file_mb" in big.json()["error"]["message"]
        mixed = c.post("/v1/documents", files=[("files", ("ok.txt", b"A fine small file about Grodno.", "text/plain")),
                                               ("files", ("big.txt", b"word " * 250_000, "text/plain"))])
        assert mixed.status_code == 413  # one file too large: nothing is added
        broken = c.post("/v1/documents", files={"files": ("broken.pdf", b"%PDF-1.4 garbage", "application/pdf")})
        assert broken.status_code == 400 and "broken.pdf" in broken.json()["error"]["message"]
        exe = c.post("/v1/documents", files={"files": ("tool.exe", b"MZ", "application/octet-stream")})
        assert exe.status_code == 400 and "unsupported type" in exe.json()["error"]["message"]
        empty = c.post("/v1/documents", files={"files": ("empty.txt", b"", "text/plain")})
        assert empty.status_code == 400
        uploads = api.corpus / "uploads"
        assert not uploads.exists() or not [p for p in uploads.iterdir() if p.name in {"big.txt", "ok.txt", "broken.pdf", "tool.exe", "empty.txt"}]
        assert httpx.get(f"{api.base}/health").json()["chunks"] == chunks


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium not installed (scripts/install.sh --test)")
def test_an_open_chat_window_shows_documents_api_clients_add_and_remove(api):
    """Under `rag serve` an API client uploads while a chat window is open: its documents table and corpus line
    follow the store within seconds (ui.refresh_seconds), without a reload; and again when the client deletes."""
    from playwright.sync_api import sync_playwright

    name = "uploads/refresh_probe.txt"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(api.base) else route.abort())
            page.goto(f"{api.base}/")
            page.locator("input[type=text]").first.fill("anyone")  # the window's login (the API key is its password)
            page.locator("input[type=password]").fill(KEY)
            page.keyboard.press("Enter")
            page.wait_for_selector("#question textarea", timeout=60_000)
            page.click("#documents > button.label-wrap")
            page.wait_for_selector("#docs-table [role=row]", timeout=30_000)
            assert name not in page.inner_text("#docs-table")
            documents = int(re.search(r"(\d+) documents", page.inner_text("#status")).group(1))
            with http(api) as c:
                r = c.post("/v1/documents", files={"files": ("refresh probe.txt", b"The Hrodna ferry carried 61 cyclists on 4 May.", "text/plain")})
                assert r.status_code == 201 and r.json()["indexed"] == [name], r.text
                page.wait_for_function(f"document.querySelector('#docs-table').innerText.includes({name!r})", timeout=30_000)
                assert f"{documents + 1} documents" in page.inner_text("#status")
                assert c.delete(f"/v1/documents/{name}").status_code == 200
                page.wait_for_function(f"!document.querySelector('#docs-table').innerText.includes({name!r})", timeout=30_000)
                assert f"{documents} documents" in page.inner_text("#status")
        finally:
            browser.close()


@pytest.mark.slow
def test_the_chat_window_is_served_at_the_root_behind_the_key(api):
    from gradio_client import Client

    assert httpx.get(f"{api.base}/", timeout=30).status_code == 200
    client = Client(f"{api.base}/", auth=("anyone", KEY), verbose=False)
    history, sources, status = client.predict(DECEMBER, [], "extractive", 6, "documents", api_name="/chat")
    assert "123" in conftest._text(history[-1]) and "European Pravda" in sources
    history, _, _ = client.predict("How many tonnes of grain does Depot 7 store?", [], "extractive", 6, "notes", api_name="/chat")
    assert "4815" in conftest._text(history[-1])  # the window's collection box reaches the other collection's engine
    with pytest.raises(Exception):
        Client(f"{api.base}/", auth=("anyone", "wrong"), verbose=False)


# -- concurrency ------------------------------------------------------------------------------

@pytest.mark.slow
def test_twenty_api_clients_answer_during_an_upload_and_the_store_ends_exact(seeded_store, tmp_path, settings):
    from .test_robustness import expected_chunks, stored_chunks

    corpus, store = tmp_path / "corpus", tmp_path / "store"
    shutil.copytree(SEEDS, corpus)
    shutil.copytree(seeded_store, store)
    files = []
    for i in range(3):  # ~100 chunks each: the ingest takes seconds, so the questions land during it
        facts = [f"Depot {i} in Vitebsk district stores {1000 + i} tonnes of grain for the winter season, inspectors said in report {i}."]
        filler = [f"Inspection note {i}.{j}: the warehouse roof, scales, ledgers and fire equipment at site {i} were checked on visit {j} and found in order."
                  for j in range(450)]
        files.append((f"depot-report-{i}.txt", " ".join(facts + filler).encode()))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serve([sys.executable, "-m", "rag", "serve", "--port", str(port)], port, 180, env=server_env(store, corpus),
               log=tmp_path / "serve.log") as proc:
        from openai import OpenAI

        upload: dict = {}

        def do_upload():
            r = httpx.post(f"{base}/v1/documents", files=[("files", (name, data, "text/plain")) for name, data in files], timeout=600)
            upload["response"], upload["done"] = r, time.monotonic()

        uploader = threading.Thread(target=do_upload)
        uploader.start()
        landed = corpus / "uploads"
        deadline = time.monotonic() + 60
        while len(list(landed.glob("depot-report-*.txt"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)  # the files are copied into the corpus, then indexed
        questions = [DECEMBER, "Who is Ales Bialiatski?", "When did Keith Kellogg visit Minsk?", "Where were the released prisoners taken?"] * 5
        results: list = [None] * len(questions)
        finished: list = [None] * len(questions)

        def do_ask(i: int) -> None:
            client = OpenAI(base_url=f"{base}/v1", api_key="unused", max_retries=0, timeout=300)
            try:
                results[i] = client.chat.completions.create(model="documents", messages=[{"role": "user", "content": questions[i]}],
                                                            stream=bool(i % 2))
                if i % 2:
                    results[i] = list(results[i])
            except Exception as exc:  # noqa: BLE001 - recorded and asserted below
                results[i] = exc
            finished[i] = time.monotonic()

        askers = [threading.Thread(target=do_ask, args=(i,)) for i in range(len(questions))]
        assert "done" not in upload, "the ingest ended before the questions were sent"
        for t in askers:
            t.start()
        for t in askers:
            t.join(300)
        uploader.join(600)

        errors = [r for r in results if isinstance(r, Exception) or r is None]
        assert not errors, errors
        for question, r in zip(questions, results):
            if isinstance(r, list):  # streamed
                text = "".join(c.choices[0].delta.content or "" for c in r if c.choices)
                cited = r[-1].model_extra["citations"]
            else:
                text, cited = r.choices[0].message.content, r.model_extra["citations"]
            assert "[1]" in text and cited, (question, text)
            if question == DECEMBER:
                assert "123" in text
        assert sum(f < upload["done"] for f in finished) >= 1, "questions waited for the whole ingest"
        response = upload["response"]
        assert response.status_code == 201, response.text
        assert sorted(response.json()["indexed"]) == [f"uploads/depot-report-{i}.txt" for i in range(3)]
        proc.terminate()
        proc.wait(timeout=30)
    store_settings = settings.replace(store_dir=store)
    assert stored_chunks(store_settings) == expected_chunks(corpus, store_settings)
    assert len(expected_chunks(corpus, store_settings)) > 59 + 200


# -- fast: the Engine methods behind the routes, in one process ------------------------------

def test_engines_on_one_store_share_the_lock_and_upload_search_remove_work(seeded, tmp_path):
    from rag.errors import NotFoundError, TooLargeError, UserError

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    s = seeded.replace(corpus_dir=corpus, max_file_mb=0.001)
    with Engine(s, writer=True) as engine, Engine(s.replace(collection="other"), writer=True, embedder=engine.embedder) as other:
        assert engine.store.lock.mode == other.store.lock.mode == "exclusive"  # two writers in one process: one shared flock
        assert {"documents", "other"} <= set(engine.collections())
        hits = engine.search("When did Keith Kellogg visit Minsk?", top_k=2)
        assert len(hits) == 2 and hits[0].source == "pism-kellogg-visits-belarus.txt" and hits[0].location == ""
        with pytest.raises(UserError, match="top_k"):
            engine.search("Kellogg", top_k=0)
        with pytest.raises(UserError, match="empty"):
            engine.search("  ")
        note, big = tmp_path / "note.txt", tmp_path / "big.txt"
        note.write_text("The Lida glassworks produced 8,240 green bottles on 2 February.", encoding="utf-8")
        big.write_text("word " * 1000, encoding="utf-8")
        with pytest.raises(TooLargeError, match="max_file_mb"):
            engine.add_files([("note.txt", note), ("big.txt", big)], all_or_nothing=True)
        assert not (corpus / "uploads").exists()  # refused before anything was copied
        report = engine.add_files([("../note.txt", note), ("big.txt", big)])  # the chat window's way: the rest goes in
        assert report.indexed == ["uploads/note.txt"] and report.refused[0][0] == "big.txt"
        assert engine.search("Lida glassworks green bottles", top_k=1)[0].source == "uploads/note.txt"
        assert {d["source"]: d["chunks"] for d in engine.documents()}["uploads/note.txt"] == 1
        assert engine.remove_document("uploads/note.txt") == {"source": "uploads/note.txt", "chunks_removed": 1, "file_removed": True}
        assert not (corpus / "uploads" / "note.txt").exists()
        assert all(p.source != "uploads/note.txt" for p in engine.search("Lida glassworks green bottles", top_k=20))
        with pytest.raises(NotFoundError):
            engine.remove_document("uploads/note.txt")
    from rag.lock import _held

    assert not [path for path in _held if path.startswith(str(s.store.dir))]  # the last engine closed released the flock


def test_a_question_waits_for_one_ingest_batch_not_the_whole_ingest():
    from rag.embedders.fake import FakeEmbedder

    class Slow(FakeEmbedder):
        def _encode(self, texts, batch_size):
            time.sleep(0.05 * len(range(0, len(texts), batch_size or self.batch_size)))  # 50 ms per batch
            return super()._encode(texts, batch_size)

    embedder = Slow(batch_size=2)
    ingest = threading.Thread(target=embedder.encode_many, args=([f"chunk {i}" for i in range(80)],))  # 40 batches, ~2 s
    ingest.start()
    time.sleep(0.2)
    waits = []
    for _ in range(3):  # a question embeds several times; each waits for the batch in progress only
        started = time.monotonic()
        embedder.encode(["a question"])
        waits.append(time.monotonic() - started)
    assert ingest.is_alive(), "the ingest ended before the question"
    ingest.join()
    assert max(waits) < 0.5, waits


def test_feedback_route_logs_by_id_or_by_question_and_answer_and_refuses_bad_input(seeded, tmp_path):
    """POST /v1/feedback in process (FastAPI's TestClient) on the real seed store."""
    from fastapi.testclient import TestClient

    from rag.server import create_app

    log = tmp_path / "fb" / "feedback.jsonl"
    settings = seeded.replace(api_key=KEY, feedback__log=log)
    with TestClient(create_app(settings, ui=False), headers={"Authorization": f"Bearer {KEY}"}) as c:
        answer = c.post("/v1/chat/completions", json={"model": "documents", "messages": [{"role": "user", "content": DECEMBER}]}).json()
        assert c.post("/v1/feedback", json={"id": answer["id"], "verdict": "down", "comment": "too short"}).status_code == 201
        by_text = c.post("/v1/feedback", json={"question": "Who is Ales Bialiatski?", "answer": "A Nobel laureate [1].", "verdict": "up",
                                               "citations": [{"marker": 1, "source": "x.txt", "heading": "X › Y", "page": 2, "text": "t"}],
                                               "history": [{"role": "user", "content": "earlier"}]})
        assert by_text.status_code == 201 and by_text.json()["id"].startswith("sha1-")
        bad = {
            "verdict": ({"id": answer["id"], "verdict": "meh"}, 400, "verdict"),
            "nothing": ({"verdict": "up"}, 400, "send the id of a chat completion"),
            "unknown id": ({"id": "chatcmpl-nope", "verdict": "up"}, 404, "no recent answer"),
            "long comment": ({"id": answer["id"], "verdict": "up", "comment": "x" * 2001}, 400, "comment"),
            "unknown model": ({"question": "q", "answer": "a", "verdict": "up", "model": "nosuch"}, 404, "no collection 'nosuch'"),
        }
        for name, (body, status, message) in bad.items():
            r = c.post("/v1/feedback", json=body)
            assert r.status_code == status and message in r.json()["error"]["message"], (name, r.text)
        assert c.post("/v1/feedback", json={"id": answer["id"], "verdict": "up"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    first, second = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]  # bad requests wrote nothing
    assert first["verdict"] == "down" and first["answer_id"] == answer["id"] and first["comment"] == "too short"
    assert first["citations"][0]["source"] == answer["citations"][0]["source"] and "123" in first["answer"]
    assert second["verdict"] == "up" and second["citations"][0] == {"marker": 1, "source": "x.txt", "title": "", "heading": "X › Y",
                                                                    "location": "X › Y, p. 2", "page": 2, "text": "t", "highlights": []}
    assert second["history"] == [{"role": "user", "content": "earlier"}] and second["answered"] is True
