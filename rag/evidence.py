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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .facts import ADJECTIVE, ASKS_CONDITION, ASKS_DEFAULT, ASKS_RATIO, ASKS_REASON, ASKS_WHAT_HAPPENS, MONTHS, NUMBER_TOKEN, NUMBER_WORDS, ROLE_NOUNS, THING_NOUNS, WHICH_THING, asks_for_items, core_question, dates, main_clause, numbers, question_type
from .lexical import LexicalIndex
from .text import QUESTION_WORDS, SECTION_LABEL, STOPWORDS, TERM_TOKEN as _TERM_TOKEN, capitalised_words, content_words, fold, plain_words, source_name_words, split_sentences, stem, words
from .settings import ScoringSettings
from .types import Passage

#: Weights and thresholds live in one typed section (settings.ScoringSettings); these are the defaults.
DEFAULT_SCORING = ScoringSettings()


# "Thus, dropping a column is quick ...": the reason is in the sentence before
CONSEQUENCE = re.compile(r"^\W*(?:thus|therefore|hence|consequently|as a result|for this reason|that is why|this is why|because of this"
                         r"|(?:that|this) means"
                         r"|to (?:avoid|prevent) (?:this|that))\b", re.I)
# "In short, catastrophic data loss.": a sentence summing up the ones before it says nothing without them
SUMS_UP = re.compile(r"^\W*(?:in short|in other words|in sum|in summary|to sum up|to summari[sz]e|put simply|simply put|in a nutshell)\b", re.I)
# "In that case, ...", "The latter ...": what the sentence is about is said in the one before
POINTS_BACK = re.compile(r"^\W*(?:(?:in (?:this|that|such an?|either|both) (?:case|event|situation|mode)s?|if so|if not|the (?:former|latter)"
                         r"|accordingly|as such)\b"
                         # "If specified, the length must ...": what is specified is what the sentence before named
                         r"|(?:if|when|unless|once) (?:not )?(?:specified|given|omitted|set|supplied|present|absent|enabled|disabled|used)\s*,)", re.I)
# "However, the default in PostgreSQL is ...": the sentence before is qualified, corrected or contradicted
CONTRAST = re.compile(r"^\W*(?:however|but|nevertheless|nonetheless|in practice|in fact|actually|that said|even so)\b", re.I)
# "Instead, changes go into a separate WAL file.": said in place of, or alike to, what the sentence before says
CONTINUES = re.compile(r"^\W*(?:instead|otherwise|similarly|likewise|conversely|alternatively)\b", re.I)
# "SQLite does not support this.": a short sentence about what the one before it says
_ENDS_ON_IT = re.compile(r"^(?:\S+\s+){1,8}(?:this|that|it|these|those|them|so)\s*[.!]$", re.I)
_THIS_NOUN = re.compile(r"\b(?:this|these|such)\s+([a-z][\w-]+)", re.I)


def refers_back(sentence: str, before: str) -> bool:
    """"... exits with *this code* ..." after "The special exit code 125 should be used ...": a demonstrative whose noun
    the sentence before uses points at what that sentence says; so does a bare "The expression may ..." after "The
    expression of a generated column ..." (the same subject, shortened)."""
    if _DO_SO.search(sentence):  # "The easiest way to do so is: ..." after "... introduce yourself to Git ..."
        return True
    short = _SHORT_SUBJECT.match(sentence)
    if short and re.match(rf"The {re.escape(short.group(1))} (?:of|for|in|on)\b", before):
        return True  # "The expression of a generated column may only ... The expression may not use subqueries ...": the same one
    nouns = {stem(fold(m.group(1))) for m in _THIS_NOUN.finditer(sentence)} - {stem(w) for w in STOPWORDS}
    return bool(nouns) and bool(nouns & {stem(fold(w)) for w in words(before)})


_SHORT_SUBJECT = re.compile(r"The ([a-z][\w-]+) (?:may|must|can|cannot|could|is|are|was|were|will|would|should|does|do|has|have)\b")
_DO_SO = re.compile(r"\b(?:do|doing|does|did|done)\s+(?:so|this|that)\b(?!\s+(?!is\b)[a-z]+\b)", re.I)  # not "do this command"


PRONOUN_START = re.compile(r"^(?:\W*\w+,?\s+){0,2}?(he|she|it|they|his|her|its|their|this|these|those|him|them)\b", re.I)


@dataclass(frozen=True)
class Evidence:
    sentence: str  # what the answer quotes: the sentence, preceded by its antecedent when it opens with a pronoun
    passage: Passage
    rank: int  # rank of the passage in retrieval
    lexical: float
    dense: float
    typed: bool
    score: float
    covered: frozenset[str] = frozenset()  # question terms the sentence contains
    quote: str = ""  # the passage's own words (``sentence`` may name the subject from a heading before them)
    lead: bool = False  # the page's opening sentence, weighed up for an overview question (asks_overview)
    says_kind: bool = True  # "Which algorithm ...?": the sentence names the asked kind (asked_kind), or a close word
    predicate: float = 1.0  # "Does git clean keep a backup?": coverage of the question's words its passage's heading does not say


def query_terms(text: str, index: LexicalIndex) -> list[str]:
    """Terms of a question or claim: names unified, unknown words snapped to the nearest corpus word.

    Memoised on the index (the terms depend only on it): the sentences of
    popular passages are scored again and again."""
    cached = index.term_cache.get(text)
    if cached is not None:
        return list(cached)
    out = []
    for raw, w in content_words(text, with_raw=True):
        if w in QUESTION_WORDS:
            continue
        canonical = index.variants.canonical(w, fuzzy=raw[:1].isupper())
        if canonical is None and stem(w) not in index.vocab:
            near = index.variants.nearest_word(w)
            if near is not None:
                w = near
        out.append(canonical or stem(w))
    result = tuple(dict.fromkeys(out))
    if len(index.term_cache) >= 200_000:
        index.term_cache.clear()
    index.term_cache[text] = result
    return list(result)


def on_topic(sentence: str, question: str, query_vector: np.ndarray, index: LexicalIndex, embedder,
             scoring: ScoringSettings = DEFAULT_SCORING) -> bool:
    """Does a sentence address the question at all? It shares a question term or is semantically close.

    Calibrated on the eval set: every quoted answer sentence that passes the
    evidence threshold meets it, while "I am a teapot" (cosine 0.04) or a
    replayed instruction does not. Generated answers use it so a document
    that tells the model to answer every question with a fixed phrase cannot
    get that phrase through, even though the phrase is "supported" by the
    hostile passage it comes from.
    """
    if set(query_terms(question, index)) & sentence_terms(sentence, index):
        return True
    return float(embedder.encode_cached([sentence])[0] @ query_vector) >= scoring.on_topic_cosine


def sentence_terms(sentence: str, index: LexicalIndex) -> set[str]:
    return set(query_terms(sentence, index))


_PUNCT = ".,;:!?()\"'“”‘’"  # around a word of a question


def descriptors(question: str, index: LexicalIndex) -> list[tuple[frozenset[str], frozenset[str]]]:
    """The words a question puts before a name to say who it is ("... did *Belarusian opposition figure* Siarhei
    Tsikhanouski first hear ...?"), and a full name's given names, as (terms, name terms): a sentence that names the
    person (by surname: "Tsikhanouski said ...") need not repeat how the question described them."""
    tokens = question.split()
    out = []
    i = 0
    while i < len(tokens):
        bare = tokens[i].strip(_PUNCT)
        if not (bare[:1].isupper() and i > 0 and index.variants.is_name(bare)):
            i += 1
            continue
        end = i
        while end + 1 < len(tokens) and tokens[end].strip(".,;:!?")[-1:].isalnum() and tokens[end + 1][:1].isupper():
            end += 1  # "Siarhei Tsikhanouski"
        run: list[str] = []
        j = i - 1
        while j >= 0 and len(run) < 4:
            w = tokens[j]
            f = fold(w.strip(_PUNCT))
            if not w[-1:].isalnum() or f in STOPWORDS or f in QUESTION_WORDS or w.endswith(("'s", "’s")) or not f.isalpha():
                break
            run.insert(0, w)
            j -= 1
        head = fold(run[-1].strip(_PUNCT)) if run else ""
        if head.removesuffix("s") in ROLE_NOUNS or head in ROLE_NOUNS:  # ending in a role noun ("figure", "envoy")
            name = frozenset(query_terms(" ".join(tokens[i:end + 1]), index))
            described = frozenset(query_terms(" ".join(run), index)) - name
            if name and described:
                out.append((described, name))
        if tokens[end].endswith(",") and end + 1 < len(tokens):
            # ... or after it, set off by commas: "Yauheni Preiherman, author of the Eurasia Daily Monitor piece, ..."
            after = []
            for w in tokens[end + 1:end + 12]:
                after.append(w)
                if not w[-1:].isalnum():
                    break
            words_after = [fold(w.strip(_PUNCT)) for w in after]
            if words_after and words_after[0] in {"a", "an", "the"}:
                words_after = words_after[1:]
            if after and after[-1].endswith(",") and words_after and words_after[0].removesuffix("s") in ROLE_NOUNS:
                name = frozenset(query_terms(" ".join(tokens[i:end + 1]), index))
                described = frozenset(query_terms(" ".join(after), index)) - name
                if name and described:
                    out.append((described, name))
        if end > i:  # "Siarhei Tsikhanouski": a passage saying "Tsikhanouski" names him too
            surname = frozenset(query_terms(tokens[end], index))
            given = frozenset(query_terms(" ".join(tokens[i:end]), index)) - surname
            if surname and given:
                out.append((given, surname))
        i = end + 1
    return out


def coverage(qterms: list[str], sterms: set[str], index: LexicalIndex, soft: dict[str, float] | None = None) -> float:
    """IDF-weighted share of the question's terms the sentence uses; ``soft`` gives partial credit to the
    terms it says in other words (``soft_credit``)."""
    if not qterms:
        return 0.0
    total = sum(index.term_weight(t) for t in qterms)
    if soft:
        return sum(index.term_weight(t) * (1.0 if t in sterms else soft.get(t, 0.0)) for t in qterms) / total
    return sum(index.term_weight(t) for t in qterms if t in sterms) / total


def soft_credit(question_words: dict[str, str], sentences: list[set[str]], texts: list[str], embedder,
                scoring: ScoringSettings, is_name: Callable[[str], bool] | None = None) -> list[dict[str, float]]:
    """For each sentence, the question terms it does not use but says in a close word, with their credit
    (``scoring.soft_weight`` x the best word cosine, when at least ``scoring.soft_cosine``)."""
    out: list[dict[str, float]] = [{} for _ in texts]
    if scoring.soft_weight <= 0 or not question_words:
        return out
    per_sentence = [plain_words(t) for t in texts]
    if is_name is not None:  # capitalised words that are not the corpus's names: "Prize" says "award"
        per_sentence = [{**{t: w for t, w in capitalised_words(text).items() if not is_name(w)}, **ws} for ws, text in zip(per_sentence, texts)]
    vocab = sorted({w for ws in per_sentence for w in ws.values()} | set(question_words.values()))
    vectors = embedder.encode_words(vocab)
    row = {w: i for i, w in enumerate(vocab)}
    qterms = list(question_words)
    sims = vectors[[row[question_words[t]] for t in qterms]] @ vectors.T  # question word x vocabulary
    # each sentence's best cosine per question word, in one pass: its words' columns laid end to end, max per segment
    said = [k for k, ws in enumerate(per_sentence) if ws]
    if not said:
        return out
    cols = [row[w] for k in said for w in per_sentence[k].values()]
    starts = np.cumsum([0] + [len(per_sentence[k]) for k in said[:-1]])
    best = np.maximum.reduceat(sims[:, cols], starts, axis=1)  # question word x sentence
    close = best >= scoring.soft_cosine
    for j, t in enumerate(qterms):
        for n in np.flatnonzero(close[j]):
            k = said[n]
            if t not in sentences[k]:
                out[k][t] = scoring.soft_weight * float(best[j, n])
    return out


_VERSION = re.compile(r"\b(?:version|release|v)\s?\d+(?:\.\d+)*\b"  # "version 3.11", "v2"
                      r"|\b(?:[Ii]n|[Ss]ince|[Aa]s of|[Pp]rior to|[Bb]efore|[Aa]fter|[Uu]ntil|[Ff]rom|[Bb]eginning in|[Ss]tarting (?:in|with))"
                      r" (?!(?:January|February|March|April|May|June|July|August|September|October|November|December"
                      r"|Table|Section|Chapter|Figure|Example|Appendix|Part|Step|Listing|Note|Equation|Page)\b)"
                      r"(?:[A-Z][\w+]*[a-z][\w+]* \d+(?:\.\d+)*|[A-Z][\w+]* \d+(?:\.\d+)+)\b"
                      r"|\b[Vv]ersions? of [A-Z][\w+]* (?:up to|through|prior to|before|after|since|from|below|above|older than|newer than)"
                      r" \d+(?:\.\d+)+\b")
# "Beginning in PostgreSQL 15", "since Python 3.8", "as of SQLite 3.7.15", "In versions of R up to 2.4.1"; not a document
# id ("in RFC 4180", "see PEP 249")
_VALUE_TOKEN = re.compile(r"\d|^[\"'“‘`]")  # a number, a version, a quoted literal ("scram-sha-256", 5432, 'on')


def _code_key(token: str) -> str:
    """A code name as compared with the question's: "@functools.total_ordering:" -> functools.total_ordering; a call
    names its function ("load_extension(X,Y)", "load_extension('mylib')" -> load_extension)."""
    return fold(re.sub(r"(?<=\w)\(.*$", "", token.strip(".,:;()?'\"`@")))


def _named_in(question: str) -> set[str]:
    """The question's words as code keys, a dotted name's last part too ("functools.total_ordering": total_ordering)."""
    keys = {_code_key(w) for w in question.split()}
    # a word the question writes as code ("@dataclass", "`join`", "join()") is a name, however plain its letters
    code = {f"code:{_code_key(w)}" for w in question.split() if re.match(r"[@`]|.*\w\(\)", w.strip(".,:;?'\""))}
    return keys | {k.rsplit(".", 1)[-1] for k in keys if "." in k} | code


def _asked_name(token: str, asked: set[str]) -> bool:
    """Does a sentence's code token name what the question names: "@functools.total_ordering:" for a question saying
    total_ordering or functools.total_ordering; not os.path.join for a question saying the plain word "join"."""
    key = _code_key(token)
    last = key.rsplit(".", 1)[-1]
    return key in asked or (last != key and last in asked and (bool(_TERM_TOKEN.search(last)) or f"code:{last}" in asked))


def _terms(sentence: str, question: str, keywords: bool = False) -> list[str]:
    """Code-like tokens (KeyError, abs(), SKIP_LOCKED, --schema-only) the question does not already name.

    A bare upper-case word (WAL, SQL, FULL) is prose unless ``keywords`` (the question asks for a
    command, keyword, statement or clause, which SQL writes in capitals)."""
    asked = _named_in(question)
    out = []
    for t in sentence.split():
        bare = t.strip(".,:;()")
        if _TERM_TOKEN.search(t) and not _asked_name(bare, asked) and (keywords or not _ACRONYM.fullmatch(bare)):
            out.append(bare)
    return out


_ASKED_THING = re.compile(r"^\s*" + WHICH_THING + r"|\bname of (?:the |a |an )?(?:[\w-]+ ){0,3}?(" + "|".join(sorted(THING_NOUNS, key=len, reverse=True)) + r")(?:e?s)?\b")


_WHO_DID = re.compile(r"\s*who\s+(?:\w+ly\s+)?(?!(?:is|was|are|were|has|have|had|did|does|do|will|would|can|could|should|must|may|might"
                      r"|became|becomes|remains|remained|seems|seemed)\b)([a-z]+)\b(?! as\b)", re.I)  # "who serves as ...": who is


# A sentence about the document itself: "This section describes ...", "Section 4 describes ...", "The next chapter covers ..."
_ABOUT_THE_DOCUMENT = re.compile(r"\s*(?:(?:this|the following|the next|the previous|the rest of this) (?:section|chapter|document|page|article|"
                                 r"subsection|appendix|part|tutorial|manual)|(?:sections?|chapters?|appendix) [\dA-Z][\d.]*)"
                                 r"(?: (?:briefly|also|then|further))? (?:describes?|explains?|covers?|discusses?|shows?|introduces?|"
                                 r"presents?|outlines?|summari[sz]es?|documents?|details?|deals? with|is about|looks at)\b", re.I)


# A platform or system a question or a sentence opens with, as its scope: "On Unix, ...", "Under Windows, ...", "On unix-like systems, ..."
_SCOPE = re.compile(r"\s*(?:[Oo]n|[Uu]nder)\s+((?:[A-Za-z][\w-]*\s+){0,2}?(?:[A-Z][\w-]*|[\w-]+-like)(?:\s+(?:systems?|platforms?|machines?|hosts?))?)\s*,")


# "Who wrote ...?" asks the maker of a work, whom a sentence may name after it: "The original zlib implementation by ..."
_MAKING = re.compile(r"(?:wr[io]te|written|writes|creat\w*|design\w*|develop\w*|invent\w*|implement\w*|authored|built|builds|made|makes|founded)", re.I)
_MADE_BY = re.compile(r"\b([A-Za-z][\w-]*)\s+by\s+(?=[A-Z])")


# "Which prominent opposition figure was released ...?": the person a sentence names for being released
_WHICH_WAS_DONE = re.compile(r"\s*(?:which|what)\b(?:\s+[\w.-]+){1,3}?\s+(?:was|were)\s+(?:\w+ly\s+)?([a-z]+(?:ed|en|wn))\b", re.I)


def asked_thing(folded_question: str) -> str:
    """The noun of the thing a "which <noun>" question asks for ("which attribute ...?" -> attribute), '' if none."""
    m = _ASKED_THING.search(folded_question)
    if not m:
        return ""
    noun = m.group(1) or m.group(2)
    head = re.match(r"\s+([a-z]+)\b", folded_question[m.end():])  # "operator class": the last noun is the head
    word = head.group(1) if head else ""
    return next((w for w in (word, word[:-1], word[:-2]) if w in THING_NOUNS), noun) if word else noun


_KIND_QUESTION = re.compile(r"^\s*(?:which|what)\s+(?!(?:does|do|did|is|are|was|were|can|could|should|will|would|has|have|must|might|of|if|about)\b)((?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*)\s+"
                            r"(?:does|do|did|is|are|was|were|can|could|should|will|would|has|have|must|might)\b", re.I)
_THE_X_OF = re.compile(r"^\s*what(?:'s| is| are)\s+the\s+((?:[a-z][\w-]*\s+)?[a-z][\w-]*)\s+of\b", re.I)
# "Is there a method that tells me ...?" asks for a method
_IS_THERE_A = re.compile(r"^\s*(?:is|are) there (?:an?|any|some) ((?:[a-z][\w-]*\s+)??[a-z][\w-]*)\s+(?:that|which|to|for|i|you|we)\b", re.I)
_VAGUE_KINDS = frozenset("part thing way kind type sort one ones step steps happen happens effect effects difference reason purpose "
                         "name names value values problem problems issue issues information detail details role point term word phrase expression "
                         "label title "
                         # "Is there a shortcut for editing a data frame ...?": a way, not a thing called so
                         "shortcut shortcuts alternative alternatives equivalent replacement workaround trick solution approach "
                         "means".split())


