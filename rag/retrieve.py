"""Hybrid retrieval: dense (Chroma) + lexical (BM25 via bm25s), fused by RRF.

The question is embedded once; Chroma returns the nearest chunks by cosine
distance, bm25s scores every chunk on stemmed terms, and reciprocal rank
fusion (k=60) merges the two lists, so a chunk strong in either signal
surfaces. Name spellings are unified before BM25 sees them (``NameVariants``
in text.py): "Tsikhanovskaya" in a question matches "Tsikhanouskaya" in a
document even though neither the dense model nor BM25 would link them alone.

The BM25 index and the name clusters are built in memory from the store's
documents when the retriever first runs, and rebuilt when the store's chunk
count or the ingest generation changes. That costs ~0.1 s on the seeds and a
few seconds on ~10 MB of text; an index persisted next to the store would be
the next step at 100x that size.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .text import NameVariants, terms
from .types import Passage

RRF_K = 60


@dataclass
class LexicalIndex:
    ids: list[str]
    docs: list[str]
    metas: list[dict]
    variants: NameVariants
    bm25: object | None
    idf: dict[str, float]
    vocab: set[str]
    unknown_weight: float  # weight of a term the corpus never uses: above every known term
    latin_share: float = 1.0  # share of corpus terms written in ASCII (for the other-language hint)
    term_cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)  # evidence.query_terms

    def term_weight(self, term: str) -> float:
        return self.idf.get(term, self.unknown_weight)


def build_lexical_index(ids: list[str], docs: list[str], metas: list[dict]) -> LexicalIndex:
    import bm25s

    variants = NameVariants.from_texts(docs)
    tokenised = [terms(d, variants) for d in docs]
    bm25 = None
    if docs:
        bm25 = bm25s.BM25()
        bm25.index([t or ["∅"] for t in tokenised], show_progress=False)
    df: Counter[str] = Counter()
    for toks in tokenised:
        df.update(set(toks))
    n = max(len(docs), 1)
    idf = {t: math.log((n - c + 0.5) / (c + 0.5) + 1.0) for t, c in df.items()}
    latin = sum(t.isascii() for t in df) / len(df) if df else 1.0
    return LexicalIndex(ids, docs, metas, variants, bm25, idf, set(df), max(idf.values(), default=1.0) + 0.5, latin)


class Retriever:
    def __init__(self, store, embedder) -> None:
        self.store = store
        self.embedder = embedder
        self._index: LexicalIndex | None = None
        self._index_key: tuple[int, int] | None = None
        self.generation = 0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        self.generation += 1

    def lexical(self) -> LexicalIndex:
        key = (self.store.count(), self.generation)
        with self._lock:
            if self._index is None or key != self._index_key:
                self._index = self._load_or_build()
                self._index_key = key
            return self._index

    def _load_or_build(self) -> LexicalIndex:
        """The saved snapshot when the store holds exactly its chunk ids, else a fresh build (then saved)."""
        from . import snapshot

        folder = getattr(self.store, "snapshot_dir", None)
        if folder is None:
            return build_lexical_index(*self.store.all_documents())
        fp = snapshot.fingerprint(self.store.all_ids())
        index = snapshot.load(folder, fp)
        if index is None:
            ids, docs, metas = self.store.all_documents()
            index = build_lexical_index(ids, docs, metas)
            snapshot.save(index, folder, snapshot.fingerprint(ids))
        return index

    def embed_query(self, question: str) -> np.ndarray:
        return self.embedder.encode([question])[0]

    def search(self, question: str, k: int, query_vector: np.ndarray | None = None, index: LexicalIndex | None = None) -> list[Passage]:
        index = self.lexical() if index is None else index
        if not index.ids:
            return []
        vector = self.embed_query(question) if query_vector is None else query_vector
        depth = min(len(index.ids), max(4 * k, 20))
        dense_hits = self.store.query(vector, depth)
        dense_rank = {h.id: r for r, h in enumerate(dense_hits)}
        dense_sim = {h.id: 1.0 - h.distance for h in dense_hits}

        lexical_rank: dict[str, int] = {}
        lexical_score: dict[str, float] = {}
        query_terms = [t for t in terms(question, index.variants) if t in index.vocab]
        if query_terms and index.bm25 is not None:
            scores = index.bm25.get_scores(query_terms)
            order = np.argsort(-scores)[:depth]
            for r, i in enumerate(order):
                if scores[i] <= 0:
                    break
                lexical_rank[index.ids[i]] = r
                lexical_score[index.ids[i]] = float(scores[i])

        fused: dict[str, float] = {}
        for cid, r in dense_rank.items():
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + r + 1)
        for cid, r in lexical_rank.items():
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + r + 1)

        position = {cid: i for i, cid in enumerate(index.ids)}
        seen_texts: set[str] = set()
        passages: list[Passage] = []
        for cid in sorted(fused, key=lambda c: -fused[c]):
            i = position.get(cid)
            if i is None:
                continue
            text = index.docs[i]
            if text in seen_texts:  # the same passage stored under two file names
                continue
            seen_texts.add(text)
            meta = index.metas[i] or {}
            passages.append(Passage(
                id=cid, text=text, source=str(meta.get("source", "")), title=str(meta.get("title", "")),
                author=str(meta.get("author", "")), date=str(meta.get("date", "")), publisher=str(meta.get("publisher", "")),
                score=fused[cid], dense_score=dense_sim.get(cid, 0.0), lexical_score=lexical_score.get(cid, 0.0),
            ))
            if len(passages) >= k:
                break
        return passages
