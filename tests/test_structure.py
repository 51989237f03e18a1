"""Structure kept with each chunk: heading paths, top-level section boundaries, pages, and subjects named from headings."""

from __future__ import annotations

import pytest

from rag.evidence import candidate_sentences
from rag.ingest.chunk import chunk_blocks
from rag.ingest.document import Block
from rag.types import Passage

from .conftest import ingested


def _doc():
    return [
        Block("Built-in Exceptions", "heading", 1),
        Block("In Python, all exceptions must be instances of a class that derives from BaseException.", page=1),
        Block("Concrete exceptions", "heading", 2),
        Block("exception KeyError", "heading", 3),
        Block("Raised when a mapping (dictionary) key is not found in the set of existing keys.", page=2),
        Block("exception IndexError", "heading", 3),
        Block("Raised when a sequence subscript is out of range.", page=2),
        Block("Warnings", "heading", 2),
        Block("The following exceptions are used as warning categories; see the warnings module for details.", page=3),
    ]


def test_chunks_carry_heading_paths_and_pages_and_do_not_cross_top_level_sections():
    chunks = chunk_blocks(_doc(), "exceptions.html", size=140, overlap=30, title="Built-in Exceptions")
    assert [c.heading for c in chunks] == ["Built-in Exceptions", "Built-in Exceptions › Concrete exceptions › exception KeyError",
                                           "Built-in Exceptions › Warnings"]
    assert [c.page for c in chunks] == [1, 2, 3]  # a chunk starts on the page of its first block (headings carry 0)
    concrete = chunks[1]
    assert concrete.headings == ("Concrete exceptions", "exception KeyError", "exception IndexError")
    assert "exception KeyError\n\nRaised when a mapping" in concrete.text  # heading lines are kept as text
    assert "warning categories" not in concrete.text  # the next top-level section starts a new chunk


def test_a_long_section_is_split_and_every_piece_keeps_its_path():
    long = [Block("Guide", "heading", 1), Block("Setup", "heading", 2)] + [Block(f"Step {i} installs part {i} of the tool. " * 3) for i in range(30)]
    chunks = chunk_blocks(long, "guide.md", size=60, overlap=10, title="Guide")
    assert len(chunks) > 3 and all(c.heading == "Guide › Setup" for c in chunks)


def test_a_chunk_starting_inside_a_table_opens_with_the_tables_header_row():
    """A long table cut across chunks: each later chunk repeats the first row, so its rows are read as "Encoding:
    'windows-1252'; Aliases: ..." and not under the chunk's own first row as if it were the header."""
    table = [Block("Encodings", "heading", 1), Block("The encodings are listed below."), Block("Encoding | Aliases")] \
        + [Block(f"'enc-{i}' | 'alias-{i}', 'other-{i}', 'x-{i}'") for i in range(40)] + [Block("Aliases are case-insensitive.")]
    chunks = chunk_blocks(table, "util.md", size=60, overlap=10, title="Util")
    assert len(chunks) > 3
    assert all(c.text.count("Encoding | Aliases") == 1 for c in chunks[:-1]), [c.text[:60] for c in chunks]
    later = chunks[2]
    passage = Passage(id=later.id, text=later.text, source="util.md", heading=later.heading, headings=later.headings)
    rows = [s for s, *_ in candidate_sentences([passage]) if "enc-" in s]
    assert rows and all(r.startswith("Encoding: 'enc-") for r in rows), rows
    # ... and prose with a " | " in it opens no table: nothing is repeated after it
    prose = [Block("Usage", "heading", 1), Block("Run it as tool [-v | --verbose] to see more.")] \
        + [Block(f"Sentence number {i} explains one more detail of the tool.") for i in range(30)]
    assert all("tool [-v" not in c.text for c in chunk_blocks(prose, "u.md", size=40, overlap=10)[1:])


def test_a_sentence_under_a_term_heading_names_its_subject_and_a_section_title_does_not():
    chunk = chunk_blocks(_doc(), "exceptions.html", title="Built-in Exceptions")[1]
    passage = Passage(id=chunk.id, text=chunk.text, source="exceptions.html", heading=chunk.heading, headings=chunk.headings)
    quoted = {quote: sentence for sentence, _, _, quote, _ in candidate_sentences([passage])}
    key = "Raised when a mapping (dictionary) key is not found in the set of existing keys."
    assert quoted[key] == "exception KeyError: " + key
    assert quoted["Raised when a sequence subscript is out of range."].startswith("exception IndexError: ")
    plain = chunk_blocks([Block("Guide", "heading", 1), Block("Description", "heading", 2),
                          Block("The tool copies every file to the backup folder each night.")], "g.md", title="Guide")[0]
    p = Passage(id=plain.id, text=plain.text, source="g.md", heading=plain.heading, headings=plain.headings)
    assert [s for s, *_ in candidate_sentences([p])] == ["The tool copies every file to the backup folder each night."]


@pytest.mark.slow
def test_pdf_page_numbers_reach_the_answer_the_json_and_the_cli(settings, tmp_path):
    import json

    from rag.api import Engine

    from .conftest import run_cli
    from .test_ui import _three_page_pdf

    corpus = tmp_path / "pdfs"
    corpus.mkdir()
    _three_page_pdf(corpus / "lighthouse-log.pdf")
    with Engine(settings, writer=True) as engine:
        engine.ingest(corpus)
        answer = engine.ask("Who painted the northern lighthouse red and white?")
    assert answer.answered and answer.citations[0].page == 2
    assert answer.to_dict()["citations"][0]["location"] == "p. 2"
    out = run_cli("ask", "--json", "When does the logbook close?", env={"RAG_STORE_DIR": str(settings.store.dir)})
    assert json.loads(out.stdout)["citations"][0]["page"] == 3, out.stderr
    text = run_cli("ask", "Who painted the northern lighthouse red and white?", env={"RAG_STORE_DIR": str(settings.store.dir)})
    assert "lighthouse-log › p. 2 (lighthouse-log.pdf)" in text.stdout, text.stdout


@pytest.mark.slow
def test_reference_pages_keep_their_structure_and_a_keyerror_question_names_its_subject(settings, tmp_path):
    """Real Sphinx pages (committed fixtures from Debian's python3.11-doc), the real loader and MiniLM."""
    import shutil

    from rag.api import Engine

    from .conftest import ROOT, run_cli

    corpus = tmp_path / "pydocs"
    shutil.copytree(ROOT / "tests" / "fixtures" / "html" / "sphinx", corpus)
    with Engine(settings, writer=True) as engine:
        engine.ingest(corpus)
        answer = engine.ask("Which exception is raised when a mapping key is not found?")
    assert answer.answered and "KeyError" in answer.text, answer.text
    assert "exception KeyError" in answer.citations[0].text and answer.citations[0].heading.startswith("Built-in Exceptions ›")
    info = run_cli("info", "--headings", "exceptions", env={"RAG_STORE_DIR": str(settings.store.dir)})
    assert info.returncode == 0, info.stderr
    assert "    Built-in Exceptions › Concrete exceptions\n" in info.stdout and "Built-in Exceptions › Exception hierarchy" in info.stdout


@pytest.mark.parametrize("heading, term", [
    ("exception KeyError", True), ("SKIP_LOCKED", True), ("CREATE INDEX", True), ("work_mem (integer)", True),
    ("26.3.1. Setting Up WAL Archiving", False), ("Setting Up WAL Archiving", False), ("Chapter 26. Backup", False),
    ("Concrete exceptions", False),
    # a subcommand's synopsis names the subcommand; a title with a bracketed aside does not
    ("pop [--index] [-q|--quiet] [<stash>]", True), ("branch <branchname> [<stash>]", True), ("Setting Up [optional]", False),
    # a flag in either case ("-C[<num>]" of git blame, beside "-M[<num>]"): its description is about that flag
    ("-C[<num>]", True), ("-c <name>=<value>", True), ("--score-debug", True)])
def test_numbered_and_title_headings_are_not_subjects(heading, term):
    from rag.evidence import looks_like_term

    assert looks_like_term(heading) is term


def test_this_hook_under_a_one_word_heading_is_the_heading():
    """githooks' "pre-push" section opens "This hook is called by git-push(1) ...": "Which hook ...?" must hear its name."""
    from rag.evidence import name_subject

    sentence = "This hook is called by git-push(1) and can be used to prevent a push from taking place."
    assert name_subject("pre-push", sentence) == f"pre-push: {sentence}"
    assert name_subject("DESCRIPTION", "This command updates the index.") == "This command updates the index."  # a section
    assert name_subject("update", "This hook is like update, but runs once.") == "This hook is like update, but runs once."
    assert name_subject("pre-push", "This is called once per push.") == "This is called once per push."  # points back


def test_the_hook_under_a_heading_of_hooks_is_the_one_its_heading_names():
    """"The first parameter given to the hook is the null-ref ..." in "HOOKS › post-checkout": the hook is post-checkout;
    the same words under a heading above that names another kind ("OPTIONS") name nothing."""
    from rag.evidence import name_subject

    sentence = "The first parameter given to the hook is the null-ref, the second the ref of the new HEAD."
    assert name_subject("post-checkout", sentence, kind="HOOKS") == f"post-checkout: {sentence}"
    assert name_subject("post-checkout", sentence, kind="OPTIONS") == sentence
    assert name_subject("post-checkout", sentence) == sentence


def test_a_subcommand_heading_names_its_description_by_the_subcommand():
    """git-stash's "pop [--index] [-q|--quiet] [<stash>]" item: its description never says "pop", so the quote must."""
    from rag.evidence import name_subject

    sentence = "Remove a single stashed state from the stash list and apply it on top of the current working tree state."
    assert name_subject("pop [--index] [-q|--quiet] [<stash>]", sentence) == f"pop: {sentence}"
    assert name_subject("list [<log-options>]", "List the stash entries that you currently have.") \
        == "List the stash entries that you currently have."  # named itself


@pytest.mark.parametrize("question, qtype, holds, lacks", [
    ("Which Python release introduced asyncio's TaskGroup class?", "version", "New in version 3.11.", "Tasks can be added to the group."),
    ("Since which release is a negative scale allowed?", "version", "Changed in release 15: negative scales are allowed.", "Scales may be negative."),
    ("Which built-in function returns the absolute value of a number?", "term", "Use abs(x) for that.", "Return the absolute value of a number."),
    ("What pg_dump switch dumps only the schema?", "term", "Pass --schema-only to pg_dump.", "Dump only the object definitions."),
    ("When was the feature added?", "date", "New in version 3.8.", "The feature was added later."),
    ("Who painted the northern lighthouse?", "person", "The northern lighthouse was painted red and white by the harbour guild.",
     "The logbook opens in the spring of the first year."),
    ("In which year was the csv module added?", "date", "New in version 2.3.",
     "CSV was used for many years before it was standardised in RFC 4180."),
    ("What day did the visit take place?", "date", "The envoy arrived in Minsk on 21 June.",
     "It was the first such visit since February 2020."),
    ("In which version can a numeric column have a negative scale?", "version",
     "Beginning in PostgreSQL 15, it is allowed to declare a numeric column with a negative scale.",
     "An unconstrained numeric column is subject to the limits described in Table 8.2."),
    ("What is the default value of the port setting?", "default", "The TCP port the server listens on; 5432 by default.",
     "The default port number is determined at compile time."),
    ("By default, how are role passwords encrypted?", "default", "The default is scram-sha-256.",
     "This parameter determines the algorithm used to encrypt the password."),
    ("How many bytes does each deque element take?", "number", "Each element takes 8 bytes.",
     "Lists incur O(n) memory movement costs for pop(0) and insert(0, v). New in version 3.2."),
    ("Which port number should a client use?", "number", "The server listens on port 5432.", "Clients need the port number."),
    ("Which file tells the server to start in archive recovery?", "term", "Create a file recovery.signal in the data directory.",
     "The server will go into recovery mode and read the archived WAL files."),
    # a default asked without the word ("without giving a number"): "(default 2)" answers, its unit said before it
    ("If I use \\watch without giving a number, how long does it wait between runs?", "number",
     "\\watch [ seconds ]: Wait the specified number of seconds (default 2) between executions.",
     "\\watch: Repeatedly execute the current query buffer until interrupted."),
    # a share is asked: a percentage or a fraction, not any number (nor the "third" of "third-party")
    ("By roughly what percentage is the path index smaller than the ops index?", "number",
     "The path index is usually about 30% smaller than the ops index.",
     "The ops index creates three index items for each key, as a third-party schema needs."),
    # "how many times does it scan ...?" counts scans: "two scans" answers as "twice" would
    ("With that option, how many times does the server have to scan the table?", "number",
     "When this option is used, the server must perform two scans of the table.", "The table is scanned without a lock."),
    # the leading condition is not what is asked: a variable (written in capitals), not a directory
    ("On Windows, which environment variable replaces ~ with the home directory?", "term",
     "On Windows, USERPROFILE will be used if set.", "An initial ~ is replaced by the user's home directory /home/user."),
    ("Which built-in function generates a random UUID?", "term", "gen_random_uuid() returns a version 4 UUID.",
     "See Section 9.14 for how to generate a UUID."),
    ("Which command returns the space to the operating system?", "term", "VACUUM FULL rewrites the table.",
     "Plain vacuum only makes the space reusable."),
    ("What is the size of the module's source code in lines?", "number", "The module is about 1500 lines long.",
     "Source code: Lib/pathlib.py, version 3.11."),
    ("Which developer originally created the json module?", "person", "The module was written by Bob Ippolito.",
     "json exposes an API familiar to users of the marshal module."),
    ("Which integer corresponds to the WARNING level?", "number", "Level: WARNING; Numeric value: 30",
     "Logs a message with level WARNING on this logger."),
    ("By default, how many characters wide are the wrapped lines?", "number", "width (default: 70) The maximum length of wrapped lines.",
     "Wraps the single paragraph so every line is at most width characters long."),
    ("What length of prison term was the activist given?", "number", "He was freed after serving five years of a nearly 20-year sentence.",
     "The release of 14 political prisoners included the activist."),
    ("What width does wrap() use if none is given?", "default", "width (default: 70) The maximum length of wrapped lines.",
     "Wraps the single paragraph so every line is at most width characters long."),
    ("List the containers the collections module provides.", "list", "It offers namedtuple(); deque; ChainMap; Counter; OrderedDict",
     "It offers alternatives to the built-in containers."),
    ("In which upcoming SQLite release will the limit be lifted?", "version", "The limit was lifted in version 3.45.0.",
     "Future versions of SQLite might lift the limit."),
    ("By what factor does the array grow when it is full?", "number", "When it is full, the array grows to twice its size.",
     "The length is limited by sys.maxsize, such as range(2 ** 100)."),
    # a change measured against another is a ratio, not any number the page states
    ("By how much does the --aggressive option slow down git gc?", "number", "With --aggressive, git gc runs about 10 times slower.",
     "gc.aggressiveWindow defaults to 250, which is a much more aggressive window size than the default 10."),
    # a time relative to another is no duration
    ("How long was the prison sentence of the journalist?", "number", "He was freed after serving five years of his sentence.",
     "Two weeks later, three more political prisoners were released, including the journalist."),
    # a day of the month the question states, not of another
    ("On which day in February 2020 did Pompeo arrive in Minsk?", "date", "Pompeo arrived in Minsk on 1 February 2020.",
     "Kellogg was welcomed to Minsk on 21 June, the highest-level visit since February 2020."),
])
def test_the_asked_kind_of_value_is_recognised_in_a_sentence(question, qtype, holds, lacks):
    """Software documentation answers "which release" with a version and "which function" with a code name."""
    from rag.evidence import has_type
    from rag.facts import question_type

    assert question_type(question) == qtype
    assert has_type(holds, qtype, question) and not has_type(lacks, qtype, question)


def test_what_does_a_command_do_is_not_a_question_for_a_name():
    from rag.facts import question_type

    assert question_type("What does the VACUUM command do?") != "term"
    assert question_type("When does the else clause of a for loop run?") == "other"  # a condition, not a date
    assert question_type("When was PostgreSQL 15 released?") == "date"
    assert question_type("Which release notes mention it?") == "other" and question_type("What factor limits speed?") == "other"
    assert question_type("Which date formats does the variable accept?") == "other"  # formats, not a date
    assert question_type("Which date did he arrive?") == question_type("What day of the week was it?") == "date"
    assert question_type("And which function does the opposite?") == "term"  # a follow-up's "And" changes nothing
    # the question is the sentence that asks: "X doesn't list them. Which pragma does?"
    assert question_type("PRAGMA table_info doesn't list my generated columns. Which pragma does show them?") == "term"
    assert question_type("I have a big table. How many rows can it hold?") == "number"
    # a why after a leading phrase asks a why, not the default "unless I pass ..." states
    assert question_type("In a big repository, why does git status list untracked files unless I pass -u no?") == "other"
    assert question_type("Which mode applies unless I pass one?") == "default"
    # a count asked without "how many"
    assert question_type("What is the planned troop count for the drills?") == question_type("Number of soldiers in the exercises?") == "number"
    assert question_type("What was the precise number of releasees deported to Lithuania?") == "number"
    # a reason asked in other words than "why" is no default asked; nor a cause asked by its verb ("What motivated ...?")
    assert question_type("What motivated the default of 10?") == "other"
    assert question_type("What's the rationale behind the 6700 default of gc.auto?") == "other"
    # a leading condition ends before a question word after a preposition ("..., in which formats ...?" asks formats)
    assert question_type("When I set GIT_COMMITTER_DATE by hand, in which formats can I write the date?") == "other"
    assert question_type("Why are default argument values shared between calls?") == "other"  # a reason, not a default
    assert question_type("Why must tables be vacuumed every two billion transactions?") == "other"


def test_who_wants_a_personal_name_not_an_acronym():
    from rag.evidence import has_type

    assert not has_type("json exposes an API familiar to users of marshal.", "person", "Who wrote the json module?")
    assert has_type("The sqlite3 module was written by Gerhard Häring.", "person", "Who wrote the sqlite3 module?")
    # a capitalised word that opens a sentence or clause is not a name
    assert not has_type("It follows RFC 7159. This section details the compliance.", "person", "Who wrote the json module?")
    assert not has_type("zoneinfo.reset_tzpath(): Sets the search path.", "person", "Who wrote zoneinfo?")


def test_a_count_needs_its_counted_noun_next_to_a_number():
    """"How many lines ...?" is not answered by a traceback's "line 1"; a quantity phrase counts as a number."""
    from rag.evidence import counted_nouns, has_type
    from rag.facts import question_type

    assert counted_nouns("What is the maximum number of threads a program can create?") == ["thread"]
    # a qualifier does not take the counted noun's place
    extra = "With IGNORECASE, how many extra non-ASCII letters can [a-z] match besides the ASCII ones?"
    assert "letter" in counted_nouns(extra)
    assert has_type("They match the 52 ASCII letters and 4 additional non-ASCII letters.", "number", extra)
    assert question_type("What is the per-item memory footprint of a deque, in bytes?") == "number"
    assert counted_nouns("What is the per-item memory footprint of a deque, in bytes?") == ["byte"]
    q = "How many lines of code is the pathlib module?"
    assert not has_type('Traceback (most recent call last): File "<stdin>", line 1, in <module> File "x.py", line 798', "number", q)
    assert has_type("The module is about 1500 lines of Python.", "number", q)
    q = "How many prisoners were deported?"
    assert has_type("In December, 52 more political prisoners were deported.", "number", q)  # past "more" and adjectives
    assert has_type("Dozens of political prisoners were deported to Ukraine.", "number", q)
    # a share of a group ("the majority") tells how many *of* it, not how many there are
    assert not has_type("The majority of the political prisoners were deported to Ukraine.", "number", q)
    assert has_type("The majority of the political prisoners were deported to Ukraine.", "number", "How many of the prisoners were deported?")
    assert not has_type("Threads: 2; prisoners were deported.", "number", q)  # the number counts something else
    assert has_type("stored with a fixed precision (typically 53 bits)", "number", "A float has how many bits?")  # brackets are prose
    q = "What number of Polish nationals were among those released?"  # the word after the number may be the adjective
    assert has_type("Three Polish citizens were also among those released.", "number", q)
    assert not has_type("Three citizens were among those released; Polish media said so.", "number", q)


