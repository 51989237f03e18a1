"""Citation verification: is a sentence supported by the passages it cites?

``support(claim, passages)`` returns a score in [0, 1] from two signals:
IDF-weighted lexical coverage of the claim's content words by the passages,
and the best embedding similarity between the claim and any passage sentence.
Numbers are a hard check: a claim stating a number that none of the cited
passages states ("1.1 million" when the passages never say it) gets zero,
because small models invent figures far more often than they invent words.

``check_sentence`` applies it to one sentence of a generated answer; the
generative answerer (answerers/generative.py) keeps a sentence supported by
its citations, re-cites one supported by another retrieved passage (or by one the
sentence itself retrieves), and drops
and reports the rest. The eval suite uses the same functions (through
``Engine.check_citations``) for ALCE-style citation recall/precision,
so product and measurement agree on what "supported" means. (ALCE uses an
NLI model for entailment; none can be downloaded here, so this is a
lexical+embedding proxy and the report says so.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .evidence import coverage, query_terms, sentence_terms
from .facts import NUMBER_WORDS, SCALES, listed_counts, numbers
from .lexical import LexicalIndex
from .text import split_sentences, stem

MARKER = re.compile(r"\s*\[(\d+)\]")
CHECK_NAME = "lexical+embedding support (IDF coverage 0.5, max sentence cosine 0.5, numbers must match)"


@dataclass(frozen=True)
class SentenceCheck:
    sentence: str  # without markers
    markers: tuple[int, ...]
    support: float
    supported: bool
    best_markers: tuple[int, ...] = ()  # the retrieved passages that support it: the best one, or the two closest together

    @property
    def best_marker(self) -> int | None:
        return self.best_markers[0] if self.best_markers else None


def as_shown(text: str, heading: str = "", title: str = "", publisher: str = "", date: str = "") -> str:
    """A passage as a model reads it in the prompt: its heading path (the section it is in, under the document's
    title), publisher and date, then its text. Support is checked against the same, so "PostgreSQL 15 renamed ..."
    on the "Release 15" page is supported by the heading the model was shown."""
    label = " — ".join(x for x in (heading or title, publisher, date) if x)
    return f"{label}\n{text}" if label else text


def strip_markers(text: str) -> str:
    return " ".join(MARKER.sub("", text).split())


def answer_sentences(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """Split an answer into (sentence without markers, cited markers)."""
    out = []
    for sentence in split_sentences(text):
        markers = tuple(dict.fromkeys(int(m) for m in MARKER.findall(sentence)))
        clean = strip_markers(sentence)
        if clean:
            out.append((clean, markers))
    # A marker placed after the final stop ("... said. [2]") is split off as its own piece.
    merged: list[tuple[str, tuple[int, ...]]] = []
    for clean, markers in out:
        if merged and not re.search(r"[^\W\d_]", clean):
            prev, prev_markers = merged[-1]
            merged[-1] = (prev, tuple(dict.fromkeys(prev_markers + markers)))
        else:
            merged.append((clean, markers))
    # A bare "Yes." or "No." states nothing to check on its own: it stands or falls with the sentence after it.
    joined: list[tuple[str, tuple[int, ...]]] = []
    for clean, markers in merged:
        if joined and _BARE_REPLY.fullmatch(joined[-1][0]):
            prev, prev_markers = joined.pop()
            clean, markers = f"{prev} {clean}", tuple(dict.fromkeys(prev_markers + markers))
        joined.append((clean, markers))
    return joined


_BARE_REPLY = re.compile(r"(?i)(?:yes|no|indeed|correct|right|not quite|exactly)[.!,]?")


_REFERS_BACK = re.compile(r"\b(?:the|these|those|both|its|their) (?:two|three|four)$", re.I)


#: Bytes in a unit of size: "1 MiB" is the "1024 * 1024" a passage gives.
_BYTES = {"kib": 1024, "mib": 1024 ** 2, "gib": 1024 ** 3, "tib": 1024 ** 4, "kb": 1000, "mb": 1000 ** 2, "gb": 1000 ** 3, "tb": 1000 ** 4}
_PRODUCT = re.compile(r"(?<![\w.])(\d+)\s*[*×]\s*(\d+)(?!\w|\.\d)")
_LITERAL_LIST = re.compile(r"\[([^\[\]]{1,80}?,[^\[\]]{1,80}?)\]")  # "[0, 0, 0]", "['a', 'b']": an array written out


def _numbers_ok(claim: str, passage_text: str) -> bool:
    stated = numbers(passage_text)
    values, units = {s.value for s in stated}, {s.unit for s in stated}
    # a product the passage writes out ("Default: 1024 * 1024.") states its result too, in bytes as in any unit of size
    values |= {(float(int(a) * int(b)),) for a, b in _PRODUCT.findall(passage_text)}
    # ... and an array it writes out states how many items it has ("always [0, 0, 0]": three zeros)
    values |= {(float(len(items.split(","))),) for items in _LITERAL_LIST.findall(passage_text)}
    listed = {(n,) for n in listed_counts(claim)}  # "five storage classes: NULL, INTEGER, ...": checked as those items
    for v in numbers(claim):
        if v.value in listed or v.value in values:
            continue
        if v.unit in _BYTES and len(v.value) == 1 and (v.value[0] * _BYTES[v.unit],) in values:
            continue  # "(1 MiB)" for the passage's "1024 * 1024" bytes
        # "the two values" after "util.isDeepStrictEqual(val1, val2)" counts things already named: it states nothing
        # new, unless the passage counts them otherwise ("the two Americans" where it says three)
        if _REFERS_BACK.search(claim, 0, claim.find(v.text) + len(v.text)) and not (v.unit and v.unit in units):
            continue
        return False
    return True


#: the words that write numbers ("six", "half", "dozen", "thousand"), as terms
_NUMBER_TERMS = frozenset(stem(w) for w in [*NUMBER_WORDS, *SCALES, "half", "quarter", "third", "thirds"])


def support(claim: str, passage_texts: list[str], index: LexicalIndex, embedder, check_numbers: bool = True) -> float:
    if not passage_texts:
        return 0.0
    joined = "\n".join(passage_texts)
    if check_numbers and not _numbers_ok(claim, joined):
        return 0.0
    qterms = query_terms(claim, index)
    said = sentence_terms(joined, index)
    if check_numbers:
        # its numbers were checked by value above: "six and a half hours" is the passage's "6.5-hour-long", so the
        # words writing a number count as said
        # (only words: a year in digits is no number checked by value, and must be in the passage)
        said = said | {t for t in qterms if t in _NUMBER_TERMS}
    lexical = coverage(qterms, said, index) if qterms else 0.0
    sentences = [s for t in passage_texts for s in split_sentences(t)]
    if not sentences:
        return 0.5 * lexical
    vectors = embedder.encode_cached([claim] + sentences)
    dense = float(np.max(vectors[1:] @ vectors[0]))
    return 0.5 * lexical + 0.5 * max(0.0, dense)


def check_sentence(sentence: str, markers: tuple[int, ...], passages: dict[int, str], index: LexicalIndex, embedder,
                   threshold: float) -> SentenceCheck:
    cited = [passages[m] for m in markers if m in passages]
    score = support(sentence, cited, index, embedder)
    best: tuple[int, ...] = ()
    if score < threshold:
        def ranked(check_numbers: bool) -> list[tuple[float, int]]:  # best first; a tie goes to the earlier passage
            return sorted(((support(sentence, [text], index, embedder, check_numbers), marker) for marker, text in passages.items()),
                          key=lambda t: (-t[0], t[1]))
        alone = ranked(True)
        if alone and alone[0][0] >= threshold:
            best = (alone[0][1],)
        elif len(alone) > 1:  # a sentence joining two passages' facts ("X, so Y"): the two closest together, both cited
            closest = ranked(False)  # each may hold only some of its numbers
            pair = (closest[0][1], closest[1][1])
            if support(sentence, [passages[m] for m in pair], index, embedder) >= threshold:
                best = pair
    return SentenceCheck(sentence, markers, score, score >= threshold, best)


def citation_quality(sentence: str, markers: tuple[int, ...], passages: dict[int, str], index: LexicalIndex, embedder,
                     threshold: float) -> tuple[bool, int, int]:
    """ALCE-style: (sentence supported by all its citations, precise citations, total citations)."""
    cited = [m for m in markers if m in passages]
    if not cited:
        return False, 0, len(markers)
    supported = support(sentence, [passages[m] for m in cited], index, embedder) >= threshold
    if not supported:
        return False, 0, len(markers)
    precise = 0
    for m in cited:
        alone = support(sentence, [passages[m]], index, embedder) >= threshold
        rest = [passages[x] for x in cited if x != m]
        without = bool(rest) and support(sentence, rest, index, embedder) >= threshold
        precise += alone or not without
    return True, precise, len(markers)
