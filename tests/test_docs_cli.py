"""Document management: list the indexed documents, delete one (chunks, lexical index, optionally the file)."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from rag.api import Engine
from rag.documents import delete_document, list_documents, search
from rag.errors import UserError
from rag.ingest.formats import format_of
from rag.ingest.pipeline import list_files, read_chunks

from .conftest import SEEDS, _forget_chroma_clients, run_cli

PISM = "pism-kellogg-visits-belarus.txt"
ONLY_PISM = "What was Jerzy Żywalewski sentenced to?"  # only the PISM article names him


def expected_ids(corpus: Path, settings) -> set[str]:
    """The chunk ids a correct store holds for ``corpus``, computed from the files alone."""
    ids: set[str] = set()
    for path in list_files(corpus):
        if format_of(path.name) is None:
            continue
        source = path.relative_to(corpus).as_posix()
        ids |= {c.id for c in read_chunks(path.read_bytes(), path.name, source, settings.chunking.size, settings.chunking.overlap)[1]}
    return ids


def file_ids(path: Path, source: str, settings) -> set[str]:
    """The chunk ids one file gives."""
    return {c.id for c in read_chunks(path.read_bytes(), path.name, source, settings.chunking.size, settings.chunking.overlap)[1]}


def test_list_documents_reports_each_file_with_its_title_chunks_hash_and_date(engine):
    docs = list_documents(engine)
    assert [d.source for d in docs] == sorted(p.name for p in SEEDS.iterdir())
    assert sum(d.chunks for d in docs) == engine.stats()["chunks"]
    for d in docs:
        data = (SEEDS / d.source).read_bytes()
        assert d.file_hash == hashlib.sha256(data).hexdigest()
        assert d.chunks == len(read_chunks(data, d.source, d.source, engine.settings.chunking.size, engine.settings.chunking.overlap)[1])
        assert d.title and d.corpus == str(SEEDS.resolve()) and d.path == SEEDS.resolve() / d.source
        assert datetime.fromisoformat(d.ingested_at).tzinfo is not None
    assert next(d for d in docs if d.source == PISM).title == "U.S. Special Envoy Kellogg Visits Belarus"


def test_deleting_a_document_leaves_no_orphan_chunk_and_nothing_retrieves_or_answers_from_it(engine):
    before = engine.ask(ONLY_PISM)
    assert before.answered and before.citations[0].source == PISM and "four years" in before.text
    assert any(p.source == PISM for p in search(engine, "Jerzy Żywalewski penal colony", 6))
    n_pism = next(d.chunks for d in list_documents(engine) if d.source == PISM)

    assert delete_document(engine, PISM) == n_pism

    # the expected store: the chunks of the four other files, computed from the files alone
    expected = expected_ids(SEEDS, engine.settings) - file_ids(SEEDS / PISM, PISM, engine.settings)
    assert set(engine.store.all_ids()) == expected
    assert PISM not in {d.source for d in list_documents(engine)}
    index = engine.retriever.lexical()
    assert set(index.ids) == expected and all(m.get("source") != PISM for m in index.metas)
    assert all(p.source != PISM for p in search(engine, "Jerzy Żywalewski penal colony", 20))
    after = engine.ask(ONLY_PISM)
    assert not after.answered and not after.citations, after.text
    # a fresh process (lexical index from the snapshot or rebuilt) agrees
    engine.close()
    _forget_chroma_clients()
    with Engine(engine.settings) as fresh:
        assert set(fresh.retriever.lexical().ids) == expected
        assert not fresh.ask(ONLY_PISM).answered


def test_unknown_source_is_a_user_error_and_nothing_is_deleted(engine):
    n = engine.stats()["chunks"]
    with pytest.raises(UserError, match="no document 'nope.txt'.*rag docs"):
        delete_document(engine, "nope.txt")
    assert engine.stats()["chunks"] == n


def test_delete_by_file_path_and_with_the_file(plumbing, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    with Engine(plumbing, writer=True) as engine:
        engine.ingest(corpus)
        assert delete_document(engine, str(corpus / PISM), delete_file=True) > 0  # a path names the document too
        assert not (corpus / PISM).exists()
        assert set(engine.store.all_ids()) == expected_ids(corpus, plumbing)
        report = engine.ingest(corpus)  # nothing comes back, nothing else changes
        assert (report.files_read, report.chunks_added, report.chunks_removed) == (0, 0, 0)


@pytest.mark.slow
def test_cli_docs_and_rm(plumbing, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    with Engine(plumbing, writer=True) as engine:
        engine.ingest(corpus)
    _forget_chroma_clients()
    env = {"RAG_STORE_DIR": str(plumbing.store.dir), "RAG_EMBEDDING_RUNTIME": "fake", "RAG_EMBEDDING_MODEL": "fake-hash-embedder"}

    listed = run_cli("docs", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["source", "title", "chunks", "indexed", "(UTC)"]
    assert sum(1 for line in lines if line.endswith(tuple("0123456789")) and ".txt" in line) == 5
    assert "5 documents" in listed.stdout

    missing = run_cli("rm", PISM, "nope.txt", env=env)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "nope.txt" in missing.stderr
    assert PISM in run_cli("docs", env=env).stdout  # all or nothing: the known one was not deleted either

    removed = run_cli("rm", "--file", PISM, "jamestown-belarus-normalize-relations.txt", env=env)
    assert removed.returncode == 0, removed.stderr
    assert f"removed {PISM}" in removed.stdout and not (corpus / PISM).exists()
    assert not (corpus / "jamestown-belarus-normalize-relations.txt").exists()
    after = run_cli("docs", "--json", env=env)
    import json

    assert sorted(d["source"] for d in json.loads(after.stdout)) == sorted(p.name for p in corpus.iterdir())
    with Engine(plumbing) as engine:
        assert set(engine.store.all_ids()) == expected_ids(corpus, plumbing)
