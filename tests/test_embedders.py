"""Both embedding runtimes on the real MiniLM model: same vectors, cache trust, fallback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from rag.embedders import BUNDLED_EMBEDDING, EMBEDDERS, get_embedder, resolve_model, sha256_file
from rag.embedders.ort import OnnxEmbedder
from rag.embedders.sentence_transformers import SentenceTransformerEmbedder

from .conftest import MODEL_CACHE, ROOT, SEEDS

TEXTS = [p.read_text(encoding="utf-8")[i:i + 700] for p in sorted(SEEDS.glob("*"))[:3] for i in (0, 2000, 5000)] + [
    "Who was released?", "x", "Лукашенко освободил заключённых", "def f(x): return x  # code", "  padded  ",
]


@pytest.mark.parametrize("runtime", [pytest.param(r, marks=pytest.mark.slow) if r == "torch" else r for r in EMBEDDERS.names()])
def test_every_embedding_runtime_builds_and_normalises(runtime):
    embedder = get_embedder(BUNDLED_EMBEDDING, 8, runtime, str(MODEL_CACHE))
    vectors = embedder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert embedder.encode([]).shape == (0, 384)


@pytest.mark.slow
def test_onnx_vectors_equal_sentence_transformers_vectors():
    onnx = get_embedder(BUNDLED_EMBEDDING, 8, "onnx", str(MODEL_CACHE))
    torch = get_embedder(BUNDLED_EMBEDDING, 8, "torch")
    assert isinstance(onnx, OnnxEmbedder) and isinstance(torch, SentenceTransformerEmbedder)
    cosine = (onnx.encode(TEXTS) * torch.encode(TEXTS)).sum(axis=1)
    assert cosine.min() > 0.9999, cosine
    # batch composition (padding) must not change a vector
    assert np.allclose(onnx.encode(TEXTS, batch_size=1), onnx.encode(TEXTS, batch_size=16), atol=1e-5)


def test_cached_graph_is_used_without_importing_torch():
    get_embedder(BUNDLED_EMBEDDING, 8, "onnx", str(MODEL_CACHE))  # exported (once per session)
    code = (
        "import sys; from rag.embedders import get_embedder; "
        f"e = get_embedder({BUNDLED_EMBEDDING!r}, 8, 'onnx', {str(MODEL_CACHE)!r}); "
        "print(type(e).__name__, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.split() == ["OnnxEmbedder", "False", "False"], out.stderr[-2000:]


@pytest.mark.slow
def test_tampered_cached_graph_is_not_trusted_and_is_exported_again(tmp_path):
    cache = tmp_path / "cache"
    first = OnnxEmbedder(BUNDLED_EMBEDDING, 8, cache_dir=cache)
    want = first.encode(TEXTS)
    record = json.loads(next((cache / "onnx").glob("*.json")).read_text())
    with open(first.graph_path, "r+b") as graph:  # flip bytes in the middle of the weights
        graph.seek(first.graph_path.stat().st_size // 2)
        graph.write(b"\x00" * 64)
    second = OnnxEmbedder(BUNDLED_EMBEDDING, 8, cache_dir=cache)
    assert np.allclose(second.encode(TEXTS), want, atol=1e-5)
    new_record = json.loads(next((cache / "onnx").glob("*.json")).read_text())
    assert sha256_file(cache / "onnx" / new_record["file"]) == new_record["sha256"]  # repaired, not trusted as is
    assert new_record["probe_min_cosine"] > 0.9999 and record["file"]


@pytest.mark.slow
def test_model_onnx_cannot_reproduce_falls_back_to_torch_with_a_note(tmp_path, capfd):
    model = tmp_path / "max-pooled-model"
    shutil.copytree(resolve_model(BUNDLED_EMBEDDING), model)
    pooling = model / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_max_tokens=True)
    pooling.write_text(json.dumps(config))
    embedder = get_embedder(str(model), 8, "onnx", str(tmp_path / "cache"))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert "embedding with torch instead of onnx:" in capfd.readouterr().err
    assert embedder.encode(["max pooling still works"]).shape == (1, 384)
    assert not (tmp_path / "cache" / "onnx").exists()


@pytest.mark.slow
def test_switching_runtime_in_a_running_engine_keeps_the_answers(engine):
    question = "How many prisoners were released in December?"
    before = engine.ask(question)
    assert isinstance(engine.embedder, OnnxEmbedder)
    engine.reconfigure(embedding_runtime="torch")
    assert isinstance(engine.embedder, SentenceTransformerEmbedder)
    after = engine.ask(question)
    assert (after.text, [c.source for c in after.citations]) == (before.text, [c.source for c in before.citations])
    assert "123" in after.text


@pytest.mark.slow
def test_export_removes_graphs_of_older_export_versions_only(tmp_path):
    folder = tmp_path / "cache" / "onnx"
    folder.mkdir(parents=True)
    (folder / "oldkey.json").write_text(json.dumps({"file": "oldkey-abc.onnx", "sha256": "x"}))  # written by export version 1
    (folder / "oldkey-abc.onnx").write_bytes(b"old graph")
    os.utime(folder / "oldkey-abc.onnx", (1, 1))  # settled long ago (younger graphs may be mid-export)
    (folder / "notes.txt").write_text("not ours to delete")
    embedder = OnnxEmbedder(BUNDLED_EMBEDDING, 8, cache_dir=tmp_path / "cache")
    assert sorted(p.name for p in folder.iterdir()) == sorted([embedder.graph_path.name, embedder.graph_path.name.rsplit("-", 1)[0] + ".json", "notes.txt"])
