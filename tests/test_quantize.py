"""The onnx-int8 runtime on the real MiniLM model: derived once from the float graph, cached with its hash,
re-derived when it no longer matches, close to the float vectors, and kept apart from float stores."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import rag.embedders.ort as ort
from rag.embedders import BUNDLED_EMBEDDING, EMBEDDERS, get_embedder, sha256_file, vector_identity
from rag.embedders.fake import FakeEmbedder
from rag.embedders.ort import INT8_RECIPE, OnnxEmbedder, OnnxInt8Embedder
from rag.errors import UserError

from .conftest import MODEL_CACHE, SEEDS

#: bench/quantize.py, onnx-int8 vs float: minimum cosine over every chunk of the three eval corpora and every
#: eval question was 0.98 (rounded down); these probes are chunk-like text and questions.
MIN_COSINE = 0.98
PROBES = [p.read_text(encoding="utf-8")[i:i + 700] for p in sorted(SEEDS.glob("*"))[:2] for i in (0, 3000)] + [
    "Which exception is raised when a mapping key is not found?",
    "How many prisoners were released in December?",
    "The with statement wraps the execution of a block with methods defined by a context manager.",
    "SELECT ... FOR UPDATE SKIP LOCKED skips rows that cannot be locked immediately.",
]


def copy_float_graph(target):
    """A cache holding only the float graph, copied from the session's (nothing is exported here, and nothing
    derived is written into the shared cache)."""
    float_graph = get_embedder(BUNDLED_EMBEDDING, 8, "onnx", str(MODEL_CACHE)).float_graph_path
    folder = target / "onnx"
    folder.mkdir(parents=True)
    shutil.copy2(float_graph, folder)
    shutil.copy2(float_graph.with_name(float_graph.name.rsplit("-", 1)[0] + ".json"), folder)
    return target


@pytest.fixture
def cache(tmp_path):
    return copy_float_graph(tmp_path / "cache")


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    return str(copy_float_graph(tmp_path_factory.mktemp("int8") / "cache"))


def derived_record(embedder: OnnxEmbedder) -> dict:
    return json.loads(embedder.graph_path.with_name(embedder.graph_path.name.rsplit("-", 1)[0] + ".json").read_text())


def test_int8_graph_is_derived_once_and_cached_with_its_hash(cache, monkeypatch):
    first = OnnxInt8Embedder(BUNDLED_EMBEDDING, 8, cache_dir=cache)
    record = derived_record(first)
    float_record = json.loads(first.float_graph_path.with_name(first.float_graph_path.name.rsplit("-", 1)[0] + ".json").read_text())
    assert first.graph_path != first.float_graph_path and first.graph_path.parent == first.float_graph_path.parent
    assert record["sha256"] == sha256_file(first.graph_path) and record["file"] == first.graph_path.name
    assert record["source_sha256"] == float_record["sha256"] and record["recipe"] == INT8_RECIPE
    assert first.graph_path.stat().st_size < 0.8 * first.float_graph_path.stat().st_size  # int8 weights

    def no_derive(*args, **kwargs):
        raise AssertionError("a cached graph whose hash matches must not be derived again")

    monkeypatch.setattr(ort, "derive_graph", no_derive)
    second = OnnxInt8Embedder(BUNDLED_EMBEDDING, 8, cache_dir=cache)
    assert second.graph_path == first.graph_path
    assert np.allclose(second.encode(PROBES), first.encode(PROBES), atol=1e-6)


def test_tampered_or_stale_int8_graph_is_derived_again(cache):
    first = OnnxInt8Embedder(BUNDLED_EMBEDDING, 8, cache_dir=cache)
    want = first.encode(PROBES)
    with open(first.graph_path, "r+b") as graph:  # flip bytes in the middle of the weights
        graph.seek(first.graph_path.stat().st_size // 2)
        graph.write(b"\x00" * 64)
    second = OnnxInt8Embedder(BUNDLED_EMBEDDING, 8, cache_dir=cache)
    record = derived_record(second)
    assert sha256_file(second.graph_path) == record["sha256"]  # repaired, not trusted as is
    assert np.allclose(second.encode(PROBES), want, atol=1e-6)

    # a record derived from another float graph (or by another recipe) is not trusted either
    record_path = second.graph_path.with_name(second.graph_path.name.rsplit("-", 1)[0] + ".json")
    record_path.write_text(json.dumps({**record, "source_sha256": "0" * 64}))
    third = OnnxInt8Embedder(BUNDLED_EMBEDDING, 8, cache_dir=cache)
    assert derived_record(third)["source_sha256"] == json.loads(
        (cache / "onnx" / (third.float_graph_path.name.rsplit("-", 1)[0] + ".json")).read_text())["sha256"]
    # only the current graphs and records are left
    assert sorted(p.suffix for p in (cache / "onnx").iterdir()) == [".json", ".json", ".onnx", ".onnx"]


def test_int8_vectors_are_close_to_float_vectors(shared_cache):
    float_ = get_embedder(BUNDLED_EMBEDDING, 8, "onnx", shared_cache)
    int8 = get_embedder(BUNDLED_EMBEDDING, 8, "onnx-int8", shared_cache)
    assert type(int8) is OnnxInt8Embedder and type(float_) is OnnxEmbedder
    got, want = int8.encode(PROBES), float_.encode(PROBES)
    assert got.shape == want.shape and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    cosine = (got * want).sum(axis=1)
    assert cosine.min() >= MIN_COSINE, cosine
    assert cosine.max() < 0.99999  # really the quantised graph, not the float one


def test_registered_name_builds_through_get_embedder_and_settings(shared_cache):
    from rag.settings import Settings

    assert "onnx-int8" in EMBEDDERS.names()
    assert Settings.load(env={}, embedding_runtime="onnx-int8").embedding.runtime == "onnx-int8"
    assert isinstance(get_embedder(BUNDLED_EMBEDDING, 0, "onnx-int8", shared_cache), OnnxInt8Embedder)


def test_int8_falls_back_to_the_float_graph_with_a_note(cache, monkeypatch, capfd):
    monkeypatch.setattr(OnnxInt8Embedder, "recipe", {**INT8_RECIPE, "min_probe_cosine": 1.5})  # no graph can pass
    get_embedder.cache_clear()
    try:
        embedder = get_embedder(BUNDLED_EMBEDDING, 8, "onnx-int8", str(cache))
    finally:
        get_embedder.cache_clear()
    assert type(embedder) is OnnxEmbedder
    assert "embedding with onnx instead of onnx-int8" in capfd.readouterr().err
    assert sorted(p.suffix for p in (cache / "onnx").iterdir()) == [".json", ".onnx"]  # nothing half-derived is left


def test_a_float_store_is_not_queried_with_int8_vectors(tmp_path):
    from rag.api import Engine
    from rag.settings import Settings

    assert vector_identity(BUNDLED_EMBEDDING, "onnx") == BUNDLED_EMBEDDING == vector_identity(BUNDLED_EMBEDDING, "torch")
    assert vector_identity(BUNDLED_EMBEDDING, "onnx-int8") != BUNDLED_EMBEDDING
    settings = Settings.load(env={}, store_dir=str(tmp_path / "store"), corpus_dir=str(SEEDS), show_progress=False)
    with Engine(settings, writer=True, embedder=FakeEmbedder(BUNDLED_EMBEDDING)) as engine:
        engine.ingest()
    with Engine(settings.replace(embedding_runtime="onnx-int8"), embedder=FakeEmbedder(BUNDLED_EMBEDDING)) as engine:
        with pytest.raises(UserError, match="onnx-int8"):
            engine.store
    with Engine(settings, embedder=FakeEmbedder(BUNDLED_EMBEDDING)) as engine:  # switching back in place reopens the store
        engine.store
        with pytest.raises(UserError, match="onnx-int8"):
            engine.reconfigure(embedding_runtime="onnx-int8")
            engine.store


def test_sentences_can_be_scored_with_the_int8_graph_of_a_float_store(shared_cache, engine):
    """``scoring.sentence_runtime = "onnx-int8"``: the store stays float (retrieval unchanged); the dozen candidate
    sentences per question, and the question they are compared with, are embedded by the int8 graph."""
    from rag.api import Engine

    settings = engine.settings.replace(**{"scoring.sentence_runtime": "onnx-int8", "embedding.cache_dir": str(shared_cache)})
    with Engine(settings) as fast:
        answer = fast.ask("How many political prisoners were released in December?")
        assert isinstance(fast.sentence_embedder, OnnxInt8Embedder) and type(fast.embedder) is OnnxEmbedder
        assert fast.search("December release")[0].source == engine.search("December release")[0].source
    assert answer.answered and "123" in answer.text, answer.text
    assert engine.sentence_embedder is engine.embedder  # the default: the store's own embedder


def test_soft_matching_with_an_int8_scorer_reads_the_stores_word_vectors(shared_cache, settings, tmp_path, monkeypatch):
    """Words are compared with words only: with ``scoring.sentence_runtime`` set, soft matching still uses the
    store's embedder, whose word vectors an ingest saved (words.npz), so the int8 scorer embeds no words."""
    from rag.api import Engine

    from .conftest import ingested
    from .test_ask import _SYNONYMS  # "infinite iterators ... forever": asked as "endless", said in other words

    settings = ingested(settings, tmp_path / "docs", {"tools.md": _SYNONYMS})
    settings = settings.replace(**{"scoring.sentence_runtime": "onnx-int8", "embedding.cache_dir": str(shared_cache)})
    with Engine(settings) as fast:
        scorer = fast.sentence_embedder
        assert isinstance(scorer, OnnxInt8Embedder) and scorer is not fast.embedder

        def no_words(words):
            raise AssertionError(f"the int8 scorer embedded words: {words}")
        monkeypatch.setattr(scorer, "encode_words", no_words)
        answer = fast.ask("Which tools produce endless sequences?")
    assert answer.answered and "infinite iterators" in answer.text, answer.text