def kind_phrase(question: str) -> list[str]:
    """The words naming the asked kind, modifiers included: "What stability level is X marked with?" -> stability,
    level; [] when the question names none."""
    core = core_question(question)
    m = _KIND_QUESTION.match(core) or _THE_X_OF.match(core) or _IS_THERE_A.match(core)
    return m.group(1).split() if m else []


def asked_kind(question: str) -> str:
    """"Which algorithm does math.isqrt() use?" -> algorithm; "What encryption cipher can ... use?" -> cipher: the
    kind of thing a which/what question asks for, when it names one ('' for "which parts", "what happens", ...); also
    "What is the time complexity of X?" -> complexity (not "What is the purpose of X?": a vague kind)."""
    phrase = kind_phrase(question)
    if not phrase:
        return ""
    head = phrase[-1].lower()
    if head.endswith("s") and not head.endswith(("ss", "us", "is")):
        return ""  # "Which operations / output formats ...?": a list names its items, seldom their kind
    return "" if head in _VAGUE_KINDS or head in STOPWORDS else head


def _named_by_its_noun(sentence: str, folded_question: str) -> bool:
    """"Which attribute makes Git expand $Id$?": "When *the attribute ident* is set ..." or "*the ident attribute*" names
    one by the asked noun, in plain words."""
    asked = set(re.findall(r"[\w-]+", folded_question))
    noun = asked_thing(folded_question) or next((n for n in sorted(THING_NOUNS) if n in asked or f"{n}s" in asked), "")
    if not noun:
        return False
    for m in re.finditer(rf"\bthe\s+{noun}\s+([\w.-]+)|\bthe\s+([\w.-]+)\s+{noun}\b", sentence, re.I):
        word = fold(m.group(1) or m.group(2))
        plain = word.isalpha()  # "the following attribute", "the named option" describe; "working-tree-encoding" names
        if word not in asked and word not in STOPWORDS and word not in QUESTION_WORDS \
                and not (plain and (ADJECTIVE.search(word) or word.endswith(("ed", "ing")))):
            return True
    return False


_LENGTH_ASKED = re.compile(r"\bhow long (?:can|may|could|should|must|is|are)\b(?!.*\b(?:take|takes|last|lasts|wait|run|keep|stay|remain|hold|sleep|ago|for)\b)", re.I)
_LENGTH = re.compile(r"\b\d+(?:\.\d+)?\s*(?:bytes?|characters?|chars?|digits?|bits?|octets?|words?|lines?|letters?|[kmgt]i?b)\b", re.I)
_FREQUENCY = re.compile(r"\b(?:every|daily|weekly|monthly|yearly|annually|hourly|nightly|periodically|regularly|whenever|intervals?"
                        r"|(?:once|twice|\d+ times|\w+ times) (?:a|an|per|each|every)|per (?:second|minute|hour|day|week|month|year)"
                        r"|each (?:second|minute|hour|day|week|month|year|time)"
                        # "How often is the warning shown?": "only the first time", "only once for that code", "every time"
                        r"|(?:only|just|at most|exactly) once|once (?:for|per)|the first time|every time)\b", re.I)
_BYTES_ASKED = re.compile(r"\bhow much (?:\w+ )?(?:memory|ram|disk|space|storage)\b|\b(?:file|database|disk) sizes?\b", re.I)
_BYTES = re.compile(r"\b\d+(?:\.\d+)?\s*(?:bytes?|octets?|bits?|[kmgtp]i?b|(?:kilo|mega|giga|tera)bytes?)\b", re.I)
_YEAR = re.compile(r"(?<![\w.-])(?:1[89]|20)\d\d(?![\w.-]?\d)")
# a year a sentence dates its statement by, opening it: "In 2019, ...", "During 2023, ...", "In December 2025, ...";
# not a year in a clause about something else ("..., who in 2023 was sentenced to four years")
_YEAR_OF_EVENT = re.compile(r"^\W*(?i:in|during|since|until|till|by|as of|throughout)\s+(?:(?:early|late|mid|the (?:spring|summer|autumn|fall|winter) of)\s+|[A-Z][a-z]+\s+)?"
                            r"((?:1[89]|20)\d\d)(?![\w.-]?\d)")
# "How much did potash bring Belarus?", "How much money did the U.S. pay?", "What sum ...?": an amount of money ("$2.9
# billion", "500 euros"), not a share or a count ("from 18% to 8%"); not time or memory ("How much time had he spent?")
_MONEY_ASKED = re.compile(r"\bhow much (?!(?:\w+ )?(?:time|memory|ram|disk|space|storage|data|longer|more|less)\b)(?:money\b|(?:[\w'’-]+ ){0,5}?"
                          r"(?:earn|earned|earns|cost|costs|pay|pays|paid|spend|spends|spent|charge|charges|charged|raise|raised|lose|lost"
                          r"|bring|brought|brings|generate|generated|receive|received|fetch|fetched|worth)\b)"
                          r"|\bhow much (?:[\w-]+ )?(?:revenue|income|profit|funding|aid|money)\b|\bwhat (?:sum|amount of money)\b", re.I)
_MONEY = re.compile(r"[$€£¥]\s?\d|\d\s?[$€£¥]|\b\d[\d.,]*\s*(?:(?:million|billion|thousand|bn|m)\s+)?(?:dollars?|euros?|rubles?|roubles?|pounds|yen|cents?"
                    r"|usd|eur|gbp|byn)\b|\b(?:usd|eur|gbp|byn)\s?\d", re.I)
# "By how much does --aggressive slow down git gc?", "How big is the performance gain from caching?", "What speedup does
# it give?": a change measured against another (a ratio, a percentage, "twice"), not any number the page states
_CHANGE_ASKED = re.compile(r"\bby how much\b|\bhow (?:big|large|much|significant) (?:is |was |are |were )?(?:an? |the )?(?:[\w-]+ ){0,2}?"
                           r"(?:gain|speed-?up|slow-?down|improvement|reduction|increase|decrease|saving|penalty|overhead|hit)s?\b"
                           r"|\bwhat (?:[\w-]+ ){0,2}?(?:speed-?up|slow-?down|performance (?:gain|improvement|penalty|hit))s?\b", re.I)
# "Which magic number ...?", "What port number ...?": a number as a value (not "What number of ...?", a count)
_NUMBER_VALUE_ASKED = re.compile(r"\b(?:which|what) (?:[\w-]+ )?number\b(?! of\b)", re.I)
# "By roughly what percentage is it smaller?": a share ("30%", "half", "one in ten"), not any number ("three index items")
_SHARE_ASKED = re.compile(r"\bwhat (?:percentage|percent|share|proportion|fraction)\b|\bhow many percent\b", re.I)
_SHARE = re.compile(r"\d\s*(?:%|percent\b|per cent\b)|\b(?:half|halves|quarter|third|thirds|majority|minority)\b(?!-)|\bone in \w+\b", re.I)
_TIME_UNITS = {"second", "minut", "min", "hour", "day", "week", "month", "year", "decad", "ms", "s", "h"}
_DURATION = re.compile(r"\b(?:an? (?:hour|minute|day|week|month|year|decade)|half an hour)\b", re.I)
_RELATIVE_TIME = re.compile(r"\b(?:an?|\w+|\d+(?:\.\d+)?)\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)\s+"
                            r"(?:later|earlier|ago|afterwards?|before|after|prior|on|since)\b", re.I)
_WEEKDAY = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today)\b")
# a share of a group answers how many *of* it there are ("How many of the 123 ...?": "the majority"), not a count
# ("How many packages does Bioconductor distribute?" is not answered by "most of the Bioconductor packages ...")
_PROPORTION_WORDS = r"the (?:majority|minority)|most of|(?:about |over |nearly )?half"
_PROPORTION = re.compile(rf"\b(?:{_PROPORTION_WORDS})\b", re.I)
_QUANTITY = re.compile(rf"\b(?:{_PROPORTION_WORDS}|several|a few|dozens|hundreds|thousands|millions)\b", re.I)
_ASKS_PART = re.compile(r"\bhow (?:many|much) of\b|\bwhat (?:share|part|portion|proportion|fraction|percentage)\b", re.I)
_CODE_TOKEN = re.compile(r"[()\[\]{}'\"=/<>$|\\]|^>>>")


# What a "which <noun>" question wants, by its noun: a file name, a call, an option, a capitalised keyword.
_TERM_KINDS = (
    (re.compile(r"\b(?:files?|director(?:y|ies)|paths?)\b"), re.compile(r"\w\.[a-z]\w*$|/")),
    # ... or in lower camel case ("xDeviceCharacteristics", "rawListeners"; a class's name starts with a capital)
    (re.compile(r"\b(?:functions?|methods?)\b"), re.compile(r"[A-Za-z_]\(|[A-Za-z_]\.[A-Za-z_]|[A-Za-z]_[A-Za-z]|^__\w+__$|^[a-z]+[A-Z][A-Za-z0-9]*$")),
    (re.compile(r"\b(?:exceptions?|class(?:es)?)\b"), re.compile(r"[a-z][A-Z]|[A-Za-z_]\.[A-Za-z_]")),
    # a warning or an error is named like its class: "MaxListenersExceededWarning", "ERR_INVALID_ARG_TYPE"
    (re.compile(r"\b(?:warnings?|errors?)\b"), re.compile(r"[a-z](?:Warning|Error|Exception)\W*$|^\W*[A-Z][A-Z0-9]*_[A-Z0-9_]+\W*$")),
    # an operator is written in symbols: "<<-", "|>", "%in%", "::" (not a dash: "--")
    (re.compile(r"\boperators?\b"), re.compile(r"^(?!--$)[<>=!&|^~*+/:@$-]{2,3}$|^%\w*%$")),
)
_ERROR_NOUN = re.compile(r"\b(?:warnings?|errors?|messages?)\b")
# an error or a message quoted: '... a "malformed database schema" error', 'fails with the message "database is locked"'
_QUOTED_MESSAGE = re.compile(r"[\"“][^\"”]{3,80}[\"”]\s+(?:error|warning|message|exception)\b|\b(?:error|warning|message)s?\s*:?\s+[\"“][^\"”]{3,80}[\"”]", re.I)
_KEYWORD_NOUN = re.compile(r"\b(?:commands?|keywords?|statements?|clauses?|options?|settings?|parameters?|switch(?:es)?|flags?|modes?|variables?)\b")


_COMPARISON = r"(?:faster|slower|quicker|longer|shorter|larger|bigger|smaller|more|less|fewer|higher|lower|better|worse|cheaper)"
_COMPARATIVE_AMOUNT = re.compile(r"\bhow (?:much|many times(?: \w+ly)?) " + _COMPARISON + r"\b", re.I)  # "how many times slower"
_RATIO = re.compile(r"\b\d+(?:\.\d+)?\s*(?:x|×|times|%|percent|fold)(?!\w)|\b(?:twice|half|double[sd]?|triple[sd]?|halve[sd]?)\b(?!-)"
                    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|several|many|\d+)\s*(?:-\s*)?(?:times|fold)\b|\borders? of magnitude\b"
                    r"|\b\d+(?:\.\d+)?\s*(?:[a-zA-Z]+\s+)?" + _COMPARISON + r"\b", re.I)


_YEAR_LIKE = re.compile(r"(?<![\w.,])(1[6-9]\d{2}|20\d{2})(?![\w.,]\d|\w)(?:\s+([A-Za-z]+))?")
_UNIT_AFTER = re.compile(r"(?:[KMGT]i?B|[kKMG]?b(?:it)?s?|ms|px|pt|dpi|rpm|Hz)", re.I)


def says_year(sentence: str) -> bool:
    """Does the sentence state a year ("in 2010", "June 2025")? Not a four-digit count ("2000 rows", "2048 bytes")."""
    for m in _YEAR_LIKE.finditer(sentence):
        after = m.group(2) or ""
        if after and (_UNIT_AFTER.fullmatch(after) or (after.islower() and after.endswith("s") and after not in STOPWORDS)):
            continue
        return True
    return False


# a version note dating a change, a deprecation or a removal (Sphinx's "Changed in version 3.8", "Deprecated since
# version 3.12"), not the thing's first appearance
_CHANGE_NOTE = re.compile(r"\b(?:changed|deprecated|removed|modified|updated)\s+(?:in|since)\s+(?:version|release)\s+\d+(?:\.\d+)*",
                          re.I)
_ASKS_ORIGIN = re.compile(r"\b(?:first|added|introduced|new|appeared|became available|since (?:which|what))\b", re.I)
_ASKS_CHANGE = re.compile(r"\b(?:chang\w*|deprecat\w*|remov\w*|modif\w*|updat\w*|improv\w*|extend\w*|gain\w*)\b", re.I)


def _drop_change_notes(sentence: str, question: str) -> str:
    """The sentence without its change notes about something the question does not ask: "Changed in version 3.8: Added
    support for n-dimensional points" does not date math.hypot() itself, but "Changed in version 3.10: Added the strict
    argument" dates the strict argument of "When was the strict argument added to zip()?"."""
    asked = {stem(fold(w)) for w in words(question)} - _NOTE_WORDS

    def unasked(m: re.Match) -> str:
        said = {stem(fold(w)) for w in words(sentence[m.end():].split(". ")[0])} - _NOTE_WORDS
        return m.group(0) if said & asked else " "
    return _CHANGE_NOTE.sub(unasked, sentence)


_NOTE_WORDS = {stem(w) for w in "added add adds new first introduced introduce support supported version release python now also "
               "changed".split()} | {stem(w) for w in STOPWORDS} | set(STOPWORDS)


# an author-year citation ("Ihaka & Gentleman (1996)", "Chambers et al. (1992)", "(Becker, Chambers and Wilks, 1988)")
_CITATION = re.compile(r"\b[A-Z][\w’'-]+(?:,? (?:&|and) [A-Z][\w’'-]+| et al\.?)? \(\d{4}[a-z]?\)"
                       r"|\([A-Z][\w’'-]+(?:(?:,| and| &) [A-Z][\w’'-]+)*(?: et al\.?)?,? \d{4}[a-z]?\)")
_ASKS_PUBLICATION = re.compile(r"\b(?:publish\w*|paper|article|book|journal|cit\w+|reference)\b", re.I)
# "What happens if/when ...?" (facts.ASKS_WHAT_HAPPENS) asks for an outcome: an error raised, a failure, something
# dropped or refused
_STATES_OUTCOME = re.compile(r"\b(?:raises?|throws?|fails?|results? in|(?:is|are|will be|gets?|get) (?:raised|thrown|ignored|discarded|lost|"
                             r"truncated|rejected|refused|aborted)|\b(?:is|are|will be|gets?) (?:set|reset|changed|converted|coerced|rounded|clamped|capped|treated) "
                             r"(?:to|as)\b|\b(?:will|would|may|might|can|could) (?:\w+ )?(?:abort|fail|stop|terminate|crash|hang|exit|"
                             r"raise|throw)|\w*(?:Error|Exception)|an? (?:\w+ )?(?:error|exception))(?!\w)", re.I)


def asks_outcome(question: str) -> bool:
    """"What happens if it calls os.userInfo()?": what comes of something is asked (an error, a failure, a refusal)."""
    return bool(ASKS_WHAT_HAPPENS.search(main_clause(question)))


