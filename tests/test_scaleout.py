"""Several processes on one store behave as one service: writes made elsewhere reach every process's answers.

The fast tests use two Engines in one process on one store folder (each keeps its own lexical index, as two
`rag serve` processes do) and the fake embedder; the slow one runs a real `chroma run` and two real `rag serve`
processes on loopback and talks to them with the `openai` package and plain HTTP, as a team's clients would.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from rag.api import Engine

WORDS = ["alder", "birch", "cedar", "damson", "elm", "fir", "ginkgo", "hazel"]


def note(tree: str, count: int) -> str:
    return f"The orchard inspector counted {count} {tree} trees along the northern fence of the Lida estate.\n"


def corpus_with(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def texts(engine: Engine, query: str) -> list[str]:
    return [p.text for p in engine.search(query, top_k=5)]


# -- fast: the change signal ---------------------------------------------------------------

def test_a_replacement_with_the_same_chunk_count_made_by_another_engine_is_seen_at_the_next_question(plumbing, tmp_path):
    corpus = corpus_with(tmp_path / "corpus", {"orchard.txt": note("alder", 41), "gate.txt": note("birch", 7)})
    settings = plumbing.replace(corpus_dir=corpus)
    with Engine(settings, writer=True) as a, Engine(settings, writer=True) as b:
        a.ingest()
        assert any("41 alder" in t for t in texts(a, "How many alder trees?"))
        chunks = a.store.count()

        (corpus / "orchard.txt").write_text(note("cedar", 93), encoding="utf-8")  # same length: one chunk before and after
        b.ingest()
        assert a.store.count() == chunks  # the old signal, (count, this engine's generation), did not move
        found = texts(a, "How many cedar trees?")
        assert any("93 cedar" in t for t in found) and not any("alder" in t for t in a.retriever.lexical().docs)

        (corpus / "gate.txt").unlink()  # an add and a delete in one pass: the count again stays the same
        (corpus / "well.txt").write_text(note("damson", 12), encoding="utf-8")
        b.ingest()
        assert a.store.count() == chunks
        docs = a.retriever.lexical().docs
        assert any("12 damson" in t for t in docs) and not any("birch" in t for t in docs)
        assert any("12 damson" in t for t in texts(a, "How many damson trees?"))


def test_the_lexical_index_is_rebuilt_once_per_change_not_per_question(plumbing, tmp_path, monkeypatch):
    from rag import retrieve

    corpus = corpus_with(tmp_path / "corpus", {"orchard.txt": note("elm", 5)})
    settings = plumbing.replace(corpus_dir=corpus)
    builds = []
    real = retrieve.Retriever._load_or_build
    monkeypatch.setattr(retrieve.Retriever, "_load_or_build", lambda self, **kw: builds.append(1) or real(self, **kw))
    with Engine(settings, writer=True) as a, Engine(settings, writer=True) as b:
        a.ingest()
        for _ in range(5):
            a.search("How many elm trees?")
        assert len(builds) == 1
        b.remove_document("orchard.txt")
        (corpus / "orchard.txt").write_text(note("fir", 6), encoding="utf-8")
        b.ingest()
        for _ in range(5):
            a.search("How many fir trees?")
        assert len(builds) == 2


def test_the_change_key_moves_with_every_kind_of_write_and_follows_a_collection_rebuilt_elsewhere(plumbing):
    from rag.store import ChromaStore

    one, two = ChromaStore(plumbing, "fake", writer=True), ChromaStore(plumbing, "fake", writer=True)
    try:
        keys = [one.change_key()]
        assert two.change_key() == keys[0] and one.change_key() == keys[0]  # reading does not move it
        two.upsert(["a", "b"], [[1.0, 0.0], [0.0, 1.0]], ["alpha", "beta"], [{"source": "x"}, {"source": "x"}])
        keys.append(one.change_key())
        two.upsert(["a"], [[1.0, 0.1]], ["alpha two"], [{"source": "x"}])  # same count, other text
        keys.append(one.change_key())
        two.update_metadata(["b"], [{"source": "y"}])  # same ids, other metadata (a renamed file)
        keys.append(one.change_key())
        two.delete(["a"])
        keys.append(one.change_key())
        assert len(set(keys)) == len(keys)
        assert (one.collection.metadata or {}).get("embedding_model") == "fake"  # the bump keeps the collection's metadata
        (hit,) = one.query([0.0, 2.0], 1)
        assert hit.id == "b" and hit.distance < 1e-4  # ... and its cosine distance (squared L2 would say 1.0)

        two.client.delete_collection(plumbing.store.collection)  # `rag ingest --rebuild` in another process
        ChromaStore(plumbing, "fake", writer=True).close()  # ... recreates it empty
        assert one.change_key() not in keys and one.count() == 0  # `one` follows the new collection instead of failing
    finally:
        one.close()
        two.close()


def test_parts_built_lazily_are_built_once_when_threads_race_for_them(plumbing, monkeypatch):
    from rag import store as store_module

    made = []
    real_init = store_module.ChromaStore.__init__

    def slow_init(self, *args, **kwargs):
        made.append(self)
        time.sleep(0.2)  # widen the window between "no store yet" and "store set"
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(store_module.ChromaStore, "__init__", slow_init)
    with Engine(plumbing, writer=True) as engine:
        got = []
        threads = [threading.Thread(target=lambda: got.append((engine.store, engine.retriever))) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(made) == 1
        assert len({id(s) for s, _ in got}) == 1 and len({id(r) for _, r in got}) == 1


def test_with_a_chroma_server_writers_through_one_corpus_folder_take_turns_across_processes(plumbing, tmp_path):
    import fcntl

    from rag.errors import BackendError, StoreLockedError

    from .conftest import free_port

    corpus = corpus_with(tmp_path / "corpus", {"orchard.txt": note("ginkgo", 3)})
    server = plumbing.replace(corpus_dir=corpus, chroma_url=f"http://127.0.0.1:{free_port()}", store__corpus_lock_timeout=30)
    with open(corpus / ".rag-ingest.lock", "a+") as other:  # another process's ingest, upload or delete
        fcntl.flock(other, fcntl.LOCK_EX)
        outcome: list = []

        def ingest():
            started = time.monotonic()
            try:
                Engine(server, writer=True).ingest()
            except Exception as exc:  # noqa: BLE001 - asserted below
                outcome.append((exc, time.monotonic() - started))

        worker = threading.Thread(target=ingest)
        worker.start()
        time.sleep(1.0)
        assert worker.is_alive() and not outcome  # waiting for the folder, before touching the store
        fcntl.flock(other, fcntl.LOCK_UN)
        worker.join(30)
    (exc, waited), = outcome
    assert isinstance(exc, BackendError) and "cannot reach the Chroma server" in str(exc) and waited >= 1.0
    assert not (corpus / ".rag-ingest.lock").exists()  # removed by the write that held it: no trace in the folder

    with open(corpus / ".rag-ingest.lock", "a+") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(StoreLockedError, match="being indexed by another process.*CORPUS_LOCK_TIMEOUT"):
            Engine(server.replace(store__corpus_lock_timeout=0.3), writer=True).remove_document("orchard.txt")
    assert (corpus / "orchard.txt").exists()
    (corpus / ".rag-ingest.lock").unlink()
    with Engine(plumbing.replace(corpus_dir=corpus), writer=True) as embedded:  # the embedded store has its own lock: no lock file
        embedded.ingest()
    assert not (corpus / ".rag-ingest.lock").exists()


def test_a_corpus_lock_removed_by_its_holder_is_taken_by_exactly_one_waiter(tmp_path):
    from rag.errors import StoreLockedError
    from rag.lock import CorpusLock

    first = CorpusLock(tmp_path, 5)
    first.acquire("first")
    second = CorpusLock(tmp_path, 5)
    waiter = threading.Thread(target=second.acquire, args=("second",))
    waiter.start()
    time.sleep(0.3)
    first.release()  # removes the file the waiter is blocked on, then unlocks it
    waiter.join(5)
    assert second._fd is not None and "second" in (tmp_path / CorpusLock.NAME).read_text()
    with pytest.raises(StoreLockedError, match=r"pid \d+: second"):
        CorpusLock(tmp_path, 0.3).acquire("third")  # the new file is held: no two holders at once
    second.release()
    assert not (tmp_path / CorpusLock.NAME).exists()



def test_a_server_whose_corpus_folder_is_not_the_shared_one_says_so_at_start(plumbing, tmp_path):
    from rag.server import shared_folder_warnings

    ours = corpus_with(tmp_path / "ours", {"orchard.txt": note("hazel", 8), "gate.txt": note("alder", 2)})
    theirs = corpus_with(tmp_path / "theirs" / "uploads", {"memo.txt": note("birch", 4)}).parent
    with Engine(plumbing.replace(corpus_dir=ours), writer=True) as engine:
        engine.ingest()
        assert shared_folder_warnings(engine) == []
        (ours / "gate.txt").unlink()  # as on a machine whose folder is not the one the documents came from
        engine.ingest(theirs)  # uploads made through a server with another corpus folder
        lines = shared_folder_warnings(engine)
    assert len(lines) == 3
    assert "1 document(s)" in lines[0] and "gate.txt" in lines[0] and str(ours) in lines[0]
    assert str(theirs) in lines[1] and "same corpus folder" in lines[2]


# -- slow: a real Chroma server and two real `rag serve` processes ----------------------------

BOTTLES = "How many bottles did the Lida glassworks produce?"
GLASS = "The Lida glassworks produced {} green bottles on 2 February, the plant manager Ihar Zhuk said."


def until(check, timeout: float = 60.0):
    """(seconds until ``check()`` returned something true, that value); polls as fast as the check runs."""
    started = time.monotonic()
    while True:
        got = check()
        if got:
            return time.monotonic() - started, got
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not true after {timeout}s: {check.__doc__ or check}")
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.slow
def test_with_a_chroma_server_a_restarted_engine_loads_the_lexical_snapshot_until_the_collection_changes(plumbing, tmp_path, monkeypatch):
    """A real `chroma run`: the BM25 index built by one engine is saved on this machine; the next engine on the same
    unchanged collection loads it (no rebuild), and after a write anywhere it builds a new one."""
    import contextlib
    import os

    from rag import retrieve

    from .conftest import free_port, serve, venv_bin

    port = free_port()
    corpus = corpus_with(tmp_path / "corpus", {"orchard.txt": note("hazel", 17), "gate.txt": note("alder", 4)})
    server = plumbing.replace(corpus_dir=corpus, chroma_url=f"http://127.0.0.1:{port}", store_dir=tmp_path / "local")
    builds: list[int] = []
    real = retrieve.build_lexical_index
    monkeypatch.setattr(retrieve, "build_lexical_index", lambda *a: builds.append(1) or real(*a))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("RAG_")}, "ANONYMIZED_TELEMETRY": "False"}
    with contextlib.ExitStack() as running:
        running.enter_context(serve([venv_bin("chroma"), "run", "--path", str(tmp_path / "chroma-data"), "--host", "127.0.0.1",
                                     "--port", str(port)], port, 90, env=env, log=tmp_path / "chroma.log"))
        with Engine(server, writer=True) as first:
            first.ingest()
            assert any("17 hazel" in t for t in texts(first, "How many hazel trees?")) and len(builds) == 1
        assert list((tmp_path / "local" / ".lexical").glob(f"127.0.0.1_{port}/documents/*"))
        with Engine(server) as restarted:
            assert any("17 hazel" in t for t in texts(restarted, "How many hazel trees?"))
            assert len(builds) == 1  # loaded, not rebuilt
        (corpus / "well.txt").write_text(note("birch", 9), encoding="utf-8")
        with Engine(server, writer=True) as writer:
            writer.ingest()
        with Engine(server) as after:
            assert any("9 birch" in t for t in texts(after, "How many birch trees?")) and len(builds) == 2


def test_two_serve_processes_on_one_chroma_server_answer_as_one_service(tmp_path, settings):
    import contextlib
    import os
    import shutil
    import sys

    import httpx
    from openai import OpenAI

    from . import conftest
    from .conftest import SEEDS, free_port, serve, venv_bin
    from .test_robustness import expected_chunks, stored_chunks

    corpus = tmp_path / "corpus"  # one corpus folder for both, as on one machine or a shared mount
    shutil.copytree(SEEDS, corpus)
    chroma_port, ports = free_port(), {"A": free_port(), "B": free_port()}
    chroma_url = f"http://127.0.0.1:{chroma_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"ANONYMIZED_TELEMETRY": "False", "RAG_CHROMA_URL": chroma_url, "RAG_CORPUS_DIR": str(corpus),
                "RAG_SHOW_PROGRESS": "false", "RAG_CACHE_DIR": str(conftest.MODEL_CACHE)})
    delays: dict[str, float] = {}
    with contextlib.ExitStack() as running:  # every process is stopped on the way out, failed assertions included
        running.enter_context(serve([venv_bin("chroma"), "run", "--path", str(tmp_path / "chroma-data"), "--host", "127.0.0.1",
                                     "--port", str(chroma_port)], chroma_port, 90, env=env, log=tmp_path / "chroma.log"))
        for name, port in ports.items():  # A indexes the corpus into the empty collection at start, B finds it there
            running.enter_context(serve([sys.executable, "-m", "rag", "serve", "--port", str(port)], port, 240,
                                        env={**env, "RAG_STORE_DIR": str(tmp_path / f"store-{name}"),
                                             "RAG_FEEDBACK__LOG": str(tmp_path / f"feedback-{name}.jsonl")},
                                        log=tmp_path / f"serve-{name}.log"))
        base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        http = {name: running.enter_context(httpx.Client(base_url=url, timeout=120)) for name, url in base.items()}
        chat = {name: OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=120) for name, url in base.items()}

        def answer(name: str) -> tuple[str, list[str]]:
            r = chat[name].chat.completions.create(model="documents", messages=[{"role": "user", "content": BOTTLES}])
            return r.choices[0].message.content, [c["source"] for c in r.model_extra["citations"]]

        def sources(name: str) -> dict[str, int]:
            return {d["source"]: d["chunks"] for d in http[name].get("/v1/documents").json()["data"]}

        seeds_chunks = http["A"].get("/health").json()["chunks"]
        assert seeds_chunks > 40 and http["B"].get("/health").json()["chunks"] == seeds_chunks
        for name in base:  # both build their lexical index now, before anything changes
            text, cited = answer(name)
            assert "8,240" not in text and "uploads/glass.txt" not in cited

        # upload through A -> answerable through B
        started = time.monotonic()
        r = http["A"].post("/v1/documents", files={"files": ("glass.txt", GLASS.format("8,240").encode(), "text/plain")})
        assert r.status_code == 201 and r.json()["indexed"] == ["uploads/glass.txt"], r.text
        delays["upload request"] = time.monotonic() - started

        def b_answers_the_upload():
            """B answers from the uploaded file"""
            text, cited = answer("B")
            return "8,240" in text and cited[:1] == ["uploads/glass.txt"]

        delays["upload"], _ = until(b_answers_the_upload)
        assert sources("B")["uploads/glass.txt"] == 1
        text, cited = answer("A")  # A caches an index holding the upload, which B is about to replace
        assert "8,240" in text and cited[:1] == ["uploads/glass.txt"]
        hits = http["B"].post("/v1/search", json={"query": "Lida glassworks green bottles", "top_k": 3}).json()["data"]
        assert hits[0]["source"] == "uploads/glass.txt"

        # the same file with changed text through B (one chunk before and after: the chunk count does not move) -> A
        r = http["B"].post("/v1/documents", files={"files": ("glass.txt", GLASS.format("9,315").encode(), "text/plain")})
        assert r.status_code == 201 and r.json()["chunks_total"] == seeds_chunks + 1, r.text

        def a_answers_the_new_text():
            """A answers from the replaced text"""
            text, cited = answer("A")
            assert "8,240" not in text, text  # never the old text, not even once
            return "9,315" in text and cited[:1] == ["uploads/glass.txt"]

        delays["replace"], _ = until(a_answers_the_new_text)
        assert (corpus / "uploads" / "glass.txt").read_text() == GLASS.format("9,315")
        assert all("8,240" not in h["text"] for h in http["A"].post("/v1/search", json={"query": "Lida glassworks 8,240 bottles",
                                                                                       "top_k": 10}).json()["data"])

        # delete through B -> gone from A's answers, search and document list
        r = http["B"].delete("/v1/documents/uploads/glass.txt")
        assert r.status_code == 200 and r.json()["chunks_removed"] == 1 and r.json()["file_removed"], r.text

        def a_forgot_the_file():
            """A no longer cites the deleted file"""
            text, cited = answer("A")
            return "9,315" not in text and "uploads/glass.txt" not in cited

        delays["delete"], _ = until(a_forgot_the_file)
        assert "uploads/glass.txt" not in sources("A") and http["A"].get("/health").json()["chunks"] == seeds_chunks
        assert all(h["source"] != "uploads/glass.txt" for h in http["A"].post(
            "/v1/search", json={"query": "Lida glassworks green bottles Ihar Zhuk", "top_k": 20}).json()["data"])
        assert http["A"].delete("/v1/documents/uploads/glass.txt").status_code == 404

        server = settings.replace(chroma_url=chroma_url)
        assert stored_chunks(server) == expected_chunks(corpus, server)  # nothing lost, duplicated or left behind
        assert not (corpus / ".rag-ingest.lock").exists()  # the writers' turn-taking leaves no file in the folder
    for log in tmp_path.glob("serve-*.log"):
        assert "Traceback" not in (text := log.read_text(encoding="utf-8", errors="replace")) and "warning" not in text, text[-3000:]
    print("propagation seconds:", {k: round(v, 3) for k, v in delays.items()})
    assert max(delays["upload"], delays["replace"], delays["delete"]) < 5.0, delays