def test_a_largest_value_is_a_number_stated_as_a_bound():
    from rag.evidence import has_type

    q = "What is the largest length n allowed in a varchar(n) declaration?"
    assert has_type("If specified, the length must be greater than zero and cannot exceed 10485760.", "number", q)
    assert not has_type("CREATE TABLE test2 (b varchar(5)) holds 5 characters.", "number", q)  # a number, not a bound
    assert has_type("The value must be at least 8 characters.", "number", "What is the minimum length of a password?")
    # "the most recent calls" is not an extreme value asked for
    assert has_type("It caches 128 calls.", "number", "How many of the most recent calls does lru_cache keep?")
    # a negated bound is the other bound: "not ... more than 64" caps at 64
    q = "What is the maximum number of tables allowed in one join?"
    assert has_type("The engine does not support joins containing more than 64 tables.", "number", q)
    assert not has_type("The engine supports joins containing more than 64 tables.", "number", q)
    assert not has_type("It does not support joins of fewer than 2 tables.", "number", q)


def test_a_rate_question_takes_a_number_per_the_asked_unit():
    from rag.evidence import has_type

    q = "About how many commits a second can it manage on a spinning disk?"
    assert has_type("A 7200RPM disk drive limits you to about 60 transactions per second.", "number", q)  # counts another word
    assert has_type("The site handles about 100K hits/day.", "number", "How many hits per day can a website handle?")
    assert not has_type("The site handles 100K hits a month.", "number", "How many hits per day can a website handle?")
    assert not has_type("It took 60 seconds to reach the second disk.", "number", q)  # no rate


def test_who_is_not_answered_by_a_table_cell_or_a_code_sample():
    from rag.evidence import named_values
    from rag.text import NameVariants

    names = NameVariants.from_texts(["Enums are written by Enums users.", "Monty Python made films; Monty was there."])
    q = "Who wrote the json module?"
    assert names.is_name("Enums") and names.is_name("Monty")
    assert named_values("int, float-derived Enums | number", "person", q, names.is_name) == []
    assert named_values('$ python -m json.tool films.json [ { "title": "Monty Python and the Holy Grail" } ]', "person", q, names.is_name) == []
    assert named_values("The films were made by Monty and friends.", "person", q, names.is_name) == ["Monty"]
    weekday = NameVariants.from_texts(["Weekday is a class.", "Use Weekday here.", "Weekday again."])
    assert named_values(">>> class Weekday(Enum): ... MONDAY = 1", "person", "Who created the enum module?", weekday.is_name) == []


def test_the_corpus_topic_names_no_company():
    """"Support for the SQL MERGE command." in a database manual: SQL is what the corpus is about, not a company."""
    from rag.evidence import has_type

    q = "Which company sponsored the MERGE command?"
    topic = {"SQL", "PostgreSQL"}.__contains__
    assert not has_type("Support for the SQL MERGE command.", "organisation", q, is_topic=topic)
    assert has_type("Support for the SQL MERGE command was funded by Initech.", "organisation", q, is_topic=topic)


def test_an_organisation_is_named_like_one():
    """A lone capitalised word is no organisation ("support for Zstandard compression", keywords "INSERT, UPDATE and
    DELETE"); a run of capitalised words, an acronym used as a name, an organisation word or a deed's agent is."""
    from rag.evidence import has_type

    q = "Which company sponsored the MERGE command?"
    assert not has_type("More options for compression, including support for Zstandard and Brotli.", "organisation", q)
    assert not has_type("MERGE allows combinations of INSERT, UPDATE and DELETE subcommands.", "organisation", q)
    assert not has_type("Support for the SQL MERGE command.", "organisation", q)  # even where SQL is not the topic
    q = "Which organisation did the journalist work for?"
    for sentence in ("He worked for RFE/RL until 2020.", "She directs the Center for New Ideas.", "It was funded by the EU.",
                     "The grant came from Acme Inc last year.", "The work was paid by Initech."):
        assert has_type(sentence, "organisation", q), sentence


def test_who_wants_one_of_the_corpus_proper_nouns():
    """A name is a word the corpus writes capitalised mid-sentence (NameVariants), not any capitalised word."""
    from rag.evidence import has_type
    from rag.text import NameVariants

    corpus = ["The sqlite3 module was written by Gerhard Häring in 2004.", "Häring also maintains pysqlite.",
              "JSON (JavaScript Object Notation) is a format.", "Every object has a notation and an object id.", "The notation is short."]
    names = NameVariants.from_texts(corpus)
    q = "Who wrote the json module?"
    assert not has_type("JSON (JavaScript Object Notation) is a format.", "person", q, names.is_name)
    assert has_type("It was written by Gerhard Häring.", "person", q, names.is_name)


def test_who_did_it_is_answered_by_the_agent_of_the_same_verb_past_an_adverb():
    """"Who originally wrote the dBase program?": "originally" is not the verb; "written by Ashton-Tate" names the
    agent of "wrote", a person or not; "owned by Borland" names the agent of another verb. End to end as well."""
    from rag.evidence import _WHO_DID, _names_agent

    q = "Who originally wrote the dBase program?"
    assert _WHO_DID.match(q).group(1) == "wrote"
    assert _names_agent("dBase was a DOS program written by Ashton-Tate.", q)
    assert not _names_agent("dBase was a DOS program later owned by Borland.", q)
    assert _names_agent("The lighthouse was painted red by the harbour guild.", "Who painted the lighthouse?")


def test_an_answer_without_the_asked_kind_of_value_is_refused(settings, tmp_path):
    """"How many bytes ...?" answered by a sentence with no number is an answer to another question:
    with the answer-type requirement it is refused; without it (the setting emptied) the same question gets that sentence."""
    import shutil

    from rag.api import Engine

    from .conftest import ROOT

    corpus = tmp_path / "pydocs"
    shutil.copytree(ROOT / "tests" / "fixtures" / "html" / "sphinx", corpus)
    with Engine(settings, writer=True) as engine:
        engine.ingest(corpus)
    question = "How many bytes does a KeyError instance use?"
    assert not Engine(settings).ask(question).answered
    assert Engine(settings.replace(**{"scoring.required_types": ()})).ask(question).answered
    answer = Engine(settings).ask("Which exception is raised when a mapping key is not found?")
    assert answer.answered and "KeyError" in answer.text
def test_a_negated_question_prefers_a_sentence_saying_not(settings, tmp_path):
    """"Which option doesn't follow symbolic links?" is answered by the option said not to follow them, though the one
    said to scores higher; a negation in the question's condition or purpose ("... if I don't ...") asks nothing."""
    from rag.api import Engine

    page = ("# Copying files\n\nThe --deref option makes the copy command follow symbolic links when copying. "
            "With --keep-links, symbolic links are not followed and each link is copied as a link.\n")
    settings = ingested(settings, tmp_path / "docs", {"copy.md": page})
    answer = Engine(settings).ask("Which option doesn't follow symbolic links when copying?")
    assert answer.answered and answer.text.startswith("With --keep-links"), answer.text
    from rag.evidence import asks_negated

    assert asks_negated("Which class doesn't support key-exists?")
    assert not asks_negated("Which mode do I get if I don't give one at all?")
    assert not asks_negated("What should I call so that a scheduled setTimeout doesn't prevent Node.js from exiting?")


@pytest.mark.parametrize("page, question, expected", [
    # "checkout.thresholdForParallelism: ... The default is 100." names the threshold inside its camel-case name
    ("# git-config\n\n## Variables\n\ncheckout.workers: The number of parallel workers to use when updating the "
     "working tree. The default is one, i.e. sequential execution.\n\ncheckout.thresholdForParallelism: When running "
     "parallel checkout with a small number of files, the cost of subprocess spawning may outweigh the gains. This "
     "setting defines the minimum number of files for which parallel checkout should be attempted. The default is 100.\n",
     "What is the default threshold of files needed before Git checks files out in parallel?", "100"),
    # "Which signal is sent by default?": "killSignal ... Default: 'SIGTERM'" states the signal's default; "timeout ...
    # Default: 0" another option's, though it shares more words with the question
    ("# Child processes\n\n## exec(command[, options])\n\n* timeout {number} When the command runs longer than "
     "timeout milliseconds, the child is sent a signal. Default: 0\n* killSignal {string} Default: 'SIGTERM'\n"
     "* maxBuffer {number} Largest amount of data allowed on stdout. Default: 1024 * 1024.\n",
     "If the command runs longer than the timeout, which signal is sent by default?", "SIGTERM"),
    # no stated default names a threshold: gc.auto's ("When there are more than this many loose objects ... The default
    # value is 6700."), in the passage retrieved first, is the one
    ("# git-gc\n\n## gc.auto\n\nWhen there are approximately more than this many loose objects in the repository, "
     "git gc --auto will pack them. The default value is 6700.\n\n## gc.pruneExpire\n\nWhen git gc is run, it will "
     "call prune --expire 2.weeks.ago by default.\n",
     "What's the default threshold of loose objects at which git gc --auto decides to pack them?", "6700"),
])
def test_the_default_of_the_asked_thing(page, question, expected, settings, tmp_path):
    """A default question is answered by the default stated for the asked thing, however the page names it."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"page.md": page})
    answer = Engine(settings).ask(question)
    assert answer.answered and expected in answer.text, answer.text


_PATH_API = """# Path

## `path.matchesGlob(path, pattern)`

> Stability: 1 - Experimental

* `path` {string} The path to glob-match against.
* `pattern` {string} The glob to check the path against.
* Returns: {boolean} Whether or not the `path` matched the `pattern`.

The `path.matchesGlob()` method determines if `path` matches the `pattern`.

## `path.normalize(path)`

> Stability: 2 - Stable

The `path.normalize()` method normalizes the given `path`, resolving `'..'` and `'.'` segments.

## `path.join([...paths])`

The `path.join()` method joins all given `path` segments together using the platform-specific separator.
"""


def test_a_label_line_names_the_kind_its_value_is(settings, tmp_path):
    """"What stability level is path.matchesGlob() marked with?": "Stability: 1 - Experimental" is labelled with the
    asked kind's first word, so it names the kind; a kind no line or sentence names is still refused."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"path.md": _PATH_API})
    answer = Engine(settings).ask("What stability level is path.matchesGlob() marked with?")
    assert answer.answered and "Experimental" in answer.text, answer.text
    assert not Engine(settings).ask("Which glob algorithm does path.matchesGlob() use?").answered


def _passages(blocks, size):
    from rag.lexical import build_lexical_index

    chunks = chunk_blocks(blocks, "p.html", size=size, overlap=5, title="Manual")
    metas = [{"source": "p.html", "chunk_index": c.index, "heading": c.heading, "headings": "\n".join(c.headings)} for c in chunks]
    index = build_lexical_index([c.id for c in chunks], [c.text for c in chunks], metas)
    passages = [Passage(id=c.id, text=c.text, source="p.html", heading=c.heading, headings=c.headings, metadata=m)
                for c, m in zip(chunks, metas)]
    return passages, index


def test_a_lead_in_brings_its_whole_list_even_past_the_chunk_end():
    from rag.evidence import next_chunk

    reasons = [f"To {verb} the table so that queries stay fast and correct." for verb in ("clean", "analyse", "freeze", "map")]
    blocks = [Block("Manual", "heading", 1), Block("Background words. " * 12),
              Block("The command must run on a regular basis for several reasons:"), *[Block(r) for r in reasons],
              Block("Each reason sets its own schedule.")]
    passages, index = _passages(blocks, size=40)
    first = next(p for p in passages if "several reasons:" in p.text)
    assert not all(r in first.text for r in reasons)  # the chunk ends inside the list
    quoted = [s for s, *_ in candidate_sentences([first], next_chunk(index)) if "several reasons" in s]
    assert quoted and all(r in quoted[0] for r in reasons)
    assert "Each reason sets" not in quoted[0] or quoted[0].count("To ") == 4


def test_a_lead_in_to_a_definition_list_names_its_items_and_stops_at_the_next_list():
    blocks = [Block("Module", "heading", 1), Block("Contents", "heading", 2), Block("The module defines the following constants:"),
              Block("QUOTE_ALL", "heading", 3), Block("Quote all fields in the output file."),
              Block("QUOTE_NONE", "heading", 3), Block("Never quote any field in the output."),
              Block("The module defines the following exception:"),
              Block("exception Error", "heading", 3), Block("Raised when a row cannot be parsed.")]
    passages, _ = _passages(blocks, size=400)
    lead = [s for s, *_ in candidate_sentences(passages) if "following constants" in s]
    assert lead and lead[0].endswith("following constants: QUOTE_ALL; QUOTE_NONE.")


def test_a_lead_in_to_label_lines_names_the_labels_and_a_sentence_listing_things_answers_for_several():
    """"... one of the following storage classes: NULL. The value is a NULL value. INTEGER. ..." names its items;
    "What are the storage classes?" asks for several things, so a sentence that lists them holds the answer."""
    from rag.evidence import holds_items, lead_in_window
    from rag.facts import asks_for_items

    following = ["NULL.", "The value is a NULL value.", "INTEGER.", "The value is a signed integer.", "REAL.",
                 "The value is a floating point value.", "TEXT.", "The value is a text string.", "BLOB.",
                 "The value is a blob of data.", "Any column can store any class."]
    assert lead_in_window(following, set()) == ["NULL; INTEGER; REAL; TEXT; BLOB."]
    assert lead_in_window(["The first reason is speed.", "The second is size."], set()) == \
        ["The first reason is speed.", "The second is size."]  # sentences, not labels: read as they are
    assert asks_for_items("What are the storage classes in SQLite?") and not asks_for_items("What is the storage class of 1.5?")
    assert holds_items("Each value has one of the following storage classes: NULL; INTEGER; REAL; TEXT; BLOB.")
    assert holds_items("SQLite has five classes: NULL, INTEGER, REAL, TEXT and BLOB.")
    assert not holds_items("Any column may be used to store a value of any storage class.")


def test_a_definition_list_cut_into_one_chunk_per_item_is_read_to_its_end():
    """"The phenomena which are prohibited at various levels are:" above four headed items, each its own small
    chunk: the answer names all four, not the two that the next two chunks hold."""
    from rag.evidence import next_chunk

    items = ["dirty read", "nonrepeatable read", "phantom read", "serialization anomaly"]
    blocks = [Block("Isolation", "heading", 1), Block("The phenomena which are prohibited at various levels are:")]
    for item in items:
        blocks += [Block(item, "heading", 2), Block(f"A transaction sees a {item} caused by a concurrent transaction.")]
    passages, index = _passages(blocks, size=20)
    first = next(p for p in passages if "prohibited" in p.text)
    assert not all(i in first.text for i in items)
    lead = [s for s, *_ in candidate_sentences([first], next_chunk(index)) if "prohibited" in s]
    assert lead and all(i in lead[0] for i in items), lead


def test_the_corpus_topic_name_does_not_constrain_passages():
    """"In which PostgreSQL version ...?" must not pass over a passage because it does not repeat "PostgreSQL":
    a name most documents use is the corpus's topic. In a handful of documents every name is common, so it still counts."""
    from rag.evidence import constraint_terms
    from rag.lexical import build_lexical_index

    def index(n):
        docs = [f"Acme stores rows in tables. Page {i} explains the Widget option of Acme." if i % 5 == 0
                else f"Acme keeps a log. Section {i} covers checkpoints in Acme." for i in range(n)]
        return build_lexical_index([f"c{i}" for i in range(n)], docs, [{"source": f"p{i}.html"} for i in range(n)])

    many = constraint_terms("Which Acme option sets the Widget size?", index(30))
    assert any("widget" in t for t in many) and not any("acme" in t for t in many), many
    versioned = constraint_terms("Which Acme 15 option sets the Widget size in 2025?", index(30))
    assert "15" not in versioned and "2025" in versioned, versioned  # the topic's version is the corpus's too
    few = constraint_terms("Which Acme option sets the Widget size?", index(5))
    assert any("acme" in t for t in few), few
    # the digits of a made-up name ("tag v1.0") are not numbers the question states; "32-bit" is
    named = constraint_terms("If I tag v1.0 with a message, is the tag annotated?", index(30))
    assert "0" not in named and "1" not in named, named
    assert "32" in constraint_terms("When was 32-bit support dropped?", index(30))
    # a name the corpus never uses in the story before the asking sentence is the user's context; in the asking
    # sentence, or one the corpus uses, it constrains
    told = constraint_terms("Our IDE runs Acme in the background. Why does the Widget option fail?", index(30))
    assert not any("ide" in t for t in told) and any("widget" in t for t in told), told
    assert any("ide" in t for t in constraint_terms("Why does the IDE fail with the Widget option?", index(30)))
    assert any("widget" in t for t in constraint_terms("My Widget broke. Why does Acme fail?", index(30)))


def test_a_name_only_the_users_story_states_is_half_a_constraint():
    """"My scripts run on Windows. Which option sets the Widget size?": a passage that never says Windows is not about
    something else; it meets that name halfway (``scoring.context_constraint``), one it lacks in the asking sentence not at all."""
    from rag.evidence import constraint_terms, constraints_met, context_terms
    from rag.lexical import build_lexical_index
    from rag.types import Passage

    docs = [f"Acme stores rows in tables. Page {i} explains the Widget option." if i % 5 == 1 else
            f"On Windows, page {i} keeps a log of checkpoints." if i % 5 == 2 else f"Acme keeps page {i} in memory." for i in range(30)]
    index = build_lexical_index([f"c{i}" for i in range(30)], docs, [{"source": f"p{i}.html"} for i in range(30)])
    question = "My scripts run on Windows. Which option sets the Widget size?"
    context = context_terms(question, index)
    assert any("windows" in t for t in context) and not any("widget" in t for t in context), context
    assert not context_terms("Which option sets the Widget size on Windows?", index)
    assert not any(t.isdigit() for t in context_terms("B-trees default to 90. What is the Widget default?", index))
    constraints = sorted(constraint_terms(question, index))
    widget = Passage(id="c1", text="The Widget option sets the size.", source="p1.html", title="", heading="")
    soft = constraints_met(constraints, widget, index, context=context, context_credit=0.5)
    hard = constraints_met(constraints, widget, index)
    assert 0 < hard < soft < 1, (hard, soft)
    asked = sorted(constraint_terms("Which Windows option sets the Widget size?", index))
    assert constraints_met(asked, widget, index, context=context_terms("Which Windows option sets the Widget size?", index),
                           context_credit=0.5) == hard


def test_a_product_name_written_like_code_is_the_topic_of_a_few_of_its_own_pages():
    """Seven Node.js API pages all say "Node.js": "When does a Node.js EventEmitter print a warning?" must not pass
    over "By default EventEmitters will print a warning if more than 10 listeners ..." for not repeating it. A code
    name only some pages use (EventEmitter) is still asked for; in three pages nothing is judged common."""
    from rag.evidence import code_names
    from rag.lexical import build_lexical_index

    def index(n):
        docs = [f"Node.js page {i}. " + ("The EventEmitter class emits events." if i < 2 else "Timers run callbacks later.")
                for i in range(n)]
        return build_lexical_index([f"c{i}" for i in range(n)], docs, [{"source": f"p{i}.md"} for i in range(n)])

    q = "At what number of listeners does a Node.js EventEmitter start printing a warning?"
    seven = code_names(q, index(7))
    assert "~eventemitter" in seven and not {"node", "js"} & seven, seven
    assert {"node", "js"} <= code_names(q, index(3))


def test_a_year_is_met_by_a_passage_of_a_document_dated_that_year():
    """"... freed in June 2025?" must not pass over a 2025 article's paragraph that says only "in June"; a year the
    document only mentions ("in 2019") still has to be in the passage, and an undated document meets no year."""
    from rag.evidence import constraints_met
    from rag.lexical import build_lexical_index
    from rag.types import Passage

    docs = ["Three Polish citizens were released in June.", "Exports peaked in 2019.", "Four were released in June."]
    metas = [{"source": "a.txt", "date": "2025-07-16"}, {"source": "a.txt", "date": "2025-07-16"}, {"source": "b.txt", "date": ""}]
    index = build_lexical_index(["a0", "a1", "b0"], docs, metas)
    dated = Passage(id="a0", text=docs[0], source="a.txt", date="2025-07-16")
    undated = Passage(id="b0", text=docs[2], source="b.txt")
    assert constraints_met(["2025"], dated, index) == 1.0
    assert constraints_met(["2019"], dated, index) == 0.0
    assert constraints_met(["2025"], undated, index) == 0.0


