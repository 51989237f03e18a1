"""Typed values in sentences (numbers with their unit, calendar dates) and question types.

Used to prefer sentences that contain the kind of value a question asks for
("how many" -> a number, "when" -> a date) and to detect when two sources
state different values for the same fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import expand_contractions, fold, stem, words

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12})
SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
APPROXIMATE = {"about", "around", "approximately", "nearly", "almost", "over", "some", "roughly", "than", "least", "up", "dozens", "more", "fewer", "under"}
MONTHS = {m: i for i, m in enumerate("january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items()) if m != "may"})
MONTHS["sept"] = 9


#: Every answer type question_type() returns.
QUESTION_TYPES = ("number", "version", "kind", "term", "date", "frequency", "default", "person", "place", "organisation", "list", "other")


#: Nouns for a named thing of software: "which function ...?" asks for a code name; "that function" is one.
THING_NOUNS = frozenset("function method class module parameter argument option setting command exception keyword attribute "
                        "variable switch flag file operator statement clause view directory pragma "
                        "warning error event signal hook property field constant macro".split())
#: "which (configuration) parameter", "what kind of option": a question asking for a thing of software by its noun
#: (group 1: the noun); the one pattern the answerer and the follow-up resolver share
WHICH_THING = r"(?:which|what)(?:\s+[\w-]+){0,3}?\s+(" + "|".join(sorted(THING_NOUNS, key=len, reverse=True)) + r")(?:e?s)?\b"
#: Nouns for a person by what they do: "which official ...?" asks for a person.
PERSON_NOUNS = frozenset(
    "person people official envoy journalist leader minister president author writer activist developer programmer engineer "
    "creator inventor designer founder maintainer contributor researcher scientist spokesman spokeswoman spokesperson "
    "ambassador diplomat politician opponent adviser advisor editor reporter".split())
#: ... and the role nouns that end a description put before a name ("opposition *figure* Siarhei Tsikhanouski").
ROLE_NOUNS = PERSON_NOUNS | frozenset(
    "figure dissident blogger lawyer deputy chief secretary representative head member citizen prisoner laureate winner "
    "general director chairman chairwoman commander governor mayor senator envoy professor doctor".split())


#: ... of which these name a person wherever they stand (not "head", "member", "general": a list's head, a class member)
_ROLE_ONLY_PERSON = frozenset("figure dissident blogger lawyer citizen laureate prisoner".split())


_LEADING_CONJUNCTION = re.compile(r"^\s*(?:(?:and|but|so|also|then|ok|okay|now|and then|and also)\b,?\s*)+", re.I)


def core_question(question: str) -> str:
    """The words that ask: contractions written out ("What's" -> "What is"), the asking sentence of several
    ("PRAGMA table_info doesn't list them. Which pragma does?"), a follow-up's leading "And" left off."""
    question = expand_contractions(question.strip())
    # a statement before a semicolon or colon is context too: "PEP 324 proposed the module; who is its author?"
    # (not after an ellipsis standing for words left out: "ALTER TABLE ... DETACH PARTITION")
    parts = [p for p in re.split(r"(?<=[.!?])(?<!\.\.\.)\s+(?=[A-Z])|(?<=[;:])\s+(?=(?i:who|whom|whose|what|which|where|when|why|how)\b)", question) if p]
    asking = [p for p in parts if p.endswith("?")]
    if len(parts) > 1 and len(asking) == 1:
        question = asking[0]
    rest = _LEADING_CONJUNCTION.sub("", question)
    return rest[:1].upper() + rest[1:] if rest else question


#: "By what factor does the array grow?", "What is the compression ratio?": a ratio is asked (a number)
ASKS_RATIO = re.compile(r"\bby (?:what|which|how large an?|how big an?) (?:[\w-]+ )?(?:factor|ratio|multiple)\b"  # "by what growth factor"
                        r"|\bwhat (?:is|was|are|were) the (?:[\w-]+ )?(?:factor|ratio)\b", re.I)


