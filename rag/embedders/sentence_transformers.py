"""sentence-transformers on torch: the reference runtime (setting ``embedding_runtime = "torch"``).

Works with every sentence-transformers model on disk, and is what the ONNX
runtime is checked against. Importing it costs about 6 s (torch + transformers).
"""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np

from ..errors import UserError
from .base import Embedder, resolve_model


def load_sentence_transformer(model_name: str):
    """The model as sentence-transformers loads it, quietly and offline."""
    path = resolve_model(model_name)
    from sentence_transformers import SentenceTransformer

    for noisy in ("sentence_transformers", "transformers", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except Exception:  # pragma: no cover - older transformers
        pass
    try:
        return SentenceTransformer(path, device="cpu")
    except Exception as exc:
        raise UserError(
            f"embedding model {model_name!r} could not be loaded offline ({type(exc).__name__}); "
            "set RAG_EMBEDDING_MODEL to a sentence-transformers model folder on disk"
        ) from None


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model_name: str, batch_size: int = 0, cache_dir=None) -> None:  # cache_dir: unused (nothing derived)
        super().__init__(model_name, batch_size)
        self.model = load_sentence_transformer(model_name)
        dimension = (getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension)()
        self.dimension = int(dimension or len(self.encode(["x"])[0]))

    def _encode(self, texts: Sequence[str], batch_size: int | None) -> np.ndarray:
        vectors = self.model.encode(
            list(texts), batch_size=batch_size or self.batch_size, normalize_embeddings=True,
            show_progress_bar=False, convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)
