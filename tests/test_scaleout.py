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

    with open(corpus / ".rag-ingest.lock", "a+") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(StoreLockedError, match="being indexed by another process.*CORPUS_LOCK_TIMEOUT"):
            Engine(server.replace(store__corpus_lock_timeout=0.3), writer=True).remove_document("orchard.txt")
    assert (corpus / "orchard.txt").exists()
    (corpus / ".rag-ingest.lock").unlink()
    with Engine(plumbing.replace(corpus_dir=corpus), writer=True) as embedded:  # the embedded store has its own lock: no lock file
        embedded.ingest()
    assert not (corpus / ".rag-ingest.lock").exists()