def has_type(sentence: str, qtype: str, question: str, is_name: Callable[[str], bool] | None = None,
             is_topic: Callable[[str], bool] | None = None) -> bool:
    """Does the sentence hold a value of the kind asked (facts.question_type)?

    ``is_name`` tells the corpus's proper nouns (NameVariants.is_name): a person's name is one of them,
    not any capitalised word ("JSON (JavaScript Object Notation)")."""
    if qtype == "number":  # a count or amount in the prose, not a digit of code (pop(0), '{1.2:3.4}') or a version
        # ... nor a number the question states ("How many of the 123 prisoners went to Lithuania?" is not answered by
        # "... released 123 political prisoners"), nor a digit of a name ("UTF-8", "SHA-256")
        stated = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.]\d)", question.replace(",", "")))
        prose = " ".join(t for t in _NAMED_DIGITS.sub(" ", _VERSION.sub(" ", sentence)).split()
                         if not _CODE_TOKEN.search(_bare(t)) and not _TERM_TOKEN.search(t) and _bare(t).replace(",", "") not in stated)
        # (a value the question states, in words too: "... tcp_user_timeout left at 0 ...": "it must be zero" says it)
        told = {float(n) for n in stated}
        if ASKS_DEFAULT.search(fold(question)) and re.search(r"\bdefault", prose, re.I) \
                and any(not v.value or v.value[0] not in told for v in numbers(prose)):
            # "By default, how many characters wide ...?": "width (default: 70) ..." need not name the unit; nor "By default,
            # how long does readline wait ...?": "escapeCodeTimeout ... in milliseconds ... Default: 500."
            return True
        if _MONEY_ASKED.search(question):
            return bool(_MONEY.search(sentence))
        if _BYTES_ASKED.search(question):  # "How much memory does each promise take?": an amount of bytes, not "three slots"
            # ... and "What is the largest database file size ...?" a size in bytes, not "limit the attached databases to 1"
            return bool(_BYTES.search(prose) or re.search(r"\bhalf\b|\d\s*(?:%|percent)", prose))
        if re.search(r"\bhow long\b|\bduration\b|\bwhat length of (?:\w+ )?(?:time|term|sentence|stay|period)\b", question, re.I):
            # a duration: "6.5 hours", "a 20-year sentence"; "How long can a database name be?" may want a length
            if _LENGTH_ASKED.search(question) and _LENGTH.search(prose):
                return True
            # ... not a time relative to another ("Two weeks later, ...", "three days after the vote")
            prose = _RELATIVE_TIME.sub(" ", prose)
            return any(v.unit in _TIME_UNITS for v in numbers(prose)) or bool(_DURATION.search(prose))
        if _SHARE_ASKED.search(question):
            return bool(_SHARE.search(prose) or _RATIO.search(prose))
        # "how much faster / by what factor / by how much does it slow down / how big is the gain ...?": a ratio
        if _COMPARATIVE_AMOUNT.search(question) or ASKS_RATIO.search(question) or _CHANGE_ASKED.search(question):
            return bool(_RATIO.search(prose))
        # "how many bytes ...": a number counting bytes ("how many recent calls": recent or calls, a few words after it)
        extreme = _EXTREME.search(question)
        if extreme:  # "what is the largest n allowed?": a number stated as a bound ("cannot exceed 10485760", "up to 128")
            bound = _UPPER_BOUND if extreme.group(1) else _LOWER_BOUND
            # a negated bound is the other one: "does not support joins containing more than 64 tables" caps them at 64
            negated = _NEGATED_BOUND.search(prose)
            if not (bound.search(prose) or (negated and (negated.group(1) if extreme.group(1) else negated.group(2)))):
                return False
        rate = _RATE.search(question)
        if rate and _per_unit(_VERSION.sub(" ", sentence), rate.group(1)):  # "how many commits a second?": "about 60 transactions per second"
            return True
        if _NUMBER_VALUE_ASKED.search(question) and not re.search(r"\d", prose):
            # "Which magic number identifies .pyc files?" asks for a number's value, not "two circumstances"
            return False
        # ("Which number can I pass to say an emitter may have an unlimited number of listeners?" asks for a value, not
        # a count of listeners)
        counted = [] if _NUMBER_VALUE_ASKED.search(question) else counted_nouns(question)
        if not _ASKS_PART.search(question):
            prose = _PROPORTION.sub(" ", prose)
        if counted:
            return _counts(prose, counted)
        return bool(numbers(prose)) or bool(_QUANTITY.search(prose))
    if qtype == "frequency":
        return bool(_FREQUENCY.search(sentence))
    if qtype in ("date", "version") and _ASKS_ORIGIN.search(question) and not _ASKS_CHANGE.search(question):
        # "In which version was math.hypot() first added?": "Changed in version 3.8: Added support for n-dimensional
        # points" dates a change to it, not its start
        sentence = _drop_change_notes(sentence, question)
    if qtype == "date":
        if re.search(r"\b(?:what|which|on what|exact) (?:day|date)\b", question, re.I):  # a day, not "since February 2020"
            # ... of the month the question states ("On which day in February 2020 ...?" is not answered by "21 June")
            months = {d.value[0] for d in dates(question)}
            return any(d.value[1] is not None and (not months or d.value[0] in months) for d in dates(sentence)) \
                or (not months and bool(_WEEKDAY.search(sentence)))
        # a manual answers "In which year was the csv module added?" with "New in version 2.3." (the closest it says)
        # (a standard's year is its name: "SQL:1999-style inheritance is not yet supported" says no date)
        unnamed = _NAMED_DIGITS.sub(" ", sentence)
        if not _ASKS_PUBLICATION.search(question):
            # (a cited work's year is when it came out: "... is described in Ihaka & Gentleman (1996), ..." does not say
            # when they started writing R)
            unnamed = _CITATION.sub(" ", unnamed)
        return bool(dates(unnamed)) or says_year(unnamed) or bool(_VERSION.search(sentence))
    if qtype == "version":
        # "Which version of the Unicode standard ...?": "... redundant in Python 3" is the corpus's own version
        # or "Changed in version 3.6" (of the software documented); a version of another thing is said beside its name
        # ... or before the word: "What minimum Linux kernel version ...?" is not answered by "as of Solaris 10"
        # ("release" too: "In which QNX release was the bug fixed?", "Which release of the IANA database ...?")
        # (not a preposition or an article: "In release 15, ... which Unicode version?")
        of = re.search(r"\b(?:versions?|releases?) of (?:the )?([\w.+-]+)", question, re.I) or next(
            (m for m in re.finditer(r"\b(?!(?:which|what|minimum|maximum|earliest|latest|first|last|oldest|newest|required|supported|current|future|next|upcoming|later|coming)\b)"
                                    r"([A-Za-z][\w.+-]*)(?: kernel| server| client| library)? (?:versions?|releases?)\b", question, re.I)
             if fold(m.group(1)) not in STOPWORDS), None)
        if of and re.search(r"(?<![\w.-])" + re.escape(of.group(1)) + r" v?\d+(?:\.\d+)+\b", sentence, re.I):
            return True  # "(R 4.1.3 was the last version of R to support 32-bit Windows)": the thing's name, then its number
        if not of or is_topic is None or is_topic(of.group(1)):
            return bool(_VERSION.search(sentence))
        thing = fold(of.group(1))
        for m in _VERSION.finditer(sentence):  # "Unicode 14.0", "Unicode version 14", "version 14 of the Unicode Standard"
            before = [fold(w) for w in words(sentence[max(0, m.start() - 30):m.start()] + " " + m.group(0))][-4:]
            after = [fold(w) for w in words(sentence[m.end():m.end() + 30])][:3]
            if thing in before or (after[:1] == ["of"] and thing in after) or thing in {fold(w) for w in words(m.group(0))}:
                return True
        return False
    if qtype == "term":
        q = main_clause(question)  # "On Windows, which environment variable ...?" asks for a variable, not a directory
        terms = _terms(sentence, question, keywords=bool(_KEYWORD_NOUN.search(q)))
        asked_noun = asked_thing(q)  # "Which attribute replaces $Id$ when files are checked out?" asks for an attribute
        if _ERROR_NOUN.search(asked_noun or q) and _QUOTED_MESSAGE.search(sentence):
            return True  # "What error will it report?": '... will result in a "malformed database schema" error'
        for noun, shape in _TERM_KINDS:
            if noun.search(asked_noun or q):
                asked = _named_in(question)
                # (a call as written keeps its parentheses: "it is faster to use list() instead of tee()")
                return any(shape.search(t) for t in terms + [t.strip(".,:;()") for t in sentence.split()]
                           + [t.strip(".,:;") for t in sentence.split() if re.search(r"\w\(\)", t)] if not _asked_name(t, asked))
        return bool(terms) or _named_by_its_noun(sentence, q)
    if qtype == "default":  # "what is the default ...": a sentence stating a default, with its value
        # ... other than one the question states ("B-tree indexes default to a fillfactor of 90; what is the default
        # fillfactor for a hash index?" is not answered by "B-trees use a default fillfactor of 90")
        for said in {v.text for v in numbers(question)}:
            if re.search(r"\bdefault\w*\W+(?:[\w-]+\W+){0,4}?" + re.escape(said) + r"(?![\w.]\d)", sentence, re.I):
                return False
        if signature_default(sentence, question):
            return True
        if _SWITCH.search(sentence):  # "switch (line) { case 'hello': ...; default: console.log(...) }" states no default
            sentence = re.sub(r"\bdefault\s*:", " ", sentence)
        return bool(_STATES_DEFAULT.search(sentence)) and (
            bool(numbers(sentence)) or bool(_terms(sentence, question, keywords=True))
            or any(_VALUE_TOKEN.search(t) for t in sentence.split()) or bool(_BOOLEAN_DEFAULT.search(sentence)))
    if qtype == "place":  # a place the question names is not the one asked ("... deported to instead of Lithuania?")
        named = {fold(w) for w in words(question)}
        return any(fold(m.group(1)) not in named
                   for m in re.finditer(r"\b(?:to|in|from|into|at)\s+(?:the\s+)?(?:neighbou?ring\s+)?([A-Z][a-z]+)", sentence)) \
            or any(m.group(1) not in question for m in _IN_PATH.finditer(sentence))
    if qtype == "organisation":
        return any(_names_organisation(sentence, name) for name in named_values(sentence, qtype, question, is_name, is_topic))
    if qtype == "person":
        return any(_names_person(sentence, name) for name in named_values(sentence, qtype, question, is_name, is_topic)) \
            or _names_agent(sentence, question)
    if qtype == "list":
        return bool(named_values(sentence, qtype, question, is_name, is_topic))
    return False


# "Where does Git keep the index on disk?": a file or folder a thing is in ("... stored in .git/index", "under $GIT_DIR/hooks")
_IN_PATH = re.compile(r"\b(?:in|at|under|inside|into)\s+(?:the\s+)?(?:(?:file|directory|folder)\s+)?[`'\"“‘]?((?:\$\w+|~|\.{1,2})?/?[\w.$-]+/[\w.$/-]*\w)")


# A default stated, not a mention of one ("To change the default for all instances, ..."): "The default is 5",
# "defaults to", "Default: 5", "(default 5)", "by default", "5 is the default", "the default port is 5432"
_STATES_DEFAULT = re.compile(r"\bdefaults?\s*(?:is|are|was|were|to|value(?:s)? (?:is|are|was)|:|=|\(|\d|[\"'“‘`])|\bby default\b|\(default\b"
                             r"|\b(?:is|are|was|remains?) (?:also |now |still )?the default\b|\(the default\)|\bthe default (?:[\w.-]+ ){1,3}(?:(?:for|of) (?:the |a |an )?[\w.-]+ )?(?:is|are|was)\b"
                             r"|\bdefault (?:setting|value) of\b"
                             r"|\b(?:is|are) (?:normally|usually|ordinarily) set to\b"  # a compile-time limit: "which is normally set to 1073741823"
                             r"|\b(?:use|uses|used)\b[^.;]{1,60}?\bas (?:the )?default\b"  # "Use (',', ': ') as default if ..."
                             # "a default fillfactor of 90", "a bigger default buffer size (1 MiB ...)", "Default five seconds."
                             r"|\bdefault (?:[\w-]+ ){0,3}(?:of|\()\s*[\d\"'“‘`(]|\bdefaults?:? (?:" + "|".join(sorted(NUMBER_WORDS)) + r")\b", re.I)


# code with a switch statement, whose "default:" is the branch no case takes
_SWITCH = re.compile(r"\bswitch\s*\(|\bcase\s+[^:;]{1,40}:")


# A definition's parameter list ("area <- function(f, a, b, eps = 1.0e-06, lim = 10) {", "def f(x, lo=0):", a signature
# line "bisect.bisect_left(a, x, lo=0, hi=len(a), *, key=None)"), not a call in an example ("json.dumps(obj, indent=4)")
_DEFINITION = re.compile(r"\b(?:function|def\s+\w+)\s*\(|^\s*(?:class\s+)?[A-Za-z_][\w.]*\(")
_PARAMETER_VALUE = re.compile(r"[(,]\s*([A-Za-z_][\w.]*)\s*=(?!=)\s*[^,()\s]")


def signature_default(sentence: str, question: str) -> bool:
    """Does a definition's signature in the sentence give a value to a parameter the question names as written ("what
    is the default value of the eps argument?": "eps = 1.0e-06")? That value is its default."""
    start = _DEFINITION.search(sentence)
    if not start:
        return False
    written = _written_words(question)
    return any(m.group(1) in written for m in _PARAMETER_VALUE.finditer(sentence, start.end() - 1))


# ... and a standard's or a document part's number: "SQL:1999", "PEP 3147", "RFC 8259", "ISO 8601", "Example 11.3"
_NAMED_DIGITS = re.compile(r"(?<=[A-Za-z])[-:]\d[\w-]*|\b(?:[A-Z]{2,}|[Ss]ection|[Cc]hapter|[Ff]igure|[Tt]able|[Ee]xample|[Aa]ppendix)\s+\d[\d.]*(?<!\.)")


# "This is false by default", "defaults to off", "(default: TRUE)": a switch's default is a truth value
_BOOLEAN_VALUE = r"(?:true|false|on|off|enabled|disabled)\b"
_BOOLEAN_DEFAULT = re.compile(r"\b(?:defaults? to|default(?: value)?(?: is)?:?)\s+(?:set to\s+)?" + _BOOLEAN_VALUE
                              + r"|\bdefaults? (?:to|is|value is|:)\s*(?:yes|no)\b(?! longer)|\b" + _BOOLEAN_VALUE + r"\s+by default\b", re.I)


_TITLE = r"(?:Mr|Mrs|Ms|Dr|Prof|Sir|President|Minister|General|Gen|Secretary|Senator|Ambassador|Envoy|envoy|leader|activist|author|journalist|spokes\w+|chief|director|head)\.?"
_SAID = r"(?:said|says|told|wrote|writes|added|stated|announced|explained|argued|noted|claimed|believes|thinks|suggested|commented|asked|replied|designed|created|invented|founded|developed|maintains|visited|met)"


def _names_person(sentence: str, name: str) -> bool:
    """Is a corpus name in the sentence a person's: with a given name or a title before it ("Keith Kellogg", "envoy
    Kellogg", "Dr. Hipp"), saying or doing what people do ("Tsikhanouski said"), written by or according to them,
    or owning something ("Kellogg's visit")? Not a product or format word ("support for Zstandard")."""
    if re.search(r"[a-z]['’]s$", name):  # "Kellogg's visit"
        return True
    n = re.escape(name)
    return bool(re.search(rf"\b[A-Z][a-z'’-]+\s+{n}\b|\b{n}\s+[A-Z][a-z'’-]+\b(?!\s*[:(])|\b{_TITLE}\s+{n}\b|\b{n},?\s+(?:has\s+|had\s+|was\s+|who\s+)?{_SAID}\b"
                          rf"|\b(?:by|according to|with|from|to)\s+{n}\b|\b{n}['’]s\b", sentence))


_ORG_WORD = r"(?:Inc|Corp|Corporation|Ltd|LLC|GmbH|Co|Company|Foundation|University|Institute|Agency|Ministry|Party|Council|Committee|Association|Society|Bank|Group|Center|Centre|Library|Office|Department|Service|Times|News|Post|Press)"


def _names_organisation(sentence: str, name: str) -> bool:
    """Is a capitalised word of the sentence the name of an organisation: part of a run of capitalised words ("the
    Center for New Ideas", "Library of Congress"), an acronym (RFE/RL, NATO), next to a word organisations are
    named with (Acme Inc, Warsaw University), or the agent of a deed ("funded by Initech")? Not a lone product or
    format word ("support for Zstandard")."""
    n = re.escape(name)
    cap = r"[A-Z][\w&'’-]*"
    if re.fullmatch(r"[A-Z]{2,}", name):  # an acronym: "RFE/RL", "funded by the EU."; not a keyword ("the SQL MERGE command")
        return bool(re.search(rf"\b{n}[/&][A-Z]|[A-Z][/&]{n}\b|\b(?:by|at|from)\s+(?:the\s+)?{n}(?=\s*[.,;:)]|\s*$|\s+(?:and|or|in|on)\b)", sentence))
    run = re.search(rf"(?:{cap}\s+(?:(?:of|for|the|de)\s+)*)*{n}(?:\s+(?:(?:of|for|the|de)\s+)*{cap})*", sentence)
    if run and len([w for w in run.group(0).split() if w[:1].isupper()]) >= 2:  # "the Center for New Ideas"
        return not re.search(r"\d", run.group(0))  # not a product and its version ("Zstandard LZ4")
    return bool(re.search(rf"\b{n}\s+{_ORG_WORD}\b|\b{_ORG_WORD}\s+(?:of\s+)?{n}\b|\bby\s+(?:the\s+)?{n}\b", sentence))


_GENERIC_ATTRIBUTE = {"value", "values", "setting", "settings", "size", "behaviour", "behavior", "option", "choice", "mode", "one", "used"}


def _names_attribute(attribute: set[str], text: str) -> bool:
    """Does the text name a default's attribute (stemmed, ``defaulted_attribute``), in a word of its own or inside a
    compound name's ("checkout.thresholdForParallelism" names the threshold, "killSignal" the signal)?"""
    return bool(attribute & {stem(fold(w)) for w in re.findall(r"[\w-]+", text) + re.findall(r"[A-Z]?[a-z]+", text)})


def item_asked(subject: str, question: str) -> bool:
    """Does the question name, as written, the code name a sentence's item opens with ("-M[<num>]" and "In git blame,
    what does the -M option do? What's its default threshold?")? Not an item headed by a word, nor a function's
    signature ("child_process.exec(command[, options])": its defaults are its options', not its own)."""
    label = subject.split(" › ")[-1].strip().rstrip(":")  # (as a sentence quotes it: "-M: The default value is 20.")
    m = re.match(r"\s*(\\?[\w.-]++)(?!\()", label)
    # the label is the name, with its argument or type at most ("--ignore-revs-file <file>", "work_mem (integer)"), not
    # a title opening with a name ("SQL Interpolation")
    rest = label[m.end():].strip() if m else ""
    return bool(m and _TERM_TOKEN.search(m.group(1)) and (not rest or rest[0] in "[(<={") and m.group(1) in _written_words(question))


@lru_cache(maxsize=64)
def _written_words(question: str) -> frozenset[str]:
    """The question's words as written, punctuation stripped (asked of every candidate sentence's item)."""
    return frozenset(w.strip(".,;:!?\"'“”‘’()") for w in question.split())


def defaulted_attribute(question: str) -> set[str]:
    """What a default question asks the default of, stemmed: "the default *timeout* of sqlite3.connect()" -> timeout;
    "the default value of *work_mem*" -> work_mem (and its parts); empty when the question does not say."""
    m = re.search(r"\bdefault\s+(?:(?:value|setting|size|behaviou?r|choice|mode)\s+(?:of|for)\s+(?:the\s+)?)?([\w.-]+)((?:\s+[\w.-]+){0,2})", question, re.I)
    if not m or fold(m.group(1)) in _GENERIC_ATTRIBUTE or fold(m.group(1)) in STOPWORDS:
        # "Which signal is sent by default?": the default of a signal ("killSignal ... Default: 'SIGTERM'")
        # ... or of what its words name ("What file permissions does the socket get by default?": file, permissions)
        if not re.search(r"\bby default\b", question, re.I):
            return set()
        nouns = {asked_thing(main_clause(question)), *(fold(w) for w in kind_phrase(question))}
        return {stem(n) for n in nouns if n and n not in _GENERIC_ATTRIBUTE and n not in STOPWORDS}
    # "the default relative tolerance (rel_tol)": "The default tolerance is 1e-09" names it; the phrase ends at a
    # function word, a parenthesis or punctuation ("the default minimum number of files ...": minimum, number)
    phrase = [m.group(1)]
    for w in m.group(2).split():
        if fold(w) in STOPWORDS or fold(w) in _GENERIC_ATTRIBUTE or not re.fullmatch(r"[A-Za-z][\w.-]*", w):
            break
        phrase.append(w)
    out: set[str] = set()
    for word in (w.strip(".-") for w in phrase):
        out |= {stem(fold(word))} | {stem(fold(w)) for w in re.split(r"[._-]", word) if len(w) > 2 and fold(w) not in STOPWORDS}
    return out


# (a qualifier first does not take a word's place: "how many extra non-ASCII letters" counts letters)
_COUNTED = re.compile(r"\bhow many ((?:(?:extra|additional|more|other|distinct|different|separate|new|free|spare|unique|individual) )?(?:[\w-]+ ){0,1}[\w-]+)|\b(?:maximum |minimum |largest |smallest |total )?number of ((?:[\w-]+ ){0,1}[\w-]+)"
                      r"|,\s*in (\w+s)\s*\??\s*$|\bin ((?:(?:kilo|mega|giga)?bytes|bits|(?:milli)?seconds|minutes|hours|days|characters|lines|pages|rows))\s*\??\s*$", re.I)


_EXTREME = re.compile(r"\b(?:(maximum|max|largest|highest|longest|biggest|most|upper limit|up to (?=which|what|how)\b)|(minimum|min|smallest|lowest|shortest|fewest|least))\b"
                      r"(?! (?:recent|recently|common|commonly|important|likely|often|popular|used)\b)", re.I)