# "When is ValueError raised?", "When does the else clause run?", "Under what conditions ...?": asks for a condition
ASKS_CONDITION = re.compile(r"^\s*when\b.*\b(?:raised|called|used|returned|triggered|emitted|thrown|invoked|fired|executed|needed|required)\b"
                            r"|^\s*when (?:does|do|should|can|must|will|would|might)\b"
                            r"|^\s*(?:under|in) what (?:conditions?|circumstances?|cases?|situations?)\b"
                            # "What causes a readline interface to emit its 'close' event?": what makes an event happen
                            r"|^\s*what (?:causes|triggers|makes)\b.*\b(?:emit(?:s|ted)?|fire[sd]?|raise[sd]?|throw[sn]?|trigger(?:s|ed)?|invoke[sd]?|call(?:s|ed)?)\b", re.I)


def main_clause(question: str) -> str:
    """The question folded, without a leading condition: "When a mapping lacks the key, which exception is raised?",
    "When dispatching with getattr, why ...?",
    "On Windows, which variable ...?" ask "which exception", "which variable"; "If so, and which ...?" asks "which";
    "When REPLACE deletes rows, do my triggers fire?" asks whether they fire;
    "Apart from Putin, which leader ...?" asks "which leader" (what the answer is not, said first);
    nor, in a "which / what" question, a contrast ("..., unlike sys.call?", "... rather than making a copy?")."""
    q = re.sub(r"^\s*(?:when|if|after|before|once|while|since|on|in|under|for|with|without|apart from|aside from|besides|other than|except for)\b[^,?]*,\s*(?=(?:(?:in|on|at|for|from|by|with|to|under|into)\s+)?(?:which|what|who|whom|whose|where|when|how|why)\b"
               # ... or a yes/no question: "When REPLACE deletes rows, do my DELETE triggers fire?"
               r"|(?:does|do|did|is|are|was|were|can|could|will|would|should|has|have|must|may)\s+(?!you\b)\w)", "",
               fold(core_question(question)))
    q = _LEADING_CONJUNCTION.sub("", q)
    if re.match(r"\s*(?:which|what)\b", q, re.I):
        # "Which function returns the matched call, unlike sys.call?": what the answer is not does not ask
        q = _CONTRAST.sub("", q)
    return q


_CONTRAST = re.compile(r",?\s*\b(?:unlike|rather than|as opposed to|other than|instead of)\b[^,?;]*?"
                       r"(?=\s+(?:if|when|whenever|so|because|while|and|but|to|for|in order)\b|\s*[,?;]|\s*$)", re.I)  # to the clause's end


# "What does the default commit-msg hook check for?", "How does the default scheduler work?", "What p-value does the
# default (Welch) t.test(A, B) give?": the default thing's behaviour is asked, not a default value ("What did the
# default of X change to?" asks one)
_DEFAULT_THING_DOES = re.compile(r"\s*(?:what|how|which)(?:\s+[\w-]+)?\s+(?:does|do|did|can|will|would|should)\s+(?:the|a|its|their)\s+default\s+"
                                 r"(?:\([^)]{1,30}\)\s+)?(?!values?\b|settings?\b|of\b|for\b)[\w.-]+", re.I)


