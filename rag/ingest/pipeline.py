"""Incremental ingestion: folder -> clean chunks -> embeddings -> Chroma.

Per file the pipeline hashes the bytes it reads; a file whose hash matches
what the store holds is skipped without parsing. For a new or changed file
only chunks whose content-derived id is not already stored are embedded;
surviving chunks get their metadata refreshed and stale ones are deleted
after the new ones are written, so a crash at any point leaves a state the
next run repairs (no duplicates: ids are content hashes; no orphans: files
with mixed hashes are treated as changed). Chunks of files that vanished
from the folder are removed. One unreadable file is skipped with a reason,
never fatal.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from ..errors import UserError
from ..types import IngestReport
from ..text import retrieval_text
from .chunk import Chunk, chunk_blocks
from .clean import clean_document
from .formats import format_of, parse, supported_endings
from .document import Document, Unreadable

ProgressFn = Callable[[int, int, str], None]

#: Chunks parsed before they are embedded and written (bounds memory and the work a crash loses).
FLUSH_CHUNKS = 1024
#: Bump when extraction, cleaning or chunking changes what a file becomes: stored files are then re-chunked.
INGEST_VERSION = 11  # 7: each chunk records the full paths of its headings (the document's outline)
# 8: PDFs: contents and index entries dropped, code blocks from monospaced lines, the title from the first page
# 9: raw HTML blocks in Markdown read by the HTML reader (tables keep their rows)
# 10: PDFs: footnote marks left out of the words they follow
# 11: a chunk that starts inside a table opens with the table's first row (its header)


def chunking_key(chunk_size: int, chunk_overlap: int) -> str:
    """Recorded on every chunk: a file whose chunks were made another way is re-chunked, never mixed."""
    return f"v{INGEST_VERSION}/size={chunk_size}/overlap={chunk_overlap}"


@dataclass
class _Pending:
    source: str
    file_hash: str
    meta: dict[str, Any]
    chunks: list[Chunk]
    old_ids: set[str]


def read_chunks(data: bytes, name: str, source: str, size: int, overlap: int) -> tuple[Document, list[Chunk]]:
    """A file's bytes -> its cleaned document (title defaulting to the file's stem) and its chunks."""
    doc = clean_document(parse(data, name))
    if not doc.title:
        doc.title = Path(name).name.split(".")[0]
    return doc, chunk_blocks(doc.blocks, source, size, overlap, title=doc.title)


#: Warn when a page's chunks hold less than this share of its visible words (pages of at least COVERAGE_MIN_WORDS).
COVERAGE_WARN = 0.5
COVERAGE_MIN_WORDS = 150


def coverage_problem(data: bytes, doc: Document, chunks: list[Chunk]) -> str:
    """A short warning when an HTML file's chunks kept far fewer words than the page shows, else ''."""
    if doc.kind != "html":
        return ""
    from .coverage import count_words, visible_words
    from .decode import decode
    from .formats.html import declared_charset

    visible = visible_words(decode(data, declared_charset(data)))
    if visible < COVERAGE_MIN_WORDS:
        return ""
    share = (count_words(doc.text) if chunks else 0) / visible  # every block of the cleaned document is chunked
    return f"kept {share:.0%} of its {visible} visible words (extraction may have missed text)" if share < COVERAGE_WARN else ""


def list_files(root: Path) -> list[Path]:
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                files.append(Path(dirpath) / name)
    return files


def check_corpus(root: Path) -> list[Path]:
    if not root.exists():
        raise UserError(f"corpus folder {root} does not exist; pass an existing folder to `rag ingest PATH` or set RAG_CORPUS_DIR")
    if not root.is_dir():
        raise UserError(f"{root} is not a folder; pass a folder of documents to `rag ingest PATH`")
    files = list_files(root)
    if not any(format_of(f.name) for f in files):
        raise UserError(f"corpus folder {root} has no documents ({', '.join(supported_endings())}); nothing was changed in the store")
    return files


