"""Persist the lexical index next to an embedded store, so a new process need not rebuild it.

Building the BM25 index and the name-variant clusters means tokenising every
stored chunk: about 5 s for the 13k chunks of the scale corpus, paid by every
cold ``rag ask``. The first process that builds an index for a given set of
chunk ids saves it under ``<store_dir>/.lexical/<fingerprint>/``; later
processes whose store holds exactly those ids load it instead.

Format: bm25s's own files (NumPy arrays + JSON, loaded without pickle) and one
JSON file for the rest; nothing here executes code from the store folder.
The fingerprint is a SHA-256 of the sorted chunk ids, which are content hashes,
plus ``SNAPSHOT_VERSION`` and the collection's write token (store.py): any added,
changed or deleted chunk gives a new fingerprint, and so does a metadata-only
change (the token moves with every write). A snapshot is written to a temporary folder and renamed into place,
so readers never see half of one; a damaged snapshot is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from .lexical import LexicalIndex
from .text import NameVariants

SNAPSHOT_VERSION = 10  # 2: BM25 over heading path + text; 3: share of documents per term; 4: code names split (KeyboardInterrupt);
# 5: a number with its unit split (7200RPM); 6: "can't" is "cannot", "doesn't" two stopwords;
# 7: "e-mail" also says "email"; 8: a symbol written alone is a term ("??", "->"); 9: a range is a term ("r1..r2");
# 10: "I'm", "you've" are stopwords
KEEP = 2  # snapshots kept per store (the newest; older ones are deleted on save)


def fingerprint(ids: list[str], token: str = "") -> str:
    digest = hashlib.sha256(f"v{SNAPSHOT_VERSION}".encode())
    for cid in sorted(ids):
        digest.update(cid.encode() + b"\n")
    if token:  # a store written before write tokens existed keeps its snapshots
        digest.update(b"token:" + token.encode())
    return digest.hexdigest()[:32]


def load(folder: Path, fp: str) -> LexicalIndex | None:
    """The saved index for this fingerprint, or None when absent or unreadable."""
    path = folder / fp
    if not (path / "index.json").is_file():
        return None
    try:
        import bm25s

        data = json.loads((path / "index.json").read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(path / "bm25"), mmap=False, show_progress=False) if data["has_bm25"] else None
        return LexicalIndex(
            ids=data["ids"], docs=data["docs"], metas=data["metas"], variants=NameVariants.from_dict(data["variants"]),
            bm25=bm25, idf=data["idf"], vocab=set(data["idf"]), unknown_weight=data["unknown_weight"], latin_share=data["latin_share"],
            source_share=data["source_share"],
        )
    except Exception:  # a damaged snapshot is only a cache miss; remove it so it is saved anew
        shutil.rmtree(path, ignore_errors=True)
        return None


def save(index: LexicalIndex, folder: Path, fp: str) -> None:
    """Write the snapshot atomically; failures (read-only folder, full disk) are ignored."""
    if (folder / fp / "index.json").is_file():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".tmp-"))
    except OSError:
        return
    try:
        if index.bm25 is not None:
            index.bm25.save(str(tmp / "bm25"), show_progress=False)
        data = {"ids": index.ids, "docs": index.docs, "metas": index.metas, "variants": index.variants.to_dict(),
                "idf": index.idf, "unknown_weight": index.unknown_weight, "latin_share": index.latin_share,
                "source_share": index.source_share, "has_bm25": index.bm25 is not None}
        (tmp / "index.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.rename(tmp, folder / fp)  # fails if another process saved the same snapshot first: fine
    except OSError:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(folder, keep=fp)


def _prune(folder: Path, keep: str) -> None:
    """Delete all but the newest ``KEEP`` snapshots (and stale temporary folders)."""
    try:
        snapshots = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                           key=lambda p: p.stat().st_mtime, reverse=True)
        stale = [p for p in folder.iterdir() if p.name.startswith(".tmp-") and time.time() - p.stat().st_mtime > 3600]
    except OSError:
        return
    for old in snapshots[KEEP:] + stale:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