# "..., what happens when I look up a missing key?" asks what happens, even when a default is implied
ASKS_WHAT_HAPPENS = re.compile(r"\bwhat (?:happens|will happen|would happen|happened)\b", re.I)
# "What is the default ...?", "... if I don't give one?", "without giving a number": what applies when nothing is said
ASKS_DEFAULT = re.compile(r"\bdefault\b|\bout[ -]of[ -]the[ -]box\b|\bif (?:none|nothing|it|they|one) (?:is|are) (?:not )?(?:given|specified|passed|supplied)\b"
                          r"|\bif (?:i|you|we|one) (?:do not|don't|dont|did not|didn't|never) (?:give|pass|specify|set|supply|provide|choose|pick|say|name"
                          r"|change|touch|configure)\b"
                          # "... cuts strings off after how many characters unless I change maxStringLength?"
                          r"|\bunless (?:i|you|we|one) (?:give|pass|specify|set|supply|provide|choose|pick|change|configure|override|raise|lower)\b"
                          # "without setting maxsize", "without passing one"
                          r"|\bwithout (?:giving|passing|specifying|setting|choosing|naming|changing|configuring) (?:one|it|any|a|an|the\b|(?!up\b|to\b)[\w.-]+\b)"
                          r"|\bleave (?:it|that|them) out\b"
                          # "... but leave separators alone", "leave the timeout unset"
                          r"|\bleav(?:e|ing) (?:it|that|them|(?:the |its |my )?[\w.-]+) (?:alone|unset|untouched|as it is|at (?:its|their) defaults?)\b"
                          r"|\b(?:if|when) (?:i|you|we) (?:leave out|omit)\b"
                          r"|\b(?:if|when) (?:not |left )?(?:given|specified|passed|supplied|omitted|unspecified)\b"
                          # "When no delay argument is passed, ...", "when no interval is specified", "without a width argument"
                          r"|\b(?:if|when) no (?:[\w.-]+ ){1,3}(?:is|are) (?:given|specified|passed|supplied|set)\b"
                          r"|\bwithout (?:an? |the |any )?(?:[\w.-]+ )?(?:argument|parameter)\b"
                          # "If neither merge.renameLimit nor diff.renameLimit is configured, ...", "when work_mem isn't set"
                          r"|\bif neither\b[^?]{1,80}?\b(?:is|are) (?:set|configured|specified|given|supplied|passed)\b"
                          r"|\b(?:if|when) (?:[\w.-]+ ){1,3}(?:is not|are not|isn't|aren't) (?:set|configured|specified|given)\b", re.I)


#: A cause or a purpose asked: "Why ...?", "For what reason ...?", "What is the reason / rationale / reasoning behind
#: ...?", "What was the main motivation for ...?", "How come ...?"
ASKS_REASON = re.compile(r"\s*(?:why\b|how come\b|for what (?:reason|purpose)\b"
                         r"|what (?:is|was|are|were) (?:the |its |their |his |her )?(?:[\w-]+(?:['’]s?)? )?(?:reasons?|rationale|reasoning|purpose|motivation|justification)\b"
                         # "What motivated Minsk to ...?", "What explains the switch ...?", "What caused the outage?"
                         r"|what (?:motivated|motivates|prompted|prompts|caused|causes|explains|explained|led to|leads to|drove|drives)\b)", re.I)
# "How can I find out how many seconds the computer has been running?", "How do I tell which version ...?": a way to
# learn the value is asked (a function, a command), not the value itself
_HOW_TO_FIND_OUT = re.compile(r"\s*how (?:can|do|could|would|should|might) (?:i|you|we|one) (?:\w+ )?(?:find out|tell|know|check|determine"
                              r"|learn|discover|work out|figure out|look up|see|query|get)"
                              # ... past where ("How can I check from inside an R session which version ...?")
                              r"(?: (?:from|in|inside|within|at|on|using|with|via|through) [^,?.;]{1,40}?)? (?:how|which|what|when|where|whether|who|if)\b")