def test_an_acronym_the_question_writes_is_met_by_its_words_in_lower_case():
    """"Give an overview of ... large databases with pg_dump, e.g. when the OS limits file size." is answered by
    "Some operating systems have maximum file size limits ...": the acronym written out in plain words meets it; words
    that only happen to start with its letters and are stopwords ("of such") do not, nor a lower-case word asked."""
    from rag.evidence import constraints_met, spells_in_words
    from rag.lexical import build_lexical_index
    from rag.types import Passage

    docs = ["Some operating systems have maximum file size limits.", "Files of such size are split."]
    index = build_lexical_index(["a", "b"], docs, [{"source": "a.html"}, {"source": "b.html"}])
    asked = "How do I dump a large database when the OS limits file size?"
    assert constraints_met(["os"], Passage(id="a", text=docs[0], source="a.html"), index, question=asked) == 1.0
    assert constraints_met(["os"], Passage(id="b", text=docs[1], source="b.html"), index, question=asked) == 0.0
    assert spells_in_words("wal", "the write-ahead log is") and not spells_in_words("os", "of such")


def test_a_place_is_met_by_its_adjective_and_an_acronym_by_its_words():
    """"How many citizens of Poland ...?" is answered by "Three Polish citizens ..."; "police" is not Polish;
    "... at the UN?" by a passage saying "the United Nations"."""
    from rag.evidence import demonym_of

    assert demonym_of("~poland", "~polish") and demonym_of("~ukraine", "~ukrainian") and demonym_of("~china", "chines")
    assert demonym_of("~belarus", "~belarusian") and demonym_of("~england", "~english")
    from rag.evidence import spelled_out
    assert "un" in spelled_out("Belarus's permanent representative to the United Nations, Valentin Rybakov, said")
    assert {"nato", "be"} <= spelled_out("the North Atlantic Treaty Organization and the Bank of England")
    assert not demonym_of("~poland", "~police") and not demonym_of("~china", "~chinatown") and not demonym_of("~mark", "~market")


def test_words_describing_a_named_person_are_not_asked_of_a_passage_that_names_them():
    """"When did Belarusian opposition figure Siarhei Tsikhanouski first hear ...?": "opposition figure" and his given
    name describe whom the question is about; a passage saying "Tsikhanouski said ..." names him all the same."""
    from rag.evidence import constraint_terms, constraints_met, descriptors, query_terms
    from rag.lexical import build_lexical_index
    from rag.types import Passage

    docs = ["In Vilnius Tsikhanouski said he had heard talk of his potential release in August 2024.",
            "In June Siarhei Tsikhanouski was freed, and then Tsikhanouski thanked the Belarusian opposition.",
            "A photo shows a Belarusian opposition figure at a protest in Warsaw."]
    index = build_lexical_index(["a", "b", "c"], docs, [{"source": f"{n}.txt"} for n in "abc"])
    q = "When did Belarusian opposition figure Siarhei Tsikhanouski first hear talk of his release?"
    found = descriptors(q, index)
    surname = frozenset(query_terms("Tsikhanouski", index))
    assert (frozenset(query_terms("Belarusian opposition figure", index)), frozenset(query_terms("Siarhei Tsikhanouski", index))) in found
    assert (frozenset(query_terms("Siarhei", index)), surname) in found
    constraints = sorted(constraint_terms(q, index))
    said = Passage(id="a", text=docs[0], source="a.txt")
    photo = Passage(id="c", text=docs[2], source="c.txt")
    assert constraints_met(constraints, said, index, found) == 1.0 > constraints_met(constraints, said, index)
    assert constraints_met(constraints, photo, index, found) < 0.5  # describes someone, names no one
    assert descriptors("Who did Tsikhanouski thank?", index) == []  # nothing before the name, one-word name
    # words before a name that end in no role noun are the question's own ("released after", "visited"), not a description
    assert descriptors("Was the opposition thanked after Tsikhanouski visited Vilnius?", index) == []


def test_a_word_opening_the_second_sentence_of_a_question_is_not_a_name():
    from rag.evidence import constraint_terms
    from rag.lexical import build_lexical_index

    index = build_lexical_index(["a", "b"], ["Tables are vacuumed by Anna. Give them time.", "Reasons vary."],
                                [{"source": "a.txt"}, {"source": "b.txt"}])
    terms = constraint_terms("Why are tables vacuumed by Anna? Give all the reasons.", index)
    assert not any("give" in t for t in terms) and any("anna" in t for t in terms), terms


def test_which_kind_of_thing_is_answered_with_the_section_that_names_it():
    """"Which kind of index stores entries for only some rows?": the sentence saying so sits under "11.8. Partial
    Indexes" and never says "partial"; the answer names the kind from the section title."""
    from rag.evidence import kind_named
    from rag.facts import question_type
    from rag.lexical import build_lexical_index

    index = build_lexical_index(["a"], ["A partial index covers some rows of a table."], [{"source": "indexes.html"}])
    q = "Which kind of index stores entries for just a subset of rows?"
    assert question_type(q) == "kind"
    sentence = "The index contains entries only for those table rows that satisfy the predicate."
    assert kind_named(sentence, "11.8. Partial Indexes", q, index) == (f"Partial Indexes: {sentence}", True)
    assert kind_named(sentence, "11.2. Index Types", q, index)[1] is False  # "types" names no kind
    assert kind_named(sentence, "Description", q, index) == (sentence, False)  # shares nothing with the question


def test_a_table_row_says_what_its_cells_are():
    """"What is the numeric value of the WARNING level?" is answered by the row "WARNING | 30", which alone
    says neither "numeric" nor "value": rows are quoted with their table's header."""
    from rag.types import Passage

    text = ("Logging Levels\n\nThe numeric values of logging levels are given in the following table.\n\n"
            "Level | Numeric value\n\nCRITICAL | 50\n\nWARNING | 30\n\nLevels can also be set on loggers.")
    p = Passage(id="x", text=text, source="l.html", heading="Logging › Logging Levels", headings=("Logging Levels",))
    rows = {quote: sentence for sentence, _, _, quote, _ in candidate_sentences([p])}
    assert rows["WARNING | 30"] == "Level: WARNING; Numeric value: 30."
    assert "Level | Numeric value" not in rows  # the header row is not an answer
    assert rows["Levels can also be set on loggers."] == "Levels can also be set on loggers."


def test_a_question_for_several_things_gets_what_the_following_table_lists():
    """"Which container datatypes does collections provide?": the sentence before the table names its first cells;
    a header row of labels is not an item; a question for one thing quotes the sentence alone."""
    from rag.facts import asks_for_items
    from rag.types import Passage

    text = ("collections\n\nThis module implements specialized container datatypes.\n\n"
            "namedtuple() | factory function for tuples\n\ndeque | list-like container\n\nCounter | dict subclass for counting\n\n"
            "Infinite iterators:\n\nIterator | Arguments | Results\n\ncount() | start | start, start+1\n\ncycle() | p | p0, p1")
    p = Passage(id="x", text=text, source="c.html", heading="collections", headings=("collections",))
    q = "Which specialized container datatypes does the collections module provide?"
    assert asks_for_items(q) and asks_for_items("What output formats can pg_dump produce?")
    assert not asks_for_items("What does this do?") and not asks_for_items("Which exception is raised for a missing key?")
    listed = [s for s, *_ in candidate_sentences([p], items=True)]
    # "This module" is the one the heading names
    assert "collections: This module implements specialized container datatypes. namedtuple(); deque; Counter." in listed
    assert "Infinite iterators: count(); cycle()." in listed
    plain = [s for s, *_ in candidate_sentences([p])]
    assert "collections: This module implements specialized container datatypes." in plain and not any("Infinite" in s for s in plain)


def test_the_default_named_by_a_heading_is_a_default_with_its_value():
    """"PRESERVE ROWS / No special action is taken ... This is the default behavior.": the value is the heading.
    "-p port / Defaults to the PGPORT environment variable ...": the heading is not the value."""
    from rag.embedders.fake import FakeEmbedder
    from rag.evidence import rank_evidence
    from rag.lexical import build_lexical_index
    from rag.types import Passage

    text = ("ON COMMIT\n\nPRESERVE ROWS\n\nNo special action is taken at the ends of transactions. This is the default behavior.\n\n"
            "DELETE ROWS\n\nAll rows in the temporary table will be deleted at the end of each transaction block.")
    p = Passage(id="a", text=text, source="create-table.html", heading="CREATE TABLE › ON COMMIT",
                headings=("ON COMMIT", "PRESERVE ROWS", "DELETE ROWS"))
    index = build_lexical_index(["a"], [text], [{"source": "create-table.html"}])
    embedder = FakeEmbedder()
    q = "Which ON COMMIT behaviour is the default for a temporary table?"
    ranked = rank_evidence(q, [p], embedder.encode([q])[0], index, embedder)
    typed = [e for e in ranked if e.typed]
    assert typed and typed[0].sentence.startswith("PRESERVE ROWS: "), [(e.sentence, e.typed) for e in ranked]
    assert not any(e.sentence.startswith("DELETE ROWS") for e in typed)


def _ranked_on_one_page(text: str, source: str, heading: str, question: str):
    """rank_evidence over one passage, with its own lexical index and the deterministic fake embedder."""
    from rag.embedders.fake import FakeEmbedder
    from rag.evidence import rank_evidence
    from rag.lexical import build_lexical_index
    from rag.types import Passage

    passage = Passage(id="a", text=text, source=source, heading=heading)
    index, embedder = build_lexical_index(["a"], [text], [{"source": source}]), FakeEmbedder()
    return rank_evidence(question, [passage], embedder.encode([question])[0], index, embedder)


def test_a_yes_no_question_asks_what_its_own_sentence_says():
    """"On Linux I ran splitext() on a dotfile. Does it treat '.cshrc' as the extension?": what is asked (the predicate
    check of yes/no questions) may be the asking sentence's alone, not diluted by the words of the user's story."""
    text = ("Split the pathname path into a pair (root, ext). Leading periods of the last component of the path are "
            "considered to be part of the root: splitext('.cshrc') returns ('.cshrc', '').")
    story = "Yesterday my deployment script crashed while copying configuration dotfiles between Linux servers. "
    q = story + "Does splitext treat '.cshrc' as the extension?"
    page = (text, "os.path.html", "os.path › os.path.splitext(path)")
    told = max(e.predicate for e in _ranked_on_one_page(*page, q) if "'.cshrc'" in e.sentence)
    alone = "Does splitext treat '.cshrc' as the extension?"
    plain = max(e.predicate for e in _ranked_on_one_page(*page, alone) if "'.cshrc'" in e.sentence)
    assert told == plain > 0, (told, plain)


def test_a_sentence_scoped_to_another_platform_is_about_that_one():
    """"On Unix, which folders does SQLite search for temporary files?": "On Windows systems, folders are searched ..."
    is scoped to another platform and scores as a passage lacking an asked name would; the unix-like one does not."""
    text = ("On Windows systems, folders are searched in the following order: the temp_store_directory folder, the folder "
            "returned by GetTempPath(). On unix-like systems, directories are searched in the following order: the "
            "temp_store_directory directory, /var/tmp, /usr/tmp, /tmp.")
    page = (text, "tempfiles.html", "Temporary files › Location")
    ranked = _ranked_on_one_page(*page, "On Unix, which folders are searched for temporary files, in order?")
    windows = next(e for e in ranked if e.sentence.startswith("On Windows"))
    unix = next(e for e in ranked if e.sentence.startswith("On unix-like"))
    assert unix.score > windows.score, (unix.score, windows.score)
    unscoped = next(e for e in _ranked_on_one_page(*page, "Which folders are searched for temporary files, in order?")
                    if e.sentence.startswith("On Windows"))
    assert windows.score < unscoped.score


def test_a_default_closes_the_item_that_opens_with_the_asked_name():
    """"What is the default value of the compact option?": the item opening with compact states it ("compact
    {boolean|integer} ... Default: 3."), not the one mentioning compact in passing ("breakLength ... Default: 80.")."""
    text = ("breakLength {integer} The length at which input values are split across multiple lines, in combination "
            "with compact set to true. Default: 80.\n\ncompact {boolean|integer} Setting this to false causes each "
            "object key to be displayed on a new line. Default: 3.\n\nsorted {boolean} If set to true, all properties "
            "are sorted. Default: false.")
    q = "What is the default value of the compact option in util.inspect()?"
    typed = [e.sentence for e in _ranked_on_one_page(text, "util.md", "util › util.inspect(object[, options])", q) if e.typed]
    assert typed and all("3" in t for t in typed), typed


def test_an_example_caption_brings_the_code_under_it():
    """"Compute the date of the first Tuesday in October for the current year." captions the statement under it: quoted
    with it; a sentence followed by prose, or a lead-in (":"), is not."""
    from rag.evidence import candidate_sentences
    from rag.types import Passage

    text = ("Compute the date of the first Tuesday in October for the current year.\n\n"
            "SELECT date('now','start of year','+9 months','weekday 2');\n\n"
            "The weekday modifier advances the date to the next matching weekday.\n\nIt never moves backwards.")
    p = Passage(id="a", text=text, source="lang_datefunc.html", heading="Date And Time Functions › Examples")
    quoted = [c[0] for c in candidate_sentences([p])]
    caption = next(q for q in quoted if q.startswith("Compute"))
    assert "weekday 2" in caption, quoted
    assert next(q for q in quoted if q.startswith("The weekday")) == "The weekday modifier advances the date to the next matching weekday."


def test_a_sentence_about_the_document_is_not_an_answer():
    """"This section describes the way the DROP TABLE command interacts with foreign keys." says where the answer is:
    it scores as a passage lacking an asked name would, unless an overview is asked."""
    text = ("This section describes what the DROP TABLE command does when foreign keys are enabled. If foreign key "
            "constraints are on, it performs an implicit DELETE of all rows before dropping the table.")
    q = "What does the DROP TABLE command do with foreign keys enabled?"
    ranked = _ranked_on_one_page(text, "foreignkeys.html", "Foreign keys › DROP TABLE", q)
    assert ranked[0].sentence.startswith("If foreign key"), [(e.sentence, e.score) for e in ranked]


def test_this_level_is_named_by_the_section_it_sits_in():
    """"Applications using this level must ..." under "13.2.2. Repeatable Read Isolation Level" says which level only
    through its section title: the quote names it. A sentence that names it, or a title the demonstrative is not about,
    is quoted as written."""
    from rag.evidence import name_subject

    title = "13.2.2. Repeatable Read Isolation Level"
    sentence = "Applications using this level must be prepared to retry transactions."
    assert name_subject(title, sentence) == f"Repeatable Read Isolation Level: {sentence}"
    named = "The Repeatable Read level sees a snapshot; this level is stricter."
    assert name_subject(title, named) == named
    assert name_subject("Description", "This level is fine.") == "This level is fine."
    assert name_subject(title, "Queries in that transaction see this snapshot.") == "Queries in that transaction see this snapshot."


def test_a_code_name_also_says_its_words():
    """"...stops my script from the keyboard?" finds KeyboardInterrupt: a CamelCase name is indexed with its parts;
    a brand written in mixed case (PostgreSQL) is not cut into pieces."""
    from rag.text import content_words

    assert content_words("KeyboardInterrupt") == ["keyboardinterrupt", "keyboard", "interrupt"]
    assert content_words("getLogger OrderedDict") == ["getlogger", "logger", "ordereddict", "ordered", "dict"]
    assert content_words("PostgreSQL HTTPServer Kellogg") == ["postgresql", "httpserver", "kellogg"]
    # a number written with its unit says both: "a 7200 RPM disk?" finds "a 7200RPM disk drive"
    assert content_words("7200RPM 64KB 3D") == ["7200rpm", "7200", "rpm", "64kb", "64", "kb", "3d"]


def test_hedging_adverbs_are_not_asked_terms():
    """"How do I raise the threshold for every instance at once *rather* than one by one?" is not answered by "*Rather*,
    Node.js will ... re-raise the handled signal": a hedge or an intensifier says nothing about what is asked."""
    from rag.text import content_words

    assert content_words("rather quite really actually even threshold") == ["threshold"]


def test_a_negative_contraction_reads_as_written_out():
    """"... to say it can't test this one?" matches "... cannot be tested"; "doesn't" is two stopwords, as "does not"."""
    from rag.text import content_words

    assert content_words("the script can't test it") == content_words("the script cannot test it") == ["script", "cannot", "test"]
    assert content_words("it doesn’t work, it isn't, it won't") == content_words("it does not work, it is not, it will not") == ["work"]
    # a pronoun's contraction is two stopwords too: "What about closing it when I'm done?" asks about closing
    assert content_words("closing it when I'm done, I’ve, you're, they'll, we'd") == ["closing", "done"]


def test_a_hyphenated_prefix_also_says_the_joined_word():
    """"Which e-mail address ...?" finds "email"; "write-ahead" stays two words (not a prefix), "--no-verify" an option."""
    from rag.text import content_words

    assert "email" in content_words("send an e-mail") and "reindex" in content_words("re-index the table")
    assert content_words("write-ahead log, --no-verify") == ["write", "ahead", "log", "verify"]


def test_a_symbol_written_alone_is_a_term():
    """"What does ?? mean in git status?" must find "?? is used for untracked paths": an operator or marker standing
    alone is a term; punctuation in prose, dashes, rules and heading marks are not."""
    from rag.text import content_words

    assert content_words('?? is used for untracked paths; ignored ones show !!.') == ["used", "untracked", "paths", "ignored", "show", "??", "!!"]
    assert [w for w in content_words("x := 3, a -> b, a // b, HEAD@{1} or `@{u}` and a == b") if not w.isalnum()] == [":=", "->", "//", "@{u}", "=="]
    assert [w for w in content_words("Where? Here! --- ### *** -- a - b :: see (?P<name>...) and {} ...") if not w.isalnum()] == []
    # a range notation is a term of its own: "r1..r2" is not "r1...r2"; an ellipsis is not a range
    assert [w for w in content_words("written as r1..r2. A similar notation r1...r2, or <rev1>..<rev2>") if "." in w] == [
        "r1..r2", "r1...r2", "<rev1>..<rev2>"]
    assert [w for w in content_words("wait... and this... then e.g. U.S. Version 3.2..") if "." in w] == []


def test_a_consequence_brings_the_sentences_that_give_its_reason():
    """"Why doesn't DROP COLUMN shrink the table?" matches "Thus, dropping a column is quick but ..."; the reason is in
    the sentences before it, so the quote starts there (two at most, and past a parenthetical aside)."""
    from rag.types import Passage

    text = ("DROP COLUMN\n\nThe DROP COLUMN form simply makes the column invisible to SQL operations. "
            "Later inserts store a null value for it. Thus, dropping a column is quick but does not reduce the table's size.\n\n"
            "Old rows would appear to be in the future. (Actually the data is still there.) "
            "To avoid this, every table must be vacuumed.")
    p = Passage(id="x", text=text, source="a.html", heading="ALTER TABLE › DROP COLUMN", headings=("DROP COLUMN",))
    quoted = [s for s, *_ in candidate_sentences([p])]
    thus = next(s for s in quoted if "Thus," in s)
    avoid = next(s for s in quoted if "To avoid this" in s)
    assert thus.startswith("The DROP COLUMN form simply makes the column invisible")
    assert "Old rows would appear to be in the future. (Actually the data is still there.) To avoid this" in avoid


def test_the_value_asked_may_be_in_the_next_sentences_of_the_best_ones_paragraph():
    """"How many seconds does connect() wait?" best matches "timeout – How many seconds the connection should wait ...";
    the number is two sentences on, in the same paragraph: that sentence follows the best one; one in another paragraph
    or further on does not."""
    from rag.answerers.extractive import _follows
    from rag.evidence import Evidence
    from rag.types import Passage

    text = ("timeout (float) – How many seconds the connection should wait. If another connection writes, it is locked. "
            "Default five seconds.\n\nAnother paragraph says 10 seconds.")
    p = Passage(id="x", text=text, source="s.html", heading="connect", headings=())

    def ev(sentence: str) -> Evidence:
        return Evidence(sentence, p, 0, 0.5, 0.5, False, 0.5, quote=sentence)

    best = ev("timeout (float) – How many seconds the connection should wait.")
    assert _follows(best, ev("Default five seconds."))
    assert not _follows(best, ev("Another paragraph says 10 seconds."))
    assert not _follows(best, ev("Default five seconds."), within=1)


