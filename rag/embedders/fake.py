"""A deterministic fake embedder for plumbing tests (no model, no weights, microseconds per text).

Each text becomes a hashed bag of its lowercase words, L2-normalised: texts
sharing words have a positive cosine, unrelated texts about zero. It is *not*
a model of meaning; retrieval-quality tests use the real MiniLM. Select it with
``embedding.runtime = "fake"`` (``Engine(settings, embedder=FakeEmbedder())``
in tests).
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

from .base import Embedder


class FakeEmbedder(Embedder):
    dimension = 384
    preferred_batch_size = 64

    def __init__(self, model_name: str = "fake", batch_size: int = 0, cache_dir=None) -> None:
        super().__init__(model_name, batch_size)

    def _encode(self, texts: Sequence[str], batch_size: int | None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                slot = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[row, slot % self.dimension] += 1.0
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm else 1.0 / np.sqrt(self.dimension)
        return out