def question_type(question: str) -> str:
    q = main_clause(question)
    # (after a leading phrase too: "In a big repository, why ...?" asks a why, not the default "unless I pass" states)
    if ASKS_REASON.match(q) or ASKS_REASON.match(re.sub(r"^\s*[^,?]{1,60},\s*", "", q)) or _HOW_TO_FIND_OUT.match(q):
        return "other"
    if re.search(r"\bhow (?:often|frequently)\b(?!,? in numbers\b)|\bat what (?:interval|frequency)\b|\bhow many times (?:a|an|per|each)\b", q):
        return "frequency"  # "How often is tzdata updated?": every week, daily, twice a year; not any number  # "Why are default values shared ...?" asks for a reason, not a default (or a number, a date)
    if re.search(r"\b(?:up to|until|till|through) (?:which|what) (?:date|day|month|year)\b", q):
        return "date"  # "How long do they aim to maintain it - up to which year?": a year, not a duration
    term_nouns = r"(?:" + "|".join(sorted(THING_NOUNS)) + r")s?\b"
    # "Which autovacuum setting decides how many inserted rows ...?" asks for a setting: a "which <thing>" opening
    # the question asks for the thing; what it decides comes after
    term = re.search(r"^\s*(?:which|what)(?: (?!(?:do|does|did|is|are|was|were|can|could|should|would|will|has|have)\b)[\w-]+){0,3} "
                     + term_nouns + r"|\bname of (?:the |a |an )?(?:[\w-]+ ){0,3}" + term_nouns, q)
    if term and term.start() == 0 and re.search(r"\s(?:decides?|controls?|determines?|sets?|limits?|specif(?:y|ies)|says?|tells?|governs?|caps?)\s+how (?:many|much|long|often)\b", q[term.end():]):
        return "term"
    if re.search(r"\bhow (many|much)\b|\bwhat (number|percentage|share|proportion|amount)\b|\bhow long\b"
                 # "What is the total number of ...?", "What is the planned troop count ...?", "Number of soldiers ...?"
                 r"|\bwhat (?:is|was|are|were) the (?:[\w-]+ ){0,2}?(?:number|count|total|tally|headcount|rate|ratio|percentage)\b(?! (?:of )?(?:ways|reasons|steps|things)\b)"
                 # "What is the measured overhead ...?", "What measured slowdown ...?", "How often, in numbers, ...?"
                 r"|\bwhat (?:is |are |was |were )?(?:the )?measured\b|\bin numbers\b|\bnumerically\b|\bin percent(?:age)?\b"
                 r"|^\s*(?:the )?(?:(?:exact|precise|total|approximate) )?(?:number|count) of\b"
                 r"|\b(?:which|what) (?:[\w-]+ )?(?:number|integer)\b|\bwhat (?:length|duration|size|amount) of\b"
                 r"|\b(?:which|what) (?:exit|return) (?:code|status|value)\b|\bnumer(?:ic|ical) value\b"  # "What is the numeric value of TIMEOUT_MAX?"
                 r"|\bwhat (?:is|are|was|were) the (?:maximum|minimum|largest|biggest|smallest|highest|lowest|longest|shortest)\b"
                 # "Is there an upper limit on savepoints, and what is it?", "the size cap on a file", "how big can it get"
                 r"|\bis there an? (?:hard |upper |lower |maximum |minimum |fixed |size )*(?:limit|maximum|minimum|cap|bound)\b"
                 r"|\b(?:size|length|upper|lower|hard) (?:limit|cap|bound)s? (?:of|on|for)\b|\bhow (?:big|large|small|wide|deep|fast|slow)\b"
                 r"|\bwhat (?:is|are|was|were) the (?:number|count|amount|size|length) (?:of|in)\b"
                 r"|\b(?:what|which) (?:[\w-]+ )?(?:speed-?up|throughput|run ?time|overhead)\b"
                 r"|\bwhat (?:is|are|was|were) the (?:[\w-]+ )?(?:size|length|width|height|duration|count|capacity|depth)s? of\b"
                 r"|,\s*in (?:(?:kilo|mega|giga)?bytes|bits|(?:milli)?seconds|minutes|hours|days|weeks|months|years|characters|lines|pages|rows|percent)\s*\??\s*$", q):
        return "number"
    if ASKS_RATIO.search(q):
        return "number"
    # ("What date was the release reported?" asks a date: no verb between)
    if re.search(r"\b(?:which|what|since which|since what)(?: (?:is|was|are|were) the)? (?:(?!(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|should|must|may|might|my|his|her|your|their|our|its)\b)[\w.+-]+ ){0,3}"
                 # ("What error will his version report?" asks an error: the version is who reports it)
                 r"(?:release|version)s?\b(?! notes?\b)", q):  # "which upcoming SQLite release", "what minimum Linux kernel version"
        return "version"
    if re.search(r"\b(?:which|what) (?:kind|type|sort|form)s? of\b|\bwhat do (?:you|we|i) call\b|\bwhat is the name for\b"
                 r"|\bwhat(?:'s| is) (?:it|this|that) called\b", q):
        return "kind"
    if term:
        return "term"
    if ASKS_CONDITION.search(q):
        return "other"  # "When is ValueError raised?", "When does the else clause run?": a condition, not a date
    # "Which date formats ...?" asks for formats: the word after "date" is a noun, not a verb or a preposition
    if re.search(r"^\s*when\b|\bsince when\b|\b(?:what|which) (?:exact |precise |specific |particular )?(date|day|month|year)\b(?!\s+(?!(?:did|does|do|was|is|were|are|will|would|should|can|could|has"
                 r"|have|had|of|in|on|for|and|or|the|a|an|that|this|he|she|they|it|we|you|i)\b)[a-z])|\bin what (month|year)\b|\bon what (?:exact |precise |specific |particular )?(date|day)\b", q):
        return "date"
    if ASKS_DEFAULT.search(f"{fold(question)} {q}") and not _DEFAULT_THING_DOES.match(q) and not ASKS_WHAT_HAPPENS.search(q):
        # (the condition counts here: "If I leave out the mode, which one applies?"; but "If I create one without passing
        # any factory, what happens when I look up a missing key?" asks what happens, not a default value)
        return "default"
    people = r"(?:" + "|".join(sorted(PERSON_NOUNS)) + r")s?\b"
    # ... a role, after words describing it ("Which prominent opposition figure was released ...?", "the name of the U.S.
    # citizen freed ...")
    roles = r"(?:" + "|".join(sorted(PERSON_NOUNS | _ROLE_ONLY_PERSON)) + r")\b"
    if re.search(r"^\s*(who|whom|whose)\b|\b(?:by|to|from|with|for) whom\s*\??\s*$|\b(?:which|what) (?:(?!(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b)[a-z][\w-]+ )?" + people
                 # ("the name of the official throw-away branch": "official" describes the branch)
                 + r"|\bname (?:of )?(?:the |a |an )?(?:\S+ ){0,2}" + roles + r"(?!\s+(?!(?:who|whom|whose|that|which|was|is|were|are|did|does|has|had"
                 r"|in|at|for|from|of|on|to|with|by|behind|responsible|and|or)\b|[a-z]+ed\b)[a-z][\w-]*)"
                 + r"|^\s*(?:which|what) (?:[\w.-]+ ){1,2}" + roles + r" (?=(?:was|is|did|has|had|said|says|led|met|wrote|asked|called|became)\b)", q):
        return "person"
    if re.search(r"^\s*where\b|\bwhich (country|city|countries|place)\b|\bto what country\b", q):
        return "place"
    if re.search(r"\b(?:which|what) (?:[\w-]+ )?(?:organi[sz]ation|company|agency|party|newspaper|outlet|institution|ministry"
                 r"|think tank|university|firm|publisher|product|vendor)\b|\bname of (?:the |a |an )?(?:[\w-]+ ){0,2}(?:product|company|vendor|organi[sz]ation)\b", q):
        return "organisation"
    # several named people or places: "which prisoners / officials / countries ...?"
    named_plural = r"(?:countries|cities|states|nations|people|(?:" + "|".join(sorted(ROLE_NOUNS)) + r")s)"
    if re.search(r"^\s*(list|name)\b|\b(?:which|what) (?:[\w-]+ )?" + named_plural + r"\b", q):
        return "list"
    return "other"


