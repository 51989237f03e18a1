"""The documents in a store: list them, delete one, and search passages without answering.

Functions take an ``Engine`` (rag/api.py) and work on its parts under its
locks: a delete holds ``Engine._writing`` (so it never interleaves with an
ingest of the same engine, nor with a Chroma server with another process's
write through the same folder) and switches the engine to writer mode the way
``Engine.ingest`` does. After a delete the engine's lexical index is
invalidated, so no passage of a deleted document can be retrieved again; other
processes see the collection's new write token (store.py) at their next
question and rebuild theirs.

The store is the only record: a document is the set of chunks whose metadata
names the same ``source`` (path relative to the folder it was indexed from,
``corpus``), so there is no side list to fall out of step with the chunks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import UserError
from .types import Filters, Passage


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document, as the store records it."""

    source: str  # path relative to the indexed folder, e.g. "reports/2025.pdf"
    title: str
    chunks: int
    file_hash: str  # SHA-256 of the file's bytes when it was indexed
    ingested_at: str = ""  # ISO 8601 (UTC) time this version was indexed; "" if indexed before it was recorded
    corpus: str = ""  # the folder it was indexed from (absolute)
    author: str = ""
    date: str = ""
    publisher: str = ""

    @property
    def path(self) -> Path | None:
        """The file it was read from (it may have been moved or deleted since)."""
        return Path(self.corpus) / self.source if self.corpus else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_documents(engine) -> list[DocumentInfo]:
    """Every document in the engine's store (collection), sorted by source."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for meta in engine.store.all_metadata().values():
        meta = meta or {}
        groups.setdefault((str(meta.get("corpus", "")), str(meta.get("source", ""))), []).append(meta)
    docs = []
    for (corpus, source), metas in groups.items():
        first = metas[0]
        # a crash between writing a file's new chunks and deleting its old ones leaves two hashes (the next ingest
        # repairs it); show the hash most chunks carry
        file_hash = Counter(str(m.get("file_hash", "")) for m in metas).most_common(1)[0][0]
        docs.append(DocumentInfo(
            source=source, title=str(first.get("title", "")), chunks=len(metas), file_hash=file_hash,
            ingested_at=max(str(m.get("ingested_at", "")) for m in metas), corpus=corpus,
            author=str(first.get("author", "")), date=str(first.get("date", "")), publisher=str(first.get("publisher", "")),
        ))
    return sorted(docs, key=lambda d: (d.source, d.corpus))


def find_documents(engine, names: list[str]) -> list[DocumentInfo]:
    """The documents ``names`` refer to (a source as ``rag docs`` prints it, or the file's path).

    All or nothing: a name that matches no document is a ``UserError`` before anything changes."""
    docs = list_documents(engine)
    found: list[DocumentInfo] = []
    for name in names:
        matches = [d for d in docs if d.source == name]
        if not matches:
            path = Path(name).expanduser().resolve()
            matches = [d for d in docs if d.path is not None and d.path.resolve() == path]
        if not matches:
            location = f"{engine.store.location} (collection {engine.settings.store.collection!r})"
            raise UserError(f"no document {name!r} in the store at {location}; `rag docs` lists the indexed documents")
        found += [d for d in matches if d not in found]
    return found


def delete_document(engine, source: str, *, delete_file: bool = False) -> int:
    """Delete a document's chunks from the store; return how many were deleted.

    ``source`` is as ``list_documents`` reports it (or the file's path). With
    ``delete_file`` the file is removed from its folder first, so an ingest
    running later cannot index it again (and a crash between the two steps is
    repaired by the next ingest, which removes the chunks of a vanished file).
    Without it, the next ingest of that folder indexes the file again."""
    docs = find_documents(engine, [source])
    return delete_documents(engine, docs, delete_file=delete_file)


def open_for_writing(engine):
    """Switch ``engine`` to writer mode now (exclusive store lock), the way ``Engine.ingest`` does on first use,
    and return its store: a lock held by another process is reported here rather than in a later pass."""
    with engine._lock:
        return engine._writable_store()


def delete_documents(engine, docs: list[DocumentInfo], *, delete_file: bool = False, folder: str | Path | None = None) -> int:
    """Delete ``docs`` (and with ``delete_file`` their files); ``folder``: the corpus folder whose writers this waits
    for with a Chroma server (default ``ingest.corpus_dir``)."""
    deleted = 0
    with engine._writing(folder):  # never in the middle of an ingest of this engine (nor, with a Chroma server, of another process)
        store = open_for_writing(engine)
        for doc in docs:
            if delete_file and doc.path is not None:
                try:
                    doc.path.unlink()
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise UserError(f"cannot delete {doc.path}: {exc.strerror or exc}; its chunks were kept") from None
            ids = [i for i, m in store.all_metadata().items()
                   if (m or {}).get("source") == doc.source and str((m or {}).get("corpus", "")) == doc.corpus]
            store.delete(ids)
            deleted += len(ids)
        if engine._retriever is not None:
            engine._retriever.invalidate()
    return deleted


def remove_corpus(engine, root: str | Path) -> int:
    """Delete the chunks of every document indexed from folder ``root`` (used when its last file is gone:
    ``Engine.ingest`` refuses a folder without documents and would leave them behind)."""
    corpus = str(Path(root).resolve())
    return delete_documents(engine, [d for d in list_documents(engine) if d.corpus == corpus], folder=root)


def search(engine, query: str, top_k: int | None = None, filters: Filters | None = None) -> list[Passage]:
    """The ``top_k`` best passages for ``query`` from the hybrid retriever, no answer (``Engine.search``)."""
    return engine.search(query, top_k=top_k, filters=filters)
