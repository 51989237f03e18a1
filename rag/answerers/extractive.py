"""The default answerer: compose a short answer from source sentences, no model needed.

It ranks every sentence of the retrieved passages as evidence (evidence.py),
answers with the best one, adds a second sentence when that one covers part
of the question the first does not, and refuses when even the best sentence
is weak evidence (``min_evidence``, calibrated on the eval set; see
eval/thresholds.toml and README). When a sentence from another source states a
different number or date for the same fact with comparable evidence, the
answer says the sources disagree and cites both sides.

Trade-off: answers are verbatim sentences, so they are always faithful and
cited, but can be wordier than a generated answer and cannot combine facts
into one new sentence.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from ..conversation import THAT_THING, resolve_references, standalone_question
from ..evidence import (Evidence, possessors, asks_definition, asks_future, asks_outcome, asks_negated, asks_overview, asks_procedure, asks_why, asked_condition, asks_yes_no, code_names, coverage, has_type, item_asked, joined_names, listed_kind, lists_items_of, meets_condition, named_values,
                        paragraphs, query_terms, rank_evidence, says_future, says_negated, sentence_terms, stemmed_words, written_form)
from ..text import fold, split_sentences
from ..facts import ASKS_DEFAULT, asks_for_items, core_question, dates, dates_conflict, numbers, numbers_conflict, question_type, split_compound
from ..settings import ScoringSettings, Settings
from ..types import Answer, Passage
from .base import AnswerContext, refusal, to_citation


_MARKER = re.compile(r"\s*\[\d+\]")


def demote_repeats(ranked: list[Evidence], history: list[dict[str, str]], index, scoring: ScoringSettings) -> list[Evidence]:
    """A follow-up asks for something the previous answer did not say ("What does that function return?" after
    "... use the run() function ..."): a sentence most of whose terms that answer already has (``scoring.repeat_share``)
    keeps ``scoring.repeat_penalty`` of its score, unless it holds the kind of value the follow-up asks for."""
    said = next((m["content"] for m in reversed(history) if m["role"] == "assistant"), "")
    if not said.strip() or scoring.repeat_penalty >= 1:
        return ranked
    said_terms = sentence_terms(_MARKER.sub("", said), index)

    def repeats(e: Evidence) -> bool:
        terms = sentence_terms(e.quote or e.sentence, index)
        return bool(terms) and len(terms & said_terms) >= scoring.repeat_share * len(terms)
    # a repeated sentence holding the kind of value now asked ("Where were they taken?": "... taken to Vilnius") may
    # well be the answer: only the others are demoted
    out = [replace(e, score=e.score * scoring.repeat_penalty) if not e.typed and repeats(e) else e for e in ranked]
    out.sort(key=lambda e: (-e.score, e.rank))
    return out


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def rewrite(self, question: str, history: list[dict[str, str]]) -> str:
        return standalone_question(question, history)

    def stream(self, ctx: AnswerContext) -> Iterator[str | Answer]:
        answer = self.answer(ctx)
        yield answer.text
        yield answer

    def answer(self, ctx: AnswerContext) -> Answer:
        # a follow-up's own words weigh most, with what its "he"/"that function" stands for
        focus = resolve_references(ctx.original_question, ctx.history) \
            if ctx.original_question and ctx.original_question != ctx.question else ""
        ranked = rank_evidence(ctx.question, ctx.passages, ctx.query_vector, ctx.index, ctx.embedder, focus=focus, scoring=self.settings.scoring,
                               words=ctx.words)
        if focus:
            ranked = demote_repeats(ranked, ctx.history, ctx.index, self.settings.scoring)
        return replace(self._answer(ctx, focus, ranked), confidence=round(ranked[0].score, 4) if ranked else 0.0)

    def _answer(self, ctx: AnswerContext, focus: str, ranked: list[Evidence]) -> Answer:
        if not ranked or ranked[0].score < self.settings.scoring.min_evidence and not clear_lead(ranked, self.settings.scoring):
            return refusal(ctx, self.name)
        parts = [] if focus else split_compound(ctx.question)
        if parts:
            chosen = self._answer_parts(ctx, parts)
            if chosen:
                return self._compose(ctx, chosen, conflict=False)
        best = ranked[0]
        qtype = question_type(ctx.original_question or ctx.question)
        scoring = self.settings.scoring
        asked = ctx.original_question or ctx.question
        if asks_negated(asked) and not asks_why(asked) and not asks_yes_no(asked) and not says_negated(best.sentence):
            # "... records of conflicts that were never resolved, by default?": the item said not to ("gc.rerereUnresolved:
            # Records ... you have not resolved ..."), over its twin ("... you resolved earlier ..."), if close enough in
            # score, before its value is looked for (as the checks below prefer it for any question)
            floor = max(scoring.min_evidence, scoring.typed_ratio * best.score)
            negated = next((e for e in ranked if says_negated(e.sentence) and e.score >= floor and (e.typed or not best.typed)), None)
            if negated is not None:
                best = negated
                ranked = [best] + [e for e in ranked if e is not best]

        # code names joined by "-" or "_" the corpus writes: named only as written ("--update-refs" is not named by
        # "fetching to update refs/tags/*", whose words the topic's pages all use)
        joined = set(joined_names(asked, ctx.index))

        def names_it(e: Evidence, named: set[str], written: set[str] = frozenset()) -> bool:
            """Does the sentence or its passage name these code names (terms), and these joined ones as written?"""
            text = f"{e.passage.heading}\n{e.passage.text}"
            return named <= e.covered | sentence_terms(text, ctx.index) and all(name in written_form(text) for name in written)
        # "How long was Maria Kalesnikava's prison sentence?": a value said of another person in the passage ("...
        # Tsikhanouski was freed after serving five years of a nearly 20-year sentence") is not hers
        owners = possessors(asked, ctx.index, scoring) if qtype in scoring.required_types else set()

        def owned(e: Evidence) -> bool:
            return owners <= sentence_terms(e.sentence, ctx.index)
        if qtype in scoring.required_types and best.typed:
            # "Since which version does SQLite provide iif()?": a version stated about TRUE and FALSE is no answer
            named = code_names(ctx.original_question or ctx.question, ctx.index, scoring)
            if ((named or joined) and not names_it(best, named, joined)) or not owned(best):
                floor = max(scoring.min_evidence, scoring.typed_ratio * best.score)
                best = next((e for e in ranked if e.typed and e.score >= floor and names_it(e, named, joined) and owned(e)), None)
                if best is None:
                    return refusal(ctx, self.name)
                ranked = [best] + [e for e in ranked if e is not best]
        if qtype in scoring.required_types and not best.typed:
            # "timeout – How many seconds the connection should wait ... Default five seconds.": the value is in the
            # sentences right after the best one, in its paragraph
            asks_default = bool(ASKS_DEFAULT.search(fold(ctx.original_question or ctx.question)))
            # a default closes the item it belongs to, however long ("historySize {number} Maximum number of history lines
            # retained. To disable ... This option makes sense only ... Default: 30."): any later sentence of the paragraph
            following = [e for e in ranked if e.typed and _follows(best, e, within=99 if asks_default else 2, across_chunks=True)]
            named = code_names(ctx.original_question or ctx.question, ctx.index, scoring)
            if not following and asks_default and named and not names_it(best, named):
                # "What does its keepOpen option do, and what's the default?": the item the question names may rank
                # second to a sentence of its context; its default closes it ("keepOpen {boolean} ... Default: false.")
                floor = max(scoring.min_evidence, scoring.typed_ratio * best.score)
                for lead in ranked[1:4]:
                    if lead.score >= floor and not lead.typed and names_it(lead, named) \
                            and (following := [e for e in ranked if e.typed and _follows(lead, e, within=99, across_chunks=True)]):
                        best = lead
                        break
            if asks_default:
                # "From how many FROM items ... by default?": "The default is 12.", not "(... counts as only one FROM item.)"
                following.sort(key=lambda e: not re.search(r"\bdefault", e.quote or e.sentence, re.I))
            after = following[0] if following else None
            if after is not None:
                return self._compose(ctx, [best, after], conflict=False)
            # "In what year ...?" answered by a sentence without a year is an answer to another question.
            floor = max(scoring.min_evidence, scoring.typed_ratio * best.score)
            # ... and a value about another thing is no answer: a code name the question states and the best
            # sentence matched ("the iif() function ..."), the typed one's passage must name too
            named &= best.covered
            written = {name for name in joined if name in written_form(best.sentence)}
            # ... nor a value in a sentence sharing few of the question's words ("By what percentage did PostgreSQL 15
            # speed up in-memory sorting?": not the 40 % of RAM a shared_buffers sentence advises)
            lexical_floor = scoring.typed_lexical_ratio * best.lexical
            # (a value in the item the question names by its code name is about it, in few words: "-M[<num>]: The default
            # value is 20." for "... the -M option ... What's its default threshold?")
            best = next((e for e in ranked if e.typed and e.score >= floor and names_it(e, named, written) and owned(e)
                         and (e.lexical >= lexical_floor or item_asked(e.sentence[:max(0, e.sentence.find(e.quote))], ctx.question))), None)
            if best is None and qtype == "date" and not dates(ctx.original_question or ctx.question):
                # "What date does the page give ...?" when the pages give a month and year only ("as of March 2018"):
                # that date, rather than none (the day is asked for, but not stated); not when the question states the
                # month ("On which day in February 2020 ...?": "since February 2020, when ..." says nothing new)
                best = next((e for e in ranked if e.score >= floor and names_it(e, named) and e.lexical >= lexical_floor
                             and has_type(e.sentence, "date", "When?")), None)
            if best is None:
                return refusal(ctx, self.name)
            ranked = [best] + [e for e in ranked if e is not best]
        question = ctx.original_question or ctx.question
        # What the question asks must be said, by the best sentence or one close enough in score; else no answer:
        # "Does git clean move the files to a trash folder?" by a sentence speaking of a trash folder, not "git-clean -
        # Remove untracked files"; "Which algorithm does isqrt() use?" by one naming an algorithm (or a close word);
        # "Why is the default 2?" by one giving a cause, not "The default is 2."
        checks = [(lambda e: e.predicate >= scoring.min_predicate, True), (lambda e: e.says_kind, True)]
        compared = code_names(question, ctx.index, scoring) if _COMPARES.search(question) else set()
        if _COMPARATIVE.search(question) and not asks_procedure(question):  # ("How can I compare two objects?" asks how to)
            # "Which method, lz4 or zstd, gives the better ratio?": a sentence comparing, not one listing both ("How do
            # they differ?" is not held to it: "Tuples are immutable; lists are mutable." says how)
            checks.append((lambda e: bool(_COMPARING.search(e.sentence)), True))
        if len(compared) >= 2:
            # "How does the speed of json.loads() compare with pickle.loads()?": a sentence naming both compares them
            checks.append((lambda e: compared <= e.covered | sentence_terms(e.sentence, ctx.index), True))
        gives_cause = None  # the cause check, when the question asks why (its sentence may follow a lead-in, below)
        if qtype == "other" and scoring.cause_required and asks_why(question):
            # ... a cause of the asked thing: "Why can the number of attached databases not exceed 125?" is not answered
            # by "... limit the size of a file to prevent it from growing too large": the code names the corpus uses
            # and the values (two digits or more) the question states must be said by the sentence or its heading
            stated = {t for t in code_names(question, ctx.index, scoring) if t in ctx.index.vocab} \
                | set(re.findall(r"(?<![\w.])\d{2,}(?![\w.]\d)", question))
            # ... or the sentences before it in its paragraph ("SQLite does not support joins containing more than 64 tables.
            # This limit arises from ...")
            def gives_cause(e: Evidence) -> bool:
                return e.typed and stated <= e.covered | sentence_terms(f"{e.passage.heading} {_lead_up(e, ctx.passages)}", ctx.index)
            checks.append((gives_cause, True))
        elif qtype == "other" and (asks_definition(question) or asks_outcome(question)):
            # "What is WAL mode?": preferred, not required: a sentence saying what it is ("In WAL mode, changes go into a
            # separate "write-ahead log" ...") over one that mentions it; "What happens if I put two statements into one
            # execute() call?": one saying what comes of it ("... it will raise a ProgrammingError.")
            checks.append((lambda e: e.typed, False))
        if qtype in {"version", "date"} and asks_future(question):
            # "In which future release is UPSERT expected to work on virtual tables?": a version or date the sentence gives
            # for a time to come ("... will be removed in version 4"), not the one UPSERT came in
            checks.append((lambda e: says_future(e.sentence), True))
        condition = asked_condition(question) if scoring.condition_preferred else set()
        if condition:
            # "What does path.relative() give back if the paths end up pointing at the same location?": a sentence
            # stating the same condition ("If from and to each resolve to the same path ..., a zero-length string is
            # returned."), over the rule for any paths, if close enough in score; preferred
            # (not when the best sentence says all the condition's words: "pop: Applying the state can fail with conflicts;
            # in this case, it is not removed ..." for "What happens to the entry if that fails with conflicts?"; nor for
            # a condition that shares only words the best sentence says: "If this value is specified, ..." for "...
            # when no interval is specified?" over "Wait the specified number of seconds (default 2) ...")
            checks.append((lambda e: condition <= stemmed_words(e.sentence)
                           or meets_condition(e.quote or e.sentence, condition, beyond=stemmed_words(best.sentence)), False))
        if asks_negated(question) and not asks_why(question) and not asks_yes_no(question):
            # "Which operator class doesn't support the key-exists operators?": one said not to ("jsonb_path_ops does not
            # support ..."), over one said to ("The default class supports ..."), if close enough in score; preferred
            checks.append((lambda e: says_negated(e.sentence), False))
        for needed, required in checks:
            if needed(best):
                continue
            floor = max(scoring.min_evidence, scoring.typed_ratio * best.score)
            # ... and, if required, still holding the asked value: "How many times slower is numeric than integer arithmetic?" is not
            # answered by "numeric is very slow compared to the integer types" (a comparing sentence, but no ratio)
            found = next((e for e in ranked if needed(e) and e.score >= floor and (e.typed or not best.typed or not required)), None)
            if found is None and needed is gives_cause:
                # "Why do R formulae use ':' where Wilkinson-Rogers notation uses '.'?": the sentence matching the
                # question leads in ("The formula operators are similar in effect to the Wilkinson and Rogers notation
                # ..."), the next one gives the cause in its own words ("... '.' becomes ':' since the period is a valid
                # name character in R.")
                after = next((e for e in ranked if needed(e) and _follows(best, e, within=1)), None)
                if after is not None:
                    return self._compose(ctx, [best, after], conflict=False)
            if found is None:
                if required:
                    return refusal(ctx, self.name)
                continue
            best = found
            ranked = [best] + [e for e in ranked if e is not best]
        other = find_conflict(best, ranked[1:], qtype, scoring, ctx.original_question or ctx.question, ctx.index)
        if other is not None:
            return self._compose(ctx, [best, other], conflict=True)
        if wants_composed_answer(ctx.original_question or ctx.question):
            kind = listed_kind(question, ctx.index) if asks_for_items(question) else set()

            def lists_kind(e: Evidence) -> bool:
                return lists_items_of(e.quote or e.sentence, sentence_terms(e.sentence, ctx.index), e.passage.heading, kind, ctx.index)
            if kind and not lists_kind(best):
                # "Which phenomena does the standard use ...?": the sentence listing them leads, if close enough in score
                floor = max(scoring.min_evidence, scoring.typed_ratio * best.score)
                listing = next((e for e in ranked if e.score >= floor and lists_kind(e)), None)
                if listing is not None:
                    ranked = [listing] + [e for e in ranked if e is not listing]
                elif (after := next((e for e in ranked if _follows(best, e, within=1) and lists_kind(e)), None)) is not None:
                    # "... then tries to select a suitable class for each variable." leads in to the next sentence,
                    # which lists them ("It tries in turn logical, integer, numeric and complex, ...")
                    return self._compose(ctx, [best, after], conflict=False)
            return self._compose(ctx, compose(ranked, self.settings.scoring), conflict=False)
        chosen = [best]
        extra = complement(ctx, best, ranked[1:], self.settings.scoring) or close_second(best, ranked[1:], self.settings.scoring)
        if extra is not None:
            chosen.append(extra)
        return self._compose(ctx, chosen, conflict=False)

    def _answer_parts(self, ctx: AnswerContext, parts: list[str]) -> list[Evidence]:
        """Best sentence for each part of "How many in June, and how many in December?".

        Each part is ranked with the whole question as context and the part as
        focus (its terms and answer type count), so the June part and the
        December part each get their own sentence. Empty when a part has no
        good enough evidence: then the question is answered as a whole.
        """
        chosen: list[Evidence] = []
        for part in parts:
            focus, passages, question, vector = part, ctx.passages, ctx.question, ctx.query_vector
            if chosen and THAT_THING.search(part):
                # "... subclass of which exception, and when is *that exception* raised?": the parts before, with the
                # sentences that answered them, are the conversation this part leans on, as a follow-up's turns are
                # ("those freed in December" is a group the question itself names: left as it is)
                turns = [{"role": role, "content": text} for asked, e in zip(parts, chosen)
                         for role, text in (("user", asked), ("assistant", e.sentence))]
                resolved = resolve_references(part, turns)
                if resolved != part:  # the part, made whole, is the question its sentence answers ...
                    focus, question, vector = resolved, resolved, ctx.embedder.encode_cached([resolved])[0]
                    if ctx.search is not None:  # ... and what it names may be in passages not yet retrieved
                        seen = {p.id for p in passages}
                        passages = passages + [p for p in ctx.search(resolved) if p.id not in seen]
            ranked = rank_evidence(question, passages, vector, ctx.index, ctx.embedder, focus=focus, scoring=self.settings.scoring,
                                   words=ctx.words)
            # a part asking a kind of value ("..., and by what factor?") is answered by a sentence holding one
            typed = question_type(part) in self.settings.scoring.required_types
            pick = next((e for e in ranked if e.sentence not in {c.sentence for c in chosen} and (e.typed or not typed)), None)
            if pick is not None and not pick.typed and asks_outcome(part):
                # "..., what happens, and what should I use instead?": what comes of it (an error raised), if close enough
                floor = max(self.settings.scoring.min_evidence, self.settings.scoring.typed_ratio * pick.score)
                pick = next((e for e in ranked if e.typed and e.score >= floor and e.sentence not in {c.sentence for c in chosen}), pick)
            if pick is None or pick.score < self.settings.scoring.min_evidence:
                return []
            chosen.append(pick)
        return chosen

    def _compose(self, ctx: AnswerContext, chosen: list[Evidence], conflict: bool) -> Answer:
        markers: dict[str, int] = {}
        order: list[Passage] = []
        highlights: dict[str, list[str]] = {}
        for e in chosen:
            if e.passage.id not in markers:
                markers[e.passage.id] = len(order) + 1
                order.append(e.passage)
            highlights.setdefault(e.passage.id, []).append(e.quote or e.sentence)
        if conflict:
            a, b = chosen
            text = (f"The sources disagree: according to {_label(a.passage)}, {_cite(_lower_first(a.sentence), markers[a.passage.id])} "
                    f"According to {_label(b.passage)}, {_cite(_lower_first(b.sentence), markers[b.passage.id])}")
        else:  # windows may overlap ("This method ... Thus this method ..." and "Thus this method ..."): each sentence once
            emitted: set[str] = set()
            pieces = []
            for e in chosen:
                fresh = [s for s in split_sentences(e.sentence) or [e.sentence] if s.strip() not in emitted]
                emitted.update(s.strip() for s in fresh)
                if fresh:
                    pieces.append(_cite(" ".join(fresh), markers[e.passage.id]))
            text = " ".join(pieces)
        citations = [to_citation(p, markers[p.id], tuple(highlights[p.id])) for p in order]
        return Answer(text=text, citations=citations, answered=True, question=ctx.original_question or ctx.question,
                      conflict=conflict, answerer=self.name, standalone_question=ctx.question,
                      passages=[to_citation(p, markers.get(p.id, 0)) for p in ctx.passages])


_COMPARATIVE_WORDS = r"compare[sd]?|comparison|vs\.?|versus|faster|slower|better|worse"
_COMPARES = re.compile(r"\b(?:" + _COMPARATIVE_WORDS + r"|differ(?:s|ent|ence|ences)?)\b", re.I)  # ... or asks how they differ
_COMPARATIVE = re.compile(r"\b(?:" + _COMPARATIVE_WORDS + r")\b", re.I)
# ("more" / "less" compare with a "than": "See X for more information" does not)
_COMPARING = re.compile(r"\b(?:than|better|worse|faster|slower|(?:more|less|fewer)(?=(?:\s+[\w-]+){0,3}\s+than\b)|higher|lower|larger|smaller|greater|superior|inferior"
                        r"|outperforms?|compared|comparison|whereas|unlike|same as|as (?:\w+ )?as)\b", re.I)


def clear_lead(ranked: list[Evidence], scoring: ScoringSettings) -> bool:
    """Does the best sentence stand far above every other one ("os.uptime(): Returns the system uptime in number of
    seconds." for "How can I find out how many seconds the computer has been running?"), so a score a little under the
    threshold still answers? Its own longer or shorter windows are not other sentences."""
    if not scoring.clear_lead or not ranked or ranked[0].score < scoring.min_evidence * scoring.clear_lead_floor:
        return False
    best = ranked[0].sentence
    other = next((e for e in ranked[1:] if e.sentence not in best and best not in e.sentence), None)
    return other is None or ranked[0].score >= scoring.clear_lead * other.score


def _follows(first: Evidence, then: Evidence, within: int = 2, across_chunks: bool = False) -> bool:
    """Is ``then`` one of the next ``within`` sentences after ``first``, in the same paragraph of the same passage
    (or, ``across_chunks``, of the paragraph the chunk's end cut, as the next chunk goes on with it: "--min-vsize=N
    ... For expert use only: set the initial trigger sizes ... §" / "The defaults are 6Mb and 350k ...")?
    Or the next paragraph's first sentence, when ``first`` ends its paragraph as an entry's title does ("Update the
    display width information of Unicode characters (Jacob Champion) §" / "Also update from Unicode 5.0 to 14.0.0.")
    or the next one goes on from it ("Also ...", "This ...", "In addition, ...")?"""
    mine, theirs = first.quote or first.sentence, then.quote or then.sentence
    blocks = [split_sentences(paragraph) for paragraph in paragraphs(first.passage.text)]
    if then.passage.id != first.passage.id:
        # chunks overlap: the sentences may be ones ``first``'s own passage has after it (ranking kept the copy of the
        # next chunk: "gc.rerereResolved: ... The default is 60 days.")
        said = split_sentences(theirs)
        for sentences in blocks:
            quoted = [i for i, s in enumerate(sentences) if len(s) > 10 and s in mine]
            if quoted and said:
                a = max(quoted)
                at = next((b for b in range(a + 1, len(sentences) - len(said) + 1) if sentences[b:b + len(said)] == said), None)
                if at is not None:
                    return at + len(said) - 1 - a <= within
        if not across_chunks or not blocks:
            return False
        rest = _paragraph_goes_on(first.passage, then.passage)
        last = blocks[-1]
        quoted = [i for i, s in enumerate(last) if len(s) > 10 and s in mine]
        b = next((i for i, s in enumerate(rest) if s in theirs), None)
        return bool(quoted) and b is not None and (len(last) - 1 - max(quoted)) + b + 1 <= within
    for n, sentences in enumerate(blocks):
        quoted = [i for i, s in enumerate(sentences) if len(s) > 10 and s in mine]
        if not quoted:
            continue
        a = max(quoted)  # the last sentence of a quoted window
        b = next((i for i, s in enumerate(sentences) if i > a and s in theirs), None)
        if b is not None:
            return b - a <= within
        following = blocks[n + 1] if n + 1 < len(blocks) else []
        return a == len(sentences) - 1 and bool(following) and following[0] in theirs \
            and (not re.search(r"[.!?:]\W*$", sentences[a]) or bool(_GOES_ON.match(following[0])))
    return False


def _paragraph_goes_on(passage: Passage, then: Passage) -> list[str]:
    """The sentences with which ``then``, the chunk after ``passage`` in its document, goes on with the paragraph
    ``passage`` ends on (its first paragraph opens with the sentences the chunks share); [] if it is no such chunk."""
    mine, theirs = passage.metadata or {}, then.metadata or {}
    if passage.source != then.source or int(theirs.get("chunk_index", -2)) != int(mine.get("chunk_index", -3)) + 1:
        return []
    seen = set(split_sentences(passage.text))
    opening = split_sentences(paragraphs(then.text)[0])
    if not opening or opening[0] not in seen:
        return []
    return [s for s in opening if s not in seen]


def _lead_up(e: Evidence, passages: list[Passage]) -> str:
    """The evidence's sentence with the sentences before it in its paragraph, as its passage or another retrieved
    passage of the same document has them (chunks overlap: a paragraph cut at a chunk's start is whole in the one
    before); the sentence alone if not found."""
    quote = e.quote or e.sentence
    lead = ""
    for passage in [e.passage, *(p for p in passages if p.source == e.passage.source and p.id != e.passage.id)]:
        for paragraph in paragraphs(passage.text):
            sentences = split_sentences(paragraph)
            at = next((i for i, s in enumerate(sentences) if len(s) > 10 and s in quote), None)
            if at is not None and len(" ".join(sentences[:at])) > len(lead):
                lead = " ".join(sentences[:at])
    return f"{lead} {e.sentence}" if lead else e.sentence


# a sentence going on from the one before: "Also, ...", "This means ...", "In addition, ..."
_GOES_ON = re.compile(r"(?:also|this|these|that|it|in addition|additionally|likewise|similarly|in particular|specifically)\b", re.I)


def _cite(text: str, marker: int) -> str:
    """Put the marker before each sentence's final stop: 'He left [1]. She stayed [1].' A code session
    (">>> class Weekday(Enum): ... MONDAY = 1") is not prose: one marker after it, its dots left alone."""
    if re.search(r">>> |^\$ |\s\.\.\.\s", text):
        return f"{text.rstrip()} [{marker}]"
    out = []
    for s in split_sentences(text) or [text]:
        s = s.strip()
        out.append(f"{s[:-1]} [{marker}]{s[-1]}" if s and s[-1] in ".!?" else f"{s} [{marker}]")
    return " ".join(out)


def _lower_first(sentence: str) -> str:
    """'In April, ...' -> 'in April, ...' (keeps names and acronyms capitalised)."""
    first = sentence.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower() and first.lower() in {"in", "on", "the", "a", "an", "at", "by", "after", "following", "during"}:
        return sentence[0].lower() + sentence[1:]
    return sentence


def _label(passage: Passage) -> str:
    return passage.publisher or passage.title or passage.source


_COMPOSED = re.compile(
    r"^\s*(?:why|explain|describe|summari[sz]e|compare|list|outline|give an overview|tell me about)\b"
    r"|^\s*how\b(?!\s+(?:many|much|long|old|often|far|big|large|fast)\b)"
    r"|^\s*what\s+(?:are|were)\s+(?:the\s+)?(?:\w+\s+){0,3}(?:differences?|advantages?|benefits?|reasons?|steps?|ways?|options?|kinds?|types?|rules?|limitations?)\b"
    r"|^\s*what\s+(?:is|was)\s+the\s+(?:difference|purpose|point|reason|role)\b"
    r"|^\s*(?:which|what)\s+\w+(?:\s+\w+)?\s+(?:are|were)\b"
    r"|\b(?:summary|overview)\b",
    re.I,
)


def wants_composed_answer(question: str) -> bool:
    """Explanation, summary, list and comparison questions get several cited sentences, not one; so do overview
    questions ("What is the bisect module used for?", "What does VACUUM do?": the page's opening and its best) and
    questions for several things of a kind ("What output formats can pg_dump produce?", facts.asks_for_items)."""
    return bool(_COMPOSED.search(core_question(question))) or asks_overview(question) or asks_for_items(question)


def compose(ranked: list[Evidence], scoring: ScoringSettings) -> list[Evidence]:
    """Up to ``scoring.compose_max`` strong, non-repeating sentences, in the order the documents give them.

    A sentence joins when its evidence is at least ``compose_ratio`` of the
    best and above the refusal threshold; near-duplicates (most words shared
    with a chosen sentence) are skipped. Ordered by passage rank, then position
    in the passage, so an explanation reads in the document's order."""
    best = ranked[0]
    chosen: list[Evidence] = [best]
    seen = [set(best.quote.lower().split() or best.sentence.lower().split())]
    # the page's opening sentence, weighed up for an overview, joins without raising the bar for the others
    bar = next((e.score for e in ranked if not e.lead), best.score)
    for e in ranked[1:]:
        if len(chosen) >= scoring.compose_max:
            break
        if e.score < max(scoring.min_evidence, scoring.compose_ratio * bar):
            break
        words = set((e.quote or e.sentence).lower().split())
        near = [k for k, other in enumerate(seen) if len(words & other) > 0.7 * min(len(words), len(other))]
        if near:
            # a window holding a chosen sentence and going on ("R has a special environment called .AutoloadEnv. Using
            # autoload(name, pkg) ... stores some information in this environment.") takes its place: it says more
            k = near[0]
            if len(near) == 1 and (chosen[k].quote or chosen[k].sentence) in (e.quote or e.sentence) and len(words) > len(seen[k]):
                chosen[k], seen[k] = e, words
            continue
        chosen.append(e)
        seen.append(words)
    return sorted(chosen, key=lambda e: (e.rank, e.passage.text.find(e.quote or e.sentence)))


_ANOTHER_QUESTION_WORD = re.compile(r"\band\b.*\b(?:which|what|who|when|where|how)\b", re.I)


def asks_several(question: str) -> bool:
    """Does the question ask for more than one thing ("... and where ...")? Looser than ``split_compound``."""
    return bool(_ANOTHER_QUESTION_WORD.search(question))


def find_conflict(best: Evidence, others: list[Evidence], qtype: str, scoring: ScoringSettings,
                  question: str = "", index=None) -> Evidence | None:
    """Another source stating a different value for the asked fact, with comparable evidence.

    Numbers and dates are compared as values. A person, place or organisation is compared by the names the two
    sentences give (spellings unified, as in retrieval): it conflicts when they share none, and, since two
    names are more often two parts of a story than a disagreement, only when the other sentence matches
    exactly the question terms the best one does."""
    if qtype in {"person", "place", "organisation"} and index is not None:
        if _ABOUT_A_NAME.match(question):  # "Who is Ales Bialiatski?" asks who someone is, not for a value to disagree on
            return None
        return _name_conflict(best, others, qtype, scoring, question, index)
    if qtype not in {"number", "date"}:
        return None
    extract = numbers if qtype == "number" else dates
    conflicts = numbers_conflict if qtype == "number" else dates_conflict
    mine = extract(best.sentence)
    if not mine:
        return None
    named = {t for t in best.covered if t.startswith("~")}
    for e in others:
        if e.passage.source == best.passage.source:
            continue
        # a sentence naming a person or thing the best one matched (spelled another way, perhaps without the
        # first name the question used) needs less of the best one's score
        ratio = scoring.conflict_named_ratio if named & e.covered else scoring.conflict_score_ratio
        if e.score < ratio * best.score or e.lexical < scoring.conflict_lexical_ratio * best.lexical:
            continue
        if not e.covered <= best.covered:
            continue  # it answers another part of the question ("... in June, and ... in December?")
        theirs = extract(e.sentence)
        if theirs and conflicts(mine, theirs):
            return e
    return None


_ABOUT_A_NAME = re.compile(r"\s*(?i:who|what)\s+(?i:is|was|are|were)\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*\s*\??\s*$")


def _name_conflict(best: Evidence, others: list[Evidence], qtype: str, scoring: ScoringSettings, question: str, index) -> Evidence | None:
    def names(e: Evidence) -> set[str]:
        found = named_values(e.quote or e.sentence, qtype, question, index.variants.is_name)
        return {t for w in found for t in query_terms(w, index)}

    mine = names(best)
    if not mine:
        return None
    for e in others:
        if e.passage.source == best.passage.source or e.covered != best.covered:
            continue
        if best.typed and not e.typed:  # the other side names no person (a place, an organisation) as the asked one is named
            continue
        if e.score < scoring.conflict_score_ratio * best.score or e.lexical < scoring.conflict_lexical_ratio * best.lexical:
            continue
        theirs = names(e)
        if theirs and not (mine & theirs):
            return e
    return None


def close_second(best: Evidence, others: list[Evidence], scoring: ScoringSettings) -> Evidence | None:
    """A sentence of the same document scored almost as well as the best (``scoring.close_second`` of its score): the
    evidence cannot tell the two apart, so the answer quotes both, cited, rather than whichever a reworded question
    happens to favour. Not a near-repeat of the best, and holding the asked kind of value when the best one does. Not
    from another document: adding a file to the folder must not change the answers about the others by adding a
    line of it (a keyword-stuffed title scores well on words alone); two documents that disagree are find_conflict's."""
    if scoring.close_second <= 0:
        return None
    said = set((best.quote or best.sentence).lower().split())
    return next((e for e in others[:2] if e.score >= scoring.close_second * best.score and (e.typed or not best.typed)
                 and e.passage.source == best.passage.source
                 and len(set((e.quote or e.sentence).lower().split()) & said) < 0.7 * len(said)), None)


def complement(ctx: AnswerContext, best: Evidence, others: list[Evidence], scoring: ScoringSettings) -> Evidence | None:
    """A second sentence that covers question terms the best one misses (or lists more items)."""
    qterms = query_terms(ctx.question, ctx.index)
    best_terms = sentence_terms(best.sentence, ctx.index)
    if coverage(qterms, best_terms, ctx.index) >= 0.99:
        return None
    missing = [t for t in qterms if t not in best_terms]
    multi_part = asks_several(ctx.question)
    floor = scoring.complement_floor_multi if multi_part else scoring.complement_floor
    for e in others[:8]:
        if e.score < floor * best.score:
            break
        gain = coverage(missing, sentence_terms(e.sentence, ctx.index), ctx.index)
        if gain >= scoring.complement_gain:
            return e
    return None
