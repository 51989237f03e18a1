"""The lexical index is saved next to the store and reused only while the store holds the same chunks."""

from __future__ import annotations

import shutil

import pytest

import rag.retrieve
from rag import snapshot
from rag.api import Engine

from .conftest import SEEDS

QUESTION = "Which think tank does Lesia Rudnik direct?"


def _snapshots(settings):
    folder = settings.store.dir / ".lexical" / settings.store.collection
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")) if folder.is_dir() else []


def _answer(settings) -> tuple[str, list[str]]:
    with Engine(settings) as engine:
        answer = engine.ask(QUESTION)
    return answer.text, [c.source for c in answer.citations]


def _no_builds(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the lexical index was rebuilt although a matching snapshot exists")

    monkeypatch.setattr(rag.retrieve, "build_lexical_index", refuse)


def test_second_process_loads_the_saved_index_and_answers_the_same(seeded, monkeypatch):
    first = _answer(seeded)
    assert len(_snapshots(seeded)) == 1
    _no_builds(monkeypatch)
    assert _answer(seeded) == first
    assert "Center for New Ideas" in first[0]


def test_changed_store_does_not_use_the_old_snapshot(seeded, tmp_path, monkeypatch):
    _answer(seeded)
    old = _snapshots(seeded)
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "new.txt").write_text("The Zorbian Ministry of Lighthouses reported that 417 lighthouses were repainted in 2025.\n")
    with Engine(seeded.replace(corpus_dir=corpus), writer=True) as engine:
        engine.ingest()
    with Engine(seeded) as engine:
        answer = engine.ask("How many lighthouses did the Zorbian Ministry repaint?")
    assert "417" in answer.text and answer.citations[0].source.endswith("new.txt")
    assert len(_snapshots(seeded)) == 2 and set(old) < set(_snapshots(seeded))


@pytest.mark.parametrize("damage", ["truncated json", "missing bm25"])
def test_damaged_snapshot_is_rebuilt_not_trusted(seeded, damage):
    first = _answer(seeded)
    (name,) = _snapshots(seeded)
    path = seeded.store.dir / ".lexical" / seeded.store.collection / name
    if damage == "truncated json":
        index = path / "index.json"
        index.write_bytes(index.read_bytes()[:1000])
    else:
        shutil.rmtree(path / "bm25")
    assert _answer(seeded) == first
    assert snapshot.load(path.parent, name) is not None  # replaced by a good one
