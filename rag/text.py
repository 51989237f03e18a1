"""Text primitives shared by ingestion, retrieval, answering and verification.

* ``split_sentences``: a regex splitter that knows common abbreviations
  (U.S., Dr., No.) and initials. It is deterministic and fast (microseconds per
  passage), which matters because the extractive answerer splits retrieved
  passages on every question; a trained splitter (punkt) would cost an NLTK
  import and data files for little gain on edited prose.
* ``terms``: lowercase, stemmed content words (PyStemmer, the stemmer bm25s
  recommends), used by BM25 and by sentence scoring.
* ``NameVariants``: maps spellings of the same name onto one canonical token
  using edit-distance similarity over name-like tokens of the corpus
  (Lukashenko/Lukashenka, Tsikhanouski/Tsikhanousky, and unseen spellings
  such as Bialiatsky). No alias list: it learns the vocabulary from the
  documents it indexes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves did does said says
    according also may might must shall one ones did get got s t rather quite really actually even""".split()
)

QUESTION_WORDS = frozenset("what which who whom whose when where why how many much name list did does do".split())

_ABBREVIATIONS = {
    "u.s", "u.k", "u.n", "e.u", "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "sgt", "st", "jr", "sr",
    "no", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "approx", "fig", "p", "pp", "vol", "ed", "eds", "rep", "sen", "gov",
}