def test_a_bare_version_note_names_the_page_it_is_on():
    """"New in version 3.11." right under the page title says what was new only through the title: the quote names it.
    Other short lines (a cross-reference, operators) are not given a title they would then match every question on."""
    from rag.types import Passage

    text = "tomllib — Parse TOML files\n\nNew in version 3.11.\n\nFor more information see Chapter 71.\n\nThis module parses TOML."
    p = Passage(id="x", text=text, source="t.html", heading="tomllib — Parse TOML files", headings=("tomllib — Parse TOML files",))
    quoted = [s for s, *_ in candidate_sentences([p])]
    assert "tomllib — Parse TOML files: New in version 3.11." in quoted
    assert "For more information see Chapter 71." in quoted


def test_a_summary_question_is_answered_with_the_page_opening_sentence(settings, tmp_path):
    """"Summarize what the frob module does.": the page's first sentence (under its title, past the "Source code:"
    label line) says it, though it never names the module; function entries, each opening its own section, do not."""
    from rag.api import Engine
    from rag.evidence import asks_overview

    assert asks_overview("Summarize what the frob module does.") and asks_overview("What does the VACUUM command do?")
    assert not asks_overview("Which frob function sorts?")
    assert asks_overview("Can you explain what running VACUUM accomplishes?") and asks_overview("Tell me about the frob module.")
    assert not asks_overview("Explain why VACUUM is needed.")  # a reason, not an overview
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "frob.md").write_text(
        "# frob — Frobnication helpers\n\nSource code: Lib/frob.py\n\n"
        "This module provides support for keeping a list in sorted order without sorting it after each insertion. "
        "It is called frob because frob is short. The frob source may be read as an example of the frob algorithm.\n\n"
        "## frob.twiddle(a, x)\n\nLocate the frob insertion point for x in a to maintain the frob order.\n\n"
        "## frob.insort(a, x)\n\nInsert x in a in frob order after running frob.twiddle on it.\n")
    with Engine(settings.replace(corpus_dir=corpus), writer=True) as engine:
        engine.ingest(corpus)
        answer = engine.ask("Summarize what the frob module does.")
        used_for = engine.ask("What is the frob module used for?")  # an overview too: the opening joins the best sentence
    assert answer.answered and "sorted order" in answer.text, answer.text
    assert used_for.answered and "sorted order" in used_for.text, used_for.text
    assert "Source code" not in answer.text


def test_every_passage_naming_a_rare_name_is_added():
    """"In which month was Yuri Zenkovich released?": all (at most four) chunks naming him join the retrieved
    passages, so a source giving another month is seen; a name in many chunks adds nothing; filters still apply."""
    from rag.lexical import build_lexical_index
    from rag.retrieve import rare_name_passages
    from rag.types import Filters

    docs = ["In April, Lukashenko released Yuri Zenkovich.", "Coale facilitated the release of Yuras Zenkovich in May.",
            *[f"Lukashenko spoke about sanctions on day {i}." for i in range(8)]]
    metas = [{"source": "a.txt"}, {"source": "b.txt"}, *[{"source": f"c{i}.txt"} for i in range(8)]]
    index = build_lexical_index([f"r{i}" for i in range(len(docs))], docs, metas)
    added = rare_name_passages("In which month was Yuri Zenkovich released?", index, {"r0"})
    assert [p.id for p in added] == ["r1"] and added[0].source == "b.txt"
    assert rare_name_passages("What did Lukashenko say?", index, set()) == []  # in nine chunks: not rare
    assert rare_name_passages("When was Zenkovich released?", index, set(), Filters(sources=("a.txt",)))[0].id == "r0"


def test_the_chunk_after_a_top_passage_joins_the_passages():
    """"Which infinite iterators does itertools provide?": retrieval finds the page's opening chunk; the "Infinite
    iterators:" table is in the chunk after it. The next chunk of each of the two best passages is added, once."""
    from rag.lexical import build_lexical_index
    from rag.retrieve import _passage, following_passages
    from rag.types import Filters

    docs = ["itertools opens here.", "Infinite iterators: count | cycle | repeat", "Later text.", "Other page.", "Other next."]
    metas = [{"source": "it.html", "chunk_index": i} for i in range(3)] + [{"source": "o.html", "chunk_index": i} for i in range(2)]
    index = build_lexical_index([f"r{i}" for i in range(5)], docs, metas)
    top = [_passage(index, 0), _passage(index, 3), _passage(index, 1)]
    added = following_passages(top, index, {p.id for p in top})
    assert [p.id for p in added] == ["r4"]  # r1 (after r0) is already there; r4 follows r3; the third passage is past top 2
    assert [p.id for p in following_passages([_passage(index, 0)], index, set())] == ["r1"]
    assert following_passages([_passage(index, 0)], index, set(), filters=Filters(sources=("o.html",))) == []


def test_contracted_questions_get_the_type_of_the_full_wording():
    from rag.facts import asks_for_items, question_type
    from rag.text import expand_contractions

    assert expand_contractions("What's new? Who’s he? Where're they? It's fine.") == "What is new? Who is he? Where are they? It is fine."
    assert expand_contractions("the function's name") == "the function's name"  # a possessive stays
    assert question_type("What's the default port?") == question_type("What is the default port?") == "default"
    assert question_type("Who's the author of the module?") == "person"
    assert asks_for_items("What're the storage classes?")


def test_a_faq_question_is_quoted_with_the_start_of_its_answer():
    """"(12) I deleted a lot of data but the file did not get smaller. Is this a bug?" describes a problem: alone it
    answers nothing. It is a candidate only together with the sentences that answer it; a long paragraph that
    merely ends with a question keeps its statements."""
    from rag.evidence import candidate_sentences
    from rag.types import Passage

    faq = ("(12) I deleted a lot of data but the database file did not get any smaller. Is this a bug?\n\n"
           "No. Deleted space is added to a free-list and reused later. It is not returned to the operating system.\n\n"
           "Run VACUUM to shrink the file.")
    quoted = [c[0] for c in candidate_sentences([Passage(id="f", text=faq, source="faq.html")])]
    assert "(12) I deleted a lot of data but the database file did not get any smaller." not in quoted
    assert quoted[0].startswith("(12) I deleted") and "Is this a bug? No. Deleted space is added" in quoted[0], quoted
    assert "Run VACUUM to shrink the file." in quoted  # the answer's sentences are candidates of their own too
    assert any(q.startswith("No. Deleted space") and q.endswith("It is not returned to the operating system.") for q in quoted)

    long = " ".join(f"Sentence number {n} explains one more detail of the storage format in plain words." for n in range(6))
    essay = f"{long} Why would anyone want that?"
    kept = [c[0] for c in candidate_sentences([Passage(id="e", text=essay, source="essay.html")])]
    assert "Sentence number 0 explains one more detail of the storage format in plain words." in kept


def test_a_number_the_question_states_is_partly_met_by_another_passage_of_the_same_document():
    """"When Belarus freed 123 prisoners, where were most of them deported?": the article's later paragraph says where
    without repeating the 123 its opening gave; a passage of another document that never says 123 gets no such credit."""
    from rag.embedders.fake import FakeEmbedder
    from rag.evidence import constraints_met, rank_evidence
    from rag.lexical import build_lexical_index
    from rag.settings import ScoringSettings
    from rag.types import Passage

    texts = ["On Saturday Belarus freed 123 political prisoners after talks with the envoy.",
             "Most of the freed prisoners were deported to Ukraine, not to Lithuania.",
             "Freed prisoners are usually deported to Lithuania by bus."]
    sources = ["a.txt", "a.txt", "b.txt"]
    passages = [Passage(id=str(i), text=t, source=s_) for i, (t, s_) in enumerate(zip(texts, sources))]
    index = build_lexical_index(["0", "1", "2"], texts, [{"source": s_} for s_ in sources])
    same = frozenset({"123"})
    assert constraints_met(["123"], passages[1], index, document=same, document_credit=0.7) == 0.7
    assert constraints_met(["123"], passages[1], index) == 0.0  # no credit asked: as before
    embedder, q = FakeEmbedder(), "When Belarus freed 123 political prisoners, where were most of them deported?"
    ranked = rank_evidence(q, passages, embedder.encode([q])[0], index, embedder)
    later = next(e for e in ranked if "Ukraine" in e.sentence)
    other = next(e for e in ranked if e.passage.source == "b.txt")
    assert later.score > other.score
    off = rank_evidence(q, passages, embedder.encode([q])[0], index, embedder, scoring=ScoringSettings(document_constraint=0))
    assert next(e for e in off if "Ukraine" in e.sentence).score < later.score


def test_a_place_is_named_by_its_adjective_in_a_sentence():
    """"How many citizens of Poland were released?": "Three Polish citizens were released" names Poland."""
    from rag.embedders.fake import FakeEmbedder
    from rag.evidence import rank_evidence
    from rag.lexical import build_lexical_index
    from rag.types import Passage

    texts = ["Three Polish citizens were released on Saturday.", "The talks with Poland went on; Belarus released fourteen people."]
    passages = [Passage(id=str(i), text=t, source=f"{i}.txt") for i, t in enumerate(texts)]
    index = build_lexical_index(["0", "1"], texts, [{"source": "0.txt"}, {"source": "1.txt"}])
    embedder, q = FakeEmbedder(), "How many citizens of Poland were released?"
    ranked = rank_evidence(q, passages, embedder.encode([q])[0], index, embedder)
    polish = next(e for e in ranked if e.sentence.startswith("Three Polish"))
    assert "~poland" in polish.covered, polish.covered
    assert ranked[0] is polish


def test_a_default_answers_only_for_the_thing_whose_default_is_asked():
    """"What is the default timeout of connect()?": "(the default is 1000000000)" of a length limit is not it; the
    note "Default five seconds." closing the item "timeout (float) – How many seconds ..." is, named by that item."""
    from rag.embedders.fake import FakeEmbedder
    from rag.evidence import candidate_sentences, defaulted_attribute, rank_evidence
    from rag.lexical import build_lexical_index
    from rag.types import Passage

    assert defaulted_attribute("What is the default timeout of sqlite3.connect()?") == {"timeout"}
    assert defaulted_attribute("What is the default value of the port setting?") == {"port"}
    assert defaulted_attribute("Which ON COMMIT behaviour is the default?") == set()  # nothing named: any default
    # a phrase names it by any of its words ("The default tolerance is 1e-09"), up to a function word or a parenthesis
    assert defaulted_attribute("What is the default relative tolerance (rel_tol) of math.isclose()?") == {"relat", "toler"}
    assert defaulted_attribute("What is the default page size in SQLite?") == {"page"}
    text = ("Parameters:\n\ntimeout (float) – How many seconds the connection should wait if the database is locked. "
            "Default five seconds.\n\nQuery the maximum length of a statement for a connection (the default is 1000000000).")
    passage = Passage(id="c", text=text, source="sqlite3.html", heading="sqlite3.connect()", headings=("Parameters:",))
    quoted = [c[0] for c in candidate_sentences([passage])]
    assert "timeout (float): Default five seconds." in quoted, quoted
    index = build_lexical_index(["c"], [text], [{"source": "sqlite3.html"}])
    embedder, q = FakeEmbedder(), "What is the default timeout of sqlite3.connect()?"
    typed = [e.sentence for e in rank_evidence(q, [passage], embedder.encode([q])[0], index, embedder) if e.typed]
    assert typed == ["timeout (float): Default five seconds."], typed
    # the asked attribute may be named by the paragraph, a sentence or two before the default
    text = ("checkout.threshold\n\nWhen running parallel checkout with a small number of files, the cost of spawning "
            "might outweigh the gains. This setting allows to define the minimum number of files for which parallel checkout "
            "should be attempted. The default is 100.\n\ncheckout.workers\n\nThe default is one, i.e. sequential execution.")
    passage = Passage(id="d", text=text, source="switch.html", heading="git-switch › CONFIGURATION",
                      headings=("checkout.threshold", "checkout.workers"))
    index = build_lexical_index(["d"], [text], [{"source": "switch.html"}])
    q = "What is the default minimum number of files for which a parallel checkout is attempted?"
    typed = [e.sentence for e in rank_evidence(q, [passage], embedder.encode([q])[0], index, embedder) if e.typed]
    assert typed == ["checkout.threshold: The default is 100."], typed


def test_a_sentence_is_quoted_with_the_however_that_corrects_it():
    """"SQL specifies that the default is DELETE ROWS. However, the default in PostgreSQL is PRESERVE ROWS.": quoting
    the first alone would state what the next one corrects. Only within one paragraph."""
    from rag.evidence import candidate_sentences
    from rag.types import Passage

    text = ("If the clause is omitted, SQL specifies that the default behavior is ON COMMIT DELETE ROWS. "
            "However, the default behavior in PostgreSQL is ON COMMIT PRESERVE ROWS.\n\n"
            "Temporary tables are dropped at the end of a session.\n\nHowever, views on them stay until the session ends.")
    quoted = [c[0] for c in candidate_sentences([Passage(id="t", text=text, source="create-table.html")])]
    assert ("If the clause is omitted, SQL specifies that the default behavior is ON COMMIT DELETE ROWS. "
            "However, the default behavior in PostgreSQL is ON COMMIT PRESERVE ROWS.") in quoted, quoted
    assert "Temporary tables are dropped at the end of a session." in quoted  # the next paragraph's "However" is not its own


def test_numbers_with_k_and_counts_of_listed_items_are_checked_as_written():
    """"100K hits/day" states 100,000; "five storage classes: NULL, INTEGER, REAL, TEXT or BLOB" counts what it lists, so
    verification checks the items, not a "five" the page never writes. A wrong count or a figure not stated still fails."""
    from rag.embedders.fake import FakeEmbedder
    from rag.facts import listed_counts, numbers
    from rag.lexical import build_lexical_index
    from rag.verify import support

    assert [v.value for v in numbers("fewer than 100K hits/day, 2M rows")] == [(100000.0,), (2000000.0,)]
    # "one" and "zero" as the value a clause ends on, not as words of other uses
    assert [v.value for v in numbers("if it is None, the exit status is zero; otherwise the exit status is one.")] == [(0.0,), (1.0,)]
    assert numbers("It is one of the ways; at least one option is zero-based.") == []
    # ... nor "one" standing for a thing: "... to the nodejs.rejection method if there is one, or to ..."
    assert numbers("It routes the exception to the rejection method if there is one, or to the 'error' handler.") == []
    assert listed_counts("one of five storage classes: NULL, INTEGER, REAL, TEXT or BLOB.") == {5.0}
    assert listed_counts("one of six storage classes: NULL, INTEGER, REAL, TEXT or BLOB.") == set()
    page = ("Each value stored in the database has one of the following storage classes: NULL, INTEGER, REAL, TEXT, BLOB. "
            "Any site that gets fewer than 100K hits/day should work fine.")
    index, embedder = build_lexical_index(["p"], [page], [{"source": "p.html"}]), FakeEmbedder()
    assert support("Every value has one of five storage classes: NULL, INTEGER, REAL, TEXT or BLOB.", [page], index, embedder) > 0.5
    assert support("Every value has one of six storage classes: NULL, INTEGER, REAL, TEXT or BLOB.", [page], index, embedder) == 0.0
    assert support("There are five storage classes.", [page], index, embedder) == 0.0
    assert support("Sites with fewer than 100,000 hits a day work fine.", [page], index, embedder) > 0.5
    assert support("Sites with fewer than 200,000 hits a day work fine.", [page], index, embedder) == 0.0


def test_a_manual_pages_standard_sections_are_not_subjects():
    """"DESCRIPTION", "OPTIONS", "SEE ALSO": every manual page has them; a sentence under one is not about a thing
    called DESCRIPTION, so it is not quoted as "DESCRIPTION: ..."; a bare note there names the page instead."""
    from rag.evidence import candidate_sentences, looks_like_term, name_subject
    from rag.types import Passage

    assert not looks_like_term("DESCRIPTION") and not looks_like_term("SEE ALSO") and not looks_like_term("Options:")
    assert looks_like_term("VACUUM") and looks_like_term("SKIP_LOCKED")  # a keyword is still a thing
    sentence = "Use git stash when you want a clean working directory."
    assert name_subject("DESCRIPTION", sentence) == sentence
    page = Passage(id="s", text="DESCRIPTION\n\nUse git stash when you want a clean working directory.\n\nNew in version 2.13.",
                   source="git-stash.html", heading="git-stash(1) Manual Page › DESCRIPTION", headings=("DESCRIPTION",))
    quoted = [c[0] for c in candidate_sentences([page])]
    assert sentence in quoted and "git-stash(1) Manual Page: New in version 2.13." in quoted, quoted


def test_a_thing_named_in_plain_words_by_its_noun_answers_which_thing():
    """"Which attribute makes Git expand $Id$?": "When the attribute ident is set ..." names the attribute without any
    code-like spelling; "the working-tree-encoding attribute" too; "the following attribute" names none."""
    from rag.evidence import has_type

    q = "Which gitattributes attribute makes Git expand $Id$ on checkout?"
    assert has_type("When the attribute ident is set for a path, Git replaces $Id$ upon checkout.", "term", q)
    assert has_type("Set the working-tree-encoding attribute to re-encode files.", "term", q)
    for sentence in ("When the attribute is set, Git replaces it.", "The following attribute applies.", "The same attribute applies."):
        assert not has_type(sentence, "term", q), sentence


def test_an_exit_code_is_a_number_an_error_code_need_not_be():
    from rag.facts import question_type

    assert question_type("With git bisect run, what exit code should my script return when a commit cannot be tested?") == "number"
    assert question_type("Which exit status does grep return when nothing matches?") == "number"
    assert question_type("What error code is returned when the database is busy?") != "number"  # SQLITE_BUSY is a name


def test_this_noun_brings_the_sentence_that_says_what_it_is():
    """"If the script exits with this code, the revision is skipped." says which code only through the sentence before
    ("The special exit code 125 should be used ..."): the two are quoted together. A demonstrative whose noun the
    sentence before does not use brings nothing."""
    from rag.evidence import candidate_sentences, refers_back
    from rag.types import Passage

    first = "The special exit code 125 should be used when the current source code cannot be tested."
    second = "If the script exits with this code, the current revision will be skipped."
    assert refers_back(second, first)
    assert not refers_back("In this case the build is retried.", first)
    quoted = [c[0] for c in candidate_sentences([Passage(id="b", text=f"{first} {second}", source="git-bisect.html")])]
    assert f"{first} {second}" in quoted, quoted


def test_a_shortened_subject_brings_the_sentence_that_names_it_in_full():
    """"The expression may not use subqueries, ..." is about the generated column's expression only through the
    sentence before ("The expression of a generated column may only reference ..."): the two are quoted together."""
    from rag.evidence import refers_back

    first = "The expression of a generated column may only reference constant literals and columns within the same row."
    second = "The expression may not use subqueries, aggregate functions, window functions, or table-valued functions."
    assert refers_back(second, first)
    assert not refers_back(second, "The value of a generated column is always the value of its expression.")
    assert not refers_back("The Expression class may be subclassed.", "The Expression of feelings is hard.")


def test_do_so_brings_what_it_does():
    """"It is a good idea to introduce yourself to Git ... The easiest way to do so is: $ git config --global user.name
    ...": the sentence that says how is quoted with the one that says what."""
    from rag.evidence import candidate_sentences, refers_back
    from rag.types import Passage

    assert refers_back("The easiest way to do so is:", "Introduce yourself.") and refers_back("To do this, run VACUUM.", "x")
    assert not refers_back("Do this command first.", "Introduce yourself.")
    text = ("It is a good idea to introduce yourself to Git with your name and email address. The easiest way to do so is:\n\n"
            '$ git config --global user.name "Your Name"\n\nOther text follows here in a new paragraph.')
    quoted = [c[0] for c in candidate_sentences([Passage(id="g", text=text, source="gittutorial.html")])]
    assert any(q.startswith("It is a good idea") and "user.name" in q for q in quoted), quoted


