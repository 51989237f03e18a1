"""Watch folder: real file operations on a real folder, indexed by the real pipeline into a real Chroma store.

Plumbing tests use the fake embedder (speed); one end-to-end test uses the real MiniLM and measures the latency
from a file write to the file's fact being answerable.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.api import Engine
from rag.documents import search
from rag.embedders.fake import FakeEmbedder
from rag.watch import Watcher, ignored

from .conftest import ROOT, SEEDS, _forget_chroma_clients
from .test_docs_cli import expected_ids

DEBOUNCE = 0.5  # plumbing tests; the default (1 s) is used by the end-to-end test and `rag watch`


def wait_until(condition, timeout: float = 10.0, interval: float = 0.05) -> float:
    """Seconds until ``condition()`` holds; fails after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(interval)
    raise AssertionError(f"not within {timeout}s: {getattr(condition, '__name__', condition)}")


def fact(name: str, number: int) -> str:
    return (f"The {name} observatory in the hills recorded {number} meteors during the night of 3 March. "
            f"Astronomers at the {name} observatory said the count was the highest in a decade.\n")


class Recorder:
    def __init__(self) -> None:
        self.reports = []
        self.errors = []

    def indexed(self, report) -> None:
        self.reports.append(report)

    def error(self, exc) -> None:
        self.errors.append(exc)


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("pism-kellogg-visits-belarus.txt", "jamestown-belarus-normalize-relations.txt"):
        shutil.copy(SEEDS / name, folder / name)
    return folder


def start(engine, corpus, debounce=DEBOUNCE) -> tuple[Watcher, Recorder]:
    rec = Recorder()
    watcher = Watcher(engine, corpus, debounce=debounce, on_indexed=rec.indexed, on_error=rec.error).start()
    wait_until(lambda: watcher.passes >= 1, 30)  # the initial pass indexes what is there
    assert not rec.errors
    return watcher, rec


def in_step(engine, corpus, settings):
    """The store holds exactly the chunks the folder's files produce (no orphan, nothing missing)."""
    return lambda: set(engine.store.all_ids()) == expected_ids(corpus, settings)


def test_ignored_names():
    assert all(ignored(n) for n in (".x.txt", "x.txt~", "x.txt.swp", "x.tmp", "#x.txt#", ".#x.txt", "~$x.docx", "x.part"))
    assert not any(ignored(n) for n in ("x.txt", "notes.md", "2025 report.pdf", "a~b.txt"))


def test_new_file_is_indexed_and_found_within_seconds(plumbing, corpus):
    with Engine(plumbing, writer=True) as engine:
        watcher, rec = start(engine, corpus)
        try:
            (corpus / "zorblatt.txt").write_text(fact("Zorblatt", 4217), encoding="utf-8")
            elapsed = wait_until(in_step(engine, corpus, plumbing), 10)
            assert elapsed < 10
            assert search(engine, "Zorblatt observatory meteors", 3)[0].source == "zorblatt.txt"
            assert rec.reports[-1].files_read == 1 and rec.reports[-1].files_unchanged == 2
        finally:
            watcher.stop()


def test_edit_rename_and_delete_are_each_reflected(plumbing, corpus):
    with Engine(plumbing, writer=True) as engine:
        watcher, rec = start(engine, corpus)
        step = in_step(engine, corpus, plumbing)
        try:
            path = corpus / "pism-kellogg-visits-belarus.txt"
            path.write_text(path.read_text(encoding="utf-8").replace("6.5-hour-long", "seven-hour-long"), encoding="utf-8")
            wait_until(step, 10)
            assert any("seven-hour-long" in p.text for p in search(engine, "seven-hour-long conversation Kellogg", 6))
            assert all("6.5-hour-long" not in p.text for p in search(engine, "6.5-hour-long conversation Kellogg", 20))

            os.rename(path, corpus / "renamed.txt")
            wait_until(step, 10)
            sources = {m["source"] for m in engine.store.all_metadata().values()}
            assert "renamed.txt" in sources and path.name not in sources
            index = engine.retriever.lexical()
            assert {m["source"] for m in index.metas} == sources  # the lexical index follows too

            (corpus / "sub").mkdir()
            os.rename(corpus / "renamed.txt", corpus / "sub" / "moved.txt")  # into a new subfolder
            wait_until(step, 10)
            assert "sub/moved.txt" in {m["source"] for m in engine.store.all_metadata().values()}

            (corpus / "sub" / "moved.txt").unlink()
            wait_until(step, 10)
            assert {m["source"] for m in engine.store.all_metadata().values()} == {"jamestown-belarus-normalize-relations.txt"}
            assert not rec.errors
        finally:
            watcher.stop()