_SENTENCE_END = re.compile(r"([.!?…]+[\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


#: A token written like code: a call "abs(", snake_case, camelCase, an ALL_CAPS constant, an option "--x", "\\watch", a dotted name.
#: (Not a quantity's unit: "16kB", "2GiB" are amounts, not camelCase.)
TERM_TOKEN = re.compile(r"[A-Za-z_]\w*\(|\w_\w|(?<!\d)(?<!\d[A-Z])[a-z][A-Z]|^[A-Z][A-Z_]{1,}$|^--?[A-Za-z]|^\\\w|[A-Za-z_]\.[A-Za-z_]")
#: A section's number or label before its title: "26.3.1.", "26.3.1", "IV.", "A.2", "Chapter".
SECTION_LABEL = re.compile(r"(?:\d+|[IVXLC]+|[A-Z])(?:\.\d+)*\.|\d+(?:\.\d+)+|(?:Chapter|Section|Part|Appendix)\b")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences; newlines that separate paragraphs always split. Memoised: a passage's text is
    split again by each step that reads it (candidates, sections, paragraphs, follow-on sentences)."""
    return list(_split_sentences(text))


@lru_cache(maxsize=8192)
def _split_sentences(text: str) -> tuple[str, ...]:
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\S)", text):
        block = " ".join(block.split())
        if not block:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(block):
            end = match.end(1)
            candidate = block[start:end]
            last_word = re.split(r"\s+", candidate.strip())[-1].rstrip(".!?…\"'”’)]").lstrip("([{\"'“‘").lower()  # "(e.g. JGit"
            if match.group(1).startswith(".") and (last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word)):
                continue
            if SECTION_LABEL.fullmatch(candidate.strip()):  # "26.3.1." / "IV." / "A.2." numbers the heading that follows
                continue
            sentences.append(candidate.strip())
            start = match.end()
        tail = block[start:].strip()
        if tail:
            sentences.append(tail)
    return tuple(sentences)


def retrieval_text(heading: str, text: str) -> str:
    """What retrieval sees of a chunk (embedded and BM25-indexed): its section path below the document title, then its text.

    The title itself is left out: repeated on every chunk of a document, it pulled
    whole documents up for title words and cost gold-source citations on the
    seeds (0.93 -> 0.90) while sections ("Concrete exceptions › KeyError") name
    what a chunk is about."""
    inner = heading.split(" › ", 1)[1] if " › " in heading else ""
    return f"{inner}\n{text}" if inner else text


def fold(text: str) -> str:
    """Lowercase and strip accents: 'Kęstutis' -> 'kestutis'."""
    if text.isascii():  # nothing to strip (most words): skip the normalisation
        return text.lower()
    normalized = unicodedata.normalize("NFKD", text)
    return "".join(c for c in normalized if not unicodedata.combining(c)).lower().replace("’", "'")


_CONTRACTED = re.compile(r"\b(what|who|where|when|how|which|that|it|there)['’](s|re)\b", re.I)


def expand_contractions(question: str) -> str:
    """"What's the difference ...?" -> "What is the difference ...?": question patterns are written out in full."""
    return _CONTRACTED.sub(lambda m: f"{m.group(1)} {'is' if m.group(2).lower() == 's' else 'are'}", question)


def words(text: str) -> list[str]:
    """Raw word tokens (keeps case)."""
    return _WORD.findall(text)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


#: contractions whose written-out form is a content word ("can't test" asks what "cannot be tested" says)
_NEGATION = {"can't": "cannot", "won't": "will", "shan't": "shall"}
_PRONOUN_CONTRACTION = re.compile(r"(\w+)'(?:m|re|ve|ll|d)")


def content_words(text: str, with_raw: bool = False) -> list:
    """Folded words without stopwords (not stemmed); with_raw gives (original, folded) pairs."""
    out = []
    for w in words(text):
        f = fold(w)
        f = _NEGATION.get(f, f).removesuffix("'s")
        if (pronoun := _PRONOUN_CONTRACTION.fullmatch(f)) and pronoun.group(1) in STOPWORDS:
            continue  # "I'm", "you've", "they'll": a pronoun and an auxiliary, stopwords both
        if f.endswith("n't"):  # "doesn't", "isn't": the verb and "not", stopwords both, as when written out
            continue
        if f and f not in STOPWORDS and (len(f) > 1 or f.isdigit()):
            out.append((w, f) if with_raw else f)
            # a CamelCase code name also says its words: KeyboardInterrupt -> keyboard, interrupt (words() already splits snake_case)
            for part in _PARTS.findall(w) if _COMPOUND.fullmatch(w) else ():
                p = fold(part)
                if len(p) > 2 and p not in STOPWORDS and p != f:
                    out.append((part, p) if with_raw else p)
            unit = _NUMBER_UNIT.fullmatch(w)  # a number written with its unit also says both: 7200RPM -> 7200, rpm
            for part in unit.groups() if unit else ():
                out.append((part, fold(part)) if with_raw else fold(part))
    for m in _HYPHENATED.finditer(text):  # "e-mail", "re-index" also say "email", "reindex" (words() reads the parts)
        joined = fold(m.group(1) + m.group(2))
        if joined not in STOPWORDS:
            out.append((m.group(0), joined) if with_raw else joined)
    for m in _SYMBOL.finditer(text):  # "?? is used for untracked paths": an operator or marker written alone is a term
        symbol = m.group(1)
        if not _RULE.fullmatch(symbol):
            out.append((symbol, symbol) if with_raw else symbol)
    for m in _RANGE.finditer(text):  # "r1..r2" and "r1...r2" are different notations, not only the words r1 and r2
        out.append((m.group(0), fold(m.group(0))) if with_raw else fold(m.group(0)))
    return out


#: A range written with two or three dots between names ("r1..r2", "A...B", "<rev1>..<rev2>"); not an ellipsis
_RANGE = re.compile(r"(?<![\w.])[\w<>^~@{}/-]*\w[>}]?\.{2,3}[<{]?\w[\w<>^~@{}/-]*(?!\w|\.\w)")


#: A symbol standing alone, as a word would ("??", "!!", "->", ":=", "//", "@{u}"): words() reads none of it
_SYMBOL = re.compile(r"(?<![^\s\"'“‘`(\[])([!?@#$%^&*+=<>|~:/\\-]{2,3}|@\{[^\s{}]{1,20}\})(?![^\s\"'”’`),.;:\]])")
#: ... but not a rule or a heading mark ("---", "###", "***") or a dash ("--")
_RULE = re.compile(r"(.)\1\1|-+|::")


_HYPHENATED = re.compile(r"(?<![\w-])([A-Za-z]{1,3})-([A-Za-z]+)(?![\w-])")  # a prefix, not two words ("write-ahead")


_PLAIN_WORD = re.compile(r"[a-z][a-z-]{2,}")


@lru_cache(maxsize=100_000)
def _word_forms(text: str) -> tuple[dict[str, str], dict[str, str]]:
    plain: dict[str, str] = {}
    capitalised: dict[str, str] = {}
    for raw, f in content_words(text, with_raw=True):
        if _PLAIN_WORD.fullmatch(f):
            (capitalised if raw[:1].isupper() else plain)[stem(f)] = f
    return plain, capitalised


def plain_words(text: str) -> dict[str, str]:
    """stemmed term -> folded word, for the dictionary words of a text: no code names, numbers, or capitalised
    words (names; a sentence's first word is met in lower case elsewhere). Soft term matching compares these.
    Memoised (the sentences of popular passages recur): treat the result as read-only."""
    return _word_forms(text)[0]


def dictionary_words(text: str) -> set[str]:
    """Every folded dictionary-shaped word of a text, in every form it takes ("iterator" and "iterators"): the words
    whose vectors soft term matching may look up (plain_words, capitalised_words), encoded ahead of questions."""
    return {f for _, f in content_words(text, with_raw=True) if _PLAIN_WORD.fullmatch(f)}


def capitalised_words(text: str) -> dict[str, str]:
    """stemmed term -> folded word, for the capitalised dictionary-shaped words of a text ("Prize" in "Nobel Peace
    Prize", a sentence's first word); which of them are names is for the caller to say (NameVariants.is_name)."""
    return _word_forms(text)[1]


_NUMBER_UNIT = re.compile(r"(\d+(?:\.\d+)?)([A-Za-z]{2,5})")  # 7200RPM, 64KB, 10ms; not 3D or 2x


_COMPOUND = re.compile(r"[a-z]*(?:[A-Z][a-z]+){2,}\d*|[a-z]+(?:[A-Z][a-z]+)+\d*")  # KeyboardInterrupt, getLogger; not PostgreSQL
_PARTS = re.compile(r"[A-Z]?[a-z]+")


def terms(text: str, variants: "NameVariants | None" = None) -> list[str]:
    """Stemmed content terms, with name variants mapped to their canonical form.

    Unknown words are matched to a name by spelling similarity only when they are
    capitalised, so "prime" never turns into "Prize"."""
    out = []
    for raw, f in content_words(text, with_raw=True):
        if variants is not None:
            canonical = variants.canonical(f, fuzzy=raw[:1].isupper())
            if canonical:
                out.append(canonical)
                continue
        out.append(stem(f))
    return out


def _similar(a: str, b: str) -> float:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.normalized_similarity(a, b)


class NameVariants:
    """Clusters spellings of names found in a corpus.

    A token is name-like when it is capitalised in most of its occurrences and
    is at least 4 letters long. Tokens are clustered greedily, most frequent
    first: a token joins the first cluster whose head is similar enough
    (normalised Levenshtein similarity >= ``threshold``, same first letter,
    length difference <= 2). Comparing with heads only keeps chains from
    merging different people (Tsikhanouski, Tsikhanouskaya). A query word the
    corpus never uses is mapped to the cluster of its most similar member, so
    unseen transliterations (Tsikhanovskaya) still match.
    """

    def __init__(self, threshold: float = 0.8, query_threshold: float = 0.75) -> None:
        self.threshold = threshold
        self.query_threshold = query_threshold
        self._canonical: dict[str, str] = {}
        self._heads: list[str] = []
        self._vocab: set[str] = set()
        self._vocab_list: list[str] | None = None
        self._lookups: dict[tuple[str, bool], str | None] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str], threshold: float = 0.8) -> "NameVariants":
        capitalised: Counter[str] = Counter()
        total: Counter[str] = Counter()
        vocab: set[str] = set()
        for text in texts:
            for sentence in split_sentences(text):
                for i, w in enumerate(words(sentence)):
                    f = fold(w).removesuffix("'s")
                    vocab.add(f)
                    total[f] += 1
                    if i > 0 and w[:1].isupper():
                        capitalised[f] += 1
        self = cls(threshold)
        self._vocab = vocab
        names = [w for w, n in capitalised.items() if len(w) >= 4 and w.isalpha() and n * 2 >= total[w] and w not in STOPWORDS]
        names.sort(key=lambda w: (-total[w], w))
        for name in names:
            head = self._best_head(name, self._heads)
            if head is None:
                self._heads.append(name)
                head = name
            self._canonical[name] = "~" + head
        return self

    def is_name(self, word: str) -> bool:
        """Is ``word`` a proper noun of the corpus (written capitalised at least half the time, mid-sentence)?"""
        return fold(word).removesuffix("'s") in self._canonical

    def to_dict(self) -> dict:
        return {"threshold": self.threshold, "query_threshold": self.query_threshold, "canonical": self._canonical,
                "heads": self._heads, "vocab": sorted(self._vocab)}

    @classmethod
    def from_dict(cls, data: dict) -> "NameVariants":
        self = cls(data["threshold"], data["query_threshold"])
        self._canonical, self._heads, self._vocab = dict(data["canonical"]), list(data["heads"]), set(data["vocab"])
        return self

    def _best_head(self, word: str, candidates: Iterable[str], threshold: float | None = None) -> str | None:
        """Most similar candidate (>= threshold); returns its cluster head."""
        best, best_score = None, self.threshold if threshold is None else threshold
        for candidate in candidates:
            if candidate[0] != word[0] or abs(len(candidate) - len(word)) > 2:
                continue
            score = _similar(candidate, word)
            if score >= best_score:
                best, best_score = candidate, score
        if best is None:
            return None
        return self._canonical.get(best, "~" + best)[1:]

    def canonical(self, folded_word: str, fuzzy: bool = True) -> str | None:
        """Canonical token for a folded word, or None when it is not a name.

        ``fuzzy`` allows mapping a word the corpus never uses to the closest name."""
        hit = self._canonical.get(folded_word)
        if hit is not None:
            return hit
        if not fuzzy or folded_word in self._vocab or len(folded_word) < 5 or not folded_word.isalpha():
            return None
        key = (folded_word, fuzzy)
        if key not in self._lookups:
            head = self._best_head(folded_word, self._canonical, self.query_threshold)
            self._lookups[key] = "~" + head if head else None
        return self._lookups[key]

    def nearest_word(self, folded_word: str, cutoff: float = 0.8) -> str | None:
        """Closest corpus word to an unknown, non-name word (adviser -> advisor, normalise -> normalize)."""
        if folded_word in self._vocab or len(folded_word) < 6 or not folded_word.isalpha():
            return None
        if self._vocab_list is None:
            self._vocab_list = sorted(w for w in self._vocab if len(w) >= 5 and w.isalpha())
        vocab = self._vocab_list
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        hit = process.extractOne(folded_word, vocab, scorer=Levenshtein.normalized_similarity, score_cutoff=cutoff)
        return hit[0] if hit and hit[0][0] == folded_word[0] else None

    def variants_of(self, folded_word: str) -> list[str]:
        """All corpus spellings in the same cluster (for display and tests)."""
        canonical = self.canonical(folded_word)
        return sorted(w for w, c in self._canonical.items() if c == canonical) if canonical else []

    def __len__(self) -> int:
        return len(self._canonical)


@lru_cache(maxsize=8192)  # asked once per retrieved passage per question
def source_name_words(source: str) -> frozenset[str]:
    """The words of a document's file name and folders, folded and also stemmed ("jamestown-belarus-relations.txt" ->
    jamestown, belarus, relations, relat; "faq/design.html" -> faq, design): a question may name the document by them
    ("According to the Jamestown piece, ...", "Why does the design FAQ recommend ...?")."""
    stem_of = source.rsplit(".", 1)[0] if "." in source.rsplit("/", 1)[-1] else source
    return frozenset(f(w) for w in re.findall(r"[^\W_]+", stem_of) for f in (fold, lambda w: stem(fold(w))))


# Shorthand users type for words documentation spells out ("Which env var sets the path?"); only as a plain word, not
# code ("dir()", "--config", "args=", "repo.git", "'db'"): pages write "environment variable", "directory", ...
_SHORTHAND = {"env var": "environment variable", "env vars": "environment variables", "env variable": "environment variable",
                  "env variables": "environment variables", "envvar": "environment variable", "envvars": "environment variables",
                  "config": "configuration", "configs": "configurations", "dir": "directory", "dirs": "directories",
                  "repo": "repository", "repos": "repositories", "db": "database", "dbs": "databases",
                  "arg": "argument", "args": "arguments", "param": "parameter", "params": "parameters",
                  "func": "function", "funcs": "functions", "msg": "message", "msgs": "messages", "perf": "performance",
                  "info": "information", "pkg": "package", "pkgs": "packages", "lib": "library", "libs": "libraries",
                  "attr": "attribute", "attrs": "attributes", "conn": "connection", "conns": "connections",
                  "txn": "transaction", "txns": "transactions", "cmd": "command", "cmds": "commands", "impl": "implementation"}
_SHORTHAND_WORD = re.compile(r"(?<![\w.\-/'\"`$%<])(" + "|".join(sorted(map(re.escape, _SHORTHAND), key=len, reverse=True))
                           + r")(?![\w(.\-/'\"`=:\[])|(?<![\w.\-/'\"`$%<])(" + "|".join(sorted(map(re.escape, _SHORTHAND), key=len, reverse=True))
                           + r")(?=[.:](?:\s|$))", re.I)


def expand_abbreviations(text: str, used: Callable[[str], bool] = lambda word: False) -> str:
    """A question with its common shorthand spelled out ("What env var configures TZPATH?" -> "What environment
    variable configures TZPATH?"); words written as code, or in capitals ("DB", an acronym the pages may use), are kept,
    and so is a single word the pages use themselves (``used``: "config" in Git's manual, "args" in Python's)."""
    def spell(m: re.Match) -> str:
        word = m.group(0)
        if (word.isupper() and len(word) > 1) or (" " not in word and used(word.lower())):
            return word
        return _SHORTHAND[word.lower()]
    return _SHORTHAND_WORD.sub(spell, text)