# ... a range states both: "The valid range is from 0 through 1,114,111", "between 1 and 65535"
# ("The allowed bases are 0 and 2–36": a span of two numbers, not a date's "2013-12-06")
_RANGE = r"|(?:valid|allowed|permitted|legal) range|range (?:is|of)\b|from [-+]?[\d.,]*\d\w* (?:through|to|up to)\b|between [-+]?[\d.,]*\d\w* and" \
    r"|(?<![\w.–-])\d+ ?[–—-] ?\d+(?![\w–-]|\.\d)|(?<![\w.])\d+ (?:to|through) \d+(?!\w|\.\d)"
_UPPER_BOUND = re.compile(r"\b(?:maximum|max|largest|highest|longest|biggest|most|up to|cannot exceed|can't exceed|not exceed|must not exceed"
                          r"|exceeding|no more than|not more than|limit(?:ed)?|upper|at the most|less than|below|under|ceiling"
                          r"|only\b[^.;]{0,40}?\bfirst \d+" + _RANGE + r")\b", re.I)  # "can only be used to match one of the first 99 groups"
_LOWER_BOUND = re.compile(r"\b(?:minimum|min|smallest|lowest|shortest|least|at least|no less than|not less than|greater than"
                          r"|more than|above|over|floor|lower" + _RANGE + r")\b", re.I)


#: "not ... more than N" bounds from above, "not ... fewer than N" from below (within one clause).
_NEGATED_BOUND = re.compile(r"\b(?:not|never|cannot|can't|won't)\b[^.;:]{0,60}?\b(?:(more|greater|larger|longer) than|(less|fewer|smaller|shorter) than)\b", re.I)
#: A rate question: "how many ... a second / per day / each hour ...?" and the unit it is per.
_RATE = re.compile(r"\bhow (?:many|much)\b.*?\b(?:a|an|per|each|every)\s+(second|minute|hour|day|week|month|year)\b", re.I)


def _per_unit(prose: str, unit: str) -> bool:
    """A number stated per the asked unit, whatever it counts: "60 transactions per second", "100K hits/day",
    "500 requests a day"."""
    return bool(re.search(r"\d[\d.,]*\s*[KkMm]?\b[^.;:]{0,40}?(?:\bper|\ba|\beach|/)\s*" + unit + r"\b", prose, re.I))


def _bare(token: str) -> str:
    """A word without the brackets and punctuation around it: "(typically" -> "typically", "bits)." -> "bits"."""
    return token.strip("()[]{},;:.!?") or token


def counted_nouns(question: str) -> list[str]:
    """What a number question counts, stemmed: "how many lines of code" -> line, code; "the number of threads" -> thread;
    "..., in bytes?" -> byte."""
    m = _COUNTED.search(question)
    if not m:
        return []
    phrase = next(g for g in m.groups() if g)
    # "how many bytes long is the header": bytes are counted; "long" says which measure, as wide or deep would
    counted = [stem(fold(w)) for w in phrase.split() if fold(w) not in STOPWORDS and fold(w) not in _MEASURE_WORDS]
    if counted[:1] == ["time"]:  # "how many times does it scan the table?": "two scans" counts them as well as "twice"
        counted += [stem(w) for w in content_words(question[m.end():]) if w not in QUESTION_WORDS]
    return counted


_TIMES = re.compile(r"\b(?:once|twice|thrice)\b", re.I)
_MEASURE_WORDS = {"long", "wide", "high", "tall", "deep", "thick", "big", "large", "old", "heavy", "far", "away", "ago"}


_NUMBER_OF_IS = re.compile(r"\bnumber of (?:[\w-]+ ){0,2}?([\w-]+)\b(?:\s+(?:in|on|of|per|for) (?:an? |the )?[\w-]+)?"
                           r"\s+(?:is|are|was|were|equals)\s+(?:about |approximately |roughly |around |only |just )?(\d+(?:\.\d+)?|[a-z]+)\b", re.I)


def _counts(prose: str, counted: list[str], window: int = 2) -> bool:
    """A number (or a quantity word) with one of the counted nouns in the few words after it, in the same clause:
    "123 political prisoners", "up to 128 most recent calls", "several threads"; not "threadsafety: 1; ... Threads"."""
    wanted = set(counted)
    if "time" in wanted and _TIMES.search(prose):  # "How many times must --force be given?": "twice"
        return True
    for clause in re.split(r"[;:!?|()]|\.(?!\d)", prose.replace(",", "")):
        clause = _QUANTITY.sub(" 2 ", clause)  # "the majority of the prisoners": a quantity, as a number would be
        # past articles and adjectives ("52 more political prisoners" counts prisoners)
        # ... or right after it, adjective and all ("Three Polish citizens" counts "Polish nationals")
        # ... or the number of them stated ("The theoretical maximum number of rows in a table is 264")
        for m in _NUMBER_OF_IS.finditer(clause):
            if stem(fold(m.group(1))) in wanted and (re.fullmatch(r"\d+(?:\.\d+)?", m.group(2)) or fold(m.group(2)) in NUMBER_WORDS):
                return True
        plain = [w for w in NUMBER_TOKEN.findall(clause) if fold(w) not in {"of", "the", "a", "an", "more", "other"}]
        for raw in ([w for w in plain if not ADJECTIVE.search(fold(w))], plain):
            stems = [stem(fold(w)) for w in raw]
            for i, tok in enumerate(raw):
                if (re.fullmatch(r"\d+(?:\.\d+)?", tok) or fold(tok) in NUMBER_WORDS) and wanted & set(stems[i + 1:i + 1 + window]):
                    return True
    return False


def _names_agent(sentence: str, question: str) -> bool:
    """"Who painted the lighthouse?" -> "... was painted red and white by the harbour guild": a passive sentence with the
    question's verb names its agent, a person or not."""
    # "Who originally wrote dBase?" -> "dBase was a DOS program written by Ashton-Tate"
    verb = re.match(r"\s*who\s+(?:has\s+|had\s+)?(?:\w+ly\s+)?(\w+)", question, re.I)
    if not verb or fold(verb.group(1)) in STOPWORDS:
        return False
    said = {stem(fold(w)) for w in words(sentence)}
    done = fold(verb.group(1))
    return bool(re.search(r"\bby (?:the |a |an )?[\w-]+", sentence)) and bool({stem(done), stem(_PARTICIPLES.get(done, done))} & said)


# irregular past tenses and their participles ("wrote" / "written by"); stemmed where used, so importing loads no stemmer
_PARTICIPLES = {"wrote": "written", "drew": "drawn", "began": "begun", "took": "taken", "gave": "given", "chose": "chosen",
                "broke": "broken", "spoke": "spoken", "saw": "seen", "grew": "grown", "rode": "ridden", "drove": "driven"}


def named_values(sentence: str, qtype: str, question: str, is_name: Callable[[str], bool] | None = None,
                 is_topic: Callable[[str], bool] | None = None) -> list[str]:
    """The names a sentence gives that the question does not: capitalised words that are not the first of a
    sentence or clause ("This section ...", "x(): Sets ..."), nor the corpus's topic (``is_topic``: "SQL" in a
    database manual names no company); for a person, a corpus proper noun in name case (Häring, Tsikhanouskaya),
    not an acronym or a code name (API, KeyError)."""
    asked = {w.lower() for w in words(question)}
    if qtype == "person" and re.search(r"[{}=]|\$ |>>>", sentence):  # a code sample: its strings are data ("Monty Python ...")
        sentence = re.sub(r'"[^"]*"', " ", sentence)
    tokens = sentence.split()
    def opens(i: int) -> bool:  # first of a sentence or clause, or right after code ("... json.tool Expecting value")
        before = tokens[i - 1] if i > 0 else ""
        ends = (".", ":", "!", "?") if qtype == "list" else (".", ":", ";", "!", "?")  # "deque; ChainMap; Counter": items
        return i == 0 or before.endswith(ends) or bool(_CODE_TOKEN.search(before) or _TERM_TOKEN.search(before))

    names = [w for i, raw in enumerate(tokens) if not opens(i)
             for w in words(raw) if w[:1].isupper() and w.lower() not in asked and fold(w) not in STOPWORDS
             and not (is_topic and is_topic(w))]
    if qtype == "person":  # not a table cell's word ("float-derived Enums | number"): cells name types and values;
        # nor code: "class Weekday(Enum):" names a class, and a person's name has no brackets
        cells = {w for i, raw in enumerate(tokens) if "|" in raw or "|" in tokens[max(0, i - 1):i + 2] for w in words(raw)}
        cells |= {w for i, raw in enumerate(tokens)
                  if re.search(r"[()\[\]{}=<>]", raw) or (i > 0 and tokens[i - 1] in {"class", "def", "import", "from", "as"})
                  for w in words(raw)}
        names = [w for w in names if w[1:].islower() and not _TERM_TOKEN.search(w) and w not in cells
                 and (is_name is None or is_name(w))]
    return names


def constraint_terms(question: str, index: LexicalIndex, scoring: ScoringSettings = DEFAULT_SCORING) -> set[str]:
    """Terms a right answer's passage must contain: names, numbers and years stated in the question.

    A name most of the corpus's documents use (its topic: "PostgreSQL" in its manual, ``topic_test``) constrains
    nothing: a passage need not repeat it; nor does the number after it ("PostgreSQL 15": the manual's version)."""
    topic, is_topic = topic_test(index, scoring), topic_word_test(index, scoring)
    out: set[str] = set()
    tokens = question.split()
    quoted = _quoted_spans(question)
    # a name the corpus never uses in a story told before the asking sentence ("Our IDE runs git status in the
    # background. Why ...?") is the user's own context, not what the answer must be about
    told = set(words(question)) - set(words(core_question(question)))
    for i, raw in enumerate(tokens):
        opens = i == 0 or tokens[i - 1].endswith((".", "?", "!", ":"))  # "... periodically? Give all the reasons."
        if re.fullmatch(r"\d+(?:\.\d+)*\W*", raw) and i > 0 and is_topic(tokens[i - 1]):
            continue  # the topic's version ("PostgreSQL 15" in its manual) is the whole corpus's, like its name
        for w in words(raw):
            if w.isdigit() and re.search(r"[^\W\d_]\d", raw):
                continue  # a digit of a made-up name ("git tag -m msg v1.0"), not a number the question states
            if w.isdigit() or (not opens and w[:1].isupper() and w.lower() not in QUESTION_WORDS and w.lower() not in MONTHS):
                # a name of the user's own code example ("'except SomeError as e'") that no page uses is a placeholder
                out.update(t for t in query_terms(w, index) if not topic(t) and not (t not in index.vocab and (w in quoted or w in told)))
    return out


_QUOTED_LITERAL = re.compile(r"(?<![\w'])['`\"“‘]([^'`\"”’\s]{2,40})['`\"”’](?![\w'])")


def quoted_literals(question: str) -> list[str]:
    """The values a question quotes as one token ("such as '.index'", "`--porcelain=v2`"), that a sentence writing them
    quoted answers about (``writes_literal``)."""
    return [v for v in _QUOTED_LITERAL.findall(question) if not v.isalpha() or len(v) > 2]


def writes_literal(sentence: str, literals: list[str]) -> bool:
    """Does the sentence write one of the literals in quotes ("path.extname('.index')")?"""
    return any(re.search(r"['`\"“‘]" + re.escape(v) + r"['`\"”’]", sentence) for v in literals)


def _quoted_spans(question: str) -> set[str]:
    """The words of the question's quoted code of several words ("'except SomeError as e'", "`git log -p`")."""
    spans = re.findall(r"(?<!\w)['`\"“‘]([^'`\"”’]{3,80}?)['`\"”’](?!\w)", question)
    return {w for span in spans if len(span.split()) > 1 for w in words(span)}


def code_names(question: str, index: LexicalIndex, scoring: ScoringSettings = DEFAULT_SCORING) -> set[str]:
    """The code names a question states ("iif()", "sqlite3.connect", "--schema-only"), as terms: a value for
    "In which release was iif() added?" must be about iif(). Not the corpus's topic ("PostgreSQL" in its manual,
    written like a class name): as in ``constraint_terms``, a passage need not repeat it."""
    # a product's own docs name it everywhere however few they are ("Node.js" in seven API pages): judged from fewer
    # documents than a prose name (in five articles on one story every name is common)
    topic = topic_test(index, scoring, min_documents=scoring.topic_min_documents_code)
    out: set[str] = set()
    for raw in question.split():
        bare = raw.strip(".,;:!?\"'“”‘’")
        if bare and _TERM_TOKEN.search(bare) and not _ACRONYM.fullmatch(bare):
            if (lead := raw.strip("{}[](),:;")[:1]) and lead in "\"'“‘" and not index.writes(bare):
                continue  # a string of the user's own ("I sent {cmd: 'NODE_test'}"): data, not a name the documents use
            # a call the user wrote names its function, not its arguments ("sys.exit('something" -> sys.exit)
            bare = re.sub(r"(?<=\w)\(.+$", "", bare)
            out.update(t for t in query_terms(bare, index) if not topic(t))
    return out


_POSSESSOR = re.compile(r"\b([A-Z][\w-]+(?: [A-Z][\w-]+){1,2})['’]s\b")  # a full name: "the Sniffer's" is a class's


def possessors(question: str, index: LexicalIndex, scoring: ScoringSettings = DEFAULT_SCORING) -> set[str]:
    """The person a question owns its asked value by, named in full ("How long was Maria Kalesnikava's prison
    sentence?" -> the term of Kalesnikava): a value must be said of them, not of another person in the same passage.
    The last word of the name (a surname is said alone); not the corpus's topic."""
    topic = topic_test(index, scoring, min_documents=scoring.topic_min_documents_code)
    out: set[str] = set()
    for m in _POSSESSOR.finditer(question):
        if m.start() == 0 or question[:m.start()].rstrip().endswith((".", "?", "!")):
            continue  # a sentence's first word is capitalised anyway
        last = m.group(1).split()[-1]
        if index.variants.is_name(last):
            out.update(t for t in query_terms(last, index) if not topic(t))
    return out


def joined_names(question: str, index: LexicalIndex) -> dict[str, frozenset[str]]:
    """The options and constants a question writes joined by "-" or "_" ("--update-refs", "SQLITE_LIMIT_ATTACHED")
    that the corpus writes too, each with its terms: their words apart ("fetching to update refs/tags/*") do not name
    them. Folded, leading dashes dropped, "_" as "-" (``written_form``: "--upgrade-deps" is the "upgrade_deps"
    parameter); not hyphenated words ("non-default", "top-level") nor lower-case identifiers ("pg_dump", written
    apart in prose and headings: "pg_dump" is the page of "the dump")."""
    out: dict[str, frozenset[str]] = {}
    for raw in question.split():
        bare = re.sub(r"(?<=\w)\(.*$", "", raw.strip(".,;:!?\"'“”‘’`()"))
        option = re.fullmatch(r"--?[A-Za-z][\w-]*-[\w-]*[A-Za-z0-9]", bare)
        constant = re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", bare)
        if (option or constant) and index.writes(bare.lstrip("-")):
            out[written_form(bare.lstrip("-"))] = frozenset(query_terms(bare.lstrip("-"), index))
    return out


def written_form(text: str) -> str:
    """Text folded for finding a joined code name in it (``joined_names``): lower case, "_" as "-"."""
    return text.lower().replace("_", "-")


_PLACE_ENDING = re.compile(r"(?<=l)and$|(?:ia|a|y|e)$")
_DEMONYM_ENDING = re.compile(r"(?:ish|ian|an|ese|i|ic|)$")


@lru_cache(maxsize=65536)  # asked for every name of every candidate sentence: the same pairs again and again
def demonym_of(place: str, word: str) -> bool:
    """Is ``word`` the adjective of a place name ("~poland" / "~polish", "~ukraine" / "~ukrainian", "~china" /
    "chines")? Terms as query_terms gives them (names prefixed "~", other words stemmed)."""
    place, word = place.lstrip("~"), word.lstrip("~")
    root = _PLACE_ENDING.sub("", place)
    if len(root) < 3 or word == place or not word.startswith(root):
        return False
    return bool(_DEMONYM_ENDING.fullmatch(word[len(root):])) or word[len(root):] in {"s", "es"}  # "chines": Chinese, stemmed


_SPELLED = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|the|for|and|on|de)\s+)*[A-Z][a-z]+)+")


def spelled_out(text: str) -> set[str]:
    """The acronyms a text spells out: "the United Nations" -> "un", "North Atlantic Treaty Organization" -> "nato"."""
    runs = [m.group(0) for m in _SPELLED.finditer(text)]
    runs += [part for run in runs if " and " in run for part in run.split(" and ")]  # "... Organization and the Bank of England"
    return {"".join(w[0] for w in run.split() if w[0].isupper()).lower() for run in runs}


def spells_in_words(acronym: str, text: str) -> bool:
    """Does the text write the acronym out in plain words ("OS" as "operating systems", "WAL" as "write-ahead log")?
    Each letter opens a word of three letters or more that is not a stopword ("of such" is not "OS")."""
    if not acronym.isalpha() or not 2 <= len(acronym) <= 5:
        return False
    run = r"[\s-]+".join(rf"({letter}[a-z]{{2,}})" for letter in acronym.lower())
    return any(not any(w.lower() in STOPWORDS for w in m.groups()) for m in re.finditer(rf"\b{run}\b", text, re.I))


def _pairs(terms: list[str]) -> set[tuple[str, str]]:
    return set(zip(terms, terms[1:]))


_POSSESSIVE = re.compile(r"['’]s$")


def heading_named(question: str, heading: str, index: LexicalIndex) -> set[str]:
    """The words of a heading path the question names as a phrase, two or more in a row ("... does the Data
    Import/Export manual list?", "according to the Pond Guide"): the question names the document or section, so a
    passage under it need not repeat them. A single name its title shares ("Belarus") is not naming the document."""
    if not heading:
        return set()
    asked = _pairs(query_terms(question, index))
    named = {t for pair in _pairs(query_terms(heading, index)) if pair in asked for t in pair}
    # ... or a heading of several words, written out whole ("In the least-squares example in An Introduction to R, ...",
    # "In An Introduction to R's ice example, ...")
    folded = " " + " ".join(_POSSESSIVE.sub("", w) for w in words(fold(question))) + " "
    for part in heading.split(" › "):
        if len(words(part)) >= 2 and f" {' '.join(words(fold(part)))} " in folded:
            named.update(query_terms(part, index))
    return named


def context_terms(question: str, index: LexicalIndex) -> frozenset[str]:
    """The terms of the words only a statement before the asking sentence writes: the user's own situation ("On Linux
    I ran os.path.splitext() on a dotfile. Does it treat '.cshrc' as the extension?" -> linux)."""
    told = set(words(question)) - set(words(core_question(question)))
    asked = set(query_terms(core_question(question), index))
    # (not a number: "B-tree indexes default to a fillfactor of 90; what is the default for a hash index?" states the
    # value the answer is not, which a passage saying it is about)
    return frozenset(t for w in told if not w.isdigit() for t in query_terms(w, index) if t not in asked)