def test_deleting_the_last_document_removes_its_chunks(plumbing, corpus):
    with Engine(plumbing, writer=True) as engine:
        watcher, rec = start(engine, corpus)
        try:
            for path in list(corpus.iterdir()):
                path.unlink()
            wait_until(lambda: engine.store.count() == 0, 10)
            assert not rec.errors
            (corpus / "back.txt").write_text(fact("Returning", 12), encoding="utf-8")
            wait_until(in_step(engine, corpus, plumbing), 10)
        finally:
            watcher.stop()


def test_a_burst_of_100_files_is_indexed_completely_and_each_file_once(plumbing, corpus):
    with Engine(plumbing, writer=True) as engine:
        watcher, rec = start(engine, corpus)
        passes_before, reports_before = watcher.passes, len(rec.reports)
        ids_before = set(engine.store.all_ids())
        try:
            for i in range(100):
                (corpus / f"burst-{i:03d}.txt").write_text(fact(f"Burst{i:03d}", 1000 + i), encoding="utf-8")
            wait_until(in_step(engine, corpus, plumbing), 30)
            watcher.wait_idle(10)
            new = rec.reports[reports_before:]
            assert sum(r.files_read for r in new) == 100  # every file read once ...
            added = set(engine.store.all_ids()) - ids_before
            assert len(added) >= 100 and sum(r.chunks_added for r in new) == len(added)  # ... and each chunk embedded once
            assert watcher.passes - passes_before <= 3, [r.summary() for r in new]
            time.sleep(2 * DEBOUNCE + 0.5)
            assert watcher.passes == passes_before + len(new)  # and then it rests: its own reads wake nothing
        finally:
            watcher.stop()


def test_a_file_being_written_is_read_once_after_it_is_quiet(plumbing, corpus):
    with Engine(plumbing, writer=True) as engine:
        watcher, rec = start(engine, corpus, debounce=1.0)
        passes_before = watcher.passes
        try:
            with open(corpus / "growing.txt", "w", encoding="utf-8") as out:
                for i in range(8):  # 2.4 s of writing, never quiet for a whole second
                    out.write(fact(f"Growing{i}", i))
                    out.flush()
                    time.sleep(0.3)
                assert watcher.passes == passes_before  # nothing read while the writer is busy
            wait_until(in_step(engine, corpus, plumbing), 10)
            watcher.wait_idle(5)
            assert watcher.passes == passes_before + 1 and rec.reports[-1].files_read == 1
        finally:
            watcher.stop()