_ITEMS = re.compile(
    r"^\s*(?:which|what)\s+(?:(?!(?:do|does|did|is|are|was|were|can|could|will|may|should|has|have)\b)[\w-]+\s+){0,3}?"
    r"(?!(?:this|its|thus|has|does|was|is|us)\b)(?:[\w-]+[^s\W]s|phenomena|criteria|data)\s+(?:do|does|did|can|could|are|were|will|may|should|is)\b"
    r"|^\s*(?:list|name|enumerate)\s+(?:the|all|some)\b"
    r"|^\s*(?:what|which)\s+(?:are|were)\s+(?:the\s+|all\s+the\s+)?(?:[\w-]+\s+){0,2}?(?!(?:this|its|thus|us)\b)[\w-]+[^s\W]s\b", re.I)


def asks_for_items(question: str) -> bool:
    """Does the question ask for several things of a kind ("Which container datatypes does collections provide?",
    "What output formats can pg_dump produce?", "List the ...")? Also after a leading condition ("When read.table has
    to decide by itself, which types does it try?")."""
    return bool(_ITEMS.search(core_question(question)) or _ITEMS.search(main_clause(question)))


NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?[eE][-+]?\d+\b|\d+\.\d+|\d+(?=[A-Za-z]{2,5}\b)|[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)  # 7200RPM: 7200, RPM; 1e-09
ADJECTIVE = re.compile(r"..(?:al|ic|ive|ous|ful|ary|less|ish)$")


