"""Embedders behind one small base class, chosen by name (setting ``embedding_runtime``).

Both runtimes produce the same vectors for the same model (checked when the
ONNX graph is exported), so one store serves either:

* ``onnx`` (default): the model exported once to ONNX and run by onnxruntime;
  about 1.9x faster on a 2-core CPU, and a process that finds the exported graph
  in the cache never imports torch. Models it cannot export fall back to torch.
* ``torch``: sentence-transformers as shipped.

``get_embedder`` keeps one embedder per model per process and imports the
chosen runtime's libraries only.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from ..errors import UserError
from ..settings import DEFAULT_CACHE_DIR, EMBEDDING_RUNTIMES
from .base import Embedder, offline_environment, resolve_model, sha256_file


@lru_cache(maxsize=4)
def get_embedder(model_name: str, batch_size: int = 0, runtime: str = "onnx", cache_dir: str | Path = "") -> Embedder:
    """One embedder per (model, runtime) per process (loading costs 0.3-6 s and ~100 MB)."""
    if runtime == "onnx":
        from .ort import OnnxEmbedder, OnnxUnsupported

        try:
            return OnnxEmbedder(model_name, batch_size, cache_dir=Path(cache_dir or DEFAULT_CACHE_DIR))
        except OnnxUnsupported as why:
            print(f"note: embedding with torch instead of onnxruntime: {why}", file=sys.stderr)
            runtime = "torch"
    if runtime == "torch":
        from .sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model_name, batch_size)
    raise UserError(f"embedding runtime {runtime!r} is unknown (setting RAG_EMBEDDING_RUNTIME); runtimes: {', '.join(EMBEDDING_RUNTIMES)}")


__all__ = ["EMBEDDING_RUNTIMES", "Embedder", "get_embedder", "offline_environment", "resolve_model", "sha256_file"]
