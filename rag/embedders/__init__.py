"""Embedding runtimes behind one small base class, chosen by name (setting ``embedding.runtime``).

``EMBEDDERS`` is the only list of runtime names. Both real runtimes produce the
same vectors for the same model (checked when the ONNX graph is exported), so
one store serves either:

* ``onnx`` (default): the model exported once to ONNX and run by onnxruntime;
  about 1.9x faster on a 2-core CPU, and a process that finds the exported graph
  in the cache never imports torch. Models it cannot export fall back to torch.
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
}, group="rag.embedders")


@lru_cache(maxsize=4)
def get_embedder(model_name: str, batch_size: int = 0, runtime: str = "onnx", cache_dir: str | Path = "") -> Embedder:
    """One embedder per (model, runtime) per process (loading costs 0.3-6 s and ~100 MB)."""
    cache = Path(cache_dir or DEFAULT_CACHE_DIR).expanduser()
    if runtime == "onnx":
        from .ort import OnnxEmbedder, OnnxUnsupported

        try:
            return OnnxEmbedder(model_name, batch_size, cache_dir=cache)
        except OnnxUnsupported as why:
            print(f"note: embedding with torch instead of onnxruntime: {why}", file=sys.stderr)
            runtime = "torch"
    return EMBEDDERS.resolve(runtime)(model_name, batch_size, cache_dir=cache)


__all__ = ["BUNDLED_EMBEDDING", "DEFAULT_CACHE_DIR", "EMBEDDERS", "Embedder", "get_embedder", "offline_environment", "resolve_model", "sha256_file"]