def constraints_met(constraints: list[str], passage: Passage, index: LexicalIndex,
                    described: list[tuple[frozenset[str], frozenset[str]]] = (), question: str = "",
                    document: frozenset[str] = frozenset(), document_credit: float = 0.0, terms: set[str] | None = None,
                    context: frozenset[str] = frozenset(), context_credit: float = 0.0) -> float:
    """IDF-weighted share of the question's constraint terms a passage contains. A year is met by a passage of a
    document dated that year (its dateline or published-time tag, ``Passage.date``): a 2025 article says "in June",
    not "in June 2025"; a year the document mentions in passing ("in 2019") must be in the passage. An acronym is met
    by its words spelled out ("UN" by "United Nations"); a place half met by its adjective ("Poland" by "Polish").
    Words of the passage's heading path the question names as a phrase are met (``heading_named``). A term only
    ``document`` has (the words of the other retrieved passages of the same document) earns ``document_credit``: "When
    Belarus freed 123 prisoners, where were most deported?" is answered by a later paragraph of the article that
    gave the 123, which need not repeat it. ``terms``: the passage's own, when the caller has them. A term only the
    user's own context states (``context``, ``context_terms``: "My account name differs from my Linux login. Which
    environment variable ...?") earns ``context_credit`` when the passage lacks it."""
    here = (sentence_terms(passage.text, index) if terms is None else terms) | heading_named(question, passage.heading, index)
    here = here.union(*(d for d, name in described if name & here))  # "opposition figure X": the passage names X
    total = sum(index.term_weight(t) for t in constraints)
    if not total:
        return 1.0
    year = passage.date[:4] if re.match(r"(?:19|20)\d\d\b", passage.date or "") else ""
    acronyms = spelled_out(passage.text) if any(t.isalpha() and 2 <= len(t) <= 5 and t not in here for t in constraints) else set()
    written = {t for t in constraints if t not in here and re.search(rf"\b{re.escape(t.upper())}\b", question)}  # "OS", as asked
    source_words = source_name_words(passage.source)

    def met(term: str) -> float:
        if term in here or term == year or term in acronyms:
            return 1.0  # "UN": "United Nations"
        if term.lstrip("~") in source_words:
            return 1.0  # "According to the Jamestown piece, ...": the passage's document, by its file name
        if term in written and spells_in_words(term, passage.text):
            return 1.0  # "... when the OS limits file size": "Some operating systems have maximum file size limits"
        if term.startswith("~") and any(demonym_of(term, w) for w in here):
            return 0.5  # "... citizens of Poland?": "Three Polish citizens ..." (but "the Belarusian issue" is not Belarus)
        if term in document:
            return max(document_credit, context_credit if term in context else 0.0)
        return context_credit if term in context else 0.0
    return sum(index.term_weight(t) * met(t) for t in constraints) / total


def topic_test(index: LexicalIndex, scoring: ScoringSettings = DEFAULT_SCORING, min_documents: int | None = None) -> Callable[[str], bool]:
    """Is a term the corpus's topic: used by at least ``scoring.topic_share`` of its documents, in a corpus of
    at least ``min_documents`` (default ``scoring.topic_min_documents``: in five articles on one story every name of
    the story is common)?"""
    if not index.source_share or index.document_count() < (scoring.topic_min_documents if min_documents is None else min_documents):
        return lambda term: False
    return lambda term: index.source_share.get(term, 0.0) >= scoring.topic_share


def topic_word_test(index: LexicalIndex, scoring: ScoringSettings = DEFAULT_SCORING) -> Callable[[str], bool]:
    """Is a word of text the corpus's topic ("PostgreSQL", "SQL" in its manual; ``topic_test`` on its terms)?"""
    topic = topic_test(index, scoring)

    def is_topic(word: str) -> bool:
        found = query_terms(word, index)
        return bool(found) and all(topic(t) for t in found)
    return is_topic


def subject_of(heading: str) -> str:
    """A heading as a short subject: "json.dumps(obj, *, skipkeys=False, ...)" -> "json.dumps", "pop [<stash>]" -> "pop"."""
    heading = heading.strip()
    if command := synopsis_command(heading):
        return command
    if len(heading.split()) > 8 or len(heading) > 60:
        head = heading.split("(", 1)[0].strip()
        heading = head if head and len(head.split()) <= 8 else " ".join(heading.split()[:8]) + " …"
    return heading


_ACRONYM = re.compile(r"[A-Z][A-Z]+")


#: The sections every manual page has (man-pages(7)), and their usual companions: section titles, not things.
STANDARD_SECTIONS = frozenset((
    "name", "synopsis", "configuration", "description", "options", "exit status", "return value", "errors", "environment",
    "files", "versions", "attributes", "conforming to", "standards", "history", "notes", "caveats", "bugs", "example",
    "examples", "author", "authors", "reporting bugs", "copyright", "see also", "discussion", "output", "usage",
    "overview", "introduction", "summary", "details", "arguments", "parameters"))


def is_standard_section(heading: str) -> bool:
    """"DESCRIPTION", "OPTIONS", "SEE ALSO", "Examples": a manual page's standard sections say where, not what."""
    return " ".join(heading.lower().strip(" :").split()) in STANDARD_SECTIONS


def looks_like_term(heading: str) -> bool:
    """A heading that names a thing (KeyError, abs(x), json.dumps, SKIP_LOCKED, --schema-only, \\watch),
    not a section title ("Description", "Concrete exceptions", "26.3.1. Setting Up WAL Archiving").

    A numbered heading is a section title; so is a longer heading in which an acronym is the only
    term-like word ("Setting Up WAL Archiving")."""
    tokens = heading.split()
    if (tokens and SECTION_LABEL.fullmatch(tokens[0])) or is_standard_section(heading):
        return False
    if synopsis_command(heading):
        return True  # a subcommand with its arguments: "pop [--index] [-q|--quiet] [<stash>]", "branch <name> [<stash>]"
    termish = [t for t in tokens if _TERM_TOKEN.search(t)]
    if len(tokens) > 3 and all(_ACRONYM.fullmatch(t) for t in termish):
        return False
    return bool(termish)


#: An argument in a command's synopsis: "[--index]", "[-q|--quiet]", "<branchname>", "[<stash>]", "[<options>...]".
_SYNOPSIS = re.compile(r"\[?<[\w-]+>(?:\.\.\.)?\]?(?:\.\.\.)?|\[-[^\]]*\](?:\.\.\.)?|\.\.\.")


def synopsis_command(heading: str) -> str:
    """The subcommand a synopsis heading names ("pop [--index] [-q|--quiet] [<stash>]" -> "pop"), or ""."""
    tokens = heading.split()
    return tokens[0] if len(tokens) > 1 and all(_SYNOPSIS.fullmatch(t) for t in tokens[1:]) else ""


#: "This hook ...", "These options ...": a demonstrative before a noun (not "This is ...", which points back).
_OPENS_ON_THIS = re.compile(r"(?:this|these)\s+(?!(?:is|was|are|were|means|meant|can|could|may|might|will|would|should|must"
                            r"|has|have|had|does|did|also|only|not)\b)[a-z]+\b", re.I)


# a definition that opens on what the thing is, with no subject: "A plain file .git at ...", "Synonym for repository."
_DEFINES_HEADING = re.compile(r"(?:an?|synonym for|short for|abbreviation for|alias for|another (?:name|word) for)\s", re.I)


def name_subject(subject: str, sentence: str, always: bool = False, kind: str = "", defines: bool = False) -> str:
    """Prefix the heading a sentence sits under when the sentence does not name it itself.

    Reference documentation often names the subject only in a heading
    ("exception KeyError" above "Raised when a mapping key is not found..."):
    quoted alone, the sentence would answer "which exception?" anonymously. ``always``: any heading, not only
    one that names a thing (a bare note: "tomllib — Parse TOML files: New in version 3.11."). ``kind``: the heading
    above it, when it names what its sections are ("HOOKS" above "post-checkout"). ``defines``: the sentence opens its
    section (a glossary's definition under its term)."""
    if not subject:
        return sentence
    title = SECTION_LABEL.sub("", subject, count=1).strip() if SECTION_LABEL.match(subject) else subject.strip()  # no "13.2.2."
    if always and not looks_like_term(subject):
        title = subject_of(title).rstrip(" :")
        return sentence if fold(title) in fold(sentence) else f"{title}: {sentence}"
    if not looks_like_term(subject):
        # "Applications using this level must ..." under "13.2.2. Repeatable Read Isolation Level": the section names it
        title_words = {stem(fold(w)) for w in words(title) if fold(w) not in STOPWORDS}
        nouns = [stem(fold(m.group(1))) for m in re.finditer(r"\b(?:this|these|such)\s+([a-z]+)\b", sentence, re.I)]
        noun = next((n for n in nouns if n in title_words), "")
        other = title_words - {noun}
        if noun in title_words and other and len(title.split()) <= 8 \
                and len(other & {stem(fold(w)) for w in words(sentence)}) < len(other) / 2:  # not named already
            return f"{title}: {sentence}"
        if _OPENS_ON_THIS.match(sentence) and len(title.split()) == 1 and not is_standard_section(title) \
                and fold(title) not in fold(sentence):
            # "This hook is called by git-push(1) ..." in the "pre-push" section: the hook is the one the heading names
            return f"{title}: {sentence}"
        if defines and _DEFINES_HEADING.match(sentence) and len(title.split()) <= 4 and not is_standard_section(title) \
                and fold(title) not in fold(sentence):
            # a glossary's entry: "gitfile" above "A plain file .git at the root of a working tree that points at ...":
            # the definition, a phrase with no subject of its own, is the heading's
            return f"{title}: {sentence}"
        kinds = {stem(fold(w)) for w in words(kind)}
        if kinds and len(title.split()) == 1 and not is_standard_section(title) and fold(title) not in fold(sentence) \
                and any(stem(fold(m.group(1))) in kinds for m in re.finditer(r"\b(?:the|this|that)\s+([a-z]+)\b", sentence, re.I)):
            # "The first parameter given to the hook is the null-ref ..." in "HOOKS › post-checkout": the hook is
            # the one its heading names, of the kind the heading above names
            return f"{title}: {sentence}"
        return sentence
    short = subject_of(subject)
    terms_named = [t.split("(", 1)[0].strip(".,:;") for t in short.split() if _TERM_TOKEN.search(t)] or [short]
    if any(t and re.search(r"(?<![\w.-])" + re.escape(t) + r"(?![\w-])", sentence, re.I) for t in terms_named):  # named itself
        return sentence
    return f"{short}: {sentence}"


def lead_in_window(following: list[str], heads: set[str], max_sentences: int = 5, max_words: int = 80,
                   max_items: int = 8) -> list[str]:
    """What a lead-in ending in ':' introduces ("... for several reasons:", "... the following constants:").

    Sentences: up to five within 80 words, stopping at a heading. When the lead-in is followed by
    headings (a definition list: "csv.QUOTE_ALL", "Range Partitioning", each above its description),
    the items are those headings, named in one line, up to eight, stopping at a numbered section; so are
    short label lines each followed by its description ("NULL. The value is a NULL value. INTEGER. ...")."""
    if following and following[0] in heads:
        items = []
        for sentence in following:
            if sentence in heads:
                if SECTION_LABEL.match(sentence) or len(items) >= max_items:
                    break
                items.append(sentence.rstrip(" .:"))
            elif sentence.rstrip().endswith(":"):  # the next lead-in ("... the following exception:") starts another list
                break
        return ["; ".join(dict.fromkeys(items)) + "."] if items else []

    def label(sentence: str) -> bool:  # "NULL.", "INTEGER.": an item's name on its own line, its description after it
        return len(sentence.split()) <= 3 and sentence.rstrip()[-1:] in ".:" and sentence not in heads
    if len(following) > 1 and label(following[0]) and not label(following[1]):
        items, after_label = [], False
        for sentence in following:
            if sentence in heads or len(items) >= max_items:
                break
            if label(sentence):
                items.append(sentence.rstrip(" .:"))
                after_label = True
            elif after_label:
                after_label = False  # the item's description
            else:
                break  # a paragraph after a description: the list is over
        if len(items) >= 2:
            return ["; ".join(dict.fromkeys(items)) + "."]
    out: list[str] = []
    words_used = 0
    for sentence in following:
        if sentence in heads or len(out) >= max_sentences or words_used + len(sentence.split()) > max_words:
            break
        out.append(sentence)
        words_used += len(sentence.split())
    return out


Continuation = Callable[[Passage], tuple[list[str], set[str]]]


def next_chunk(index: LexicalIndex) -> Continuation:
    """The sentences and headings of the chunks that follow a passage in its document (up to 400 words), for a lead-in
    cut off by the chunk's end, without the sentences neighbouring chunks share (their overlap)."""
    def follow(passage: Passage, chunks: int = 8, max_words: int = 400) -> tuple[list[str], set[str]]:
        order = index.chunk_order()
        meta = passage.metadata or {}
        seen = set(split_sentences(passage.text))
        sentences: list[str] = []
        heads: set[str] = set()
        for step in range(1, chunks + 1):
            row = order.get((meta.get("source"), int(meta.get("chunk_index", -2)) + step))
            if row is None:
                break
            heads |= {h for h in str(index.metas[row].get("headings", "")).split("\n") if h}
            fresh = [s for s in split_sentences(index.docs[row]) if s not in seen]
            sentences += fresh
            seen.update(fresh)
            if sum(len(s.split()) for s in sentences) >= max_words:  # small chunks (one list item each) read on further
                break
        return sentences, heads
    return follow


_ITEM_LABEL = re.compile(r"^([\w.*-]+(?:\(\))?(?: \([^)]{1,40}\))?) [–—-] \S")


def paragraphs(text: str) -> list[str]:
    """A passage's paragraphs (blank-line separated), as the chunker joins them."""
    return re.split(r"\n\s*\n", text)


def item_labels(text: str) -> dict[str, str]:
    """The later sentences of a list item that opens with its label ("timeout (float) – How many seconds ... Default
    five seconds."), mapped to that label: a bare note there is about the item, not about the section."""
    out: dict[str, str] = {}
    for paragraph in paragraphs(text):
        m = _ITEM_LABEL.match(paragraph.strip())
        if m:
            for sentence in split_sentences(paragraph)[1:]:
                out.setdefault(sentence, m.group(1))
    return out


def paragraph_of(text: str, count: int) -> list[int]:
    """The paragraph number of each of the text's ``count`` sentences (split_sentences order)."""
    out: list[int] = []
    for number, paragraph in enumerate(paragraphs(text)):
        out.extend([number] * len(split_sentences(paragraph)))
    return out if len(out) == count else list(range(count))  # unaligned: every sentence its own paragraph


def asking_paragraphs(text: str, max_words: int = 60) -> set[str]:
    """Sentences of a short paragraph that ends by asking ("(12) I deleted a lot of data but the file did not get any
    smaller. Is this a bug?"): a FAQ's question, whose statements describe the problem rather than answer it."""
    out: set[str] = set()
    for paragraph in paragraphs(text):
        sentences = split_sentences(paragraph)
        if len(sentences) > 1 and sentences[-1].rstrip().endswith("?") and len(paragraph.split()) <= max_words:
            out.update(sentences)
    return out


def table_items(following: list[str], max_items: int = 12) -> list[str]:
    """The first cells of the table rows that follow a sentence ("namedtuple() | factory function ...",
    "deque | list-like container ..."): what the table lists. A first row of capitalised one-word labels
    ("Iterator | Arguments | Results") is its header, not an item."""
    rows = []
    for sentence in following:
        if " | " not in sentence or len(rows) >= max_items:
            break
        rows.append([c.strip() for c in sentence.split(" | ")])
    if rows and all(re.fullmatch(r"[A-Z][a-z]+(?: [a-z]+)?", c) for c in rows[0]):
        rows = rows[1:]
    items = [r[0].rstrip(" .") for r in rows if r and r[0]]
    return items if len(items) >= 2 else []


Outline = Callable[[Passage], list[str]]


def section_items(index: LexicalIndex, max_chunks: int = 40, max_items: int = 12) -> Outline:
    """The headings right under the section a passage starts in ("MERGE STRATEGIES" -> ort, recursive, resolve,
    octopus, ours, subtree; not ort's own options, a level deeper), read from the heading paths its chunk and the
    chunks after it record, up to the next heading at the section's level or above. [] for fewer than two, or more
    than ``max_items`` (too many to name in a sentence)."""
    order = index.chunk_order()

    def items(passage: Passage) -> list[str]:
        section = passage.heading.split(" › ") if passage.heading else []
        start = (passage.metadata or {}).get("chunk_index")
        if len(section) < 2 or start is None:
            return []
        found: list[str] = []
        for k in range(int(start), int(start) + max_chunks):
            row = order.get((passage.source, k))
            if row is None:
                break
            for path in str((index.metas[row] or {}).get("heading_paths", "")).split("\n"):
                parts = path.split(" › ") if path else []
                if not parts or (parts == section[:len(parts)] and not found):  # the section's own heading, its parents'
                    continue
                if len(parts) <= len(section):  # the next section at this level or above: the list ended
                    return found if 2 <= len(found) <= max_items else []
                if len(parts) == len(section) + 1 and parts[:-1] == section and parts[-1] not in found:
                    if SECTION_LABEL.match(parts[-1]):  # "5.11.2.1. Example": the document's sections, not things of a kind
                        return []
                    found.append(parts[-1])
        return found if 2 <= len(found) <= max_items else []
    return items


# a sentence announcing several things: "There are several limitations ...", "There are three ways to ..."
_ANNOUNCES = re.compile(r"\bthere (?:are|exist) (?:several|a few|a number of|various|many|some|(?:two|three|four|five|six) )", re.I)


_NAME_LINE = re.compile(r"[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}")  # a person's name on a line of its own
_ROLE_LINE = re.compile(r"(?:(?:Senior|Deputy|Executive|Associate|Assistant|Managing|Chief) )?([A-Z][a-z]+)(?:,| of| at)\s")


# a line of code as examples write it: a statement, a shell or REPL prompt, a declaration
_CODE_LINE = re.compile(r"(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WITH|VACUUM|\$|git) \S")
# a caption says what the example does ("Compute the date of ..."), not a rule ("If nbytes is None, a default is used.")
_STATES_RULE = re.compile(r"\b(?:is|are|was|were|will|would|can|cannot|must|may|should|has|have)\b", re.I)


