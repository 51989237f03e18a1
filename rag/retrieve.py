"""Hybrid retrieval: dense (Chroma) + lexical (BM25 via bm25s), fused by RRF.

The question is embedded once; its cosine with every stored vector gives the
nearest chunks (read from Chroma once per index: exact, and the same in every
process, where Chroma's approximate HNSW search may return a different few; above
``retrieval.exact_dense`` chunks Chroma's index answers), bm25s scores every chunk on stemmed terms, and reciprocal rank
fusion (``scoring.rrf_k``, 60) merges the two lists, so a chunk strong in either signal
surfaces. Name spellings are unified before BM25 sees them (``NameVariants``
in text.py): "Tsikhanovskaya" in a question matches "Tsikhanouskaya" in a
document even though neither the dense model nor BM25 would link them alone.

The lexical index (lexical.py) is loaded from its snapshot next to the store
(snapshot.py) or built from the store's documents when the retriever first
runs, and rebuilt when the store's ``change_key()`` moves: every write, by
this process or any other on the same collection (several ``rag serve``
processes on one Chroma server), replaces a token in the collection's
metadata, so a replaced file or an add plus a delete elsewhere is seen at the
next question even when the chunk count stays the same. The check costs two
small store requests per question (collection metadata and count).

Stages, each with one contract: ``candidates`` (dense + lexical, fused) ->
``reranker.rerank`` (rag/rerank.py; none by default) -> ``Filters.accepts``
(by source, by metadata) -> ``distinct`` (the first k distinct passages).
"""

from __future__ import annotations

import threading

import numpy as np

from . import snapshot
from .facts import split_compound
from .lexical import LexicalIndex, build_lexical_index
from .rerank import RERANKERS
from .settings import Settings
from .text import dictionary_words, terms
from .types import Filters, Passage

