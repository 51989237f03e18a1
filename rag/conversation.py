"""Conversation turns: normalising chat history and rewriting follow-ups into standalone questions.

Faces hand history over in whatever shape their toolkit uses (Gradio messages,
(user, assistant) pairs); ``normalise_history`` turns it into role/content
messages. ``standalone_question`` is the model-free rewrite the extractive
answerer uses; generative answerers ask their LLM and fall back to it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .facts import THING_NOUNS, WHICH_THING, main_clause
from .text import TERM_TOKEN, content_words, stem

if TYPE_CHECKING:
    from .lexical import LexicalIndex

FOLLOW_UP_WORDS = re.compile(r"\b(they|them|their|theirs|he|him|his|she|her|hers|it|its|that|those|these|this|there|then|the same|else|also|too)\b", re.I)


def normalise_history(history: list | None) -> list[dict[str, str]]:
    """Accept Gradio messages ({role, content}) or (user, assistant) pairs."""
    out: list[dict[str, str]] = []
    for item in history or []:
        if isinstance(item, dict):
            content = item.get("content")
            if isinstance(content, list):  # gradio multimodal content parts
                content = " ".join(str(c.get("text", "")) if isinstance(c, dict) else str(c) for c in content)
            if item.get("role") in {"user", "assistant"} and isinstance(content, str):
                out.append({"role": item["role"], "content": content})
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            if item[0]:
                out.append({"role": "user", "content": str(item[0])})
            if item[1]:
                out.append({"role": "assistant", "content": str(item[1])})
    return out


#: "which one", "give one", "the other one": *one* standing for a thing an earlier turn named
ONE = re.compile(r"\b(?:which|that|this|the other|another|give|pass|specify|use|choose|pick|get|want|need)\s+one\b(?!\s+of\b)", re.I)


def is_follow_up(question: str) -> bool:
    """Does a question lean on an earlier turn (a pronoun, "which one", "there", "and ...", or hardly any content words)?"""
    return bool(FOLLOW_UP_WORDS.search(question)) or bool(ONE.search(question)) or len(content_words(question)) <= 2 \
        or question.lower().startswith(("and ", "what about", "how about"))


def names_something(question: str) -> bool:
    """Does the question name a thing of its own: a code name ("\\gset", "json.dumps") or a proper name not opening it?"""
    tokens = question.split()
    return any(TERM_TOKEN.search(t.strip(".,:;?!\"'")) for t in tokens) or any(t[:1].isupper() and not re.match(r"I(?:['’]\w+)?$", t) for t in tokens[1:])


def standalone_question(question: str, history: list[dict[str, str]]) -> str:
    """Rewrite a follow-up into a standalone question without a model.

    A question that leans on an earlier turn gets the questions it leans on
    prepended, so retrieval sees the topic: the previous user question and, when
    that one was itself a follow-up, the question that opened the chain ("What does
    json.dumps do?" -> "Which parameter of it ...?" -> "And which function does the
    opposite?"). Generative backends rewrite with the LLM instead.
    """
    previous = [m["content"].strip() for m in history if m["role"] == "user" and m["content"].strip()]
    if not previous or not is_follow_up(question):
        return question
    start = len(previous) - 1
    while start > 0 and (is_follow_up(previous[start]) or not names_something(previous[start])):
        # "What does \gset do?" -> "What happens if the query returns two rows?" -> "And if *its* column is NULL?": a
        # question naming nothing ("the query") went on with the topic of the one before it
        start -= 1
    resolved = resolve_references(question, history)
    if resolved != question and SINGULAR.search(question):
        # "How long did his talk last?" after "Who visited Minsk?" -> "Keith Kellogg": the person now named is the topic;
        # the earlier question's words would pull retrieval back to the visit
        return resolved
    context = list(dict.fromkeys([previous[start], previous[-1]]))
    return " ".join(c for c in [*context, resolved] if c)


def resolve_references(question: str, history: list[dict[str, str]]) -> str:
    """The latest question with what its "he", "it" or "that function" stands for.

    "Who visited Minsk?" -> "Keith Kellogg ..." -> "How long did *his* talk last?": he is the answer's person.
    "What is WAL mode?" -> "How do I turn *it* on?": it is what the previous question asked about.
    "What is the recommended way to run a command?" -> "... use subprocess.run() ..." -> "What does *that function*
    return?": the thing is the one the answer named (its code names first, else its proper names)."""
    question = question.strip()
    previous = [m["content"].strip() for m in history if m["role"] == "user" and m["content"].strip()]
    answers = [m["content"] for m in history if m["role"] == "assistant"]
    if not previous or not answers or not is_follow_up(question):
        return question
    ordinal = ORDINAL.search(question)
    if ordinal:  # "BEGIN can start a DEFERRED, IMMEDIATE or EXCLUSIVE transaction." -> "And how is *the last one* different?"
        items = next((found for turn in [*reversed(answers), *reversed(previous)] if (found := enumerated(turn))), [])
        position = {"first": 0, "second": 1, "third": 2, "last": -1, "final": -1}[ordinal.group(1).lower()]
        if items and (position < len(items)):
            return f"{question[:ordinal.start()]}{items[position]}{question[ordinal.end():]}"
    named: list[str] = []
    # "Who was freed?" -> "How long had *he* been jailed?" -> "What did *he* ask for?": he is still the person the last
    # "who" question's answer named, however many follow-ups about him came between
    asked_who = len(previous) - 1
    while asked_who > 0 and not ASKS_WHO.match(previous[asked_who]) and PERSONAL.search(previous[asked_who]):
        asked_who -= 1
    if PERSONAL.search(question) and asked_who < len(answers) and ASKS_WHO.match(previous[asked_who]) \
            and not ASKS_ABOUT_NAME.match(previous[asked_who]):
        # a person's name, without the titles English puts before it ("Special Envoy Keith Kellogg" -> "Keith Kellogg")
        named = [" ".join(n.split()[-2:]) for n in names_in(answers[asked_who], exclude=previous[asked_who])]
    elif IT.search(question) and (subject := ASKS_ABOUT_THING.match(previous[-1])):
        # "What is WAL mode?" -> "How do I turn *it* on?": it is the thing the previous question asked about
        return IT.sub(lambda m: subject.group(1) + ("'s" if m.group(0).lower() == "its" else ""), question, count=1)
    elif DEMONSTRATIVE.search(question):
        asked = " ".join(previous)
        named = code_names_in(answers[-1], exclude=asked) or names_in(answers[-1], exclude=asked)
        one = THIS_THING.search(question)
        if len(named) == 1 and one:  # "What does that function return?" -> "What does run() return?": the noun was the thing
            return f"{question[:one.start()]}{named[0]}{question[one.end():]}"
    elif IT.search(question):
        # "Which shell does child_process.exec() use by default?" -> "If I give *it* a timeout, ...?": the code the
        # question named, unless it asked for a code name ("Which parameter of json.dumps ...?" -> "indent" -> "And
        # *its* default?": the answer's)
        # (the latest question naming code or asking for it: "What about on Windows?" names none, and goes on with
        # the one before)
        asked: list[str] = []
        for earlier in reversed(previous):
            if ASKS_FOR_A_THING.match(main_clause(earlier)) or (asked := code_names_in(earlier, limit=1)):
                break
        # "How do I register a one-time handler?" -> "Use emitter.once(...)" -> "What does *it* return?": the code the
        # answer named first, when the question asked about none; the latest answer naming code, when the last one
        # names none ("Use the -C option ..." -> "What if I give it twice?" -> "Twice: it also looks ..." -> "And the
        # default threshold for *it*?")
        named = asked or next((found for answer in reversed(answers)
                               if (found := code_names_in(answer, exclude=" ".join(previous), limit=1))), [])
    return " ".join([question, *named]) if named else question


# "Which configuration parameter ...?", "What function ...?", "Which one is the default?", "What kinds of ...?": the
# question asks for a thing the answer will name
ASKS_FOR_A_THING = re.compile(r"\s*" + WHICH_THING + r"|\s*which ones?\b|\s*(?:which|what) (?:kind|type|sort)s? of\b", re.I)
IT = re.compile(r"\b(?:it|its)\b(?!\s+(?:(?:is|was)\s+)?(?:true|possible|necessary|recommended|safe|ok|okay)\b)", re.I)
# "What is WAL mode in SQLite?", "What does json.dumps do?", "What are generated columns?": the thing asked about
ASKS_ABOUT_THING = re.compile(r"\s*(?:what|how)\s+(?:is|are|does|do)\s+(?:an?\s+|the\s+)?([\w.()'-]+(?:\s+[\w.()'-]+){0,3}?)"
                              r"(?:\s+(?:in|of|for)\s+\w+)?(?:\s+(?:do|work|mean|used for))?\s*\?\s*$", re.I)
# "that function", "that built-in exception" (a modifier or two before the noun, not an article)
THIS_THING = re.compile(r"\b(?:that|this)\s+(?:(?!(?:the|a|an)\b)[\w-]+\s+){0,2}?(?:" + "|".join(sorted(THING_NOUNS)) + r")\b"
                        r"(?!\s+(?:of|in|for|from|to|on)\b)", re.I)
DEMONSTRATIVE = re.compile(r"\b(?:that|this|these|those|the same)\s+(?!is\b|was\b|are\b|were\b)[a-z]+", re.I)
# ... one thing, named before: "that helper", "this option"; not "that the ..." (a clause) nor "those freed" (a group)
THAT_THING = re.compile(r"\b(?:that|this)\s+(?!(?:the|a|an|is|was|are|were|it|its|they|he|she|you|i|we|there|can|could|will|would|should"
                        r"|may|might|must|does|do|did|has|have|had|means?|way)\b)[a-z][\w-]*")


ORDINAL = re.compile(r"\bthe (first|second|third|last|final)(?: one| option| kind| item)?\b(?! (?:time|step|row|line|page|statement|argument|parameter)s?\b)", re.I)
_ENUMERATION = re.compile(r"([\w().-]+)((?:, [\w().-]+)+),? (?:and|or) ([\w().-]+)")


def enumerated(text: str) -> list[str]:
    """The items of the first list of three or more in a turn: "a DEFERRED, IMMEDIATE or EXCLUSIVE transaction" ->
    DEFERRED, IMMEDIATE, EXCLUSIVE."""
    m = _ENUMERATION.search(re.sub(r"\s*\[\d+\]", "", text))
    if not m:
        return []
    return [m.group(1), *[i.strip() for i in m.group(2).split(", ") if i.strip()], m.group(3)]


def code_names_in(text: str, exclude: str = "", limit: int = 2) -> list[str]:
    """Names written like code in an answer ("subprocess.run()", "--schema-only"), leaving out those already asked about."""
    def bare(token: str) -> str:
        token = re.sub(r"['’]s$", "", token.strip(".,:;?[]"))
        # a call cut by the split ("emitter.once(eventName,"): the function's name, not its first argument
        return re.sub(r"\((?![^()]*\)).*$", "()", token)

    asked = {bare(w).strip("()").lower() for w in exclude.split()}
    text = re.sub(r"\[\d+\]", " ", text)
    found = [(m.start(), bare(m.group(0))) for m in re.finditer(r"\S+", text) if TERM_TOKEN.search(bare(m.group(0)))]
    found = [(at, name) for at, name in found if name.strip("()").lower() not in asked]
    # ... or a literal the answer quotes as the name of a thing ("the 'history' event", "the "strict" option"), unless
    # the question named that thing (its word alone may be a plain word of the question: "when the history changes")
    found += [(m.start(), m.group(1)) for m in _QUOTED_THING.finditer(text)
              if not re.search(rf"(?<![\w.]){re.escape(m.group(1))}\W+{m.group(2)}", exclude, re.I)]
    return list(dict.fromkeys(name for _, name in sorted(found)))[:limit]


_QUOTED_THING = re.compile(r"['‘\"“`]([A-Za-z_][\w.:-]*)['’\"”`]\s+(?=(" + "|".join(sorted(THING_NOUNS)) + r")s?\b)")


SINGULAR = re.compile(r"\b(he|him|his|she|her|hers)\b", re.I)  # one person; "they" may be a group ("Which prisoners ...?")
PERSONAL = re.compile(r"\b(he|him|his|she|her|hers|they|them|their)\b", re.I)
ASKS_WHO = re.compile(r"\s*(who|whom|whose|which)\b", re.I)
ASKS_ABOUT_NAME = re.compile(r"\s*(?i:who|what)\s+(?i:is|was|are|were)\s+[A-Z]")  # "Who is John Coale?": he is in the question
_NAME = re.compile(r"(?<![\w.])(?:[A-Z][\w'’-]+)(?:\s+(?:[A-Z][\w'’-]+))*")


def names_in(text: str, exclude: str = "", limit: int = 2) -> list[str]:
    """The first proper names of an answer (capitalised word runs not opening a sentence or its [n] marker),
    leaving out words the question already had."""
    text = re.sub(r"\[\d+\]", " ", text)
    asked = {w.lower() for w in re.findall(r"[\w'’-]+", exclude)}
    out: list[str] = []
    for match in _NAME.finditer(text):
        start = match.start()
        before = text[:start].rstrip()
        words = [w for w in match.group(0).split() if w.lower() not in asked]
        if before and before[-1] not in ".!?" and words:
            out.append(" ".join(words))
        elif len(words) > 1:  # a name opening the sentence: "Ales Bialiatski, the 2022 laureate."
            out.append(" ".join(words))
        if len(out) >= limit:
            break
    return list(dict.fromkeys(out))


def answer_terms(history: list[dict[str, str]], question: str, index: "LexicalIndex", limit: int = 2) -> list[str]:
    """The words the previous answer repeats (its topic), rarest first by the corpus's term weights, that the
    rewritten question does not use: "Use git stash (same as git stash push): it saves ... in a stash entry" ->
    "stash", what "How do I bring *them* back?" is about when no question named it. Not numbers: "crlfDelay ...
    Default: 100" says a value, not a topic."""
    answer = next((m["content"] for m in reversed(history) if m["role"] == "assistant"), "")
    have = {stem(f) for f in content_words(question)}
    first: dict[str, str] = {}
    count: dict[str, int] = {}
    for raw, folded in content_words(re.sub(r"\[\d+\]", " ", answer), with_raw=True):
        term = stem(folded)
        # not a number: the value it gave ("Default: 100") is no topic, and as a stated number it would constrain passages
        if term not in have and term in index.vocab and not re.fullmatch(r"[\d.,]+", folded):
            first.setdefault(term, raw)
            count[term] = count.get(term, 0) + 1
    repeated = sorted((t for t in first if count[t] >= 2), key=lambda t: -index.term_weight(t))
    return [first[t] for t in repeated[:limit]]