def candidate_sentences(passages: list[Passage], continuation: Continuation | None = None,
                        items: bool = False, outline: Outline | None = None) -> list[tuple[str, Passage, int, str, str]]:
    """(sentence to quote, passage, rank, the passage's own words, the section heading it is under) for sentences worth quoting.

    One that opens with a pronoun carries the sentence before it; one under a
    heading of the document's structure names that heading when it does not
    name its subject itself. Heading lines are not candidates. With ``items`` (the question asks for
    several things, facts.asks_for_items), a sentence or label followed by a table names what the table
    lists ("... container datatypes ... namedtuple(); deque; ChainMap; ...")."""
    out = []
    seen: set[tuple[str, str]] = set()  # (section, sentence)
    for rank, passage in enumerate(passages):
        sentences = split_sentences(passage.text)
        heads = set(passage.headings)
        asked = asking_paragraphs(passage.text)
        paragraph = paragraph_of(passage.text, len(sentences))
        labels = item_labels(passage.text)
        parts = passage.heading.split(" › ")
        subject = parts[-1] if len(parts) > 1 else ""  # the section the passage starts in (not the document title)
        header: list[str] = []  # the first row of the table being read ("Level | Numeric value")
        intro = True  # still in the text of the section the passage starts in, before any heading under it
        children: list[str] | None = None
        for i, sentence in enumerate(sentences):
            if sentence in heads:
                intro = intro and sentence in parts  # the section's own heading line (or its parents') opens its text
                subject = sentence
                continue
            cells = [c.strip() for c in sentence.split(" | ")] if " | " in sentence else []
            row = sentence
            if not cells:
                header = []
            elif not header or i == 0 or " | " not in sentences[i - 1]:
                header = cells
            elif len(cells) == len(header):  # a row says what its cells are: "Level: WARNING; Numeric value: 30."
                sentence = "; ".join(f"{h}: {c}" for h, c in zip(header, cells)) + "."
            listed = table_items(sentences[i + 1:]) if items and not cells else []
            # "New in version 3.11.", "The default is scram-sha-256.", 'Defaults to "conflict".' are answers; other short lines are not
            short = len(sentence.split()) < 5 and not _VERSION.search(sentence) and not re.search(r"\d|\w[-_.]\w", sentence) \
                and not any(fold(w) in NUMBER_WORDS or fold(w) in {"default", "defaults", "defaulted"} for w in words(sentence)) \
                and not (sentence.rstrip().endswith(".") and any(_TERM_TOKEN.search(w) and not w.isupper() for w in words(sentence)[1:]))
            # ("Default five seconds.", "Subclass of ValueError.": a short sentence naming a value or a code name answers)
            label = len(sentence.split()) < 5 and re.search(r"\w/\w", sentence) and not re.search(r"[.!?]$|\d", sentence)
            if sentence in asked:  # a FAQ's question is quoted with the start of its answer, never alone
                if (i > 0 and sentences[i - 1] in asked) or (subject, sentence) in seen:
                    continue
                seen.add((subject, sentence))
                window = [s for s in sentences[i:] if s in asked][:4]
                answer = [s for s in sentences[i + len(window):i + len(window) + 3] if s not in heads and s not in asked]
                while len(answer) > 1 and sum(len(a.split()) for a in answer[:-1]) >= 40:
                    answer.pop()
                if answer:
                    text = " ".join(window + answer)
                    out.append((text, passage, rank, text, subject))
                continue
            # the same words under another heading are another fact: "Returns a reference to the EventEmitter" closes the
            # section of every method that returns it
            if (short and not listed) or label or sentence.rstrip().endswith("?") or (subject, sentence) in seen:
                continue
            seen.add((subject, sentence))
            if i > 0 and _NAME_LINE.fullmatch(sentences[i - 1]) and sentences[i - 1] not in heads \
                    and (m := _ROLE_LINE.match(sentence)) and m.group(1).lower().rstrip("s") in ROLE_NOUNS:
                # a byline: "Yauheni Preiherman" / "Director, Minsk Dialogue Council ...": the title line is the named
                # person's
                sentence = f"{sentences[i - 1]}, {sentence}"
            elif i > 0 and (PRONOUN_START.match(sentence) or CONSEQUENCE.match(sentence) or SUMS_UP.match(sentence) or CONTINUES.match(sentence)
                          or POINTS_BACK.match(sentence)
                          or _ENDS_ON_IT.search(sentence)
                          or refers_back(sentence, sentences[i - 1])) \
                    and not sentences[i - 1].rstrip().endswith("?") \
                    and len(sentences[i - 1].split()) < 40 and sentences[i - 1] not in heads \
                    and sentences[i - 1].rstrip()[-1:] in '.!:;)"”’\'':  # a sentence, not a label line ("Source code: Lib/bisect.py")
                before = sentences[i - 1]
                # a consequence may rest on the two sentences before it ("... makes the column invisible. Subsequent inserts
                # store a null. Thus, dropping a column is quick ..."); so does one after an aside ("(Actually ...)")
                if (before.startswith("(") or CONSEQUENCE.match(sentence) or SUMS_UP.match(sentence)) and i > 1 and sentences[i - 2] not in heads \
                        and len(sentences[i - 2].split()) + len(before.split()) < 60:
                    before = f"{sentences[i - 2]} {before}"
                sentence = f"{before} {sentence}"
            if i + 1 < len(sentences) and (CONTRAST.match(sentences[i + 1]) or _ENDS_ON_IT.search(sentences[i + 1])) \
                    and paragraph[i] == paragraph[i + 1] and sentences[i + 1] not in heads and len(sentences[i + 1].split()) < 40:
                # "SQL specifies that the default is ON COMMIT DELETE ROWS. However, the default in PostgreSQL is ...":
                # quoted alone, the first would say what the next one corrects (or "SQLite does not support this.")
                sentence = f"{sentence} {sentences[i + 1]}"
            if i + 1 < len(sentences) and _ANNOUNCES.search(sentence) and sentences[i + 1].rstrip().endswith(":") \
                    and not sentence.rstrip().endswith(":") and paragraph[i] == paragraph[i + 1] and sentences[i + 1] not in heads \
                    and len(sentences[i + 1].split()) < 25:
                # "There are several limitations of the technique. These will probably be fixed in future releases:": the
                # announcing sentence leads in with the next one, and brings what it introduces
                sentence, joined = f"{sentence} {sentences[i + 1]}", 1
            else:
                joined = 0
            if not joined and i + 1 < len(sentences) and paragraph[i] != paragraph[i + 1] and sentences[i + 1] not in heads \
                    and len(sentence.split()) < 25 and _CODE_LINE.match(sentences[i + 1]) and not sentence.rstrip().endswith(":") \
                    and not _STATES_RULE.search(sentence):
                # an example's caption ending its paragraph brings the code under it: "Compute the date of the first Tuesday
                # in October for the current year." + "SELECT date('now','start of year','+9 months','weekday 2');"
                sentence = f"{sentence} {sentences[i + 1]}"
            if sentence.rstrip().endswith(":") and not listed:  # a lead-in ("... the following forms:") brings what it introduces
                following, following_heads = sentences[i + 1 + joined:], heads
                if continuation is not None:  # the list may run on into the next chunk
                    more, more_heads = continuation(passage)
                    if following and more and more[0].startswith(following[-1]):
                        following = following[:-1]  # a code block cut by the chunk's end, whole in the next chunk
                    following, following_heads = following + more, heads | more_heads
                sentence = " ".join([sentence, *lead_in_window(following, following_heads)])
            if listed:
                sentence = f"{sentence.rstrip()} {'; '.join(listed)}."
            elif items and intro and outline is not None and not sentence.rstrip().endswith(":") and subject:
                # "Which merge strategies can be chosen?": the section's opening sentence, with the items the headings
                # under it name ("MERGE STRATEGIES: ort; recursive; resolve; octopus; ours; subtree")
                if children is None:
                    children = outline(passage)
                if children:
                    sentence = f"{sentence} {subject}: {'; '.join(children)}."
            if len(sentence.split()) <= 6 and not cells and (_VERSION.search(sentence) or re.search(r"\bdefault", sentence, re.I)):
                # "New in version 3.11.", "Default five seconds.": a bare note about whatever its item ("timeout (float) – How
                # many seconds ... Default five seconds."), section or page is on
                label = labels.get(sentence, "")
                named = f"{label}: {sentence}" if label else name_subject(
                    subject if subject and not is_standard_section(subject) else parts[0], sentence, always=True)
            else:
                named = name_subject(subject, sentence, kind=parts[-2] if len(parts) > 2 else "", defines=i > 0 and sentences[i - 1] in heads)
            out.append((named, passage, rank, row if cells else sentence, subject))
    return out


_CAUSE = re.compile(r"\b(?:because|since (?!\d|version|release|the (?:first|last|start|beginning))|so that|in order (?:to|that|for)|due to|owing to"
                    r"|as a result|the reason|for this reason|that is why|this is why|(?<!\w )otherwise|to (?:avoid|prevent|ensure|make sure|allow|keep)"
                    r"|(?<!can )(?<!could )prevent(?:s|ed|ing)?|(?<!can )(?<!could )avoid(?:s|ed|ing)?|ensur(?:es|ed|ing)|caus(?:es|ed|ing)|leads? to|would (?:otherwise )?(?:be|make|cause|require|lead)"
                    r"|obstacles?|stems? from|results? from|thanks to"
                    # the circumstances that bring it about: "This is likely to happen when running a new process in a shell"
                    r"|\bthis (?:is (?:likely|known|expected) to |(?:can|may|might|will|would|could|tends to) (?:also )?|(?:usually|typically|often|mostly) )?(?:happens?|occurs?) (?:when|if|whenever)\b"
                    # what not doing it costs: "... move in sync with Russia, where possible, or risk punishment ..."
                    r"|(?<=, )or (?:else )?(?:risks?|face|suffer)\b"
                    # "The fact that the event is triggered before adding the listener has a subtle but important side effect: ..."
                    r"|^(?:the fact that\b[^.;]{3,150}?\bhas (?:an?|the|one|some) (?:[\w-]+ ){0,3}?(?:side[- ])?(?:effects?|consequences?))"
                    # a consequence clause: "..., making them impossible to cancel", "...; hence ...", "..., which means ..."
                    r"|[,;] (?:making|meaning|which means|which makes|allowing|enabling|letting|hence|therefore|thus|so(?! far| on| to speak)|and so|in that)"
                    # "These are not actual Unix pipes and therefore the child process can not use them ..."
                    r"|\band (?:therefore|thus|hence|consequently)\b"
                    # what it makes possible: "This allows the child process to exit normally without ..."
                    r"|(?:^|(?<=[.!?:]\s))(?:this|which|that) (?:allows|lets|enables|makes it possible)\b"
                    # ... or a sentence drawing it from the one before: "Therefore, it's not safe for ...", "Hence, ..."
                    r"|(?:^|(?<=[.!?:]\s))(?:therefore|thus|hence|consequently)\b"
                    r"|^\s*given (?:that|the|this|these|such)\b"  # "Given the situation, he may have been reluctant ..."
                    # what would happen without it: "Without such a prefix, an attacker would be able to call any method"
                    r"|(?:^|(?<=[.!?]\s))without\b[^.;]{3,150}?\b(?:would|could|might)\b"
                    # a consequence: "If these objects are removed ..., the cloned repository will become corrupt"
                    r"|if\b[^.;]{3,150}?\b(?:then\b[^.;]{0,80}?\b)?(?:will|would|may|might|could) (?:become|be unable|lose|fail|break|corrupt|cause|result))\b", re.I)
# a why-question about a difference, and a sentence stating one
# ("Why can isNativeError() return true while `err instanceof Error` returns false?" contrasts two results)
_ASKS_WHY_DIFFERENT = re.compile(r"\b(?:differ(?:s|ent|ently|ence|ences)?|not the same|mismatch(?:es|ed)?|inconsistent|whereas)\b"
                                 r"|\b(?:returns?|gives?|is|are|says?) [^?.;]{1,60}? (?:while|but) [^?]*\b(?:returns?|gives?|is|are|says?)\b", re.I)
_STATES_DIFFERENCE = re.compile(r"\b(?:differs? from|(?:is|are) different from|unlike|whereas|in contrast(?: to)?|as opposed to"
                                r"|(?:is|are) not (?:equivalent|identical|the same) (?:to|as))\b"
                                r"|\b(?:returns?|gives?|is|are) (?:\w+ ){0,6}?\w+,? while [^.;]*\b(?:returns?|gives?|is|are)\b", re.I)
# a consequence drawn inside the sentence: what follows it is explained ("..., so setting it higher has no effect")
_CONSEQUENCE_AFTER = re.compile(r"^[,;] |^and |^(?:leads? to|caus(?:es|ed|ing)|as a result)$", re.I)


def gives_cause(sentence: str, asked: set[str], index: LexicalIndex) -> bool:
    """Does the sentence give a cause or a purpose of what a why-question asks about? A consequence it draws ("X is
    limited to 1GB, so setting Y higher has no effect") explains what follows the marker: it answers "Why is X limited
    ...?" only if that part says something the question asks about."""
    for m in _CAUSE.finditer(sentence):
        # (what follows it in its own sentence: a window's next sentence is not the consequence)
        if not _CONSEQUENCE_AFTER.search(m.group(0)) or sentence_terms(re.split(r"(?<=[.!?])\s", sentence[m.end():], maxsplit=1)[0], index) & asked:
            return True
    return False


_CONDITION = re.compile(r"\b(?:when|whenever|if|unless|once|until|as soon as|each time|every time|in case|provided that|only after)\b", re.I)
_IS_THE_DEFAULT = re.compile(r"\b(?:this|that|which|it) is (?:also |now )?the default\b", re.I)
_KIND_OF = re.compile(r"\b(?:(?:kind|type|sort|form)s? of|call|name for)\s+(?:an? |the )?([\w-]+)", re.I)
_GENERIC_TITLE = {stem(w) for w in "type types kind kinds form forms sort basics overview introduction example examples usage "
                  "notes description details parameters options reference".split()}


def asking_headings(candidates, asks: Callable[[str], bool], query_vector, embedder, scoring: ScoringSettings) -> set[str]:
    """The sections (``section_of``) the candidates are under whose heading is a question of the same kind (``asks``:
    why, yes/no, any) as close in meaning to the asked one as ``scoring.faq_heading_similarity`` (a FAQ's "7.42 Why is
    R apparently not releasing memory?" for "... Why doesn't the memory go back to the OS?")."""
    asking = {h: re.sub(r"^[\d.\s]+", "", h.strip()) for h in {section_of(c) for c in candidates}}
    asking = {h: q for h, q in asking.items() if q.endswith("?") and asks(q)}
    if not asking:
        return set()
    similar = embedder.encode_cached(list(asking.values())) @ query_vector
    return {h for h, sim in zip(asking, similar) if sim >= scoring.faq_heading_similarity}


def section_of(candidate) -> str:
    """The heading a candidate sentence is under: the last one before it in its passage (a chunk of short FAQ entries
    spans several: "7.31 Why doesn't R think ...?", then "7.32 How can I capture ...?"), else the passage's own."""
    return candidate[4] or candidate[1].heading.split(" › ")[-1]


def listed_kind(question: str, index: LexicalIndex) -> set[str]:
    """The terms of the kind a list question asks for ("What output formats can pg_dump produce?" -> output, format)."""
    return set(query_terms(" ".join(kind_phrase(question)), index))


def lists_items_of(quote: str, terms: set[str], heading: str, kind_terms: set[str], index: LexicalIndex) -> bool:
    """Does a sentence list things of the asked kind ("The phenomena which are prohibited at various levels are: dirty
    read; ..." for "Which phenomena ...?"), the kind named by its words or its heading? Any list, if no kind is named."""
    return holds_items(quote) and kind_terms <= terms | set(query_terms(heading, index))


_LIST_OF_THREE = re.compile(r"(?:[\w()'-]+(?: [\w()'-]+)?, ){2,}(?:and |or )?[\w()'-]+")


def holds_items(quote: str) -> bool:
    """Does a passage's text list several things: a lead-in with what it introduces ("... one of the following storage
    classes: NULL. The value is ... INTEGER. ..."), items split by semicolons, or "A, B and C"?"""
    _, colon, rest = quote.partition(": ")
    if colon and len(re.findall(r"[.;]\s", rest)) >= 2:
        return True
    return quote.count("; ") >= 2 or bool(_LIST_OF_THREE.search(quote))


def names_a_kind(sentence: str, question: str) -> bool:
    """"What kind of isolation ...?": does the sentence put a word the question lacks before the asked noun
    ('"snapshot isolation"', "partial indexes")?"""
    thing = _KIND_OF.search(question)
    if not thing:
        return False
    noun = stem(fold(thing.group(1)))
    asked = {stem(fold(w)) for w in words(question)}
    quoted = {w for span in re.findall(r"[\"“'‘]([^\"”'’]{3,60})[\"”'’]", sentence) for w in words(span)}
    raw = words(sentence)
    tokens = [stem(fold(w)) for w in raw]
    # the word before is the kind when quoted with it ('"snapshot isolation"'), an adjective ("partial") or a name
    return any(t == noun and i > 0 and tokens[i - 1] not in asked and fold(raw[i - 1]) not in STOPWORDS
               and ((raw[i - 1] in quoted and raw[i] in quoted) or ADJECTIVE.search(fold(raw[i - 1])) or raw[i - 1][:1].isupper())
               for i, t in enumerate(tokens))


def kind_named(sentence: str, section: str, question: str, index: LexicalIndex) -> tuple[str, bool]:
    """For "which kind of index ...?" / "what do you call ...?": does the sentence (or its section) name a kind of the
    asked thing, and the sentence to quote. The section title names it ("11.8. Partial Indexes": a kind of index) when
    it shares a word with the question and adds one; the sentence is then prefixed with the title unless it already
    says it ("The index contains entries only for rows ..." -> "Partial Indexes: The index contains ...")."""
    title = SECTION_LABEL.sub("", section, count=1).strip() if SECTION_LABEL.match(section) else section.strip()
    if not title or len(title.split()) > 6:
        return sentence, False
    thing = _KIND_OF.search(question)  # the asked thing: "kind of *index*", "call *an index*", "name for *a table*"
    title_terms, asked = set(query_terms(title, index)), set(query_terms(question, index))
    new = {t for t in title_terms - asked if t not in _GENERIC_TITLE}
    if not thing or not (title_terms & set(query_terms(thing.group(1), index))) or not new:
        return sentence, False
    if new <= sentence_terms(sentence, index):
        return sentence, True
    return f"{title}: {sentence}", True


_OVERVIEW = re.compile(r"^\s*(?:(?:can|could|would) you |please )?(?:summari[sz]e|give (?:me )?(?:an? )?(?:overview|summary|short explanation|introduction)|describe"
                       r"|explain what (?:\S+ ){1,4}(?:does|do|is|are|accomplishes|achieves)\b|tell me about"
                       r"|what (?:is|are) (?:the )?\S+(?: \S+)?(?: module| command| function| type| class)? used for"
                       r"|what does (?:the )?\S+(?: module| command| function| statement| package| class)? do\b)", re.I)


_PROCEDURE = re.compile(r"^\s*(?:and |so |then )?(?:how (?:do|can|could|should|would|might) (?:i|we|you|one)\b|is there (?:a|any) (?:way|option|command|setting|switch)\b"
                        r"|what (?:do|should|can|must) (?:i|we|you) (?:(?:need|have) to )?(?:run|use|type|call|configure|set|pass|do)\b)", re.I)


#: "What does X return / give back?", "What is the return value of X?": what a call results in is asked
_ASKS_RETURN = re.compile(r"^\s*what\s+(?:[\w-]+\s+)?(?:does|do|did|will|would|can|should)\b[^?]{0,80}?\b(?:return|give back|hand back|evaluate to)\b"
                         r"|^\s*what (?:is|are|gets?) returned\b|\bwhat (?:is|are) (?:the |its )?return(?:ed)? (?:value|type)s?\b", re.I)
