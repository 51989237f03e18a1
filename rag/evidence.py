"""Score sentences of retrieved passages as evidence for a question (or a claim).

A sentence's evidence score mixes three signals, each in [0, 1]:

* lexical coverage: the IDF-weighted share of the question's terms that the
  sentence contains (names unified across spellings, words stemmed); a term
  the corpus never uses weighs the most, so "population" in a question
  about a corpus that never mentions population drags coverage down;
* dense similarity: cosine between the question and the sentence embeddings
  (sentence vectors are cached per process);
* answer type: 1 when the sentence holds the kind of value asked for (a
  number for "how many", a date for "when", a name for "who").

The same coverage and similarity functions back citation verification
(verify.py), so the answerer and the checker agree on what "supported" means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .facts import dates, numbers, question_type
from .retrieve import LexicalIndex
from .text import QUESTION_WORDS, content_words, split_sentences, stem, words
from .types import Passage

W_LEXICAL, W_DENSE, W_TYPE = 0.5, 0.4, 0.1


@dataclass(frozen=True)
class Evidence:
    sentence: str
    passage: Passage
    rank: int  # rank of the passage in retrieval
    lexical: float
    dense: float
    typed: bool
    score: float


def query_terms(text: str, index: LexicalIndex) -> list[str]:
    out = []
    for w in content_words(text):
        if w in QUESTION_WORDS:
            continue
        canonical = index.variants.canonical(w)
        out.append(canonical or stem(w))
    return list(dict.fromkeys(out))


def sentence_terms(sentence: str, index: LexicalIndex) -> set[str]:
    return set(query_terms(sentence, index))


def coverage(qterms: list[str], sterms: set[str], index: LexicalIndex) -> float:
    if not qterms:
        return 0.0
    total = sum(index.term_weight(t) for t in qterms)
    return sum(index.term_weight(t) for t in qterms if t in sterms) / total


def has_type(sentence: str, qtype: str, question: str) -> bool:
    if qtype == "number":
        return bool(numbers(sentence))
    if qtype == "date":
        return bool(dates(sentence)) or bool(re.search(r"\b(19|20)\d{2}\b", sentence))
    if qtype in {"person", "place", "list"}:
        asked = {w.lower() for w in words(question)}
        names = [w for i, w in enumerate(words(sentence)) if i > 0 and w[:1].isupper() and w.lower() not in asked]
        return bool(names)
    return False


def candidate_sentences(passages: list[Passage]) -> list[tuple[str, Passage, int]]:
    out = []
    seen: set[str] = set()
    for rank, passage in enumerate(passages):
        for sentence in split_sentences(passage.text):
            if len(sentence.split()) < 5 or sentence.rstrip().endswith("?") or sentence in seen:
                continue
            seen.add(sentence)
            out.append((sentence, passage, rank))
    return out


def rank_evidence(question: str, passages: list[Passage], query_vector: np.ndarray, index: LexicalIndex,
                  embedder, preselect: int = 12) -> list[Evidence]:
    qterms = query_terms(question, index)
    qtype = question_type(question)
    candidates = candidate_sentences(passages)
    if not candidates:
        return []
    lexical = [coverage(qterms, sentence_terms(s, index), index) for s, _, _ in candidates]
    prior = [lexical[i] + 0.15 / (1 + rank) for i, (_, _, rank) in enumerate(candidates)]
    order = sorted(range(len(candidates)), key=lambda i: -prior[i])[:preselect]
    vectors = embedder.encode_cached([candidates[i][0] for i in order])
    dense = vectors @ query_vector
    ranked = []
    for j, i in enumerate(order):
        sentence, passage, rank = candidates[i]
        typed = has_type(sentence, qtype, question)
        d = max(0.0, float(dense[j]))
        score = W_LEXICAL * lexical[i] + W_DENSE * d + W_TYPE * typed
        ranked.append(Evidence(sentence, passage, rank, lexical[i], d, typed, score))
    ranked.sort(key=lambda e: (-e.score, e.rank))
    return ranked
