"""The lexical side of the index: BM25 (bm25s) over stemmed terms, plus the statistics the answerers share.

``LexicalIndex`` holds every stored chunk's id, text and metadata, the BM25
index over their terms (name spellings unified by ``NameVariants``), each
term's IDF and the vocabulary. Retrieval uses it for BM25 candidates; the
evidence scorer and citation verification use its IDF weights, so "what counts
as a rare, telling word" is one definition everywhere. ``term_cache`` memoises a
question's evidence terms (evidence.query_terms) for the life of the index.

Built from the store's documents (``build_lexical_index``) and saved next to an
embedded store by snapshot.py, so a new process loads it instead of rebuilding.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .text import NameVariants, retrieval_text, source_name_words, terms


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
    source_share: dict[str, float] = field(default_factory=dict, repr=False)  # term -> share of documents (sources) using it
    term_cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)  # evidence.query_terms
    position: dict[str, int] = field(default_factory=dict, repr=False, compare=False)  # chunk id -> row
    _order: dict[tuple[str, int], int] | None = field(default=None, repr=False, compare=False)
    _documents: int | None = field(default=None, repr=False, compare=False)
    _source_words: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _folded_text: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.position = {cid: i for i, cid in enumerate(self.ids)}

    def chunk_order(self) -> dict[tuple[str, int], int]:
        """(source, chunk_index) -> row, built on first use (a lead-in's list may run on into the next chunk)."""
        if self._order is None:
            self._order = {(str(m.get("source")), int(m.get("chunk_index", -1))): i for i, m in enumerate(self.metas) if m}
        return self._order

    def document_count(self) -> int:
        """How many documents (sources) the chunks come from."""
        if self._documents is None:
            self._documents = len({str((m or {}).get("source", "")) for m in self.metas})
        return self._documents

    def source_words(self) -> frozenset[str]:
        """The words of every document's file name (``text.source_name_words``), built on first use."""
        if self._source_words is None:
            self._source_words = frozenset().union(*(source_name_words(str((m or {}).get("source", ""))) for m in self.metas))
        return self._source_words

    def writes(self, literal: str) -> bool:
        """Does any chunk contain the literal as written (case aside)? The chunks' text is joined on first use."""
        if self._folded_text is None:
            self._folded_text = "\n".join(self.docs).lower()
        return literal.lower() in self._folded_text

    def term_weight(self, term: str) -> float:
        return self.idf.get(term, self.unknown_weight)


def build_lexical_index(ids: list[str], docs: list[str], metas: list[dict]) -> LexicalIndex:
    import bm25s

    variants = NameVariants.from_texts(docs)
    tokenised = [terms(retrieval_text(str((m or {}).get("heading", "")), d), variants) for d, m in zip(docs, metas)]
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
    by_source: dict[str, set[str]] = {}
    for toks, m in zip(tokenised, metas):
        by_source.setdefault(str((m or {}).get("source", "")), set()).update(toks)
    sdf: Counter[str] = Counter()
    for toks in by_source.values():
        sdf.update(toks)
    share = {t: round(c / max(len(by_source), 1), 4) for t, c in sdf.items()}
    return LexicalIndex(ids, docs, metas, variants, bm25, idf, set(df), max(idf.values(), default=1.0) + 0.5, latin, share)