_SAYS_RETURN = re.compile(r"\b(?:returns?|returned|returning|return value|evaluates to|yields)\b", re.I)


def asks_why(question: str) -> bool:
    """"Why ...?", "For what reason ...?", "What is the reasoning behind ...?": a question asking for a cause or a
    purpose (``facts.ASKS_REASON``), also after a leading condition ("When dispatching with getattr, why ...?")."""
    return bool(ASKS_REASON.match(core_question(question)) or ASKS_REASON.match(main_clause(question)))


_NEGATED = re.compile(r"\b(?:not|never|cannot|no longer|neither|nor)\b|n't\b", re.I)


def says_negated(sentence: str) -> bool:
    return bool(_NEGATED.search(sentence))


# a condition a question or sentence states: "if the paths end up pointing at the same location", "If key is specified,";
# not the wh-word "when" of "When is X raised?"
_CONDITION_CLAUSE = (r"(?:if|when|whenever|unless)\b(?!\s+(?:so|not|is|are|does|do|did|was|were|should|can|could|will|would|might|must|may)\b)"
                     r"\s+([^,;:?!]{3,200})")
_ASKED_CONDITION = re.compile(r"\b" + _CONDITION_CLAUSE, re.I)
# ... in a sentence, as a clause of its own (at its start, after a comma, after "is returned")
_STATED_CONDITION = re.compile(r"(?:^|[,;:(]\s?|\b(?:is|are|was|were|be|returned|raised|thrown|used|called|ignored)\s)" + _CONDITION_CLAUSE, re.I)


def stemmed_words(text: str) -> set[str]:
    """Every word of the text, folded and stemmed (stop words too: a condition's "same", "both", "no" count)."""
    return {stem(fold(w)) for w in words(text)}


# words a condition's meaning does not rest on (its quantifiers do: "no", "same", "both", "empty", "not" stay)
_CONDITION_FILLER = frozenset("a an the i you we he she it they my your our its their this that these those is are was were be "
                              "been being am do does did have has had to of in on at by for with from into and or up out as "
                              "some any given specified provided passed supplied set used called".split())


def condition_terms(text: str) -> set[str]:
    """The words (stemmed) of the conditions a text states ("... if from and to resolve to the same path" -> resolve, same,
    path), quantifiers included, as a clause of its own (at the start, after a comma, after "is returned"), not a
    question's object ("It describes when the files are created")."""
    return _condition_words(_STATED_CONDITION, text)


def asked_condition(question: str) -> set[str]:
    """The words of the condition a question states and asks under ("What does path.relative() give back if the paths
    end up pointing at the same location?"). Not a leading condition that sets the scene for a question of its own
    ("When archiving WAL, how many characters can a file name be?"), unless the clause after it asks nothing itself
    ("When I call rl.write() with both a data string and a key object, which one is used?"); not code ("`if key in
    mapping`"), nor a why-question's (the cause is asked)."""
    if asks_why(question):
        return set()
    question = re.sub(r"`[^`]*`", " ", question)
    asking = main_clause(question)
    if len({fold(w) for w in words(asking)} - STOPWORDS - QUESTION_WORDS - _CONDITION_FILLER) > 2:
        question = asking
    return _condition_words(_ASKED_CONDITION, question)


def _condition_words(pattern: re.Pattern, text: str) -> set[str]:
    return {stem(fold(w)) for m in pattern.finditer(text) for w in words(m.group(1)) if fold(w) not in _CONDITION_FILLER}


def meets_condition(sentence: str, asked: set[str], beyond: set[str] = frozenset()) -> bool:
    """Does the sentence state a condition sharing a term with the condition the question states ("What does
    path.relative() give back if the paths point at the same location?": "If from and to each resolve to the same path
    ..., a zero-length string is returned.")? ``beyond``: with a word of it these terms (another sentence's) lack."""
    stated = condition_terms(sentence)
    # (most of it about what the question's condition says: "If the InterfaceConstructor was created with output set to
    # null the data and key are not written" shares "data" and "key" with "... with both a data string and a key
    # object", but its condition is another)
    return len(asked & stated) >= max(1.0, len(stated) / 3) and bool(asked & stated - beyond)


def asks_negated(question: str) -> bool:
    """"Which operator class doesn't support ...?": the asking clause says "not"; a negation in its condition or purpose
    ("Which mode do I get if I don't give one?", "What should I call so that it doesn't block?") is not asked."""
    return says_negated(re.split(r"\b(?:if|when|whenever|unless|so|because|since|while|without|in order)\b", main_clause(question))[0])


#: A time to come asked ("In which future release ...?", "When will X start ...?", "... is expected to ...") or told
_FUTURE = re.compile(r"\b(?:future|upcoming|planned|plans? to|expected to|going to|eventually|someday|not yet|roadmap)\b"
                     # "will" of a change to come, not of what always happens ("Which version will I need?")
                     r"|\b(?:will|won't)\s+(?:\w+\s+){0,6}?(?:start|begin|stop|become|be\s+(?:added|removed|introduced|supported|dropped"
                     r"|released|fixed|changed|deprecated|available)|support|ship|add|remove|drop|change|deprecate)\b", re.I)


def asks_future(question: str) -> bool:
    """"In which future SQLite release is UPSERT expected to work on virtual tables?", "In which release will the VFSes
    start detecting ...?": a time to come, which a version the software already had ("UPSERT syntax was added with
    version 3.24.0") does not answer; only a sentence speaking of the future (``says_future``) may."""
    return bool(_FUTURE.search(main_clause(question)))


def says_future(sentence: str) -> bool:
    """Does the sentence speak of a time to come ("... will be removed in version 4", "in a future release")? Its
    "will" counts only before a change (``_FUTURE``): "The feature will appear in 3.50" is not read as one."""
    return bool(_FUTURE.search(sentence))


_YES_NO = re.compile(r"^\s*(?:does|do|did|is|are|was|were|can|could|will|would|should|has|have|must|may)\s+(?!you\b)", re.I)


def asks_yes_no(question: str) -> bool:
    """"Does git clean keep a backup?", "Can a reader see uncommitted data?": whether the subject has some property.
    Not a request ("Can you explain ...?"), a how-to ("Can I ... / Is there a way ...?") or an overview."""
    core = core_question(question)
    if not _YES_NO.match(core):
        core = main_clause(question)  # after a condition: "When REPLACE deletes rows, do my DELETE triggers fire?"
    return bool(_YES_NO.match(core)) and not asks_procedure(core) and not asks_overview(core) \
        and not re.match(r"^\s*(?:can|could|may) (?:i|we)\b", core, re.I)


def asks_procedure(question: str) -> bool:
    """"How do I ...?", "Is there a way to ...?", "What do I run ...?": a user asking how to do something, which a
    manual answers by naming a command, option or function (a code token) beside what it does; also after a leading
    condition ("When I merge a branch that could be fast-forwarded, how do I make Git create a merge commit anyway?")."""
    return bool(_PROCEDURE.search(core_question(question)) or _PROCEDURE.search(main_clause(question)))


def asks_overview(question: str) -> bool:
    """"Summarize what bisect does", "What does the VACUUM command do?", "What is the bisect module used for?"."""
    return bool(_OVERVIEW.search(core_question(question)))


_DEFINE = re.compile(
    r"^\s*(?:what|who)\s+(?:is|are)\s+(?:an?\s+|the\s+)?(?P<x>(?!(?:(?:an?|the)\s+)?(?:it|this|that|these|those|they|he|she|known|meant|new)\b)"
    r"(?!(?:(?:an?|the)\s+)?(?:default|maximum|minimum|purpose|difference|point|use|role|name|reason|meaning|size|length|number|value|syntax|effect)s?\b)"
    r"[^?,]{1,50}?)\s*\??\s*$"
    r"|^\s*what\s+(?:does|do)\s+(?:the\s+(?:term|word|abbreviation|acronym|phrase)\s+)?(?P<y>[^?,]{1,50}?)\s+(?:mean|stand\s+for)\s*\??\s*$"
    r"|^\s*what\s+is\s+meant\s+by\s+(?P<z>[^?,]{1,50}?)\s*\??\s*$|^\s*define\s+(?P<w>[^?,]{1,50}?)\s*[.?]?\s*$", re.I)
_WH = frozenset("what which who whom whose when where why how".split())
_QUALIFIER = re.compile(r"\s+(?:in|for|of|on|under|within|when using|with)\s+(?:the\s+)?\S+(?:\s+\S+)?\s*$", re.I)
_KIND_WORDS = frozenset("mode command function module option setting class type method statement feature file keyword "
                        "clause parameter variable flag object value field operator pragma hook".split())
_DEFINING_VERB = (r"(?:(?:is|are|was|were)\s+(?:(?:simply|just|basically|essentially|really|also)\s+)?(?:an?|the|one|any|what|how|used|"
                  r"similar|like|defined|short|an abbreviation|shorthand)\b|means|refers\s+to|stands\s+for|denotes|represents)")
_NAMING_WORDS = r"(?:called|named|termed|known\s+as|referred\s+to\s+as|short\s+for|abbreviated(?:\s+as|\s+to)?|stands\s+for)"


def asks_definition(question: str) -> list[str]:
    """"What is WAL mode in SQLite?", "What does MVCC stand for?", "Define an evil merge.": the phrases that name
    the defined thing, most specific last ("WAL mode", "WAL"), or [] when the question asks something else."""
    m = _DEFINE.match(core_question(question))
    if not m or asks_overview(question):
        return []
    phrase = next(g for g in m.groups() if g)
    if re.search(r"\bof\b", phrase):  # "What is the capital of Peru?": an attribute of a thing, not a definition
        return []
    phrase = re.sub(r"^(?:an?|the)\s+", "", _QUALIFIER.sub("", phrase).strip(" \"'“”‘’`"), flags=re.I)
    words = phrase.split()
    if not words or len(words) > 5 or any(w.lower() in _WH for w in words):
        return []
    phrases = [phrase]
    if len(words) > 1 and words[-1].lower().rstrip("s") in _KIND_WORDS:
        phrases.append(" ".join(words[:-1]))
    return phrases


_ASKS_FUNCTION = re.compile(r"\bwhat\s+(?:does|do)\s+(?P<x>[^?,]{1,60}?)\s+(?:\w+ly\s+)?do\s*\??\s*$"
                            r"|\bwhat\s+is\s+(?P<y>[^?,]{1,60}?)\s+(?:used\s+)?for\s*\??\s*$"
                            r"|\bwhat\s+is\s+the\s+(?:purpose|point|role|job|function)\s+of\s+(?P<z>[^?,]{1,60}?)\s*\??\s*$", re.I)


def asks_function(question: str) -> list[str]:
    """"In git blame, what does the -M option do?", "What is util.deprecate used for?", "What is the purpose of
    VACUUM?": the words naming the thing whose job is asked (articles and kind words left off: ["-M"]), or []."""
    m = _ASKS_FUNCTION.search(core_question(question))
    if not m:
        return []
    phrase = next(g for g in m.groups() if g)
    tokens = [t.strip("\"'“”‘’`") for t in phrase.split()]
    tokens = [t for t in tokens if t and t.lower() not in STOPWORDS and t.lower().rstrip("s") not in _KIND_WORDS
              and t.lower() not in _WH and t.lower() not in {"giving", "passing", "setting", "running", "using"}]
    return tokens if 0 < len(tokens) <= 3 else []


def heading_names(heading: str, tokens: list[str], path: str = "") -> bool:
    """Does a section heading name the tokens ("-M[<num>]" names "-M"; "util.deprecate(fn, msg[, code])" names
    "util.deprecate()"), the words it does not name being in its heading ``path`` ("git blame -M": "git-blame(1) ›
    OPTIONS › -M[<num>]")? An option's letter keeps its case ("-M" is not "-m"); at least one token is the heading's."""
    own = 0
    for token in tokens:
        bare = token[:-2] if token.endswith("()") else token
        flags = 0 if bare.startswith("-") else re.I
        if re.search(r"(?<![\w.-])" + re.escape(bare) + r"(?![\w-])", heading, flags):
            own += 1
        elif bare.startswith("-") or not re.search(r"(?<![^\W_])" + re.escape(bare) + r"(?![^\W_])", path, re.I):
            return False
    return own > 0


def _spells(sentence: str, acronym: str, near: int = 6) -> bool:
    """Does a run of words next to the acronym spell it out by their initials ("a new "Write-Ahead Log" option
    (hereafter referred to as "WAL")", "BRIN indexes (a shorthand for Block Range INdexes)", "a separate
    "write-ahead log" or "WAL" file")? A word's initial is its leading capitals ("INdexes": IN), else its first letter;
    a stopword is no part of it ("we are looking at WAL" spells nothing)."""
    tokens = re.findall(r"[^\W_]+", sentence)
    target = acronym.upper()
    at = [i for i, t in enumerate(tokens) if t == acronym]
    initials = [(re.match(r"[A-Z]+", t).group(0) if t[0].isupper() else t[0]).upper() for t in tokens]
    for i in range(len(tokens)):
        spelled, j = "", i
        while j < len(tokens) and target.startswith(spelled + initials[j]) and tokens[j] != acronym and tokens[j].lower() not in STOPWORDS:
            spelled += initials[j]
            j += 1
            if spelled == target and j - i >= 2 and any(-near <= a - j <= near or -near <= i - a <= near for a in at):
                return True
    return False


def defines(sentence: str, phrases: list[str]) -> bool:
    """Does the sentence define one of the phrases: "WAL is ...", "... (hereafter referred to as "WAL")", "an evil
    merge is a merge that ...", or spell out an acronym ("Write-Ahead Log" for WAL)?"""
    for phrase in phrases:
        p = r"\s+".join(re.escape(w) for w in phrase.split())
        # the phrase as the subject ("WAL is ...", not "The persistence of WAL mode means ...")
        if re.search(rf"(?<![\w-])(?<!of )(?<!in )(?<!for )(?<!to )(?<!with )(?<!on )(?<!by )(?<!from )(?:an? |the )?{p}(?:e?s)?\b[\"”’')\]]*"
                     rf"(?:\s*\([^)]{{0,80}}\))?\s*,?\s+{_DEFINING_VERB}", sentence, re.I) \
                or re.search(rf"\b{_NAMING_WORDS}\s+(?:an?\s+|the\s+)?[\"“'‘(`]?{p}\b", sentence, re.I) \
                or (re.fullmatch(r"[A-Z]{2,6}", phrase) and re.search(rf"\b{p}\b", sentence) and _spells(sentence, phrase)):
            return True
    return False


def opens_section(passage: Passage, quote: str) -> bool:
    """Is the quoted sentence the first one under a heading (label lines such as "Source code: Lib/bisect.py"
    between them), where reference pages say what the section is about?"""
    sentences = split_sentences(passage.text)
    first = next((i for i, s in enumerate(sentences) if s and s in quote), None)
    if first is None:
        return False
    heads = set(passage.headings)
    for before in reversed(sentences[:first]):
        if before in heads:
            return True
        if before.rstrip()[-1:] in ".!?" or len(before.split()) > 8:
            return False
    return False


_META = r"(?:docs?|documentation|manual|man ?page|help|(?:web ?)?pages?|articles?|texts?|guide|tutorial|faq|reference)"
_ANSWER_FORM = re.compile(
    rf"\b(?:according to|as (?:stated|described|explained|documented) in|as per|per)\s+(?:the\s+|this\s+|these\s+|your\s+)?"
    rf"((?:[\w.-]+\s+){{0,4}}?){_META}(?:['’]s?)?(?:\s*,)?"
    rf"|\b(?:in|from)\s+(?:the|this|these|your)\s+{_META}(?:['’]s?)?(?=\s*[,?.]|\s+(?:how|what|which|who|when|where|why|is|are|does|do|can)\b)"
    r"|\b(?:in brief|briefly|in short|in a nutshell|in (?:simple|plain) (?:terms|words|english)|in a (?:few|couple of) (?:words|sentences)"
    r"|quickly|roughly speaking|in general terms)\b,?"
    r"|\b(?:give|write|provide)(?: me)? (?:an? )?(?:short |brief |quick )?(?:overview|summary|explanation|description) of\b", re.I)


def answer_content(question: str) -> str:
    """The question without the words that say how or from where to answer rather than what ("in brief", "according to
    the docs", "give a short overview of"): a page never says "briefly" about itself. A named page keeps its name
    ("according to the temporary files page" -> "temporary files")."""
    if not question:
        return question
    return " ".join(_ANSWER_FORM.sub(lambda m: m.group(1) or " ", question).split())


_COMPOUND = re.compile(r"(?<![\w-])[a-z][a-z0-9_]*(?:-[a-z][a-z0-9_]*)+(?![\w-])")  # lower-case: "Kellogg-Lukashenka" is two names


def inside_other_compounds(subject: str, text: str, asked_text: str, index: LexicalIndex) -> set[str]:
    """Words a sentence says only inside the hyphenated name of its subject, when the question does not write that name:
    "post-update: This hook ..." says "update", but a question about the "update hook" is not about it (nor is one about
    "commit-msg" about "prepare-commit-msg"). ``asked_text``: the question in lower-case words, single-spaced."""
    out: set[str] = set()
    for compound in _COMPOUND.findall(subject):
        parts = compound.lower().split("-")
        if f" {' '.join(parts)} " not in f" {asked_text} ":
            for part in parts:
                out.update(query_terms(part, index))
    if not out:
        return out
    return out - set(query_terms(_COMPOUND.sub(" ", text), index))  # ... unless it says them outside that name too


# a one-letter command-line option: "-M", "-C" (not "e-mail", "-1"), ...
# ... asked about as an option ("the -M option", "-M flag", "And for -C?"), not one used on the way ("python -m venv")
_SHORT_OPTION = re.compile(r"(?<![\w-])(-[A-Za-z])(?:\s+(?:option|flag|switch)\b|\s*\?)")