def test_a_code_block_cut_by_the_chunk_end_is_quoted_once():
    """The chunk ends after the block's first line and the next chunk holds the whole block: the lead-in quotes the
    block once, not its first line and then the block."""
    from rag.evidence import candidate_sentences
    from rag.types import Passage

    first = '$ git config --global user.name "Your Name"'
    whole = f"{first} $ git config --global user.email you@example.com"
    passage = Passage(id="g", text=f"Introduce yourself to Git. The easiest way to do so is:\n\n{first}", source="gittutorial.html")
    quoted = [c[0] for c in candidate_sentences([passage], lambda p: ([whole, "Importing a new project"], {"Importing a new project"}))]
    window = next(q for q in quoted if q.startswith("Introduce yourself"))
    assert window.count("user.name") == 1 and "user.email" in window, window


def test_words_about_the_answers_form_or_source_do_not_count_as_its_content():
    """"In brief", "according to the docs", "give a short overview of" say how or from where to answer: a passage
    never says "briefly" about itself, so those words must not drag a right sentence's coverage down."""
    from rag.embedders.fake import FakeEmbedder
    from rag.evidence import answer_content, rank_evidence
    from rag.lexical import build_lexical_index
    from rag.types import Passage

    assert answer_content("In brief, which integration branches does the project keep?") == "which integration branches does the project keep?"
    assert answer_content("According to the temporary files page, how many kinds are there?") == "temporary files how many kinds are there?"
    assert answer_content("How many hits a day, per the docs?").startswith("How many hits a day")
    assert answer_content("What is the short format?") == "What is the short format?"  # "short" as content stays
    text = "The project keeps four integration branches: maint, master, next and seen."
    passage = Passage(id="w", text=text, source="gitworkflows.html")
    index, embedder = build_lexical_index(["w"], [text], [{"source": "gitworkflows.html"}]), FakeEmbedder()

    def lexical(q: str) -> float:
        return rank_evidence(q, [passage], embedder.encode([q])[0], index, embedder)[0].lexical
    assert lexical("In brief, which integration branches does the project keep?") == lexical("Which integration branches does the project keep?")


def test_the_asked_thing_is_the_noun_after_which_not_any_noun_in_the_question():
    """"Which attribute replaces $Id$ ... when files are checked out?" asks for an attribute: "files" later in the
    question does not make it ask for a file name. A compound's last noun is its head ("operator class")."""
    from rag.evidence import asked_thing, has_type

    assert asked_thing("which attribute replaces $id$ when files are checked out?") == "attribute"
    assert asked_thing("what is the name of the second gin operator class for jsonb?") == "class"
    assert asked_thing("which file tells postgresql to start recovery?") == "file"
    q = "Which attribute replaces $Id$ with the blob hash when files are checked out?"
    assert has_type("When the attribute ident is set for a path, Git replaces $Id$ upon checkout.", "term", q)
    assert not has_type("Git replaces it upon checkout.", "term", q)


def test_a_person_is_named_like_one():
    """"Who paid for the MERGE feature?": a corpus name alone is no person ("support for Zstandard"); a name with a given
    name or a title, one who says or does something, or owns something is."""
    from rag.evidence import has_type
    from rag.text import NameVariants

    names = NameVariants.from_texts(["It uses Zstandard here.", "Then Zstandard again.", "Keith Kellogg met him.", "Kellogg said so.",
                                     "Tsikhanouski was freed.", "Later Tsikhanouski spoke.", "Hipp wrote it.", "Then Hipp left."])
    q = "Who paid for the feature?"
    assert not has_type("More options for compression, including support for Zstandard.", "person", q, names.is_name)
    for sentence in ("The work was funded after Keith Kellogg asked.", "Envoy Kellogg arranged it.", "Later, Tsikhanouski said it was paid.",
                     "The code was written by Hipp.", "It was Kellogg's decision."):
        assert has_type(sentence, "person", q, names.is_name), sentence


def test_an_abbreviation_in_brackets_does_not_end_a_sentence():
    from rag.text import split_sentences

    assert split_sentences("Other tools (e.g. JGit or libgit2) and older versions do not support it. Next.") == [
        "Other tools (e.g. JGit or libgit2) and older versions do not support it.", "Next."]
    assert split_sentences("He left (i.e. Minsk). Then he came.") == ["He left (i.e. Minsk).", "Then he came."]


def test_a_date_question_takes_a_month_and_year_when_no_day_is_stated():
    """"What date does the page give ...?" asks for a day; when the pages state a month and year only ("as of March
    2018"), that is the answer rather than a refusal."""
    from rag.answerers.base import AnswerContext
    from rag.answerers.extractive import ExtractiveAnswerer
    from rag.embedders.fake import FakeEmbedder
    from rag.lexical import build_lexical_index
    from rag.settings import Settings
    from rag.types import Passage

    text = "Older Git versions (as of March 2018) do not support the working-tree-encoding attribute."
    passage = Passage(id="a", text=text, source="gitattributes.html")
    index, embedder = build_lexical_index(["a"], [text], [{"source": "gitattributes.html"}]), FakeEmbedder()
    q = "What date does the page give for older Git versions not supporting the working-tree-encoding attribute?"
    ctx = AnswerContext(question=q, passages=[passage], query_vector=embedder.encode([q])[0], index=index, embedder=embedder)
    answer = ExtractiveAnswerer(Settings().replace(**{"scoring.min_evidence": 0.1})).answer(ctx)
    assert answer.answered and "March 2018" in answer.text, answer.text


def test_several_named_people_or_places_ask_for_a_list_by_a_general_rule():
    """"Which high-profile prisoners were freed?" asks for several names because a prisoner is a role a person has,
    not because the seeds write about prisoners: any role noun's plural does ("Which dissidents ...?")."""
    from rag.facts import question_type

    assert question_type("Which high-profile prisoners were freed?") == "list"
    assert question_type("Which dissidents were released in June?") == "list"
    assert question_type("Which topics did they discuss?") == "other"


@pytest.mark.parametrize("question, procedure", [
    ("How do I shrink a table file?", True),
    ("Is there a way to stage just part of a file?", True),
    ("I wrecked a file. What do I run to get it back?", True),
    # ... after a leading condition
    ("When I merge a branch that could be fast-forwarded, how do I make Git create a merge commit anyway?", True),
    ("When the merge could be fast-forwarded, how does Git record it?", False),
    ("How does write-ahead logging reduce disk writes?", False),  # an explanation, not a user's task
    ("How many rows can a table hold?", False),
])
def test_a_how_do_i_question_is_a_task(question, procedure):
    from rag.evidence import asks_procedure

    assert asks_procedure(question) is procedure


def test_a_task_question_prefers_the_sentence_naming_the_command(settings, tmp_path):
    """"How can I get the space back?": of two sentences about it, the one naming the command (SQL's capitals too)
    holds the asked kind of value; with the setting off, neither does."""
    from rag.api import Engine
    from rag.evidence import rank_evidence

    settings = ingested(settings, tmp_path / "docs", {"space.md": (
        "# Reclaiming space\n\nDeleted rows leave dead space behind in the table file, and the file does not get smaller on its own.\n"
        "Running VACUUM FULL rewrites the table into a new file and gives the freed space back to the operating system.\n")})
    for on in (True, False):
        scoring = settings.scoring.model_copy(update={"procedure_type": on})
        with Engine(settings) as engine:
            ctx = engine._prepare("How can I get the disk space of deleted rows back?", None, None)
            ranked = rank_evidence(ctx.question, ctx.passages, ctx.query_vector, ctx.index, ctx.embedder, scoring=scoring)
        typed = {e.quote.split()[0]: e.typed for e in ranked}
        assert typed == {"Deleted": False, "Running": on}


@pytest.mark.parametrize("sentence, holds", [
    ("Perform index vacuum phases in parallel using integer background workers (see Table 28.41).", False),
    ("It uses 4 workers.", False),
    ("Parallel vacuum is about 3 times faster on large tables.", True),
    ("It can be 50% faster.", True),
    ("It is twice as fast.", True),
    ("It takes 10 minutes longer.", True),
])
def test_how_much_faster_asks_for_a_ratio_or_a_difference_not_any_number(sentence, holds):
    from rag.evidence import has_type

    assert has_type(sentence, "number", "How much faster does VACUUM run with the PARALLEL option than a serial vacuum?") is holds


def test_a_measure_word_is_not_what_a_number_counts():
    """"How many bytes long is the header?" counts bytes: "more than 1000 pages long" does not answer it."""
    from rag.evidence import counted_nouns, has_type

    question = "How many bytes long is the header at the start of a WAL file?"
    assert counted_nouns(question) == ["byte"]
    assert not has_type("SQLite checkpoints when the WAL file is more than 1000 pages long.", "number", question)
    assert has_type("The WAL header is 32 bytes long.", "number", question)


_OUTLINE = """# Merging

## Strategies

The merge mechanism allows the backend strategies to be chosen with the -s option.

### ort

This is the default strategy when merging one branch. It takes options of its own.

#### ours

Favour our version of conflicting hunks.

#### theirs

Favour their version of conflicting hunks.

### resolve

This resolves two heads using a three-way merge and does not handle renames.

### octopus

This resolves cases with more than two heads and refuses complex merges.

## History

Merging has been part of the tool since its first release.
"""


def test_a_list_question_names_the_items_headed_under_the_section(settings, tmp_path):
    """"Which strategies can be chosen?": the section's opening sentence comes with the headings right under it
    (ort, resolve, octopus), not those a level deeper (ort's options) nor the next section's."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"merge.md": _OUTLINE})
    with Engine(settings) as engine:
        metas = engine.store.all_documents()[2]
    assert any("Merging › Strategies › ort › ours" in m.get("heading_paths", "") for m in metas)  # the outline is stored
    answer = Engine(settings).ask("Which strategies can be chosen with the -s option?")
    assert answer.answered and "Strategies: ort; resolve; octopus [1]." in answer.text
    assert "theirs" not in answer.text and "History" not in answer.text


def test_a_number_in_the_years_range_is_a_count_when_its_words_say_so():
    """"a sequence of length 2080", "2048 bytes": counts, not years; "in 2020" stays a year (a date)."""
    from rag.evidence import has_type
    from rag.facts import numbers

    assert [v.value for v in numbers("a sequence of length 2080 is the largest")] == [(2080.0,)]
    assert [v.value for v in numbers("pages of up to 2048 bytes")] == [(2048.0,)]
    assert numbers("In 2020 the project moved.") == []
    # a number in scientific notation is one number ("1e-09", not 9), and never a year ("2e3")
    assert [v.value for v in numbers("The default tolerance is 1e-09, about 9 decimal digits.")] == [(1e-09,), (9.0,)]
    assert [v.value for v in numbers("up to 2e3 rows")] == [(2000.0,)]
    q = "What is the largest sequence length for which shuffle() can produce every permutation?"
    assert has_type("For example, a sequence of length 2080 is the largest that can fit within the period.", "number", q)


def test_a_number_with_a_scale_word_is_one_number_however_it_is_written():
    """"around a thousand" is 1000, as "roughly 1,000" is; "two billion" is 2e9, as "2 billion" and
    "2,000,000,000" are: a model writing the figure another way is checked against the same value, and an invented
    one ("1,200") is still not stated."""
    from rag.facts import numbers
    from rag.verify import _numbers_ok

    assert [v.value for v in numbers("around a thousand political prisoners")] == [(1000.0,)]
    assert [(v.value, v.unit) for v in numbers("two billion transactions")] == [((2e9,), "transact")]
    assert [v.value for v in numbers("2,000,000,000 transactions")] == [(2e9,)]
    assert [v.value for v in numbers("1.1 million people")] == [(1.1e6,)]
    assert [v.value for v in numbers("two hundred rows")] == [(200.0,)]
    passage = "Despite three waves of releases, there are still around a thousand political prisoners in Belarus."
    assert _numbers_ok("Roughly 1,000 political prisoners are still held after three waves.", passage)
    assert not _numbers_ok("Roughly 1,200 political prisoners are still held after three waves.", passage)


def test_a_four_digit_count_is_not_a_year():
    """"When was it added?" is not answered by "2000 rows" or "2048 KB"; "in 2010", "June 2025", "(2018-09-15)" and a
    version are dates."""
    from rag.evidence import has_type

    for question in ("In which year was the feature added?", "When was the feature added?"):
        for count in ("The limit is 2000 rows.", "Each page holds 2048 KB."):
            assert not has_type(count, "date", question), count
        for said in ("The feature was added in 2010.", "In June 2025, it was added.", "It came in 3.25.0 (2018-09-15).",
                     "Support for it was added in version 3.32.0."):
            assert has_type(said, "date", question), said


def test_a_placeholder_in_the_users_quoted_code_constrains_nothing(engine):
    """"'except SomeError as e'": the user's own example name, which no page uses, is not a name a passage must
    contain (it would fail every passage alike and sink a good answer below the refusal threshold); a name the
    corpus does use still constrains, quoted or not."""
    from rag.evidence import constraint_terms

    index = engine._prepare("warm-up", None, None).index
    assert constraint_terms("Why is the name bound with 'except SomeError as e' deleted?", index) == set()
    assert constraint_terms("Why is the name bound with except SomeError deleted?", index)  # not quoted code: kept
    assert constraint_terms("What did 'Lukashenko say to Kellogg' mean?", index)  # corpus names in quotes: kept


def test_why_prefers_a_sentence_giving_a_cause():
    from rag.evidence import _CAUSE

    assert _CAUSE.search("Exceptions are cleared because with the traceback attached they form a reference cycle.")
    assert _CAUSE.search("All output is held back to avoid a half-finished result.")
    assert not _CAUSE.search("Since version 3.35.0, SQLite supports RETURNING.")
    assert not _CAUSE.search("The maximum number of attached databases cannot be increased above 125.")


def test_a_cause_said_as_what_would_happen_without_it_or_with_in_that():
    """"Without such a prefix, an attacker would be able to call any method." and "This is a big security issue, in
    that people must be able to trust their tag names." give causes; "In that case you can do one of two things." and
    "Without a name, the trigger is created." do not."""
    from rag.evidence import _CAUSE

    assert _CAUSE.search("Without such a prefix, if values come from an untrusted source, an attacker would be able to call any method.")
    assert _CAUSE.search("This is a big security issue, in that people must be able to trust their tag names.")
    assert not _CAUSE.search("In that case you can do one of two things.")
    assert not _CAUSE.search("Without a name, the trigger is created as a BEFORE trigger.")


def test_a_why_after_a_leading_condition_asks_a_reason():
    from rag.evidence import asks_why
    from rag.facts import question_type

    q = "When dispatching to methods with getattr based on an input value, why does the FAQ recommend a prefix like visit_?"
    assert question_type(q) == "other" and asks_why(q)
    assert question_type("When was the prefix recommended?") == "date"


def test_a_value_is_not_a_standards_number_and_a_range_states_a_bound():
    """"What magic number does Python write ...?" is not answered by "(See PEP 3147 for details.)"; "What's the largest
    integer I can pass to chr()?" is by "The valid range for the argument is from 0 through 1,114,111" (both bounds)."""
    from rag.evidence import has_type

    magic = "What magic number does Python 3.11 write at the start of its .pyc files?"
    assert not has_type("(See PEP 3147 for details.)", "number", magic)
    assert not has_type("The format follows RFC 8259 and ISO 8601, as shown in Example 11.3.", "number", magic)
    assert has_type("The file starts with a 4-byte magic number, 3495.", "number", magic)
    largest = "What's the largest integer I can pass to chr() before it raises a ValueError?"
    assert has_type("The valid range for the argument is from 0 through 1,114,111 (0x10FFFF in base 16).", "number", largest)
    assert has_type("Values between 1 and 65535 are accepted.", "number", largest)
    assert not has_type("For example, chr(97) returns the string 'a', while chr(8364) returns the string '€'.", "number", largest)
    slower = "How many times slower is arithmetic on numeric compared to integer types?"
    assert not has_type("Numeric types consist of two-, four-, and eight-byte integers.", "number", slower)
    assert has_type("Arithmetic on numeric is about 100 times slower than on integers.", "number", slower)


def test_a_release_of_another_thing_is_said_beside_its_name():
    """"In which QNX release was the mmap() bug fixed?" is not answered by "Beginning with SQLite version 3.7.0, ...";
    "Which release of the IANA time zone database ...?" not by "New in version 3.9." (the documented software's)."""
    from rag.evidence import has_type

    def is_topic(word):
        return word.lower() in {"sqlite", "python"}

    qnx = "In which QNX release was the mmap() bug that corrupts databases in WAL mode fixed?"
    assert not has_type("Beginning with SQLite version 3.7.0 (2010-07-21), the use of NPTL is assumed.", "version", qnx, is_topic=is_topic)
    assert has_type("The bug was fixed in QNX 7.1.", "version", qnx, is_topic=is_topic)
    iana = "Which release of the IANA time zone database does the tzdata fallback contain?"
    assert not has_type("zoneinfo - IANA time zone support: New in version 3.9.", "version", iana, is_topic=is_topic)


def test_a_measured_amount_is_a_number_question():
    """"What is the measured overhead of AUTOINCREMENT?", "What measured slowdown ...?", "How often, in numbers, ...?",
    "What is the corruption rate ...?" ask for numbers (the documents' "imposes extra overhead" does not answer)."""
    from rag.facts import question_type

    for q in ("What is the measured insert overhead of AUTOINCREMENT?", "What measured slowdown does journaling cause?",
              "How often, in numbers, does running gc alongside another writer corrupt a repository?",
              "What is the corruption rate when git gc runs concurrently with other processes?"):
        assert question_type(q) == "number", q
    assert question_type("How often is tzdata updated?") == "frequency"
    assert question_type("How is time measured in R?") == "other"


def test_a_number_as_a_value_and_a_standards_year():
    """"Which magic number identifies .pyc files?" asks a number's value, not "two circumstances"; "(1954 in decimal)"
    is a value, not a year; "SQL:1999-style inheritance is not yet supported" gives no date."""
    from rag.evidence import has_type

    magic = "Which magic number identifies bytecode cache files produced by CPython 3.11?"
    assert not has_type("Python does not check the cache in two circumstances.", "number", magic)
    assert has_type("The default port number is 5432.", "number", "What port number does the server listen on?")
    low = "What decimal number is in the low word of the NaN that R uses for NA?"
    assert has_type("NA is represented by the NaN value with low-word 0x7a2 (1954 in decimal).", "number", low)
    when = "When is PostgreSQL expected to support unique constraints across inheritance hierarchies?"
    assert not has_type("SQL:1999-style inheritance is not yet supported by PostgreSQL.", "date", when)
    assert has_type("Inheritance was added in 1999.", "date", when)


def test_a_document_folder_names_it_too():
    from rag.text import source_name_words

    assert {"faq", "design"} <= source_name_words("faq/design.html")
    assert {"jamestown", "belarus"} <= source_name_words("jamestown-belarus-relations.txt")
    assert "html" not in source_name_words("faq/design.html")


def test_a_leading_condition_is_not_the_question():
    from rag.facts import question_type

    assert question_type("On Windows, which environment variable does expanduser() use first?") == "term"
    assert question_type("For total_ordering to work, which comparison methods must a class define?") == "term"
    assert question_type("In WAL mode, how many writers can there be at once?") == "number"


def test_how_long_can_a_name_be_asks_for_a_length():
    from rag.evidence import has_type

    q = "How long can a database name be?"
    assert has_type("Database names are limited to 63 bytes in length.", "number", q)
    assert not has_type("Database names are limited in length.", "number", q)
    q = "How long does a checkpoint take?"  # a duration: bytes are no answer
    assert not has_type("A checkpoint writes 63 bytes.", "number", q)
    assert has_type("A checkpoint takes about 5 minutes.", "number", q)