@pytest.mark.slow
def test_editor_saves_through_a_temporary_file_and_temp_files_are_ignored(plumbing, corpus):
    with Engine(plumbing, writer=True) as engine:
        watcher, rec = start(engine, corpus)
        step = in_step(engine, corpus, plumbing)
        try:
            target = corpus / "notes.txt"
            target.write_text(fact("Original", 1), encoding="utf-8")
            wait_until(step, 10)

            # 1. write a temporary file, then rename it over the original (gedit, VS Code, atomic writers)
            tmp = corpus / ".notes.txt.XYZ123.tmp"
            tmp.write_text(fact("Replaced", 2), encoding="utf-8")
            os.replace(tmp, target)
            wait_until(step, 10)
            assert any("Replaced" in p.text for p in search(engine, "Replaced observatory", 3))

            # 2. vim: move the original to a backup, write the new file, delete the backup (with a swap file around)
            swap = corpus / ".notes.txt.swp"
            swap.write_bytes(b"b0VIM 9.0\x00" * 10)
            os.rename(target, corpus / "notes.txt~")
            target.write_text(fact("Vimmed", 3), encoding="utf-8")
            (corpus / "notes.txt~").unlink()
            swap.unlink()
            wait_until(step, 10)
            sources = {m["source"] for m in engine.store.all_metadata().values()}
            assert not any(ignored(s) or s.endswith((".tmp", "~", ".swp")) for s in sources)
            assert any("Vimmed" in p.text for p in search(engine, "Vimmed observatory", 3))

            # 3. temporary and hidden files alone never start a pass
            watcher.wait_idle(5)
            passes = watcher.passes
            for name in (".hidden.txt", "draft.txt~", "draft.txt.swp", "download.pdf.part", "x.tmp", "#autosave.txt#"):
                (corpus / name).write_text("scratch", encoding="utf-8")
            (corpus / ".git").mkdir()
            (corpus / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
            time.sleep(2 * DEBOUNCE + 1.0)
            assert watcher.passes == passes
            assert not rec.errors
        finally:
            watcher.stop()


class SlowEmbedder(FakeEmbedder):
    """The fake embedder with ingest's embedding slowed down (0.1 s a chunk), so that a pass takes seconds."""

    def encode_many(self, texts, batch_size=None, slice_size=32):
        time.sleep(0.1 * len(texts))
        return super().encode_many(texts, batch_size, slice_size)


@pytest.mark.slow
def test_a_delete_during_an_ingest_is_caught_by_the_next_pass_and_answers_flow_meanwhile(plumbing, corpus):
    with Engine(plumbing, writer=True, embedder=SlowEmbedder("fake-hash-embedder")) as engine:
        watcher, rec = start(engine, corpus, debounce=0.3)
        passes_before, first_new = watcher.passes, len(rec.reports)
        try:
            for i in range(20):
                (corpus / f"slow-{i:02d}.txt").write_text(fact(f"Slow{i:02d}", i) * 6, encoding="utf-8")  # 2 chunks each
            wait_until(lambda: watcher.indexing, 10, 0.01)
            started = time.monotonic()
            # while the pass embeds: questions about what is already indexed are answered ...
            answered = engine.ask("What was the result of Kellogg's visit to Minsk?", top_k=3)
            asked_in = time.monotonic() - started
            assert answered.answered and answered.citations
            # ... and files change under it: one deleted (read already or not), one edited
            (corpus / "slow-00.txt").unlink()
            (corpus / "slow-19.txt").unlink()
            (corpus / "slow-10.txt").write_text(fact("Edited", 10), encoding="utf-8")
            assert watcher.indexing, "the pass ended before the files changed; slow the embedder down"
            wait_until(in_step(engine, corpus, plumbing), 60)
            watcher.wait_idle(30)
            assert set(engine.store.all_ids()) == expected_ids(corpus, plumbing)
            assert watcher.passes >= passes_before + 2 and not rec.errors
            pass_seconds = rec.reports[first_new].seconds
            assert asked_in < pass_seconds / 2, (asked_in, pass_seconds)  # the answer did not wait for the pass
        finally:
            watcher.stop()


@pytest.mark.slow
def test_rag_watch_cli_indexes_changes_and_stops_on_sigterm(plumbing, corpus, tmp_path):
    env = {**os.environ, "RAG_STORE_DIR": str(plumbing.store.dir), "RAG_EMBEDDING_RUNTIME": "fake",
           "RAG_EMBEDDING_MODEL": "fake-hash-embedder", "PYTHONPATH": str(ROOT)}
    log = tmp_path / "watch.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "rag", "watch", str(corpus), "--debounce", "0.5"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))
        try:
            wait_until(lambda: "2 files read" in log.read_text(), 60, 0.2)
            (corpus / "zorblatt.txt").write_text(fact("Zorblatt", 4217), encoding="utf-8")
            wait_until(lambda: "1 files read, 2 unchanged" in log.read_text(), 20, 0.2)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    text = log.read_text()
    assert "watching" in text and "Traceback" not in text
    _forget_chroma_clients()
    with Engine(plumbing) as engine:  # the lock was released; the store holds exactly the folder
        assert set(engine.store.all_ids()) == expected_ids(corpus, plumbing)


@pytest.mark.slow
def test_end_to_end_with_the_real_model_new_files_are_answerable_within_seconds(seeded, tmp_path, capsys):
    """Latency from a file written to its fact being answered with a citation, real MiniLM, default debounce (1 s)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    names = ["Zorblatt", "Quenmoor", "Vexhaven", "Draylin", "Ostrapol"]
    latencies = []
    with Engine(seeded) as engine:
        watcher = Watcher(engine, corpus).start()  # debounce 1.0
        try:
            wait_until(lambda: watcher.passes >= 1, 60)
            assert engine.ask("How many prisoners were released in December?").answered
            for i, name in enumerate(names):
                question = f"How many meteors did the {name} observatory record?"
                assert not engine.ask(question).answered  # not yet
                path = corpus / f"{name.lower()}-observatory.txt"
                written = time.monotonic()
                path.write_text(fact(name, 4000 + i), encoding="utf-8")

                def answerable():
                    a = engine.ask(question)
                    return a.answered and a.citations[0].source == path.name and str(4000 + i) in a.text

                wait_until(answerable, 10, 0.1)
                latencies.append(time.monotonic() - written)
                watcher.wait_idle(10)
        finally:
            watcher.stop()
    median = statistics.median(latencies)
    with capsys.disabled():
        print(f"\nwatch latency, file written -> answerable (real MiniLM, debounce 1 s): "
              f"median {median:.2f} s, all {', '.join(f'{x:.2f}' for x in latencies)}")
    assert median < 10