def rank_evidence(question: str, passages: list[Passage], query_vector: np.ndarray, index: LexicalIndex,
                  embedder, focus: str = "", scoring: ScoringSettings = DEFAULT_SCORING, words=None) -> list[Evidence]:
    """Rank candidate sentences. ``focus`` is the latest user turn of a follow-up: its terms weigh
    ``scoring.focus_weight`` of lexical coverage, the whole rewritten question the rest. ``words``: the embedder
    whose word vectors soft matching compares (words with words only, so it may differ from the sentence
    scorer ``embedder``); None: ``embedder``."""
    qterms = query_terms(answer_content(question), index)
    qtype = question_type(focus or question)
    candidates = candidate_sentences(passages, next_chunk(index), items=asks_for_items(focus or question), outline=section_items(index))
    if not candidates:
        return []
    focus_terms = query_terms(answer_content(focus), index) if focus and focus != question else []
    focus_weight = scoring.focus_weight
    asking = main_clause(question)
    if not focus_terms and scoring.condition_weight > 0 and asking != fold(core_question(question)):
        # "When Belarus freed 123 prisoners in December, which country were most of them deported to?": the leading
        # condition sets the scene, the clause after it asks; its words weigh more (the condition's names still count);
        # so does a which-question's contrast ("..., unlike sys.call?" names what the answer is not)
        focus_terms, focus_weight = query_terms(answer_content(asking), index), scoring.condition_weight
    term_sets = [sentence_terms(c[0], index) for c in candidates]
    asked_text = " ".join(re.findall(r"[a-z0-9]+", f"{question} {focus}".lower()))
    term_sets = [t - inside_other_compounds(c[4], c[0], asked_text, index) if c[4] else t for t, c in zip(term_sets, candidates)]
    faq = asking_headings(candidates, lambda q: True, query_vector, embedder, scoring)
    if faq:
        # a FAQ entry whose heading asks what the user asks in other words ("7.32 How can I capture or ignore errors in
        # a long simulation?"): its sentences answer that heading ("Use try(), which returns ..."), so its words are theirs
        term_sets = [t | sentence_terms(section_of(c), index) if section_of(c) in faq else t for t, c in zip(term_sets, candidates)]
    places = [q for q in dict.fromkeys(qterms + focus_terms) if q.startswith("~")]
    if places:  # "... citizens of Poland?": "Three Polish citizens ..." names the place by its adjective
        term_sets = [t | {q for q in places if q not in t and any(demonym_of(q, w) for w in t if w.startswith("~"))} for t in term_sets]
    leads = [False] * len(candidates)
    if asks_overview(focus or question):  # "Summarize what the bisect module does.": a section's opening sentence says,
        # and it is about what the page's title names: quoted with the title, scored with its words
        leads = [c[4] == c[1].heading.split(" › ")[0] and opens_section(c[1], c[3]) for c in candidates]
        candidates = [(name_subject(c[4], c[0], always=True), *c[1:]) if lead else c for c, lead in zip(candidates, leads)]
        term_sets = [sentence_terms(c[0], index) if lead else t for t, c, lead in zip(term_sets, candidates, leads)]
    thing = asks_function(focus or question) if qtype == "other" else []
    opening = [False] * len(candidates)
    if thing:
        # "In git blame, what does the -M option do?": the first sentence of the entry the question names says what it
        # does ("-M[<num>]: Detect moved or copied lines within a file."), not a later one using the question's words;
        # it is about what its headings name, so their words are its words ("git-blame(1) › OPTIONS › -M[<num>]")
        opening = [bool(c[4]) and heading_names(c[4], thing, c[1].heading) and opens_section(c[1], c[3]) for c in candidates]
        term_sets = [t | sentence_terms(c[1].heading, index) if o else t for t, c, o in zip(term_sets, candidates, opening)]
    described = descriptors(focus or question, index)
    # a sentence naming the person is not asked for the words that described them (they leave the question's terms)
    unasked = [frozenset().union(*(d for d, name in described if name & t)) - t if described else frozenset() for t in term_sets]
    asked_words = {}  # term -> the word the question wrote (before an unknown word was snapped to a corpus word)
    for w in plain_words(answer_content(f"{question} {focus}")).values():
        t = query_terms(w, index)
        if t and (t[0] in qterms or t[0] in focus_terms):
            asked_words[t[0]] = w
    soft = soft_credit(asked_words, term_sets, [c[0] for c in candidates], words or embedder, scoring, index.variants.is_name)
    if focus_terms:
        w = focus_weight
        lexical = [w * coverage([q for q in focus_terms if q not in u], t, index, s) + (1 - w) * coverage([q for q in qterms if q not in u], t, index, s)
                   for t, u, s in zip(term_sets, unasked, soft)]
    else:
        lexical = [coverage([q for q in qterms if q not in u], t, index, s) for t, u, s in zip(term_sets, unasked, soft)]
    # A passage that lacks a name, number or year the question states is about something else.
    constraints = constraint_terms(focus or question, index, scoring)
    if constraints:
        constraint_list = sorted(constraints)
        penalty = scoring.constraint_penalty
        context = context_terms(focus or question, index) if scoring.context_constraint else frozenset()
        own = {p.id: sentence_terms(p.text, index) for p in passages}
        by_source: dict[str, set[str]] = {}
        if scoring.document_constraint:
            for p in passages:
                by_source.setdefault(p.source, set()).update(own[p.id])
        met = {p.id: constraints_met(constraint_list, p, index, described, focus or question, frozenset(by_source.get(p.source, ())),
                                     scoring.document_constraint, own[p.id], context, scoring.context_constraint) for p in passages}
        factor = [penalty + (1 - penalty) * met[c[1].id] for c in candidates]
    else:
        factor = [1.0] * len(candidates)
    options = _SHORT_OPTION.findall(focus or question)
    if options:
        # "In git blame, what does the -M option do?": a one-letter option is no term of the index; a passage that never
        # writes it (in its heading "-M[<num>]" or its text) is about another option
        said = {p.id: all(re.search(r"(?<![\w-])" + re.escape(o) + r"(?![A-Za-z-])", f"{p.heading}\n{p.text}") for o in options)
                for p in passages}
        factor = [f * (1.0 if said[c[1].id] else scoring.constraint_penalty) for f, c in zip(factor, candidates)]
    if not asks_overview(focus or question):
        # "This section describes the way the CREATE TABLE, ALTER TABLE, and DROP TABLE commands interact with foreign
        # keys.": a sentence about the document itself says where the answer is, not what it is
        factor = [f * (scoring.constraint_penalty if _ABOUT_THE_DOCUMENT.match(c[3]) else 1.0) for f, c in zip(factor, candidates)]
    scope = _SCOPE.match(focus or question)
    if scope:
        # "On Unix, which locations does SQLite try?": a sentence scoped to another platform ("On Windows systems, folders
        # are searched in the following order: ...") is about that one
        asked_scope = set(query_terms(scope.group(1), index))
        other = [bool(m) and not asked_scope & set(query_terms(m.group(1), index)) for m in (_SCOPE.match(c[3]) for c in candidates)]
        factor = [f * (scoring.constraint_penalty if o else 1.0) for f, o in zip(factor, other)]
    # Words the corpus never uses ("population", "prime") mean the question is likely about something it doesn't cover.
    asked = query_terms(answer_content(focus or question), index)
    if asked:
        total = sum(index.term_weight(t) for t in asked)
        # (a word of a document's file name is known: "the Jamestown piece" names the article)
        unknown = sum(index.term_weight(t) for t in asked if t not in index.vocab and t.lstrip("~") not in index.source_words()) / total
        factor = [f * (1.0 - scoring.oov_penalty * unknown) for f in factor]
    topic = topic_test(index, scoring)

    is_topic = topic_word_test(index, scoring)

    def is_name(word: str) -> bool:  # a proper noun of the corpus, other than its topic
        return index.variants.is_name(word) and not any(topic(t) for t in query_terms(word, index))

    if qtype == "kind":  # "which kind of index ...?": the kind is named by the section the sentence is in
        named = [kind_named(c[0], c[4], question, index) for c in candidates]
        candidates = [(text, *c[1:]) for (text, _), c in zip(named, candidates)]
        typed = [is_kind for _, is_kind in named]
        # ... unless sentences name one in their own words ('In WAL mode, SQLite exhibits "snapshot isolation"'): those
        own = [names_a_kind(c[3], question) for c in candidates]
        if any(own):
            typed = own
    else:
        # A default's value must be in the passage's own words, not in the heading named before them ("-p port: Defaults
        # to ..."), unless they say the heading is the default ("PRESERVE ROWS: ... This is the default behavior.").
        typed = [has_type(quote if qtype == "default" and not (sentence != quote and _IS_THE_DEFAULT.search(quote)) else sentence,
                          qtype, question, is_name, is_topic)
                 # a table row is judged on its cells as written ("... Enums | number"), not as quoted with its header
                 and (qtype != "person" or "|" not in quote or has_type(quote, qtype, question, is_name, is_topic))
                 for sentence, _, _, quote, _ in candidates]
    if qtype == "person" and (verb := _WHO_DID.match(core_question(focus or question)) or _WHICH_WAS_DONE.match(core_question(focus or question))):
        # "Who invented write-ahead logging?": a person named for doing that (said exactly or in a close word,
        # "written" for "wrote"), not anyone a sentence about it credits ("... (Nitin Jadhav, Robert Haas)")
        did = query_terms(verb.group(1), index)
        # ... or, for a work, named as its maker ("Who wrote the original zlib implementation?": "The original zlib
        # implementation by Jean-loup Gailly and Mark Adler.")
        made = set(query_terms(core_question(focus or question)[verb.end():], index)) if _MAKING.fullmatch(verb.group(1)) else set()
        typed = [t and (all(d in terms_ or d in soft_ for d in did) or any(set(query_terms(w, index)) & made for w in _MADE_BY.findall(c[0])))
                 for t, terms_, soft_, c in zip(typed, term_sets, soft, candidates)]
    # a default (or a number, a version, a name ...) stated under the item the question names as written
    # ("cursor_tuple_fraction (floating point): The default is 0.1."; "\number: ... one of the first 99 groups"), not
    # another item's
    items = [t and item_asked(c[4], focus or question) for t, c in zip(typed, candidates)] \
        if qtype in {"default", "number", "date", "version", "term", "frequency"} else []
    # ("What is the default minimum number of files ...?" asks a number that is a default: "checkout.workers: The
    # default is one" is another setting's)
    asks_default_number = qtype == "number" and bool(ASKS_DEFAULT.search(fold(focus or question)))
    if (qtype == "default" or asks_default_number) and (attribute := defaulted_attribute(focus or question)):
        # "the default timeout of connect()": the default of the asked thing, named by the sentence or its heading
        # ... or by its paragraph ("This setting allows to define the minimum number of files ... The default is 100.")
        own = [next((p for p in paragraphs(c[1].text) if c[3] in p), "") for c in candidates]
        named = [t and (_names_attribute(attribute, f"{c[4]} {c[0]}") or _names_attribute(attribute, p))
                 for t, c, p in zip(typed, candidates, own)]
        # ... the item that opens with it over one mentioning it in passing ("compact {boolean|integer} ... Default: 3."
        # over "breakLength ... (in combination with compact set to true ...) Default: 80.")
        opens = [t and _names_attribute(attribute, " ".join(p.split()[:1])) for t, p in zip(named, own)]
        if any(opens):
            named = opens
        # ... when no default stated names it, any default of the named item; in a follow-up ("What's its default
        # threshold?" after "what does the -M option do?"), of the item the earlier turn named ("-M[<num>]: The default
        # value is 20."); else "the default threshold of loose objects" may be the default of a setting described in
        # other words ("gc.auto: When there are more than this many loose objects ..."), in the passage retrieval ranks
        # first (not any default stated anywhere: "--progress ... by default")
        if not any(named):
            named = items if any(items) else [t and item_asked(c[4], question) for t, c in zip(typed, candidates)]
        # (a number question keeps its numbers when none is said to be the default of what it names: "for a server with
        # default configuration" asks no default of a configuration)
        typed = named if any(named) else typed if asks_default_number else [t and c[2] == 0 for t, c in zip(typed, candidates)]
    elif any(items):
        typed = items
    if qtype == "term" and re.search(r"\bby default\b", focus or question, re.I) and (attribute := defaulted_attribute(focus or question)):
        # "Which signal is sent by default?": a default stated for a signal ("killSignal ... Default: 'SIGTERM'"), not
        # another option's ("timeout ... Default: 0"); a value of another kind than a name when it is what the default
        # is ("What file permissions does the socket get by default?": "The default permissions are 0777")
        typed = [(t or has_type(c[3], "default", question, is_name, is_topic)) and bool(_STATES_DEFAULT.search(f"{c[4]} {c[0]}")) and _names_attribute(attribute, f"{c[4]} {c[0]}")
                 for t, c in zip(typed, candidates)]
    if qtype not in {"other", "date", "version"} and (years := set(_YEAR.findall(focus or question))):
        # "How much did Belarus earn from potash in 2023?": a value a sentence gives for another year ("In 2019, potash
        # brought in $2.9 billion") is not the one asked; a sentence naming no year, or a year in passing ("the 2020
        # presidential candidate"), may be about the asked one. (For a date the year is the value asked.)
        typed = [t and not ((said := set(_YEAR_OF_EVENT.findall(c[0]))) and not said & years) for t, c in zip(typed, candidates)]
    typed = [t or lead for t, lead in zip(typed, leads)]
    typed = [t or o for t, o in zip(typed, opening)]
    if qtype == "other" and scoring.procedure_type and asks_procedure(focus or question):
        # "How do I shrink a bloated table?": a sentence naming a command or option, SQL's capitals included
        # ("VACUUM FULL"); not required, as prose may answer
        typed = [t or bool(_terms(c[3], question, keywords=True)) for t, c in zip(typed, candidates)]
    if qtype == "other" and _ASKS_RETURN.search(main_clause(focus or question)):
        # "What does setInterval() give back?": a sentence saying what it returns ("Returns an async iterator ..."),
        # over an import line naming it; preferred, not required
        typed = [t or bool(_SAYS_RETURN.search(c[0])) for t, c in zip(typed, candidates)]
    defined = asks_definition(focus or question) if qtype == "other" else []
    if defined:  # "What is WAL mode?": a sentence defining it
        typed = [t or defines(c[0], defined) for t, c in zip(typed, candidates)]
    if qtype == "other" and scoring.cause_type and asks_why(focus or question):
        # "Why is the name deleted ...?": a sentence giving a cause or a purpose ("... are cleared because ..."); preferred, not required
        asked = set(query_terms(focus or question, index))
        typed = [t or gives_cause(c[0], asked, index) for t, c in zip(typed, candidates)]
        if _ASKS_WHY_DIFFERENT.search(focus or question):
            # "Why can os.homedir() and os.userInfo().homedir give different results?": a sentence saying how they differ
            # ("This differs from the result of os.homedir(), which queries environment variables ...") explains it
            typed = [t or bool(_STATES_DIFFERENCE.search(c[0])) for t, c in zip(typed, candidates)]
        # ... or a sentence of a section whose heading asks the same why ("7.42 Why is R apparently not releasing
        # memory?"): a FAQ's answer need not say "because"
        near = asking_headings(candidates, asks_why, query_vector, embedder, scoring)
        typed = [t or section_of(c) in near for t, c in zip(typed, candidates)]
    if qtype == "other" and scoring.cause_type and ASKS_CONDITION.search(core_question(focus or question)):
        # "When is ValueError raised?": a sentence stating a condition ("Raised when ...", "If ..."); preferred, not required
        typed = [t or bool(_CONDITION.search(c[0])) for t, c in zip(typed, candidates)]
    if qtype == "other" and scoring.cause_type and asks_outcome(focus or question):
        # "What happens if it calls os.userInfo()?" (of an account with no home directory): a sentence saying what comes
        # of it ("Throws a SystemError if a user has no username or homedir."); preferred, not required
        typed = [t or bool(_STATES_OUTCOME.search(c[0])) for t, c in zip(typed, candidates)]
    if qtype == "other" and asks_for_items(focus or question):  # "What are the storage classes?": a sentence listing things
        typed = [t or holds_items(c[3]) for t, c in zip(typed, candidates)]
    if qtype == "other" and (literals := quoted_literals(focus or question)) and any(held := [t and writes_literal(c[3], literals) for t, c in zip(typed, candidates)]):
        # "What does path.extname() return for a name such as '.index'?": the sentence writing the quoted value
        # ("path.extname('.index'); // Returns: ''"), over the rule stated for any name; not when a name is asked
        # ("Which property holds the text typed before the 'line' event fires?": the event is the context)
        typed = held
    kind = asked_kind(focus or question) if qtype == "other" and scoring.kind_required else ""
    kind_terms = query_terms(kind, index) if kind else []
    labels = [False] * len(candidates)
    if kind:  # "What stability level is X marked with?": a "Stability: 1 - Experimental" line, labelled by its first word
        phrase = kind_phrase(focus or question)
        if len(phrase) >= 2:
            label = re.compile(re.escape(phrase[-2]) + r"\s*:", re.I)
            labels = [bool(label.match(c[3])) for c in candidates]
    says_kind = [not kind_terms or labelled or any(k in t or s.get(k, 0) > 0 for k in kind_terms) for t, s, labelled in zip(term_sets, soft, labels)]
    if scoring.min_predicate > 0 and asks_yes_no(focus or question):
        # "Does git clean move the files to a trash folder?": what is asked of git clean (trash, folder, restore) must be
        # said, not only git clean; the subject is what the passage's headings name
        heads = {id(c[1]): set(query_terms(c[1].heading, index)) for c in candidates}
        # ... by the asking sentence's words or the whole question's: "On Linux I ran os.path.splitext() on a dotfile.
        # Does it treat '.cshrc' as the extension?" asks of '.cshrc', not of Linux; "Will that actually help?", of the story
        told = not focus and context_terms(question, index)
        asked_sets = [focus_terms or qterms] + ([query_terms(answer_content(core_question(question)), index)] if told else [])
        predicate = [max(coverage([t for t in asked_terms if t not in heads[id(c[1])]], t_, index, s_) for asked_terms in asked_sets)
                     for c, t_, s_ in zip(candidates, term_sets, soft)]
        # ... or said by a section whose heading asks the same in other words (a FAQ's "Is there an equivalent to Perl's
        # chomp() for removing trailing newlines from strings?" for "Is there something like chomp() for chopping
        # line endings off?")
        near = asking_headings(candidates, asks_yes_no, query_vector, embedder, scoring)
        predicate = [1.0 if section_of(c) in near else p for p, c in zip(predicate, candidates)]
    else:
        predicate = [1.0] * len(candidates)
    prior = [lexical[i] + scoring.rank_prior / (1 + c[2]) + scoring.w_type * typed[i] for i, c in enumerate(candidates)]
    ranked_prior = sorted(range(len(candidates)), key=lambda i: -prior[i])
    order = ranked_prior[:scoring.preselect]
    if qtype in scoring.required_types or defined or thing:  # the answer must hold the asked kind of value: let the best few that do be scored
        order += [i for i in ranked_prior[scoring.preselect:] if typed[i]][:scoring.preselect_typed]
    # Long "sentences" (tables, code) cost up to 256 tokens each; their first words carry the dense signal.
    vectors = embedder.encode_cached([" ".join(candidates[i][0].split()[:scoring.dense_words]) for i in order])
    dense = vectors @ query_vector
    ranked = []
    for j, i in enumerate(order):
        sentence, passage, rank, quote, _ = candidates[i]
        d = max(0.0, float(dense[j]))
        score = (scoring.w_lexical * lexical[i] + scoring.w_dense * d + scoring.w_type * typed[i]) * factor[i]
        ranked.append(Evidence(sentence, passage, rank, lexical[i], d, typed[i], score, frozenset(t for t in qterms if t in term_sets[i]), quote,
                               leads[i], says_kind[i], predicate[i]))
    ranked.sort(key=lambda e: (-e.score, e.rank))
    return ranked