@dataclass(frozen=True)
class Value:
    kind: str  # "number" or "date"
    value: tuple
    unit: str  # stemmed following word(s) for numbers, '' for dates
    approximate: bool
    text: str


_BEFORE_AMOUNT = frozenset("length size width height depth count limit total maximum minimum max min about approximately exactly "
                           "roughly nearly default equals".split())
_AMOUNT_UNIT = re.compile(r"(?:bytes?|[kmgt]i?b|rows|items|entries|pages|characters|chars|tables|columns|files|times|connections"
                          r"|transactions|elements|digits|bits|lines|words|records|objects|nodes|threads|processes|seconds|milliseconds)$", re.I)


def _counted_amount(tokens: list[str], i: int) -> bool:
    """Is a number that could be a year (1900-2100) a count by its words: "a sequence of length 2080", "2048 bytes"?
    Or a value in a base: "(1954 in decimal)"."""
    return (i > 0 and tokens[i - 1].lower() in _BEFORE_AMOUNT) or (i + 1 < len(tokens) and bool(_AMOUNT_UNIT.match(tokens[i + 1]))) \
        or (i + 2 < len(tokens) and tokens[i + 1].lower() == "in" and tokens[i + 2].lower() in {"decimal", "hex", "hexadecimal", "octal", "binary"})


# "one" and "zero" count only as the value a clause ends on ("... the exit status is one.", "defaults to zero;"), not as
# words of other uses ("one of", "at least one way", "zero-based"), nor "one" standing for a thing ("if there is one,")
_ONE_OR_ZERO_VALUE = re.compile(r"(\b(?<!there )(?<!there's )(?:is|are|was|were|be|to|equals)\s+)(one|zero)(?=\s*(?:[.;,)]|$))", re.I)


def numbers(sentence: str) -> list[Value]:
    sentence = _ONE_OR_ZERO_VALUE.sub(lambda m: m.group(1) + str(NUMBER_WORDS[m.group(2).lower()]), sentence)
    tokens = NUMBER_TOKEN.findall(sentence.replace(",", ""))  # words, with "6.5" kept whole
    out = []
    scaled = False  # the previous number took this scale word ("two billion"): not a number of its own
    for i, tok in enumerate(tokens):
        low = tok.lower()
        value: float | None = None
        if scaled:
            scaled = False
            continue
        if low in SCALES and (i == 0 or tokens[i - 1].lower() in {"a", "one"}):
            value = SCALES[low]  # "around a thousand political prisoners"
        if re.fullmatch(r"\d+(\.\d+)?(e[-+]?\d+)?", low):  # "1e-09" is one number
            value = float(low)
            if 1900 <= value <= 2100 and re.fullmatch(r"\d+", low) and not _counted_amount(tokens, i):
                continue  # a year, handled as a date
            if i > 0 and tokens[i - 1].lower() in MONTHS:
                continue  # "June 21"
            if i + 1 < len(tokens) and tokens[i + 1].lower() in MONTHS:
                continue  # "21 June"
        elif low in NUMBER_WORDS and low not in {"one", "zero"}:
            value = float(NUMBER_WORDS[low])
        elif re.fullmatch(r"\d+[kK]|\d+M", tok):  # "100K hits/day", "2M rows"
            value = float(tok[:-1]) * (1e6 if tok[-1] == "M" else 1e3)
        if value is None:
            continue
        unit_at = i + 1
        if [t.lower() for t in tokens[i + 1:i + 4]] == ["and", "a", "half"]:  # "six and a half hours" is 6.5 hours
            value, unit_at = value + 0.5, i + 4
        if low not in SCALES and unit_at < len(tokens) and tokens[unit_at].lower() in SCALES:
            value *= SCALES[tokens[unit_at].lower()]  # "two billion", "1.1 million": one number, as "1,100,000" is
            scaled, unit_at = unit_at == i + 1, unit_at + 1
        # the counted noun, past articles and adjectives ("123 more political prisoners" counts prisoners)
        unit_words = [stem(fold(t)) for t in tokens[unit_at:unit_at + 3] if t.lower() not in {"of", "the", "a", "more"} and not ADJECTIVE.search(t.lower())]
        approx = any(t.lower() in APPROXIMATE for t in tokens[max(0, i - 2):i])
        out.append(Value("number", (value,), unit_words[0] if unit_words else "", approx, tok))
    return out


