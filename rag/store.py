"""Chroma vector store: embedded persistent folder (default) or a Chroma server.

Each record is one chunk: id, embedding, text and metadata (source path,
file hash, title, author, date, publisher, chunk index). The store is the
single source of truth for incremental ingest: per-file content hashes are
read back from chunk metadata, so there is no side manifest to fall out of
sync after a crash. Telemetry is switched off for both client kinds.

Several processes may share one collection (``rag serve`` processes on one Chroma
server). Each keeps derived state of its own (the lexical index), so each needs
to know when the collection changed, whoever changed it: every write through
this class ends by putting a new random token into the collection's metadata
(``GENERATION_KEY``), and ``change_key()`` (collection id, token, count; two
small requests) differs after any write by any process, even one that leaves the
chunk count unchanged (a replaced file, an add plus a delete).
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlparse

import numpy as np

from .errors import BackendError, UserError
from .lock import StoreLock
from .settings import Settings

#: Collection metadata key holding the token every write replaces (the cross-process change signal).
GENERATION_KEY = "rag_generation"


@dataclass(frozen=True)
class Hit:
    id: str
    text: str
    metadata: dict[str, Any]
    distance: float


class ChromaStore:
    def __init__(self, settings: Settings, embedding_model: str, *, writer: bool = False, purpose: str = "rag") -> None:
        self.settings = settings
        self.embedding_model = embedding_model
        self.server = bool(settings.store.chroma_url)
        self.lock = None if self.server else StoreLock(settings.store.dir, settings.store.lock_timeout)
        if self.lock is not None:
            self.lock.acquire(exclusive=writer, purpose=purpose)
        try:
            self.client = self._connect()
            self.collection = self._open_collection()
        except Exception:
            self.close()
            raise

    @property
    def location(self) -> str:
        return self.settings.store.chroma_url if self.server else str(self.settings.store.dir)

    def _connect(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.server:
            url = urlparse(self.settings.store.chroma_url)
            try:
                client = chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or (443 if url.scheme == "https" else 8000),
                                             ssl=url.scheme == "https", settings=chroma_settings)
                client.heartbeat()
            except Exception as exc:
                raise BackendError(f"cannot reach the Chroma server at {self.settings.store.chroma_url} ({type(exc).__name__}); start it with `chroma run --path DIR --host 127.0.0.1 --port PORT` or unset RAG_CHROMA_URL") from None
            return client
        store = Path(self.settings.store.dir)
        if store.exists() and not store.is_dir():
            raise UserError(f"store_dir {store} exists and is not a folder; set RAG_STORE_DIR to a folder path")
        try:
            store.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(store), settings=chroma_settings)
        except Exception as exc:
            raise BackendError(self._corrupt_message(exc)) from None

    def _corrupt_message(self, exc: BaseException) -> str:
        return (f"the store at {self.location} is unreadable ({type(exc).__name__}: {str(exc)[:120]}); "
                "rebuild it with `rag ingest --rebuild` (deletes the store folder and re-indexes the corpus)")

    def _open_collection(self):
        try:
            collection = self.client.get_or_create_collection(
                self.settings.store.collection,
                embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedding_model": self.embedding_model},
            )
        except ValueError as exc:
            raise UserError(f"collection name {self.settings.store.collection!r} is not valid for Chroma ({exc}); set RAG_COLLECTION to 3-63 letters, digits, dots, dashes or underscores") from None
        except Exception as exc:
            raise BackendError(self._corrupt_message(exc)) from None
        return self._checked(collection)

    def _checked(self, collection):
        stored_model = (collection.metadata or {}).get("embedding_model")
        if stored_model and stored_model != self.embedding_model:
            raise UserError(
                f"collection {self.settings.store.collection!r} was built with embedding model {stored_model!r}, not {self.embedding_model!r}; "
                "use another RAG_COLLECTION or rebuild with `rag ingest --rebuild`"
            )
        return collection

    def change_key(self) -> tuple[str, str, int]:
        """(collection id, write token, chunk count): differs after any write to the collection, by any process.

        The token is replaced by every write through this class; the count also catches writers that do not
        replace it (an older version of rag). A collection deleted and recreated elsewhere (``rag ingest
        --rebuild``) has a new id: this store then follows it instead of failing on the old one."""
        current = self._call(self.client.get_collection, self.settings.store.collection, embedding_function=None)
        if current.id != self.collection.id:
            self.collection = self._checked(current)
        return str(current.id), str((current.metadata or {}).get(GENERATION_KEY, "")), self.count()

    # -- reads -------------------------------------------------------------
    def count(self) -> int:
        return self._call(self.collection.count)

    def _get_all(self, include: list[str]) -> dict[str, list]:
        """Every record's id (and the ``include`` fields), read in pages of 5000."""
        out: dict[str, list] = {"ids": [], **{key: [] for key in include}}
        for offset in range(0, self.count(), 5000):
            got = self._call(self.collection.get, include=include, limit=5000, offset=offset)
            for key in out:
                out[key] += got[key]
        return out

    def all_metadata(self) -> dict[str, dict[str, Any]]:
        got = self._get_all(["metadatas"])
        return dict(zip(got["ids"], got["metadatas"]))

    def all_ids(self) -> list[str]:
        return self._get_all([])["ids"]

    @property
    def snapshot_dir(self) -> Path | None:
        """Where derived indexes of this collection are saved: beside the embedded store, or (a Chroma server) in this
        machine's ``store.dir`` under the server's address, so a restarted process loads instead of rebuilding. A
        snapshot is used only for exactly the chunk ids and write token it was built at (snapshot.py)."""
        root = Path(self.settings.store.dir) / ".lexical"
        if self.server:
            root = root / re.sub(r"[^\w.-]+", "_", self.settings.store.chroma_url.split("://", 1)[-1]).strip("_")
        return root / self.settings.store.collection

    def embeddings(self, ids: list[str]) -> np.ndarray:
        """The stored vectors of ``ids``, in that order (float32, one row each)."""
        rows: dict[str, Any] = {}
        for start in range(0, len(ids), 1000):
            got = self._call(self.collection.get, ids=ids[start:start + 1000], include=["embeddings"])
            rows.update(zip(got["ids"], got["embeddings"]))
        return np.array([rows[i] for i in ids], dtype=np.float32)

    def all_documents(self) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        got = self._get_all(["documents", "metadatas"])
        return got["ids"], got["documents"], got["metadatas"]

    def existing_ids(self, ids: list[str]) -> list[str]:
        present: list[str] = []
        for start in range(0, len(ids), 1000):
            present += self._call(self.collection.get, ids=ids[start:start + 1000], include=[])["ids"]
        return present

    def query(self, embedding: Iterable[float], n: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """The ``n`` nearest chunks; ``where`` (a Chroma metadata clause, ``Filters.chroma_where``) limits the search."""
        n = min(n, self.count())
        if n <= 0:
            return []
        got = self._call(self.collection.query, query_embeddings=[list(map(float, embedding))], n_results=n,
                         include=["documents", "metadatas", "distances"], **({"where": where} if where else {}))
        return [Hit(i, d, m, float(dist)) for i, d, m, dist in zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])]

    # -- writes ------------------------------------------------------------
    def upsert(self, ids: list[str], embeddings, documents: list[str], metadatas: list[dict[str, Any]]) -> None:
        for start in range(0, len(ids), 1000):
            end = start + 1000
            self._call(self.collection.upsert, ids=ids[start:end], embeddings=[list(map(float, e)) for e in embeddings[start:end]],
                       documents=documents[start:end], metadatas=metadatas[start:end])
        self._changed(ids)

    def update_metadata(self, ids: list[str], metadatas: list[dict[str, Any]]) -> None:
        for start in range(0, len(ids), 1000):
            self._call(self.collection.update, ids=ids[start:start + 1000], metadatas=metadatas[start:start + 1000])
        self._changed(ids)

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 1000):
            self._call(self.collection.delete, ids=ids[start:start + 1000])
        self._changed(ids)

    def _changed(self, ids: list[str]) -> None:
        """After a write: a new token in the collection's metadata, so every process's ``change_key`` moves.

        Written after the records, and read before them (``Retriever.lexical``), so a reader never keeps data
        older than the token it saw. Chroma replaces the whole metadata and refuses ``hnsw:`` keys in a change
        (the distance function stays in the collection's configuration), so the other keys are written back."""
        if not ids:
            return
        metadata = {k: v for k, v in (self.collection.metadata or {}).items() if not k.startswith("hnsw:")}
        self._call(self.collection.modify, metadata={**metadata, GENERATION_KEY: uuid.uuid4().hex})

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (UserError, BackendError):
            raise
        except Exception as exc:
            if "dimension" in str(exc).lower():
                raise UserError(f"embedding dimension does not match collection {self.settings.store.collection!r} ({exc}); rebuild with `rag ingest --rebuild` or use another RAG_COLLECTION") from None
            raise BackendError(f"Chroma operation {getattr(fn, '__name__', fn)} failed on {self.location}: {type(exc).__name__}: {str(exc)[:200]}") from None

    def close(self) -> None:
        if self.lock is not None:
            self.lock.release()


def destroy_embedded_store(settings: Settings) -> None:
    """Delete the embedded store folder (for ``rag ingest --rebuild``), under the writer lock."""
    store = Path(settings.store.dir)
    if not store.exists():
        return
    lock = StoreLock(store, settings.store.lock_timeout)
    lock.acquire(exclusive=True, purpose="rebuild")
    try:
        for child in store.iterdir():
            if child.name == ".rag.lock":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
    finally:
        lock.release()