class Retriever:
    def __init__(self, store, embedder, settings: Settings | None = None) -> None:
        settings = settings or Settings()
        self.store = store
        self.embedder = embedder
        self.scoring = settings.scoring
        self.reranker = RERANKERS.resolve(settings.retrieval.reranker)(settings)
        self._index: LexicalIndex | None = None
        self._index_key: tuple | None = None
        self.generation = 0  # this process's own writes (the store's change key catches them too)
        self._lock = threading.Lock()
        self.exact_dense = settings.retrieval.exact_dense
        self._vectors: tuple[LexicalIndex, np.ndarray] | None = None  # the stored vectors, rows as the index's ids

    def invalidate(self) -> None:
        self.generation += 1

    def lexical(self) -> LexicalIndex:
        # The key is read before the records: a write landing in between costs one more rebuild, never a stale index.
        key = (self.store.change_key(), self.generation)
        with self._lock:
            if self._index is None or key != self._index_key:
                self._index = self._load_or_build(token=key[0][1])
                self._index_key = key
            return self._index

    def _load_or_build(self, token: str = "") -> LexicalIndex:
        """The saved snapshot when the store holds exactly its chunk ids at this write token, else a fresh build (then saved)."""
        folder = getattr(self.store, "snapshot_dir", None)
        if folder is None:
            return build_lexical_index(*self.store.all_documents())
        index = snapshot.load(folder, snapshot.fingerprint(self.store.all_ids(), token))
        if index is None:
            ids, docs, metas = self.store.all_documents()
            index = build_lexical_index(ids, docs, metas)
            snapshot.save(index, folder, snapshot.fingerprint(ids, token))
        if self.scoring.soft_weight > 0:
            self.embedder.load_words(folder / "words.npz")  # the word vectors an ingest encoded (warm_words)
        return index

    def vectors(self, index: LexicalIndex) -> np.ndarray | None:
        """The stored vectors of ``index``'s chunks, unit length, read once per index (None above
        ``retrieval.exact_dense`` chunks, or from a store that cannot list them: then Chroma's HNSW search answers).
        Chroma's approximate search returned a different few of the nearest chunks in another process (seen as an eval
        answer that flipped with PYTHONHASHSEED; the cause inside Chroma was not traced); comparing every vector costs
        ~1 ms per 10,000 chunks and answers alike everywhere."""
        if len(index.ids) > self.exact_dense or not hasattr(self.store, "embeddings"):
            return None
        cached = self._vectors
        if cached is not None and cached[0] is index:
            return cached[1]
        try:
            matrix = self.store.embeddings(index.ids)
        except KeyError:  # a chunk deleted since the index was built: Chroma answers until the next index
            return None
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        self._vectors = (index, matrix)
        return matrix

    def warm_words(self, texts: list[str] | None = None) -> None:
        """Soft term matching (evidence.soft_credit) compares words by their vectors: encode every word of the
        corpus once, after an ingest, and keep them beside the snapshots, so a question finds them there instead
        of encoding a few dozen of its own (a store ingested before this existed fills the file as it is asked).
        ``texts``: the chunks an ingest just wrote (the words of the rest are in the file already); None reads
        every stored chunk."""
        folder = getattr(self.store, "snapshot_dir", None)
        if self.scoring.soft_weight <= 0 or folder is None:
            return
        self.embedder.load_words(folder / "words.npz")
        if texts is None:
            _, texts, _ = self.store.all_documents()  # the stored text, without building the lexical index for it
        self.embedder.encode_words(sorted({w for d in texts for w in dictionary_words(d)}))
        self.embedder.save_words()

    def embed_query(self, question: str) -> np.ndarray:
        return self.embedder.encode([question])[0]

    # -- stages: candidates -> rerank -> filter -> passages ------------------
    def search(self, question: str, k: int, query_vector: np.ndarray | None = None, index: LexicalIndex | None = None,
               filters: Filters | None = None) -> list[Passage]:
        """The ``k`` best distinct passages for ``question``."""
        index = self.lexical() if index is None else index
        if not index.ids:
            return []
        vector = self.embed_query(question) if query_vector is None else query_vector
        candidates = self.candidates(question, k, vector, index, filters)
        candidates = self.reranker.rerank(question, candidates)
        if filters is not None:
            candidates = [p for p in candidates if filters.accepts(p)]
        return distinct(candidates, k)

    def candidates(self, question: str, k: int, vector: np.ndarray, index: LexicalIndex,
                   filters: Filters | None = None) -> list[Passage]:
        """Dense (Chroma cosine) and lexical (BM25) hits fused by reciprocal rank, best first. With ``filters`` both
        search only the accepted chunks, so a narrow filter still gets ``k`` passages (not the few of them that
        happen to rank among the whole store's best)."""
        accepted = None
        if filters is not None:
            accepted = np.array([filters.accepts_metadata(m or {}) for m in index.metas], dtype=bool)
            if not accepted.any():
                return []
        depth = min(len(index.ids) if accepted is None else int(accepted.sum()), max(4 * k, self.scoring.candidate_depth))
        matrix = self.vectors(index)
        if matrix is not None:  # every stored vector compared: exact, and the same in every process
            sims = matrix @ (vector / (np.linalg.norm(vector) or 1.0))
            if accepted is not None:
                sims = np.where(accepted, sims, -np.inf)
            top = np.argsort(-sims, kind="stable")[:depth]
            dense_rank = {index.ids[i]: r for r, i in enumerate(top) if np.isfinite(sims[i])}
            dense_sim = {index.ids[i]: float(sims[i]) for i in top if np.isfinite(sims[i])}
        else:
            dense_hits = self.store.query(vector, depth, where=filters.chroma_where() if filters is not None else None)
            dense_rank = {h.id: r for r, h in enumerate(dense_hits)}
            dense_sim = {h.id: 1.0 - h.distance for h in dense_hits}

        lexical_rank: dict[str, int] = {}
        lexical_score: dict[str, float] = {}
        query_terms = [t for t in terms(question, index.variants) if t in index.vocab]
        if query_terms and index.bm25 is not None:
            scores = index.bm25.get_scores(query_terms)
            if accepted is not None:
                scores = np.where(accepted, scores, 0.0)
            order = np.argsort(-scores)[:depth]
            for r, i in enumerate(order):
                if scores[i] <= 0:
                    break
                lexical_rank[index.ids[i]] = r
                lexical_score[index.ids[i]] = float(scores[i])

        rrf_k = self.scoring.rrf_k
        fused: dict[str, float] = {}
        for ranks in (dense_rank, lexical_rank):
            for cid, r in ranks.items():
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (rrf_k + r + 1)

        out: list[Passage] = []
        for cid in sorted(fused, key=lambda c: -fused[c]):
            i = index.position.get(cid)
            if i is None:
                continue
            out.append(_passage(index, i, score=fused[cid], dense_score=dense_sim.get(cid, 0.0),
                                lexical_score=lexical_score.get(cid, 0.0)))
        return out