def test_the_code_name_a_question_states_is_not_the_asked_term():
    """"Which methods must a class define for functools.total_ordering?": the label "@functools.total_ordering:" and a
    mention of total_ordering name what is asked about, not what is asked for; __lt__() is a method's name."""
    from rag.evidence import has_type

    q = "Which comparison methods can a class define so that functools.total_ordering fills in the rest?"
    assert not has_type("@functools.total_ordering: Given a class defining rich comparison methods, this decorator supplies the rest.", "term", q)
    assert not has_type("Meaning that total_ordering will not implement it again.", "term", q)
    assert has_type("@functools.total_ordering: The class must define one of __lt__(), __le__(), __gt__(), or __ge__().", "term", q)
    # a label that names something the question does not is still an answer ("Which exception ...?": "KeyError: Raised ...")
    assert has_type("exception KeyError: Raised when a mapping (dictionary) key is not found.", "term", "Which exception is raised when a key is missing?")


def test_a_consequence_is_a_reason():
    from rag.evidence import _CAUSE, asks_why

    assert _CAUSE.search("If these objects are removed and were referenced by the clone, then the clone will become corrupt.")
    assert not _CAUSE.search("If the value is zero, the check is disabled.")
    assert asks_why("Why is cloning with --shared dangerous?") and asks_why("For what reason is the limit 125?")
    assert not asks_why("What is the limit?")
    # ... a person's reasoning ("What is Latushka's reasoning for suspending ...?")
    assert asks_why("What is Latushka's reasoning for suspending rather than lifting sanctions?")
    assert asks_why("What was his motivation?") and not asks_why("What is Latushka's position?")


def test_the_asked_kind_of_a_which_question():
    from rag.evidence import asked_kind

    assert asked_kind("Which algorithm does math.isqrt() use internally?") == "algorithm"
    assert asked_kind("What encryption cipher can the sqlite3 module use?") == "cipher"
    assert asked_kind("What is the time complexity of emitter.removeListener()?") == "complexity"
    assert asked_kind("What is the purpose of the --force option?") == ""
    for vague in ("What does VACUUM do?", "Which parts of it will change?", "What output formats can pg_dump produce?",
                  "Which alternative term is used?", "What happens then?"):
        assert asked_kind(vague) == "", vague


def test_a_short_sentence_about_the_one_before_is_quoted_with_it():
    """"Many systems allow ... SET CONSTRAINT. SQLite does not support this.": quoted alone, the first says the
    opposite of the page's answer; "Instead, ..." needs what it replaces."""
    from rag.evidence import candidate_sentences

    text = ("Many systems allow the user to toggle a constraint at runtime (for example SET CONSTRAINT). SQLite does not support this. "
            "Constraints are marked when created.\n\nIn WAL mode, changes are not written to the database file. "
            "Instead, changes go into a separate log file.")
    chunk = chunk_blocks([Block("Notes", "heading", 1), *[Block(t) for t in text.split("\n\n")]], "n.md", title="Notes")[0]
    p = Passage(id=chunk.id, text=chunk.text, source="n.md", heading=chunk.heading, headings=chunk.headings)
    quoted = [s for s, *_ in candidate_sentences([p])]
    assert any(s.startswith("Many systems allow") and s.endswith("SQLite does not support this.") for s in quoted)
    assert "Constraints are marked when created." in quoted  # a sentence on its own stays so
    assert "In WAL mode, changes are not written to the database file. Instead, changes go into a separate log file." in quoted


def test_how_often_asks_for_a_frequency():
    from rag.evidence import has_type
    from rag.facts import question_type

    assert question_type("How often is the tzdata package updated?") == "frequency"
    assert question_type("How frequently does the checkpointer run?") == "frequency"
    q = "How often does the checkpointer run?"
    assert has_type("The checkpointer runs every five minutes.", "frequency", q)
    assert has_type("Autovacuum wakes up once a minute.", "frequency", q)
    assert not has_type("The checkpointer writes 5 buffers.", "frequency", q)  # a number is no frequency


def test_a_version_of_another_thing_is_said_beside_its_name():
    """"Which version of the Unicode standard ...?": "Changed in version 3.6" and "in Python 3" are the documented
    software's versions; "version 14.0.0 of the Unicode Standard" answers. A version of the software itself is any."""
    from rag.evidence import has_type

    def topic(w):
        return w.lower() == "python"

    q = "Which version of the Unicode standard does unicodedata use?"
    assert has_type("This module uses data from version 14.0.0 of the Unicode Standard.", "version", q, None, topic)
    assert not has_type("Changed in version 3.6: flags are checked.", "version", q, None, topic)
    assert not has_type("These are redundant in Python 3 since matches are Unicode by default.", "version", q, None, topic)
    assert has_type("Changed in version 3.6: flags are checked.", "version", "In which version of Python did flags change?", None, topic)
    # the thing named before the word: "What minimum Linux kernel version ...?" is not answered by "as of Solaris 10"
    q = "What minimum Linux kernel version is needed for abstract sockets?"
    assert not has_type("This is irrelevant on systems, notably Solaris as of Solaris 10, that ignore permissions.", "version", q, None, topic)
    assert has_type("Abstract sockets need Linux 2.6 or later.", "version", q, None, topic)
    assert has_type("Changed in version 3.6: flags are checked.", "version", "Which Python version changed flags?", None, topic)


def test_a_kind_named_in_the_sentence_itself():
    from rag.evidence import names_a_kind

    q = "What kind of isolation does a reader get in WAL mode?"
    assert names_a_kind('In WAL mode, SQLite exhibits "snapshot isolation".', q)
    assert not names_a_kind("SQLite implements isolation by locking the database file.", q)  # a verb, not a kind
    assert not names_a_kind("WAL mode permits simultaneous readers and writers.", q)
    assert names_a_kind("Partial indexes contain entries for some rows only.", "Which kind of index covers only some rows?")


def test_a_plain_word_of_the_question_does_not_name_a_dotted_code_name():
    from rag.evidence import has_type

    q = "Which function should I use to join path components?"
    assert has_type("Use os.path.join() to join one or more path segments.", "term", q)
    # ... but a word the question writes as code does: "@dataclasses.dataclass:" is the "@dataclass" it asks about
    q = "Which parameter of the @dataclass decorator makes every field keyword-only?"
    assert not has_type("@dataclasses.dataclass: If a field is marked as keyword-only, it must be passed by keyword.", "term", q)
    assert has_type("@dataclasses.dataclass: If kw_only is true, all fields are marked as keyword-only.", "term", q)


@pytest.mark.parametrize("before, opening", [
    # a summing-up says nothing alone
    ("Old transactions then appear to be in the future. Their output becomes invisible.", "In short, catastrophic data loss."),
    # "That means that ..." follows from the sentence before (the varint encoding: the reason a why question asks for)
    ("The rowid is stored as a variable-length integer.",
     "That means that small non-negative rowid values take up less disk space than large or negative ones."),
    # "In that case, ..." and "The latter ..." are about what the sentence before says
    ("If no class of the object has a method, NextMethod() looks further.", "In that case, the method is dispatched to the default."),
    ("If no class of the object has a method, NextMethod() looks further.", "The latter raises an error."),
    # "If specified, ..." leaves out what is specified: the thing the sentence before names
    ("The notations varchar(n) and char(n) are aliases for character varying(n) and character(n).",
     "If specified, the length must be greater than zero and cannot exceed 10485760."),
])
def test_a_sentence_resting_on_the_ones_before_is_quoted_with_them(before, opening):
    """A summing-up, a "that means" and a sentence about the case the one before names are quoted with it."""
    text = f"{before} {opening}"
    chunk = chunk_blocks([Block("Guide", "heading", 1), Block("Details", "heading", 2), Block(text)], "g.html", title="Guide")[0]
    p = Passage(id=chunk.id, text=chunk.text, source="g.html", heading=chunk.heading, headings=chunk.headings)
    quoted = [sentence for sentence, *_ in candidate_sentences([p])]
    assert text in quoted and opening not in quoted, quoted


def test_a_role_after_describing_words_asks_for_a_person():
    """"Which prominent opposition figure was released ...?" asks for a person as "Which official ...?" does; a
    plural role still asks for a list, and a software word ("list head") is no person."""
    from rag.facts import question_type

    assert question_type("Which prominent opposition figure was released after the envoy's visit?") == "person"
    assert question_type("What was the name of the U.S. citizen freed in February?") == "person"
    assert question_type("Which prisoners were released in June?") == "list"
    assert question_type("Which list head is returned?") == "other"


def test_a_product_name_with_a_dot_before_version_asks_for_a_version():
    from rag.facts import question_type

    assert question_type("In which Node.js version was the domain module deprecated?") == "version"


def test_the_kind_of_value_asked_in_other_words():
    """"What is the numeric value of X?" asks a number (a version note is none); "What minimum Linux kernel version
    ...?" a version, "What date was the release reported?" a date (no verb between "what" and "release"); "Since when
    can VACUUM ...?" a date or version; "the name of the commercial product" a name; "What did the default of X change
    to?" a default."""
    from rag.evidence import has_type
    from rag.facts import question_type

    q = "What is the numeric value of threading.TIMEOUT_MAX?"
    assert question_type(q) == "number"
    assert question_type("By what growth factor does CPython over-allocate a list's array?") == "number"
    assert not has_type("threading.TIMEOUT_MAX: New in version 3.2.", "number", q)
    assert question_type("What minimum Linux kernel version is needed to use abstract sockets?") == "version"
    assert question_type("What was the last version of R that supported 32-bit Windows?") == "version"
    assert question_type("On what date was the release of 123 political prisoners reported?") == "date"
    q = "Since when can VACUUM be run against an attached database?"
    assert question_type(q) == "date"
    assert has_type("The ability to vacuum attached databases was added in version 3.15.0 (2016-10-14).", "date", q)
    assert question_type("What was the name of the commercial product that shipped two copies of SQLite?") == "organisation"
    assert question_type("In PostgreSQL 15, what did the default of log_autovacuum_min_duration change to?") == "default"
    assert question_type("What does the default commit-msg hook check for?") != "default"


def test_a_version_said_after_the_things_name():
    """"What was the last version of R that supported 32-bit Windows?": "(R 4.1.3 was the last version of R to support
    32-bit Windows)" names R, then its number."""
    from rag.evidence import has_type

    q = "What was the last version of R that supported 32-bit Windows?"
    assert has_type("The binaries run on 64-bit Windows 7 and later (R 4.1.3 was the last version of R to support 32-bit Windows).",
                    "version", q, None, lambda w: w == "R")
    assert not has_type("The binaries run on 64-bit versions of Windows 7 and later.", "version", q, None, lambda w: w == "R")


def test_a_contrast_is_not_what_a_which_question_asks():
    """"Which function returns the call with its arguments matched, unlike sys.call?": sys.call is what the answer is
    not; the contrast leaves the asking clause (weighed as a leading condition is). A why question keeps it."""
    from rag.facts import main_clause

    assert "sys.call" not in main_clause("Which function returns the matched call, unlike sys.call?")
    assert "copy" not in main_clause("Which operator changes an enclosing variable rather than making a local copy?")
    assert "rather than" in main_clause("Why does R copy the value rather than share it?")
    # the contrast ends with its clause: "... instead of sys.call() if I want the names filled in?" still asks the rest
    assert "names filled in" in main_clause("What function should I use instead of sys.call() if I want the names filled in?")


def test_a_switch_default_is_a_truth_value():
    """"By default, is allowEscapes on or off?": "This is false by default" states the default; "when enabled" and
    "There is no default" do not."""
    from rag.evidence import has_type

    q = "By default, is allowEscapes on or off in read.table?"
    assert has_type("This is false by default, and backslashes are then only interpreted as quotes.", "default", q)
    assert has_type("allowEscapes (default: TRUE)", "default", q)
    assert not has_type("The default applypatch-msg hook, when enabled, runs the commit-msg hook, if the latter is enabled.", "default", q)
    assert not has_type("There is no default value.", "default", q)


def test_a_stated_number_or_a_digit_of_a_name_is_no_asked_number():
    """"How many of the 123 prisoners went to Lithuania?" is not answered by "... released 123 prisoners"; "How much
    output will it buffer?" not by "UTF-8"."""
    from rag.evidence import has_type

    q = "How many of the 123 prisoners released in December were deported to Lithuania?"
    assert not has_type("In December it became known that Lukashenko had released 123 political prisoners.", "number", q)
    assert has_type("Of them, 9 were deported to Lithuania.", "number", q)
    q = "How much output will execFile buffer by default?"
    assert not has_type("By default, Node.js will decode the output as UTF-8 and pass strings to the callback.", "number", q)
    assert has_type("maxBuffer: Largest amount of data in bytes allowed on stdout. Default: 1024 * 1024.", "number", q)


def test_an_operator_is_named_in_symbols():
    from rag.evidence import has_type

    q = "Which operator should a function use to change a variable in an enclosing environment?"
    assert has_type("The special assignment operator, <<-, is used to change the value associated with total.", "term", q)
    assert not has_type("The parent.env function may be used to access the enclosure of an environment.", "term", q)
    assert not has_type("Environments are shared -- not copied.", "term", q)


@pytest.mark.parametrize("sentence, gives", [
    # a consequence clause gives a reason, a "so" of degree does not
    ("The sanctions were re-qualified as sanctions for supporting the war, making them impossible to cancel.", True),
    ("The buffer is shared; hence writes must be locked.", True),
    ("Given the situation, he may have been reluctant to make even a symbolic gift to Lithuania.", True),
    ("The sanctions were re-qualified in 2022, so far without effect.", False),
    # a harm that follows ("... will be unable to locate it"), not whatever follows ("... a TypeError will be thrown")
    ("If the main worktree is moved, linked worktrees will be unable to locate it.", True),
    ("If callback is not a function, a TypeError will be thrown.", False),
    # a remedy ("You can avoid this by increasing ...") is no cause; a purpose ("To avoid this, ...") is
    ("You can avoid this by increasing max_pred_locks_per_transaction.", False),
    ("You can prevent a push by exiting with a non-zero status.", False),
    ("To avoid this, it is necessary to vacuum every table.", True),
    ("This feature helps prevent corruption.", True),
    # a sentence drawn from the one before ("Therefore, it's not safe ...") answers why; "therefore" inside a clause
    # without its comma does not
    ("The method determines if the literal path is absolute. Therefore, it's not safe for mitigating path traversals.", True),
    ("Hence, such indexes can only handle equality.", True),
    ("path.isAbsolute(path): Thus it is not safe.", True),
    ("He thus went home.", False),
    ("The method is therefore called twice.", False),
    # "otherwise" opening a clause gives the alternative's harm; inside one ("... will otherwise use") it gives none
    ("x < 1 implies x < 2; otherwise the predicate condition must match exactly.", True),
    ("Setting this to 0 disables any other heuristic git gc --auto will otherwise use.", False),
])
def test_what_gives_a_reason(sentence, gives):
    from rag.evidence import _CAUSE

    assert bool(_CAUSE.search(sentence)) == gives


def test_a_default_asked_by_what_is_left_unset():
    """"If I never change it, what value does it have?" and "... without setting maxsize, how many ...?" ask a default;
    "How do I commit without setting up a remote?" does not."""
    from rag.facts import ASKS_DEFAULT, question_type

    assert question_type("If I never change it, what value does it have?") == "default"
    assert ASKS_DEFAULT.search("if i use lru_cache without setting maxsize, how many recent results are kept?")
    assert question_type("How do I commit without setting up a remote?") != "default"
    assert ASKS_DEFAULT.search("if neither merge.renamelimit nor diff.renamelimit is configured, how many files ...?")
    assert ASKS_DEFAULT.search("when work_mem isn't set, how much memory is used?")
    assert not ASKS_DEFAULT.search("if the timeout is set, how long does it wait?")
    assert ASKS_DEFAULT.search("when no delay argument is passed, how many milliseconds does setinterval() wait?")
    assert ASKS_DEFAULT.search("how many seconds does \\watch pause when no interval is specified?")
    assert ASKS_DEFAULT.search("without a width argument, how long can lines be?")
    assert not ASKS_DEFAULT.search("when no rows are returned, what does fetchone() give?")


def test_what_makes_an_event_happen_asks_a_condition():
    """"What causes a readline interface to emit its 'close' event?" is answered by when it is emitted ("The 'close'
    event is emitted when ..."), as "When is ValueError raised?" is; "What causes the outage?" asks a cause only."""
    from rag.facts import ASKS_CONDITION

    assert ASKS_CONDITION.search("What causes a readline interface to emit its 'close' event?")
    assert ASKS_CONDITION.search("What triggers the 'exit' event to be fired?")
    assert ASKS_CONDITION.search("When is ValueError raised?")
    assert not ASKS_CONDITION.search("What causes the outage?")


def test_a_default_the_question_states_is_no_answer():
    """"B-tree indexes default to a fillfactor of 90; what is the default fillfactor for a hash index?": the sentence
    stating B-tree's 90 repeats what the question says; another default value answers."""
    from rag.evidence import has_type

    q = "B-tree indexes default to a fillfactor of 90; what is the default fillfactor for a hash index?"
    assert not has_type("B-trees use a default fillfactor of 90, but any integer value from 10 to 100 can be selected.", "default", q)
    assert has_type("Hash indexes use a default fillfactor of 75.", "default", q)
    assert has_type("The default fillfactor is 90.", "default", "What is the default fillfactor for a B-tree index?")


def test_a_default_stated_not_a_default_mentioned():
    """"What is the default value of events.defaultMaxListeners?": "To change the default for all instances, the
    events.defaultMaxListeners property can be used" mentions a default and states none; "By default, a maximum of 10
    listeners ...", "a default fillfactor of 90", "Default five seconds." state one."""
    from rag.evidence import has_type

    q = "What is the default value of events.defaultMaxListeners?"
    assert not has_type("To change the default for all EventEmitter instances, the events.defaultMaxListeners property can be used.", "default", q)
    for stated in ("By default, a maximum of 10 listeners can be registered for any single event.",
                   "B-trees use a default fillfactor of 90, but any value from 10 to 100 can be selected.",
                   "timeout: How many seconds the connection should wait. Default five seconds.",
                   "The default port is 5432.", "width (default: 70)", "Default: 1024 * 1024.",
                   'If "warn" is zero (the default), a variable last.warning is created.',
                   "The default start value for the product is 1."):
        assert has_type(stated, "default", q), stated


def test_what_the_default_thing_does_is_not_a_default_value():
    """"What does the default commit-msg hook check for?" asks what the default hook does; "What is the default
    port?" and "What does the default value of maxsize mean?" still ask a default."""
    from rag.facts import question_type

    assert question_type("What does the default commit-msg hook check for when it is enabled?") != "default"
    assert question_type("How does the default scheduler pick a task?") != "default"
    # ... also asked as "what <noun> does", with the default thing's name in brackets
    assert question_type("In the ice example, what p-value does the default (Welch) t.test(A, B) give?") != "default"
    assert question_type("What is the default port?") == "default"
    assert question_type("What does the default value of maxsize mean?") == "default"


def test_how_much_money_asks_for_an_amount_of_money():
    """"How much did Belarus earn from potash exports?" is answered by "$2.9 billion", not by a share ("from 18% to 8%");
    "How much time had he spent in prison?" asks no money."""
    from rag.evidence import has_type

    q = "How much did Belarus earn from potash exports in 2019?"
    assert has_type("In 2019, potash, its top export, brought in approximately $2.9 billion in export revenues.", "number", q)
    assert has_type("The state earned 500 million euros from the sale.", "number", q)
    assert not has_type("Belarus's share of the potash market dropped from 18% in 2021 to 8% in 2023.", "number", q)
    assert has_type("He had spent five years in prison.", "number", "How much time had he spent in prison?")


def test_a_place_the_question_names_is_not_the_place_asked():
    """"Which country were most prisoners deported to instead of Lithuania?": a sentence naming only Lithuania holds
    no asked place; one naming Ukraine does."""
    from rag.evidence import has_type

    q = "In the December release, which country were most of the prisoners deported to instead of Lithuania?"
    assert not has_type("In the past, all released prisoners have been deported to Lithuania.", "place", q)
    assert has_type("The majority of the political prisoners were deported to Ukraine.", "place", q)


def test_an_exact_day_asks_for_a_date():
    from rag.evidence import has_type
    from rag.facts import question_type

    q = "On what exact day was Anastasia Nuhfer released from a Belarusian prison?"
    assert question_type(q) == "date"
    assert question_type("What specific date did the talks take place?") == "date"
    assert not has_type("In the early days of the administration, Belarus released a dual citizen from prison.", "date", q)