_COUNT_WORD = re.compile(r"\b(\d+|" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_THEN_LIST = re.compile(r"\s+(?:[\w-]+\s+){0,3}?[\w-]+:\s*([^.;:]+)")


def listed_counts(sentence: str) -> set[float]:
    """Numbers that count the items the sentence then lists ("one of five storage classes: NULL, INTEGER, REAL, TEXT
    or BLOB"): they say no more than the list does."""
    out: set[float] = set()
    for m in _COUNT_WORD.finditer(sentence):
        listed = _THEN_LIST.match(sentence, m.end())
        if not listed:
            continue
        word = m.group(1).lower()
        count = float(word) if word.isdigit() else float(NUMBER_WORDS[word])
        items = [i for i in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", listed.group(1).strip()) if i.strip()]
        if len(items) >= 2 and len(items) == count:
            out.add(count)
    return out


def dates(sentence: str) -> list[Value]:
    tokens = words(sentence)
    out = []
    for i, tok in enumerate(tokens):
        month = MONTHS.get(tok.lower())
        if month is None or (tok.lower() == "may" and not tok[0].isupper()):
            continue
        day = None
        if i + 1 < len(tokens) and re.fullmatch(r"\d{1,2}", tokens[i + 1]):
            day = int(tokens[i + 1])
        elif i > 0 and re.fullmatch(r"\d{1,2}", tokens[i - 1]):
            day = int(tokens[i - 1])
        out.append(Value("date", (month, day), "", False, tok))
    return out


def dates_conflict(a: list[Value], b: list[Value]) -> bool:
    """True when b states a different month or day than every date in a."""
    if not a or not b:
        return False
    for x in a:
        for y in b:
            if x.value[0] == y.value[0] and (x.value[1] is None or y.value[1] is None or x.value[1] == y.value[1]):
                return False  # some pair agrees
    # only comparable at the same granularity: both with day, or both month-only
    return any((x.value[1] is None) == (y.value[1] is None) for x in a for y in b)


def numbers_conflict(a: list[Value], b: list[Value]) -> bool:
    exact_a = [x for x in a if not x.approximate]
    exact_b = [y for y in b if not y.approximate]
    if not exact_a or not exact_b:
        return False
    same_unit = [(x, y) for x in exact_a for y in exact_b if x.unit and x.unit == y.unit]
    if not same_unit:
        return False
    return all(x.value != y.value for x, y in same_unit) and not any(x.value == y.value for x in exact_a for y in exact_b)


_SECOND_QUESTION = re.compile(r",?\s+and\s+(?=(?:(?:in|on|at|for|from|since|by|with|to|under) )?(?:which|what|who|whom|where|when|how)\b)", re.I)


_ONLY_ASKS_IT = re.compile(r"(?:what|which|how (?:much|many|long|big|large))(?: \w+)? (?:is|are|was|were) (?:it|they|that|those|this)\s*\??\s*$", re.I)


# "..., which types does it try, and in what order?": the second half asks how the first's answer is arranged
_ONLY_QUALIFIES = re.compile(r"(?:in|by|with|to|under) (?:what|which) (?:order|sequence|way|manner|form|format|units?)\s*\??\s*$", re.I)


def split_compound(question: str) -> list[str]:
    """Two questions joined by "and": "Who visited in June, and who in December?" -> both halves."""
    pieces = _SECOND_QUESTION.split(question.strip(), maxsplit=1)
    if len(pieces) != 2 or min(len(p.split()) for p in pieces) < 2 or _ONLY_ASKS_IT.match(pieces[1]) or _ONLY_QUALIFIES.match(pieces[1]):
        return []  # "Is there an upper limit on savepoints, and what is it?": one question, asking the limit
    second = pieces[1][:1].upper() + pieces[1][1:]
    # the story told before the first asks the second too: "I put two statements into one execute() call. What
    # happens, and what should I use instead?"
    told = re.split(r"(?<=[.!?])\s+(?=[A-Z])", pieces[0].strip())[:-1]
    return [pieces[0].rstrip(" ,?") + "?", " ".join([*told, second])]