def ingest_folder(root: Path, store, embedder, *, chunk_size: int, chunk_overlap: int, max_file_mb: float,
                  batch_size: int = 0, show_progress: bool = False, progress: ProgressFn | None = None,
                  written: Callable[[list[str]], None] | None = None) -> IngestReport:
    """Index the files of ``root`` into ``store``: new and changed files are chunked and embedded, unchanged ones kept,
    removed ones deleted. ``written`` receives the text of each batch of newly embedded chunks (the engine warms
    their words for soft matching, without re-reading the store)."""
    started = time.perf_counter()
    root = Path(root)
    files = check_corpus(root)
    corpus_key = str(root.resolve())
    report = IngestReport()

    chunking = chunking_key(chunk_size, chunk_overlap)
    ingested_at = datetime.now(timezone.utc).isoformat(timespec="seconds")  # when this version of a file was indexed
    existing: dict[str, dict[str, Any]] = {}
    for chunk_id, meta in store.all_metadata().items():
        if meta.get("corpus") != corpus_key:
            continue
        entry = existing.setdefault(meta["source"], {"hashes": set(), "ids": set()})
        # a chunk made with other settings or an older extractor counts as a stale version of its file
        entry["hashes"].add(meta.get("file_hash", "") if meta.get("chunking") == chunking else "")
        entry["ids"].add(chunk_id)

    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="ingest", file=sys.stderr, leave=False)

    pending: list[_Pending] = []
    pending_chunks = 0
    seen_sources: set[str] = set()

    def flush() -> None:
        nonlocal pending, pending_chunks
        if not pending:
            return
        stored = set(store.existing_ids([c.id for p in pending for c in p.chunks]))
        new = [(p, c) for p in pending for c in p.chunks if c.id not in stored]
        if new:
            vectors = embedder.encode_many([retrieval_text(c.heading, c.text) for _, c in new], batch_size=batch_size)
            store.upsert([c.id for _, c in new], vectors, [c.text for _, c in new], [_meta(p, c) for p, c in new])
            report.chunks_added += len(new)
            if written is not None:
                written([c.text for _, c in new])
        kept = [(p, c) for p in pending for c in p.chunks if c.id in stored]
        if kept:
            store.update_metadata([c.id for _, c in kept], [_meta(p, c) for p, c in kept])
            report.chunks_updated += sum(1 for p, c in kept if c.id in p.old_ids)
        stale = [i for p in pending for i in p.old_ids - {c.id for c in p.chunks}]
        if stale:
            store.delete(stale)
            report.chunks_removed += len(stale)
        pending, pending_chunks = [], 0

    max_bytes = int(max_file_mb * 1e6)
    for path in files:
        source = path.relative_to(root).as_posix()
        if bar is not None:
            elapsed = time.perf_counter() - started
            rate = f"{report.chunks_added / elapsed:.0f} chunks/s " if report.chunks_added and elapsed > 0 else ""
            bar.set_postfix_str(rate + source[-30:])
        try:
            if format_of(path.name) is None:
                raise Unreadable(f"unsupported type {path.suffix or '(none)'}")
            size = path.stat().st_size
            if size > max_bytes:
                raise Unreadable(f"too large ({size / 1e6:.1f} MB > {max_file_mb:g} MB limit, setting max_file_mb)")
            data = path.read_bytes()
            file_hash = hashlib.sha256(data).hexdigest()
            seen_sources.add(source)
            old = existing.get(source)
            if old and old["hashes"] == {file_hash}:
                report.files_unchanged += 1
                continue
            doc, chunks = read_chunks(data, path.name, source, chunk_size, chunk_overlap)
            title = doc.title
            problem = coverage_problem(data, doc, chunks)
            if problem:
                report.warnings.append((source, problem))
            if not chunks:
                raise Unreadable("no text left after cleaning")
        except Unreadable as exc:
            # A previously indexed file that became unreadable keeps its old chunks
            # (it is in seen_sources, so it is not treated as deleted): lose nothing.
            report.skipped.append((source, str(exc)))
            continue
        except OSError as exc:
            report.skipped.append((source, f"cannot read: {exc.strerror or exc}"))
            seen_sources.add(source)
            continue
        finally:
            if bar is not None:
                bar.update(1)
            if progress is not None:
                progress(len(seen_sources) + len(report.skipped), len(files), source)
        report.files_read += 1
        meta = {"source": source, "corpus": corpus_key, "file_hash": file_hash, "chunking": chunking, "title": title,
                "author": doc.author, "date": doc.date, "publisher": doc.publisher, "n_chunks": len(chunks),
                "ingested_at": ingested_at}
        pending.append(_Pending(source, file_hash, meta, chunks, set(old["ids"]) if old else set()))
        pending_chunks += len(chunks)
        if pending_chunks >= FLUSH_CHUNKS:
            flush()
    flush()

    vanished = [i for source, entry in existing.items() if source not in seen_sources for i in entry["ids"]]
    if vanished:
        store.delete(vanished)
        report.chunks_removed += len(vanished)
        report.files_removed = sum(1 for source in existing if source not in seen_sources)
    if bar is not None:
        bar.close()
    report.chunks_total = store.count()
    report.seconds = time.perf_counter() - started
    return report


def _meta(p: _Pending, c: Chunk) -> dict[str, Any]:
    return {**p.meta, "chunk_index": c.index, "heading": c.heading, "page": c.page, "headings": "\n".join(c.headings),
            "heading_paths": "\n".join(c.heading_paths),
            "pages": ";".join(f"{offset}:{page}" for offset, page in c.pages)}