def test_a_value_dated_by_another_year_is_not_the_one_asked(engine):
    """The seeds give potash revenue for 2019 only ("In 2019, ... potash ... brought in approximately $2.9 billion"):
    the same question for 2023 is refused, for 2019 answered; a year in a clause about something else ("who in 2023
    was sentenced") does not date the sentence's value."""
    assert not engine.ask("How much did Belarus earn from potash exports in 2023?").answered
    answer = engine.ask("How much did Belarus earn from potash exports in 2019?")
    assert answer.answered and "2.9 billion" in answer.text
    from rag.evidence import _YEAR_OF_EVENT

    assert _YEAR_OF_EVENT.findall("During 2023, the share fell.") == ["2023"]
    assert _YEAR_OF_EVENT.findall("Three Polish citizens, including one who in 2023 was sentenced, were released.") == []


def test_a_faq_section_asking_the_same_why_gives_the_cause(settings, tmp_path):
    """A FAQ answers "Why is R apparently not releasing memory?" under that heading, without "because": a why-question
    close in meaning to the heading is answered from the section; a why-question about something else is not."""
    from rag.api import Engine

    page = ("# R FAQ\n\n## 7.42 Why is R apparently not releasing memory?\n\nThis question is often asked along the lines of "
            "\"I have removed objects in R and run gc() and yet top still shows the R process using a lot of memory\". "
            "This is an artifact of the way the operating system (OS) allocates memory. Small blocks come from a contiguous data "
            "segment that can only shrink at its end.\n\n## 7.43 How can I plot a histogram?\n\nUse the hist function on a "
            "numeric vector.\n")
    settings = ingested(settings, tmp_path / "docs", {"faq.md": page})
    engine = Engine(settings)
    answer = engine.ask("I removed big objects and ran gc(), but top still shows R using lots of memory. Why doesn't the memory go back to the OS?")
    assert answer.answered and "allocates memory" in answer.text, answer.text
    assert not engine.ask("Why does the hist function need a numeric vector?").answered


def _engine_over(settings, tmp_path, files: dict[str, str], overrides: dict | None = None):
    """An engine over ``files`` (name -> text), ingested with the real model; ``overrides``: settings to replace."""
    from rag.api import Engine

    ingested_settings = ingested(settings, tmp_path / "docs", files)
    return Engine(ingested_settings.replace(**overrides) if overrides else ingested_settings)


def test_a_document_named_by_its_file_name_meets_the_question(settings, tmp_path):
    """"According to the Jamestown piece, why ...?": the Jamestown article's file name names it, though its text never
    does; its passage is not scored down as lacking the name."""
    files = {"jamestown-belarus-relations.txt": "Belarus and the United States\n\nKey among the challenges is the lack of trust. "
             "Minsk believes that goodwill gestures toward Washington will not be reciprocated, because officials expect them to be "
             "read as weakness and answered with more sanctions.\n",
             "daily-news-belarus.txt": "Belarus news\n\nMinsk released prisoners in June after a visit by a U.S. envoy. The envoy "
             "spoke about goodwill gestures and trade.\n"}
    engine = _engine_over(settings, tmp_path, files)
    answer = engine.ask("According to the Jamestown piece, why is Minsk skeptical that goodwill gestures toward Washington will pay off?")
    assert answer.answered and "weakness" in answer.text, answer.text
    assert answer.citations[0].source.startswith("jamestown"), answer.citations


def test_a_day_not_given_is_not_answered_by_the_month_the_question_states(settings, tmp_path):
    """"On which day in February 2020 did Pompeo arrive?" when the text says only "since February 2020, when Pompeo
    arrived": the month said again is no answer (nor is another event's day), so it is refused."""
    text = ("Envoy visits Minsk\n\nKellogg was welcomed to Minsk on 21 June. It was the highest-level visit to Belarus by a U.S. "
            "official since February 2020, when then-Secretary of State Mike Pompeo arrived in Minsk.\n")
    engine = _engine_over(settings, tmp_path, {"visit.txt": text})
    assert not engine.ask("On which day in February 2020 did Mike Pompeo arrive in Minsk?").answered
    assert "21 June" in engine.ask("On which day did Kellogg come to Minsk?").text


def test_a_date_sharing_none_of_the_question_words_is_no_fallback_answer(settings, tmp_path):
    """"When is the US embassy in Minsk scheduled to reopen?": no page dates the reopening; a date in a sentence about
    something else (a release in late January) answers another question, even as the closest date on offer."""
    files = {"outlook.txt": "Outlook\n\nMinsk still has plenty of prisoners to use as bargaining chips, while the United States can "
             "send more delegations or even reopen its embassy in Minsk.\n",
             "timeline.txt": "Timeline\n\nMinsk released the first United States citizen in late January, during the first week of "
             "the new administration.\n\nThe visit was the highest-level one since February 2020.\n"}
    # (a low refusal threshold, so the date sentence's score alone would let it answer)
    engine = _engine_over(settings, tmp_path, files, {"scoring.min_evidence": 0.2})
    assert not engine.ask("When is the US embassy in Minsk scheduled to reopen?").answered
    assert "January" in engine.ask("When did Minsk release the first United States citizen?").text


def test_a_reason_asked_without_why_needs_a_cause(settings, tmp_path):
    """"What is the reasoning behind X defaulting to 2?" asks a cause, like "Why ...?": "The default is 2." states the
    value, not why; the page gives no reason, so it is refused. The value itself is still answered."""
    from rag.evidence import asks_why

    assert asks_why("What was the main motivation for the change?") and asks_why("How come the memory is not freed?")
    assert not asks_why("What is the default?")
    page = ("# Lock Management\n\n## max_pred_locks_per_page (integer)\n\nThis controls how many rows on a single page can be "
            "predicate-locked before the lock is promoted to covering the whole page. The default is 2. This parameter can only "
            "be set in the postgresql.conf file or on the server command line.\n")
    engine = _engine_over(settings, tmp_path, {"locks.md": page})
    assert not engine.ask("What is the reasoning behind max_pred_locks_per_page defaulting to 2?").answered
    assert "2" in engine.ask("What is the default of max_pred_locks_per_page?").text


def test_shorthand_in_a_question_is_read_as_the_pages_spell_it(settings, tmp_path):
    """"What env var configures TZPATH?": the pages say "environment variable"; shorthand written as code ("dir()",
    "--config") or in capitals ("DB") is kept, and so is a word the pages use themselves."""
    from rag.text import expand_abbreviations

    assert expand_abbreviations("Which env var and which config dir?") == "Which environment variable and which configuration directory?"
    assert expand_abbreviations("What does dir() return with --config and args=1 in the DB?") == "What does dir() return with --config and args=1 in the DB?"
    assert expand_abbreviations("Which config file?", used=lambda word: word == "config") == "Which config file?"
    page = ("# zoneinfo\n\n## zoneinfo.TZPATH\n\nA read-only sequence of the locations searched for time zone data files.\n\n"
            "## Configuring the data sources\n\nWhen initializing TZPATH, the module uses the environment variable PYTHONTZPATH "
            "to set the search path, if it exists. Otherwise the compile-time default search path is used.\n")
    engine = _engine_over(settings, tmp_path, {"zoneinfo.md": page})
    answer = engine.ask("Which env var configures TZPATH?")
    assert answer.answered and "PYTHONTZPATH" in answer.text, answer.text
    assert answer.question == "Which env var configures TZPATH?"  # the answer repeats the question as it was asked


# Small pages, one question each: (files, question, text the answer must hold or None for a refusal, text it must not hold)
_BLAME_OPTIONS = {"git-blame.md": "# git-blame\n\n## OPTIONS\n\n### -M[<num>]\n\nDetect moved or copied lines within a file. When a commit "
                     "moves a block of lines, the traditional blame algorithm notices only half of the movement. With this "
                     "option, both groups of lines are blamed on the parent by running extra passes of inspection.\n\n"
                     "### -C[<num>]\n\nIn addition to -M, detect lines copied from other files that were modified in the same "
                     "commit. This option can be given twice.\n"}

_SMALL_PAGE_CASES = {
    # release notes give an entry's title as a paragraph of its own and its detail in the next one: the value the title
    # lacks is there
    "release-note-title-continued": (
        {"release-15.md": "# Release 15\n\n## Data Types\n\nImprove overflow detection when casting values to interval (Joe Koshakow)\n\n"
                          "Change the I/O format of type char for non-ASCII characters (Tom Lane)\n\n"
                          "Update the display width information of modern Unicode characters, like emojis (Jacob Champion)\n\n"
                          "Also update from Unicode 5.0 to 14.0.0. There is now an automated way to keep the tables current.\n\n"
                          "## Functions\n\nAdd multirange input to range_agg() (Paul Jungwirth)\n"},
        "In release 15, the display width information for Unicode characters like emojis was updated to which Unicode version?",
        "14.0.0", None),
    # "There are several limitations ..." followed by "These will be fixed in future releases:" brings the items
    "announced-list-items": (
        {"continuous-archiving.md": "# Continuous Archiving\n\n## Caveats\n\nAt this writing, there are several limitations of the "
                                    "continuous archiving technique. These will probably be fixed in future releases:\n\n"
                                    "If a CREATE DATABASE command runs while a base backup is taken and the template database is "
                                    "modified, recovery may propagate those modifications into the created database.\n\n"
                                    "CREATE TABLESPACE commands are WAL-logged with the literal absolute path, and are replayed with "
                                    "the same path.\n\n## Setting Up\n\nTo recover, you need a continuous sequence of archived WAL files.\n"},
        "Give an overview of the known caveats of the continuous archiving technique.", "template database", None),
    # a ratio is asked: the sentence comparing without one does not answer, nor a ratio that compares nothing
    "ratio-asked-comparison-without-one": (
        {"datatype-numeric.md": "# Numeric Types\n\nNumeric columns take 2 times the storage of integer columns in the worst case.\n\n"
                                "Calculations with numeric values yield exact results where possible. However, calculations on "
                                "numeric values are very slow compared to the integer types.\n"},
        "How many times slower is arithmetic on numeric compared to integer types?", None, None),
    # "-M" is no word of the index: the section writing it answers, not a configuration entry full of the other words
    "one-letter-option-in-its-section": (
        {"blame-config.md": "# git blame configuration\n\nblame.showEmail: Show the author email instead of the author name in git "
                            "blame. This option defaults to false.\n\nblame.showRoot: Do not treat root commits as boundaries in "
                            "git blame. This option defaults to false.\n",
         "blame-options.md": "# git blame options\n\n## --porcelain\n\nShow in a format designed for machine consumption.\n\n"
                             "## -M[<num>]\n\nDetect moved or copied lines within a file. With this option, both groups of lines "
                             "are blamed on the parent commit.\n"},
        "In git blame, what does the -M option do?", "both groups", "blame.show"),
    # "What does the -M option do?" is said by the first sentence of its entry, not by a later one using the question's words
    "what-an-entry-does-opens-it": (_BLAME_OPTIONS, "In git blame, what does the -M option do?", "Detect moved or copied lines within a file", None),
    # ... its heading path names the command ("git-blame › OPTIONS › -M[<num>]")
    "what-an-entry-is-for-opens-it": (_BLAME_OPTIONS, "What is git blame -M for?", "Detect moved or copied lines within a file", None),
    # a signature under the text (the byline on top is the author's metadata): the title line under a name is the named
    # person's; the apposition ("..., author of the piece,") only
    # says who is meant
    "byline-title-line": (
        {"analysis.txt": "Minsk looks west\n\nJane Doerington\n\nThe talks in June ended without a deal on trade. Officials met again in July "
                         "and agreed on a second round of talks in the autumn.\n\nJane Doerington\n\nDirector, Baltic Policy "
                         "Council on Regional Affairs\n\n1 Author's interview with an official, 30 June.\n"},
        "Jane Doerington, author of the piece, is director of which organisation?", "Baltic Policy Council", None),
    # "..., or risk punishment" says why: what not doing it costs
    "cause-as-the-risk-of-not": (
        {"analysis.md": "# Analysis\n\nThe minister spoke on Monday about exports of fertiliser and grain.\n\nIn any case, it is "
                        "dangerous for the minister to get ahead of himself while the talks are stalled. It is important to move in "
                        "step with the allies, where possible, or risk punishment from the capital.\n\nTrade volumes grew in 2023 "
                        "because fertiliser prices rose.\n"},
        "Why would it be risky for the minister to get ahead of himself?", "punishment", None),
    # a string the user wrote ('NODE_test') is their data, not a name the page must write
    "users-own-string-is-no-code-name": (
        {"child_process.md": "# Child process\n\n## subprocess.send(message)\n\nMessages containing a NODE_ prefix in the cmd "
                             "property are reserved for use within Node.js core and will not be emitted in the child's 'message' "
                             "event. Rather, such messages are emitted using the 'internalMessage' event and are consumed "
                             "internally by Node.js.\n\n## subprocess.kill([signal])\n\nThe subprocess.kill() method sends a "
                             "signal to the child process. The default signal is 'SIGTERM'.\n"},
        "I sent {cmd: 'NODE_test'} to a forked child and its 'message' handler never fired. Which event are such messages "
        "emitted on instead?", "internalMessage", None),
    # "The fact that X has a subtle side effect: Y" says why Y
    "cause-as-a-side-effect": (
        {"events.md": "# Events\n\n## Event: 'newListener'\n\nThe EventEmitter instance will emit its own 'newListener' event "
                      "before a listener is added to its internal array of listeners. The fact that the event is triggered before "
                      "adding the listener has a subtle but important side effect: any additional listeners registered to the same "
                      "name within the 'newListener' callback are inserted before the listener that is in the process of being "
                      "added.\n\n## Event: 'removeListener'\n\nThe 'removeListener' event is emitted after the listener is "
                      "removed.\n"},
        "If I register another listener for the same event inside a 'newListener' handler, why does it run before the "
        "listener that triggered 'newListener'?", "inserted before", None),
    # a short sentence naming a code name is an answer, not a label ("Subclass of ValueError.")
    "short-sentence-naming-code": (
        {"tomllib.md": "# tomllib\n\n## tomllib.loads(s)\n\nLoad TOML from a str object and return a dict. A TOMLDecodeError will "
                       "be raised on an invalid TOML document.\n\n## exception tomllib.TOMLDecodeError\n\nSubclass of ValueError.\n"},
        "tomllib.TOMLDecodeError inherits from which standard exception?", "ValueError", None),
    # "... unless I change maxStringLength?" asks the default, which closes the option's item however many sentences it
    # takes
    "default-closing-a-long-item": (
        {"util.md": "# util\n\n## util.inspect(object[, options])\n\nReturns a string representation of object for debugging.\n\n"
                    "* maxStringLength {integer} Specifies the maximum number of characters to include when formatting. Set to "
                    "null or Infinity to show all elements. Set to 0 or negative to show no characters. Default: 10000.\n"
                    "* breakLength {integer} The length at which input values are split across multiple lines. Default: 80.\n"},
        "util.inspect cuts long strings off after how many characters unless I change maxStringLength?", "10000", None),
    # a three-word sentence stating a default ('Defaults to "conflict".') is an answer, not a label
    "short-defaults-to-sentence": (
        {"git-merge.md": "# git-merge\n\n## CONFIGURATION\n\n### merge.renames\n\nWhether Git detects renames. Defaults to the value "
                         "of diff.renames.\n\n### merge.directoryRenames\n\nWhether Git detects directory renames, affecting what "
                         "happens at merge time to new files added to a directory on one side of history when that directory was "
                         "renamed on the other side. If set to \"false\", directory rename detection is disabled. If set to "
                         "\"true\", such new files are moved into the new directory. If set to \"conflict\", a conflict will be "
                         "reported for such paths. Defaults to \"conflict\".\n\n### merge.stat\n\nWhether to print the diffstat "
                         "at the end of the merge. True by default.\n"},
        "What is merge.directoryRenames set to by default?", "Defaults to \"conflict\"", None),
    # "What file permissions does ... by default?" asks a value of another kind than a name: the default stated for the
    # permissions ("The default permissions are 0777"), not another setting's ("By default this is the empty string")
    "default-of-what-the-kind-words-name": (
        {"connection.md": "# Connection Settings\n\n## unix_socket_group (string)\n\nSets the owning group of the Unix-domain "
                          "socket. In combination with the parameter unix_socket_permissions this can be used as an additional "
                          "access control mechanism for Unix-domain connections. By default this is the empty string, which uses "
                          "the default group of the server user.\n\n## unix_socket_permissions (integer)\n\nSets the access "
                          "permissions of the Unix-domain socket. Unix-domain sockets use the usual Unix file system permission "
                          "set. The default permissions are 0777, meaning anyone can connect. Reasonable alternatives are 0770 "
                          "(only user and group) and 0700 (only user).\n\n## port (integer)\n\nThe TCP port the server listens "
                          "on; 5432 by default.\n"},
        "What file permissions does the server put on its Unix-domain socket by default?", "0777", None),
    # "one" is a number where a clause ends on it ("... the exit status is one."); the call the user wrote names its
    # function, not its argument ('something')
    "one-as-the-value-a-clause-ends-on": (
        {"exceptions.md": "# Built-in Exceptions\n\n## exception SystemExit\n\nThis exception is raised by the sys.exit() function. "
                          "It inherits from BaseException instead of Exception so that it is not accidentally caught by code "
                          "that catches Exception. If the value is an integer, it specifies the system exit status; if it is "
                          "None, the exit status is zero; if it has another type (such as a string), the object's value is "
                          "printed and the exit status is one.\n\n## exception KeyError\n\nRaised when a mapping key is not "
                          "found in the set of existing keys.\n"},
        "If I call sys.exit('something went wrong') with a string, what exit status does the process end with?", "exit status is one", None),
    # a method named in lower camel case ("xDeviceCharacteristics") is a method's name, as "xRead()" would be
    "camel-case-method-name": (
        {"atomiccommit.md": "# Atomic Commit\n\n## Hardware Assumptions\n\nSQLite does not assume that sector writes are atomic. "
                            "However, it does assume that all writes are linear. Beginning in version 3.5.0, the new Virtual File "
                            "System (VFS) interface contains a method named xDeviceCharacteristics which reports on special "
                            "properties that the underlying mass storage device might have.\n\n## Journal Files\n\nThe rollback "
                            "journal is a small ordinary disk file.\n"},
        "Which method of the VFS interface reports special storage properties such as atomic sector writes?",
        "xDeviceCharacteristics", None),
    # "up to which group number ...?" asks a bound; the item the question names ("\number") holds it ("one of the first
    # 99 groups"), not a number of another item or a digit of an example
    "bound-in-the-named-item": (
        {"re.md": "# re\n\n## Regular Expression (regex) Syntax\n\n### (...)\n\nMatches whatever regular expression is inside the "
                  "parentheses, and indicates the start and end of a group.\n\n### \\number\n\nA backreference: matches the contents of "
                  "the group of the same number. Groups are numbered starting from 1. For example, (.+) \\1 matches 'the the' or '55 55'. "
                  "This special sequence can only be used to match one of the first 99 groups. If the first digit of the group "
                  "number is 0, or the number is 3 octal digits long, a regex backreference will not refer to a group.\n\n### re.sub(pattern, "
                  "repl, string, count=0)\n\nIn string-type repl arguments of a regex, a backreference "
                  "such as \\g<number> can refer to the corresponding group number; \\g<2> is therefore equivalent to \\2.\n"},
        "In a regex, up to which group number can a \\number backreference like \\1 refer?", "first 99 groups", None),
    # "... but leave separators alone" asks a default; "Use (',', ': ') as default if ..." states one
    "leave-it-alone-asks-a-default": (
        {"json.md": "# json\n\n## json.dump(obj, fp, *, indent=None, separators=None)\n\nIf indent is a non-negative integer or "
                    "string, then JSON array elements and object members will be pretty-printed with that indent level. "
                    "Changed in version 3.2: Allow strings for indent in addition to integers. If you pass separators to "
                    "json.dumps, it should be an (item_separator, key_separator) tuple of separators. "
                    "Changed in version 3.4: Use (',', ': ') as default if indent is not None.\n\n## json.loads(s)\n\n"
                    "Deserialize s to a Python object.\n"},
        "If I pass indent to json.dumps but leave separators alone, what separators does it use?", "Use (',', ': ') as default", None),
    # "... is important in order for p1 to receive a SIGPIPE" gives the purpose
    "cause-in-order-for": (
        {"subprocess.md": "# subprocess\n\n## Replacing shell pipeline\n\noutput=$(dmesg | grep hda) becomes: p1 = Popen([\"dmesg\"], "
                          "stdout=PIPE); p2 = Popen([\"grep\", \"hda\"], stdin=p1.stdout, stdout=PIPE); p1.stdout.close(); output = "
                          "p2.communicate()[0].\n\nThe p1.stdout.close() call after starting the p2 is important in order for p1 to "
                          "receive a SIGPIPE if p2 exits before p1.\n\nAlternatively, for trusted input, the shell's own pipeline "
                          "support may still be used directly.\n\n## Replacing os.system()\n\nThe return value is the exit status.\n"},
        "When replacing a shell pipeline like dmesg | grep hda with two Popen objects, why do the docs call p1.stdout.close() "
        "after starting p2?", "SIGPIPE", None),
    # "What does setInterval() give back?": the sentence saying what it returns, not the import line naming it and its
    # module (which shares more of the question's words)
    "what-a-call-gives-back": (
        {"timers.md": "# Timers\n\n## Timers Promises API\n\n```\nconst { setTimeout, setImmediate, setInterval } = "
                      "require('node:timers/promises');\n```\n\n## timersPromises.setInterval([delay[, value]])\n\n```\n"
                      "const { setInterval } = require('node:timers/promises');\n```\n\n"
                      "Returns an async iterator that generates values in an interval of delay ms.\n"},
        "In node:timers/promises, what does setInterval() give back?", "async iterator", None),
    # "What does extname() return for a name such as '.index'?": the example writing the quoted value, not the rule for
    # any name (whose words match as well) with the next example
    "the-quoted-value-example": (
        {"path.md": "# Path\n\n## path.extname(path)\n\nThe path.extname() method returns the extension of the path, from "
                    "the last occurrence of the . (period) character to end of string in the last portion of the path. If "
                    "there is no . in the last portion of the path, or if there are no . characters other than the first "
                    "character of the basename of path, an empty string is returned.\n\n```\npath.extname('index.html');\n"
                    "// Returns: '.html'\n\npath.extname('index.');\n// Returns: '.'\n\npath.extname('.index');\n"
                    "// Returns: ''\n```\n\n## path.format(pathObject)\n\nThe path.format() method returns a path string "
                    "from an object.\n"},
        "What does path.extname() return for '.index'?", "path.extname('.index')", "last occurrence"),
    # a definition's parameter list gives a parameter its default ("eps = 1.0e-06"), though no word says "default"
    "signature-gives-default": (
        {"r-intro.md": "# An Introduction to R\n\n## Recursive numerical integration\n\nThe example below shows a naive way of "
                       "performing one-dimensional numerical integration. The integrand is evaluated at the end points of the "
                       "range and in the middle.\n\n```\narea <- function(f, a, b, eps = 1.0e-06, lim = 10) {\n  fa <- f(a)\n"
                       "  fb <- f(b)\n}\n```\n\nThe result is an adaptive integration process that concentrates function "
                       "evaluations in regions where the integrand is farthest from linear.\n\n## Scope\n\nSymbols in the body "
                       "of a function can be divided into three classes.\n"},
        "What does eps default to in area()?", "1.0e-06", None),
    # a switch statement's "default:" in an example states no default: the option's "Default: '> '." does
    "switch-default-is-no-default": (
        {"readline.md": "# Readline\n\n## readline.createInterface(options)\n\nprompt {string} The prompt string to use. "
                        "Default: '> '.\n\ncrlfDelay {number} Delay between \\r and \\n. Default: 100.\n\n## Example: Tiny CLI\n\n"
                        "The following example illustrates the use of the readline interface class to implement a small command-line "
                        "interface with a prompt text:\n\n```\nconst rl = createInterface({ input: stdin, output: stdout, prompt: "
                        "'OHAI> ' });\nrl.prompt();\nrl.on('line', (line) => { switch (line.trim()) { case 'hello': "
                        "console.log('world!'); break; default: console.log(`Say what? ${line.trim()}`); break; } rl.prompt(); });\n```\n"},
        "What's the default prompt text of a readline interface?", "Default: '> '", None),
    # "Why ...?" answered by the sentence after the one matching the question's words: it leads in, the next gives the cause
    "cause-after-lead-in": (
        {"r-models.md": "# Statistical models in R\n\n## Formulae for statistical models\n\nThe operator ~ is used to define a "
                        "model formula in R. Interactions are written with the colon.\n\n## Notation\n\nThe formula operators are "
                        "similar in effect to the Wilkinson and Rogers notation used by such programs as Glim and Genstat. One "
                        "inevitable change is that the operator \u2018.\u2019 becomes \u2018:\u2019 since the period is a valid "
                        "name character in R.\n\n## Contrasts\n\nThe default contrasts are treatment contrasts.\n"},
        "Why do R model formulae use ':' for interaction terms when the Wilkinson-Rogers notation used by Glim and Genstat uses '.'?",
        "valid name character", None),
    # a glossary: the term is the heading, its definition a phrase with no subject; quoted, it names the term
    "glossary-definition-names-its-term": (
        {"glossary.md": "# Glossary\n\n## bare repository\n\nA repository that has no working tree, usually with a .git "
                        "suffix.\n\n## gitfile\n\nA plain file .git at the root of a working tree that points at the "
                        "directory that is the real repository.\n\n## grafts\n\nGrafts join two lines of development by recording "
                        "fake ancestry for commits.\n"},
        "In Git's terminology, what is a gitfile?", "gitfile: A plain file", None),
    # "This allows ..." gives what the sentence before makes possible: a purpose, so the why-question is answered
    "purpose-this-allows": (
        {"workers.md": "# Worker processes\n\n## fork(module)\n\nA forked worker is started with its message channel "
                       "unreferenced until it registers a handler for the 'message' event. This allows the worker to exit "
                       "normally while the channel is still open.\n\n## kill(signal)\n\nSends a signal to the worker.\n"},
        "Why doesn't the open message channel keep a forked worker from exiting?", "unreferenced", None),
    # a compile-time limit "normally set to" a value states its default
    "normally-set-to-is-a-default": (
        {"limits.md": "# Limits\n\n## Maximum number of pages\n\nThe MAX_PAGE_COUNT parameter, which is normally set to "
                      "1073741823, is the maximum number of pages allowed in one database file. An insert that would grow the "
                      "file beyond this limit returns an error.\n\nThe largest possible setting for MAX_PAGE_COUNT is 4294967294.\n"},
        "What is the usual default for MAX_PAGE_COUNT, the cap on pages in a database file?", "1073741823", None),
    # a FAQ's heading asks the same yes/no question in other words: its answer says what is asked
    "faq-heading-asks-the-yes-no-question": (
        {"faq.md": "# Programming FAQ\n\n## Is there an equivalent to Perl's chomp() for removing trailing newlines from "
                   "strings?\n\nYou can use S.rstrip(\"\\r\\n\") to remove all occurrences of any line terminator from the "
                   "end of the string S without removing other trailing whitespace.\n\n## How do I convert a string to a "
                   "number?\n\nFor integers, use the built-in int() type constructor.\n"},
        "Is there a Python equivalent of chomp() from Perl for trailing newlines?", "rstrip", None),
    # "why ... different?": the sentence saying how the two differ explains it, without a "because"
    "why-different-is-how-they-differ": (
        {"os.md": "# OS\n\n## os.homedir()\n\nReturns the string path of the current user's home directory.\n\n"
                  "## os.userInfo([options])\n\nReturns information about the currently effective user. The value of "
                  "homedir returned by os.userInfo() is provided by the operating system. This differs from the result of "
                  "os.homedir(), which queries environment variables for the home directory before falling back to the "
                  "operating system response.\n\n## os.uptime()\n\nReturns the system uptime in number of seconds.\n"},
        "Why can os.homedir() and the homedir field from os.userInfo() give different results?", "environment variables", None),
    # a FAQ entry whose heading asks the question in other words answers it, in a chunk holding several short entries
    # (the chunk's heading is the first entry's): its sentences carry the heading's words
    "faq-heading-of-a-later-entry-in-the-chunk": (
        {"faq.md": "# R FAQ\n\n## 7 R Miscellanea\n\n### 7.31 Why doesn't R think these numbers are equal?\n\nThe only numbers "
                   "that can be represented exactly in R's numeric type are integers and fractions whose denominator is a "
                   "power of 2.\n\n### 7.32 How can I capture or ignore errors in a long simulation?\n\nUse try(), which "
                   "returns an object of class try-error instead of an error, or preferably tryCatch(), where the return "
                   "value can be configured more flexibly.\n\n### 7.33 Why are powers of negative numbers wrong?\n\nYou are "
                   "probably seeing -2^2 evaluated as -(2^2).\n\n## 8 R Programming\n\n### 8.1 How should I write "
                   "summary methods?\n\nSummary methods should return an object of a summary class.\n",
         "intro.md": "# An Introduction to R\n\n## Loops\n\nA for loop runs its body once for each element of a vector. "
                     "Functions such as lm() fit models; the whole run of a script stops at the first error unless "
                     "options(error=) says otherwise.\n"},
        "I'm running a long simulation loop and now and then lm() throws an error that kills the whole run. How can I "
        "capture or ignore those errors?", "tryCatch", None),
    # "Who wrote X?": the maker of a work named after it ("X by Name"), no "wrote" needed
    "maker-named-after-the-work": (
        {"deployed.md": "# Most widely deployed\n\n## Other libraries\n\nOther libraries with similar reach include: The "
                        "original zlib implementation by Jean-loup Gailly and Mark Adler. The original reference "
                        "implementation for libpng. Libjpeg from the Independent JPEG Group.\n\n## Devices\n\nEvery "
                        "smartphone contains several copies of the library.\n"},
        "Who wrote the original zlib implementation that the page mentions?", "Mark Adler", None),
    # a list question after a leading condition; its best sentence leads in to the next one, which lists the items
    "list-after-a-lead-in": (
        {"data.md": "# Data Import\n\n## Classes for the variables\n\nUnless you take any special action, read.table reads "
                    "all the columns as character vectors and then tries to select a suitable class for each variable in "
                    "the data frame. It tries in turn logical, integer, numeric and complex, moving on if any entry is not "
                    "missing and cannot be converted. If all of these fail, the variable is converted to a factor.\n\n"
                    "## Databases\n\nRows in database tables are best thought of as unordered; use ORDER BY to sort.\n"},
        "When read.table has to decide the class of each column by itself, which types does it try, and in what order?",
        "logical, integer", None),
    # "What error will his version report?" asks an error, quoted by the sentence, not a version
    "quoted-error-not-a-version": (
        {"norowid.md": "# WITHOUT ROWID tables\n\n## Compatibility\n\nSQLite version 3.8.2 (2013-12-06) or later is "
                       "necessary in order to use a WITHOUT ROWID table. An attempt to open a database that contains one or "
                       "more WITHOUT ROWID tables using an earlier version of SQLite will result in a \"malformed database "
                       "schema\" error.\n"},
        "A coworker running an old SQLite build can't open my database, which uses WITHOUT ROWID tables. What error will "
        "his version report?", "malformed database schema", None),
}