def _passage(index: LexicalIndex, i: int, **scores: float) -> Passage:
    meta = index.metas[i] or {}
    return Passage(
        id=index.ids[i], text=index.docs[i], source=str(meta.get("source", "")), title=str(meta.get("title", "")),
        author=str(meta.get("author", "")), date=str(meta.get("date", "")), publisher=str(meta.get("publisher", "")),
        heading=str(meta.get("heading", "")), page=int(meta.get("page", 0) or 0),
        headings=tuple(h for h in str(meta.get("headings", "")).split("\n") if h),
        pages=tuple(tuple(map(int, mark.split(":"))) for mark in str(meta.get("pages", "")).split(";") if ":" in mark),
        metadata=meta, **scores,
    )


def distinct(candidates: list[Passage], k: int) -> list[Passage]:
    """The first ``k`` candidates with distinct text (the same passage stored under two file names counts once)."""
    seen: set[str] = set()
    out: list[Passage] = []
    for p in candidates:
        if p.text in seen:
            continue
        seen.add(p.text)
        out.append(p)
        if len(out) >= k:
            break
    return out


def part_passages(retriever: Retriever, question: str, index: LexicalIndex, exclude: set[str], filters: Filters | None = None,
                  per_part: int = 2) -> list[Passage]:
    """"How many were freed in June, and how many in December?": each half retrieved on its own too; its best
    passages not already found, so a cross-document question sees both documents."""
    out: list[Passage] = []
    for part in split_compound(question):
        for p in retriever.search(part, per_part, None, index, filters):
            if p.id not in exclude:
                exclude.add(p.id)
                out.append(p)
    return out


def rare_name_passages(question: str, index: LexicalIndex, exclude: set[str], filters: Filters | None = None,
                       max_chunks: int = 4) -> list[Passage]:
    """Every passage naming a rare name the question asks about ("Yuri Zenkovich": in four chunks or fewer), that
    retrieval did not already return: one article may give his release as April and another as May, and the
    answer should see both even when the second passage ranks low for the rest of the question's words."""
    if index.bm25 is None:
        return []
    out: list[Passage] = []
    for term in dict.fromkeys(t for t in terms(question, index.variants) if t.startswith("~") and t in index.vocab):
        rows = np.flatnonzero(index.bm25.get_scores([term]) > 0)
        if len(rows) > max_chunks:
            continue
        for i in rows:
            passage = _passage(index, int(i))
            if passage.id not in exclude and (filters is None or filters.accepts(passage)):
                exclude.add(passage.id)
                out.append(passage)
    return out


def following_passages(passages: list[Passage], index: LexicalIndex, exclude: set[str], top: int = 2,
                       filters: Filters | None = None) -> list[Passage]:
    """The chunk after each of the ``top`` best passages, when retrieval did not return it: a section's opening
    ("Infinite iterators:") often runs on past its chunk's end into the table or list that answers."""
    order = index.chunk_order()
    out: list[Passage] = []
    for p in passages[:top]:
        meta = p.metadata or {}
        row = order.get((str(meta.get("source", "")), int(meta.get("chunk_index", -2)) + 1))
        if row is None:
            continue
        nxt = _passage(index, row)
        if nxt.id not in exclude and (filters is None or filters.accepts(nxt)):
            exclude.add(nxt.id)
            out.append(nxt)
    return out
