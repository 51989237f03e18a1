"""Embedding runtimes behind one small base class, chosen by name (setting ``embedding.runtime``).

``EMBEDDERS`` is the only list of runtime names. ``onnx`` and ``torch`` produce the
same vectors for the same model (checked when the ONNX graph is exported), so
one store serves either:

* ``onnx`` (default): the model exported once to ONNX and run by onnxruntime;
  about 1.9x faster on a 2-core CPU, and a process that finds the exported graph
  in the cache never imports torch. Models it cannot export fall back to torch.
* ``onnx-int8``: the exported graph with int8 weights (onnxruntime's dynamic
  quantisation, derived once from the float graph and cached beside it). Its
  vectors are close to the model's, not equal (bench/quantize.py), so a store
  built with it is kept apart from float stores (``vector_identity``).
* ``torch``: sentence-transformers as shipped.
* ``fake``: hashed bags of words, for plumbing tests only.

A runtime is a class ``(model_name, batch_size=0, cache_dir=None)``; others
plug in by dotted path or a ``rag.embedders`` entry point (rag/registry.py).
``get_embedder`` keeps one embedder per model per process and imports the
chosen runtime's libraries only.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from ..registry import Registry
from .base import BUNDLED_EMBEDDING, DEFAULT_CACHE_DIR, Embedder, offline_environment, resolve_model, sha256_file

EMBEDDERS = Registry("embedding runtime", "embedding.runtime (RAG_EMBEDDING_RUNTIME)", {
    "onnx": "rag.embedders.ort:OnnxEmbedder",
    "torch": "rag.embedders.sentence_transformers:SentenceTransformerEmbedder",
    "fake": "rag.embedders.fake:FakeEmbedder",
    "onnx-int8": "rag.embedders.ort:OnnxInt8Embedder",
}, group="rag.embedders")


#: What a runtime falls back to when onnxruntime cannot run the model (the reason is printed as a note).
FALLBACK = {"onnx-int8": "onnx", "onnx": "torch"}


@lru_cache(maxsize=4)
def get_embedder(model_name: str, batch_size: int = 0, runtime: str = "onnx", cache_dir: str | Path = "") -> Embedder:
    """One embedder per (model, runtime) per process (loading costs 0.3-6 s and ~100 MB)."""
    cache = Path(cache_dir or DEFAULT_CACHE_DIR).expanduser()
    while runtime in FALLBACK:
        from .ort import OnnxUnsupported

        try:
            return EMBEDDERS.resolve(runtime)(model_name, batch_size, cache_dir=cache)
        except OnnxUnsupported as why:
            print(f"note: embedding with {FALLBACK[runtime]} instead of {runtime}: {why}", file=sys.stderr)
            runtime = FALLBACK[runtime]
    return EMBEDDERS.resolve(runtime)(model_name, batch_size, cache_dir=cache)


def vector_identity(model_name: str, runtime: str) -> str:
    """What a store records as its embedding model: the model, plus the runtime's ``vector_tag`` when that
    runtime's vectors differ from the model's own (``onnx-int8``), so the two kinds of store are never mixed."""
    tag = getattr(EMBEDDERS.resolve(runtime), "vector_tag", "")
    return f"{model_name} [{tag}]" if tag else model_name


__all__ = ["BUNDLED_EMBEDDING", "DEFAULT_CACHE_DIR", "EMBEDDERS", "Embedder", "get_embedder", "vector_identity", "offline_environment", "resolve_model", "sha256_file"]