@pytest.mark.parametrize("case", sorted(_SMALL_PAGE_CASES))
def test_small_pages_answer_or_refuse(case, settings, tmp_path):
    files, question, holds, lacks = _SMALL_PAGE_CASES[case]
    answer = _engine_over(settings, tmp_path, files).ask(question)
    if holds is None:
        assert not answer.answered, answer.text
    else:
        assert answer.answered and holds in answer.text, answer.text
    assert lacks is None or lacks not in answer.text, answer.text


_PLANNER_SETTINGS = {"planner.md": "# Query Planning\n\n## Other Planner Options\n\n### constraint_exclusion (enum)\n\nControls the "
                     "query planner's use of table constraints to optimize queries. The default is partition.\n\n"
                     "### cursor_tuple_fraction (floating point)\n\nSets the planner's estimate of the fraction of a cursor's rows "
                     "that will be retrieved. Smaller values bias the planner towards fast start plans. The default is 0.1.\n\n"
                     "### from_collapse_limit (integer)\n\nThe planner merges sub-queries into upper queries if the resulting FROM "
                     "list would have no more than this many items. The default is eight.\n"}
# the -M entry on a page of its own, ranked below the page where --score-debug speaks of a threshold and -C states its default
_BLAME_DEFAULTS = {"git-blame-1.md": "# git-blame\n\n## OPTIONS\n\n### --score-debug\n\nInclude debugging information related to "
                   "the movement of lines. This is the number of alphanumeric characters detected as having been moved between "
                   "or within files. This must be above a certain threshold for git blame to consider those lines of code to "
                   "have been moved.\n\n### -C\n\nIn addition to -M, detect lines moved or copied from other files that were "
                   "modified in the same commit. A number may follow the option. And the default value is 40.\n",
                   "git-blame-2.md": "# git-blame\n\n## OPTIONS\n\n### -b\n\nShow blank SHA-1 for boundary commits.\n\n"
                   "### --root\n\nDo not treat root commits as boundaries.\n\n### -M\n\nDetect moved or copied lines within a "
                   "file. With this option, both groups of lines are blamed on the parent by running extra passes of inspection. "
                   "A number may follow the option: the lower bound on the number of alphanumeric characters that Git must "
                   "detect as moving within a file. The default value is 20.\n"}


def test_a_signature_states_its_parameters_defaults():
    """A definition's parameter list gives the parameter the question names its default; a call in an example does not,
    nor a parameter the question does not name."""
    from rag.evidence import signature_default
    asked = "What is the default value of the eps argument of area()?"
    assert signature_default("area <- function(f, a, b, eps = 1.0e-06, lim = 10) {", asked)
    assert signature_default("bisect.bisect_left(a, x, lo=0, hi=len(a), *, key=None): Locate the insertion point.",
                             "What does lo default to in bisect.bisect_left?")
    assert not signature_default("area <- function(f, a, b, eps = 1.0e-06, lim = 10) {", "What is the default tolerance?")
    assert not signature_default("For example, print(json.dumps(obj, indent=4)) pretty-prints it.", "What is the default indent?")
    assert not signature_default("if (eps == 0) return(a)", asked)


def test_a_default_is_the_named_items_own(settings, tmp_path):
    """A default stated under the item the question names as written ("cursor_tuple_fraction (floating point): The
    default is 0.1."), though its chunk opens under another item; in a follow-up, the item the earlier turn named ("What's
    its default threshold?" after "what does the -M option do?", next test). Not a function's signature: its defaults
    are its options'."""
    from rag.evidence import item_asked

    assert item_asked("-M[<num>]", "In git blame, what does the -M option do?")
    assert not item_asked("child_process.exec(command[, options][, callback])", "Which shell does child_process.exec() use by default?")
    assert not item_asked("Description", "What is the Description default?")
    assert not item_asked("SQL Interpolation", "Which function quotes a value as an SQL literal?")  # a title, not an item
    assert item_asked("--ignore-revs-file <file>:", "What does --ignore-revs-file default to?")
    answer = _engine_over(settings, tmp_path, _PLANNER_SETTINGS).ask("What's the out-of-the-box value of cursor_tuple_fraction?")
    assert answer.answered and "0.1" in answer.text, answer.text


def test_leaving_a_setting_alone_asks_its_default_and_use_as_default_states_one():
    """"... but leave separators alone, what separators does it use?" asks a default; "Use (',', ': ') as default if
    indent is not None." states one (end to end: the small page "leave-it-alone-asks-a-default")."""
    from rag.evidence import has_type
    from rag.facts import ASKS_DEFAULT, question_type

    q = "If I pass indent to json.dumps but leave separators alone, what separators does it use?"
    assert question_type(q) == "default"
    assert ASKS_DEFAULT.search("if i leave the timeout unset, how long does it wait?")
    assert not ASKS_DEFAULT.search("should i leave for the weekend alone?")
    assert has_type("Changed in version 3.4: Use (',', ': ') as default if indent is not None.", "default", q)
    assert not has_type("Changed in version 3.2: Allow strings for indent in addition to integers.", "default", q)
    # "as" of a reason is no default stated
    assert not has_type("The bandwidth bw = 1 was chosen by trial-and-error as the default gives too much smoothing.", "default",
                        "Which bandwidth rule does density() use by default?")


def test_a_follow_ups_default_is_the_earlier_turns_items(settings, tmp_path):
    """"What's its default threshold?" after "what does the -M option do?": the default under -M ("The default value is
    20."), not -C's, though a sentence of another item (--score-debug) shares more of the question's words."""
    engine = _engine_over(settings, tmp_path, _BLAME_DEFAULTS)
    history = [{"role": "user", "content": "In git blame, what does the -M option do?"},
               {"role": "assistant", "content": "-M: Detect moved or copied lines within a file [1]."}]
    answer = engine.ask("What's its default threshold?", history=history)
    assert answer.answered and "20" in answer.text and "40" not in answer.text, answer.text


def test_a_value_follows_in_the_next_chunk_when_the_chunk_cut_its_paragraph():
    """"What are the default trigger sizes ...?": the best sentence ends its chunk; the next chunk opens with the
    sentence they share and goes on with the paragraph ("The defaults are 6Mb and 350k ..."): that value follows it.
    Not when the next chunk starts a paragraph of its own, nor from a chunk that is not the next one."""
    from types import SimpleNamespace

    from rag.answerers.extractive import _follows
    from rag.types import Passage

    first = Passage(id="a", source="intro.pdf", text="--min-vsize=N\n\nFor expert use only: set the initial trigger sizes for "
                    "garbage collection. Suffix M specifies megabytes.", metadata={"chunk_index": 4})
    goes_on = Passage(id="b", source="intro.pdf", text="Suffix M specifies megabytes. The defaults are 6Mb and 350k respectively."
                      "\n\n--max-ppsize=N\n\nThe default is 10000.", metadata={"chunk_index": 5})
    new_paragraph = Passage(id="c", source="intro.pdf", text="The defaults are 6Mb and 350k respectively.", metadata={"chunk_index": 5})
    far = Passage(id="d", source="intro.pdf", text=goes_on.text, metadata={"chunk_index": 7})
    best = SimpleNamespace(passage=first, quote="For expert use only: set the initial trigger sizes for garbage collection.", sentence="")

    def value(p: Passage, text: str):
        return SimpleNamespace(passage=p, quote=text, sentence=text)
    assert _follows(best, value(goes_on, "The defaults are 6Mb and 350k respectively."), across_chunks=True)
    assert not _follows(best, value(goes_on, "The defaults are 6Mb and 350k respectively."))
    assert not _follows(best, value(goes_on, "The default is 10000."), across_chunks=True)
    assert not _follows(best, value(new_paragraph, "The defaults are 6Mb and 350k respectively."), across_chunks=True)
    assert not _follows(best, value(far, "The defaults are 6Mb and 350k respectively."), across_chunks=True)


def test_a_cause_rests_on_the_value_said_before_it_in_another_chunk():
    """"Why is the limit of 64 tables in a join fixed?": the sentence giving the cause ("This limit arises from ...")
    may open a chunk whose previous sentence, naming 64, closes the chunk before; that sentence is read with it."""
    from types import SimpleNamespace

    from rag.answerers.extractive import _lead_up
    from rag.types import Passage

    before = Passage(id="a", source="limits.html", text="Maximum Number Of Tables In A Join\n\nSQLite does not support joins "
                     "containing more than 64 tables. This limit arises from the fact that the code generator uses bitmaps.")
    cut = Passage(id="b", source="limits.html", text="This limit arises from the fact that the code generator uses bitmaps.\n\n"
                  "Hence there is no mechanism to raise or lower the limit.")
    other = Passage(id="c", source="other.html", text="Joins of 100 tables are fine. This limit arises from the fact that the code generator uses bitmaps.")
    e = SimpleNamespace(passage=cut, quote="", sentence="This limit arises from the fact that the code generator uses bitmaps.")
    assert "64 tables" in _lead_up(e, [cut, before, other]) and "100" not in _lead_up(e, [cut, before, other])
    assert _lead_up(e, [cut]) == e.sentence
