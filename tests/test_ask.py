"""ask(): concise cited answers, transliterations, conflicts, refusals, follow-ups, bad input."""

import dataclasses
import json

import pytest

from rag.errors import UserError
from rag.types import Answer

from .conftest import ingested, run_cli


def test_answer_contract(engine):
    a = engine.ask("How many prisoners were released in December?")
    assert isinstance(a, Answer) and a.answered
    assert "123" in a.text and "[1]" in a.text
    assert len(a.text.split()) < 80  # concise, not a dump of passages
    c = a.citations[0]
    assert c.marker == 1 and c.source == "european-pravda-trumps-deal-with-belarus.txt"
    assert c.title.startswith("Trump’s deal") and c.publisher == "European Pravda" and c.date == "2025-12-15"
    ids, docs, _ = engine.store.all_documents()
    assert c.text in docs  # the exact passage as stored
    assert c.highlights and all(h in c.text or h.split(". ")[-1] in c.text for h in c.highlights)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.text = "changed"


@pytest.mark.parametrize("question, expected_source_word", [
    ("Who is Sviatlana Tsikhanovskaya?", "Tsikhanouskaya"),  # spelling in no document
    ("What prize did Ales Bialiatsky win?", "Bialiatski"),  # spelling in no document
    ("Who escorted Yuri Zenkovich out of Belarus?", "Cole"),
    ("What did Lukashenka agree to in December?", "Lukashenko"),
])
def test_transliterated_names_find_other_spellings(engine, question, expected_source_word):
    passages = engine.retriever.search(question, 6)
    assert any(expected_source_word in p.text for p in passages)
    assert engine.ask(question).answered


def test_ziankovich_and_zenkovich_are_one_name(engine):
    index = engine.retriever.lexical()
    assert index.variants.canonical("zenkovich") == index.variants.canonical("ziankovich")
    assert index.variants.canonical("tsikhanovskaya") == index.variants.canonical("tsikhanouskaya")
    assert index.variants.canonical("tsikhanouski") != index.variants.canonical("tsikhanouskaya")  # husband and wife stay apart


@pytest.mark.parametrize("question, sides", [
    ("On what date did Kellogg meet Lukashenko in Minsk?", (("21 June", "June 21"), ("20 June",))),
    ("When was Ziankovich freed?", (("April",), ("May",))),
])
def test_disagreeing_sources_are_both_cited(engine, question, sides):
    a = engine.ask(question)
    assert a.conflict, a.text
    assert "disagree" in a.text
    for side in sides:
        assert any(s in a.text for s in side)
    assert len({c.source for c in a.citations}) == 2


@pytest.mark.parametrize("question, each_part", [
    ("How many prisoners were released after Kellogg's visit in June, and how many in December?", ("14", "123")),
    ("Where were the prisoners freed in June taken, and where were most of those freed in December deported?", ("Lithuania", "Ukraine")),
    # each half retrieved on its own too: the whole question alone does not find the December article
    ("How many prisoners did Belarus let go in June following the Kellogg visit, and how many in December?", ("14", "123")),
])
def test_two_questions_in_one_get_a_cited_sentence_each(engine, question, each_part):
    a = engine.ask(question)
    assert a.answered and all(part in a.text for part in each_part), a.text
    assert a.text.count("[") >= 2 and all(c.highlights for c in a.citations)


def test_compound_split_keeps_single_questions_whole():
    from rag.facts import split_compound

    assert split_compound("Which envoy visited in June 2025 and which one in December 2025?") == [
        "Which envoy visited in June 2025?", "Which one in December 2025?"]
    assert split_compound("Where were they taken, and to which country were most deported?") == [
        "Where were they taken?", "To which country were most deported?"]  # a preposition may lead the second question
    assert split_compound("Who released Bialiatski and Tsikhanouski?") == []
    assert split_compound("Which tables were dumped in June and in May?") == []
    assert split_compound("What did the US and Belarus agree?") == []
    # "..., and what is it?" asks the first question's value: one question (a number, here), not two
    assert split_compound("Is there an upper limit on savepoints per transaction, and what is it?") == []
    assert split_compound("What is WAL mode, and what does it do?") == ["What is WAL mode?", "What does it do?"]
    # "..., and in what order?" asks how the first question's answer is arranged: one question
    assert split_compound("Which types does read.table try, and in what order?") == []
    # the story told before the first question asks the second too
    assert split_compound("I put two statements into one execute() call. What happens, and what should I use instead?") == [
        "I put two statements into one execute() call. What happens?",
        "I put two statements into one execute() call. What should I use instead?"]


def test_a_question_for_a_limit_or_a_size_asks_a_number():
    from rag.facts import question_type

    for question in ("Is there an upper limit on savepoints per transaction, and what is it?",
                     "What is the size limit of the regular expression cache?", "What's the size cap on a database file?",
                     "How big can a database file get?", "What is the number of tries before it gives up?",
                     "What speed-up does parallel vacuum deliver?", "What is the size in bytes of the WAL header?"):
        assert question_type(question) == "number", question
    assert question_type("Is there a way to limit it?") != "number"
    assert question_type("What's the biggest base I can pass to int()?") == "number"


def test_asked_shapes_after_a_story_or_a_condition():
    """The asked kind of value, read past the user's story and a leading condition; the values that answer it."""
    from rag.evidence import asked_kind, has_type
    from rag.facts import asks_for_items, question_type

    # "What error will his version report?" asks an error (the version is who reports it)
    assert question_type("A coworker can't open my database. What error will his version report?") == "term"
    assert question_type("Which SQLite version added iif()?") == "version"
    error = "A coworker can't open my database. What error will his version report?"
    assert has_type('Opening it with an earlier version will result in a "malformed database schema" error.', "term", error)
    assert not has_type("SQLite version 3.8.2 or later is necessary in order to use it.", "term", error)
    # a span of two numbers bounds the asked maximum ("2–36"); a date is no span
    biggest = "What's the biggest base I can pass to int()?"
    assert has_type("The allowed bases are 0 and 2–36.", "number", biggest)
    assert has_type("The allowed bases are 0 and 2 to 36.", "number", biggest)
    assert not has_type("Released on 2013-12-06 with 3 fixes.", "number", biggest)
    # a file or folder answers "where ... on disk?"
    where = "Where does Git keep the index on disk?"
    assert has_type("The index is a binary file (generally kept in .git/index) with a sorted list of paths.", "place", where)
    assert not has_type("It is stored in the Git directory.", "place", where)
    # a list asked after a leading condition; "Is there a method that ...?" asks for a method
    assert asks_for_items("When read.table has to decide by itself, which types does it try?")
    assert asked_kind("I'm building a CLI. Is there a method that tells me the current prompt?") == "method"
    assert asked_kind("Is there a way to do it?") == ""
    assert asked_kind("Is there a shortcut for editing a data frame and saving the changes back?") == ""  # a way
    # "..., what happens when ...?" asks what happens, though a default is implied by "without passing any factory"
    assert question_type("And if I create one without passing any factory, what happens when I look up a missing key?") == "other"
    assert question_type("If I leave out the mode, which one applies?") == "default"
    # a call names its function whatever its arguments: "load_extension(X,Y)" is the function the question names
    called = "When I call load_extension('mylib') without the second argument, which function does it look for?"
    assert not has_type("The load_extension(X,Y) function loads extensions out of the file named X.", "term", called)
    assert has_type("It looks for the function sqlite3_extension_init().", "term", called)
    faster = "Which function is faster than tee() when one iterator uses most of the data first?"
    assert has_type("In that case it is faster to use list() instead of tee().", "term", faster)
    assert not has_type("In that case tee() is slower.", "term", faster)


@pytest.mark.parametrize("question", ["What is the population of Belarus?", "What is Lukashenko's date of birth?",
                                      "Who is the prime minister of Belarus?", "How many prisoners did Belarus release in 2019?"])
def test_unanswerable_questions_are_refused_plainly(engine, question):
    a = engine.ask(question)
    assert not a.answered and a.citations == []
    assert "don't contain" in a.text


def test_follow_up_uses_history(engine):
    history = [{"role": "user", "content": "How many prisoners were released in December?"},
               {"role": "assistant", "content": "123 political prisoners [1]."}]
    a = engine.ask("How many of them were deported to Ukraine?", history=history)
    assert a.answered and "December" in a.standalone_question
    pairs = [("How many prisoners were released in December?", "123 political prisoners.")]
    assert engine.ask("Which prize did the laureate among them win?", history=pairs).answered


def test_top_k_limits_passages(engine, seeded):
    """top_k ranked passages; expansion (on by default) may add a few beyond them (the chunk after the two best, ...)."""
    from rag.api import Engine

    expanded = engine.ask("Who is Keith Kellogg?", top_k=2).passages
    assert 2 <= len(expanded) <= 2 + 2 + 4
    with Engine(seeded.replace(**{"retrieval.expand": False})) as plain:
        assert len(plain.ask("Who is Keith Kellogg?", top_k=2).passages) == 2
    with pytest.raises(UserError, match="top_k"):
        engine.ask("Who is Keith Kellogg?", top_k=0)


@pytest.mark.parametrize("question, needle", [("", "empty"), ("   \n ", "empty"), ("x" * 100_000, "characters long")])
def test_bad_questions_are_clear_errors(engine, question, needle):
    with pytest.raises(UserError, match=needle):
        engine.ask(question)


def test_public_ask_function_uses_settings_from_env(seeded, monkeypatch):
    import rag.api

    monkeypatch.setenv("RAG_STORE_DIR", str(seeded.store.dir))
    rag.api.reset_default()  # the default engine reads the environment when it is next needed
    from rag import ask

    try:
        a = ask("How many prisoners were released in December?")
        assert a.answered and a.citations[0].source.startswith("european-pravda")
    finally:
        rag.api.reset_default()


@pytest.mark.slow
def test_cli_ask_text_json_and_errors(seeded):
    env = {"RAG_STORE_DIR": str(seeded.store.dir)}
    out = run_cli("ask", "How many prisoners were released in December?", env=env)
    assert out.returncode == 0 and "123" in out.stdout and "Sources:" in out.stdout and "European Pravda" in out.stdout
    js = run_cli("ask", "--json", "How many prisoners were released in December?", env=env)
    data = json.loads(js.stdout)
    assert data["answered"] and data["citations"][0]["marker"] == 1
    empty = run_cli("ask", " ", env=env)
    assert empty.returncode == 2 and empty.stderr.count("\n") == 1 and "Traceback" not in empty.stderr
    huge = run_cli("ask", "y" * 100_000, env=env)
    assert huge.returncode == 2 and "limit" in huge.stderr
    missing = run_cli("ingest", "/no/such/folder", env=env)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    bad_backend = run_cli("ask", "hi there", env={**env, "RAG_LLM": "nope"})
    assert bad_backend.returncode == 2 and "valid names" in bad_backend.stderr


def test_empty_store_says_to_ingest(settings):
    from rag.api import Engine

    with Engine(settings) as engine, pytest.raises(UserError, match="rag ingest"):
        engine.ask("Who was released?")


def test_a_chain_of_follow_ups_keeps_the_question_that_opened_it():
    from rag.conversation import standalone_question

    history = [{"role": "user", "content": "What does json.dumps do?"}, {"role": "assistant", "content": "It serialises."},
               {"role": "user", "content": "Which parameter of it pretty-prints?"}, {"role": "assistant", "content": "indent."}]
    rewritten = standalone_question("And which function does the opposite?", history)
    assert rewritten == "What does json.dumps do? Which parameter of it pretty-prints? And which function does the opposite?"
    assert standalone_question("What does the csv module define?", history) == "What does the csv module define?"  # a new topic
    # a question that names nothing of its own ("the query") went on with the topic before it: the chain reaches back
    history = [{"role": "user", "content": "What does the \\gset meta-command do?"}, {"role": "assistant", "content": "It stores."},
               {"role": "user", "content": "What happens if the query returns two rows?"}, {"role": "assistant", "content": "An error."}]
    assert standalone_question("And if one of its columns is NULL?", history).startswith("What does the \\gset meta-command do?")


def test_he_after_a_who_question_is_the_person_the_answer_named():
    from rag.conversation import standalone_question

    def turn(question, answer):
        return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]

    rewritten = standalone_question("How long did his talk last?", turn("Who visited Minsk on 21 June?", "U.S. Special Envoy Keith Kellogg [1]."))
    # the person now named is the topic, without his titles; the earlier question's words would pull retrieval back to the visit
    assert rewritten == "How long did his talk last? Keith Kellogg"
    group = standalone_question("Where were they taken?", turn("Which prisoners were released in June?", "Fourteen, after Kellogg's visit."))
    assert group.startswith("Which prisoners were released in June?")  # "they" may be the group asked about: context stays
    about = standalone_question("What did he say?", turn("Who is John Coale?", "Trump's envoy who visited Minsk in December."))
    assert about == "Who is John Coale? What did he say?"  # he is the person the question named


def test_he_stays_the_person_named_before_a_chain_of_follow_ups_about_him():
    """"Which prominent opposition figure was released?" -> "Siarhei Tsikhanouski ..." -> "How long had he been
    jailed?" -> "Five years." -> "What did he ask for?": he is still Tsikhanouski, though the last answer names no one;
    a question in between that asks about someone else ends the chain."""
    from rag.conversation import resolve_references

    history = [{"role": "user", "content": "Which prominent opposition figure was released in June?"},
               {"role": "assistant", "content": "Siarhei Tsikhanouski was among the 14 prisoners freed."},
               {"role": "user", "content": "How long had he been locked up by then?"},
               {"role": "assistant", "content": "A little over five years."}]
    assert resolve_references("And what did he ask Trump to do?", history) == "And what did he ask Trump to do? Siarhei Tsikhanouski"
    history[2]["content"] = "How long had the deal been negotiated by then?"
    assert resolve_references("And what did he ask Trump to do?", history) == "And what did he ask Trump to do?"


def test_which_person_was_released_is_answered_by_one_named_for_being_released(settings, tmp_path):
    """"Which prominent opposition figure was released ...?": a sentence naming a person for something else
    (an envoy meeting someone) is no answer; the one naming who was released is."""
    from rag.api import Engine

    docs = {"news.md": "# June visit\n\nU.S. President Donald Trump's special envoy Keith Kellogg met with Alexander Lukashenko "
                       "in Minsk on June 21. The talks lasted several hours.\n\n# Result\n\nThe only tangible result of Kellogg's "
                       "visit to Minsk was the release of 14 political prisoners, including the prominent opposition blogger Siarhei Tsikhanouski.\n"}
    settings = ingested(settings, tmp_path / "docs", docs)
    answer = Engine(settings).ask("Which prominent opposition figure was released after Keith Kellogg met Lukashenko in Minsk?")
    assert "Tsikhanouski" in answer.text, answer.text


def test_it_is_the_thing_the_previous_question_asked_about():
    """"What is WAL mode in SQLite?" then "How do I turn it on?": it is WAL mode (the previous question's subject),
    not a word of the answer; "it" in "Is it true that ..." stands for nothing."""
    from rag.conversation import resolve_references

    def turn(question, answer):
        return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]

    assert resolve_references("How do I turn it on?", turn("What is WAL mode in SQLite?", "A journal mode [1].")) == \
        "How do I turn WAL mode on?"
    assert resolve_references("What is its default maxsize?", turn("What does functools.lru_cache do?", "It caches [1].")) == \
        "What is functools.lru_cache's default maxsize?"
    assert resolve_references("Is it true that tables lock?", turn("What is VACUUM?", "It reclaims space [1].")) == \
        "Is it true that tables lock?"
    assert resolve_references("Where was it signed?", turn("Who signed the accord?", "Two delegations [1].")) == \
        "Where was it signed?"  # a who-question asks about no thing
    # a how-to question named no thing; the code its answer named first is what "it" stands for
    assert resolve_references("What does it return?", turn("How do I register a one-time handler?",
                                                          "Use emitter.once(name, fn), which removes it after one call [1].")) == \
        "What does it return? emitter.once()"  # the function, not its call cut at the first comma ("emitter.once(name")
    # the question named the code ("What about on Windows?" goes on with the one before): "it" is that, not the
    # answer's value; unless the question asked for a thing the answer named ("Which configuration parameter ...?")
    history = [*turn("Which shell does child_process.exec() run the command in on Unix by default?",
                     "Default: '/bin/sh' on Unix, process.env.ComSpec on Windows [1]."),
               *turn("What about on Windows?", "process.env.ComSpec [1].")]
    assert resolve_references("If I give it a timeout, which signal is sent?", history) == \
        "If I give it a timeout, which signal is sent? child_process.exec()"
    assert resolve_references("What's its default value?", turn(
        "Which configuration parameter sets how long a session waits on a lock before PostgreSQL checks for a deadlock?",
        "That is the deadlock_timeout parameter [1].")) == "What's its default value? deadlock_timeout"
    # the latest answer naming code, when the last answer names none
    history = [*turn("With git blame, how do I get it to notice lines copied over from other files?",
                     "Use the -C option: in addition to -M it detects lines copied from other files [1]."),
               *turn("What happens if I give it two or three times?", "Twice: it also looks for copies in the commit that "
                     "creates the file [1].")]
    assert resolve_references("What's its default minimum number of characters?", history) == \
        "What's its default minimum number of characters? -C"


def test_that_function_is_the_one_the_previous_answer_named():
    """"What does that function return?" after an answer naming subprocess.run(): retrieval must see subprocess.run()."""
    from rag.conversation import standalone_question

    history = [{"role": "user", "content": "What is the recommended way to invoke subprocesses in Python?"},
               {"role": "assistant", "content": "The documentation recommends subprocess.run() for every case it handles [1]."}]
    rewritten = standalone_question("What does that function return?", history)
    assert rewritten.endswith("What does subprocess.run() return?")  # the noun stood for the function: it is replaced
    # a modifier or two may stand between "that" and the noun; an article may not ("that the function" is a clause)
    assert standalone_question("When is that built-in function normally used?", history).endswith("When is subprocess.run() normally used?")
    assert "that the function returns" in standalone_question("Does it say that the function returns?", history)
    two = [history[0], {"role": "assistant", "content": "Use subprocess.run(), or subprocess.Popen() for more control [1]."}]
    assert standalone_question("What does that function return?", two).endswith(
        "What does that function return? subprocess.run() subprocess.Popen()")  # which one is meant is left to retrieval
    level = [{"role": "user", "content": "What is the default isolation level in PostgreSQL?"},
             {"role": "assistant", "content": "Read Committed is PostgreSQL's default isolation level [1]."}]
    assert "Read Committed" in standalone_question("Can two SELECTs differ at that level?", level)
    assert "Read Committed" not in standalone_question("Which level is that?", [])  # no history, nothing added
    said = standalone_question("Does it say that tables are locked?", history)
    assert "that tables are locked" in said  # "that" opening a clause names no function: nothing is replaced


def test_a_follow_up_is_not_answered_with_what_the_previous_answer_said():
    """A sentence that mostly repeats the previous answer keeps ``repeat_penalty`` of its score: the follow-up asks
    for something new."""
    from rag.answerers.extractive import demote_repeats
    from rag.evidence import Evidence
    from rag.lexical import build_lexical_index
    from rag.settings import Settings
    from rag.types import Passage

    said = "The recommended approach to invoking subprocesses is to use the run() function for all use cases it can handle."
    new = "Wait for command to complete, then return a CompletedProcess instance."
    index = build_lexical_index(["a", "b"], [said, new], [{"source": "s.html"}, {"source": "s.html"}])
    passage = Passage(id="a", text=f"{said} {new}", source="s.html")
    ranked = [Evidence(said, passage, 0, 0.8, 0.6, False, 0.7), Evidence(new, passage, 0, 0.6, 0.6, False, 0.6)]
    history = [{"role": "user", "content": "What is the recommended way to invoke subprocesses?"},
               {"role": "assistant", "content": "The documents recommend using the run() function for all use cases it can handle [1]."}]
    scoring = Settings().scoring
    out = demote_repeats(ranked, history, index, scoring)
    assert [e.sentence for e in out] == [new, said] and out[1].score == pytest.approx(0.7 * scoring.repeat_penalty)
    assert demote_repeats(ranked, history, index, scoring.model_copy(update={"repeat_penalty": 1.0})) == ranked
    assert demote_repeats(ranked, history[:1], index, scoring) == ranked  # no answer yet: nothing repeated
    typed = [Evidence(said, passage, 0, 0.8, 0.6, True, 0.7), ranked[1]]  # holds the asked kind of value ("taken to Vilnius")
    assert demote_repeats(typed, history, index, scoring) == typed


ACCORD = {
    "courier-harbour-accord.txt": (
        "Harbour Accord signed after long talks\n\n"
        "The Harbour Accord was signed in Vienna on 3 March by the two fishing delegations. "
        "The talks were chaired by Maria Lindqvist, a veteran mediator. "
        "The agreement was first reported by the Daily Courier. "
        "It sets quotas for the northern fishing grounds for the next five years."),
    "ledger-inside-the-accord.txt": (
        "Inside the Harbour Accord\n\n"
        "According to officials, the Harbour Accord was signed in Geneva after a week of negotiations. "
        "The talks were chaired by Tomas Berger, the host country's envoy. "
        "The agreement was first reported by the Morning Ledger. "
        "Fishermen's unions welcomed the new quotas but asked for more inspections."),
}


@pytest.mark.parametrize("question, sides", [
    ("Where was the Harbour Accord signed?", ("Vienna", "Geneva")),
    ("Who chaired the talks?", ("Lindqvist", "Berger")),
    ("Which newspaper first reported the agreement?", ("Daily Courier", "Morning Ledger")),
])
def test_sources_naming_different_places_people_and_organisations_are_both_cited(settings, tmp_path, question, sides):
    """Conflicts on a place, a person and an organisation, with the real loader, MiniLM and Chroma."""
    from rag.api import Engine

    corpus = tmp_path / "accord"
    corpus.mkdir()
    for name, text in ACCORD.items():
        (corpus / name).write_text(text, encoding="utf-8")
    with Engine(settings.replace(corpus_dir=str(corpus)), writer=True) as engine:
        engine.ingest(corpus)
        a = engine.ask(question)
    assert a.conflict and "disagree" in a.text, a.text
    assert all(side in a.text for side in sides), a.text
    assert len({c.source for c in a.citations}) == 2


def test_a_symbol_the_question_asks_about_finds_the_sentence_that_uses_it(settings, tmp_path):
    """"What does ?? mean in the short format?": the marker is matched like a word (retrieval and sentence choice),
    with the real loader, MiniLM and Chroma."""
    from rag.api import Engine

    corpus = tmp_path / "manual"
    corpus.mkdir()
    (corpus / "status.txt").write_text(
        "Short Format\n\nIn the short format, the status of each path is shown as XY PATH. "
        "X shows the status of the index and Y shows the status of the work tree. "
        "When a merge conflict has occurred and has not yet been resolved, X and Y show the state introduced by each head. "
        "When a path is untracked, X and Y are always the same, since they are unknown to the index. "
        "?? is used for untracked paths. Ignored files are not listed unless --ignored is used; if it is, they are shown as !!.\n\n"
        "Long Format\n\nThe long format shows the current branch, the paths with staged changes and the unmerged paths "
        "in separate sections, each with a hint on how to undo the change.\n", encoding="utf-8")
    for name, text in {
        "log.txt": "The log command shows the commit logs. Each commit is shown with its author, date and message. "
                   "A path limits the output to commits that changed files under that path.",
        "commit.txt": "The commit command records changes to the repository. The new commit is a child of the current HEAD. "
                      "The message is read from the file given, or an editor is started.",
        "branch.txt": "The branch command lists, creates or deletes branches. The current branch is marked with an asterisk "
                      "and shown in green when colours are on.",
        "stash.txt": "The stash command saves local modifications away and reverts the working directory to match HEAD. "
                     "The modifications can be restored later, on top of another commit.",
    }.items():
        (corpus / name).write_text(text, encoding="utf-8")
    with Engine(settings.replace(corpus_dir=str(corpus)), writer=True) as engine:
        engine.ingest(corpus)
        untracked = engine.ask('What does "??" in front of a path mean?')
    assert untracked.answered and "?? is used for untracked paths" in untracked.text, untracked.text


STASH_MANUAL = {
    "stash.txt": "git-stash - Stash the changes in a dirty working directory away\n\nDescription\n\n"
                 "Use git stash when you want to record the current state of the working directory and the index, but want to "
                 "go back to a clean working directory. The command saves your local modifications away and reverts the working "
                 "directory to match the HEAD commit.\n\nCommands\n\n"
                 "push: Save your local modifications to a new stash entry and roll them back to HEAD.\n\n"
                 "list: List the stash entries that you currently have.\n\n"
                 "pop: Remove a single stashed state from the stash list and apply it on top of the current working tree state. "
                 "Applying the state can fail with conflicts; in this case, it is not removed from the stash list. You need to "
                 "resolve the conflicts by hand and call git stash drop manually afterwards.\n\n"
                 "drop: Remove a single stash entry from the list of stash entries.\n",
    "reset.txt": "git-reset - Reset current HEAD to the specified state\n\nDescription\n\n"
                 "If you want to throw away all uncommitted changes in your working directory, you should see the --hard option. "
                 "Take care with these alternatives as both will discard uncommitted changes in your working directory.\n\n"
                 "--hard: Resets the index and working tree. Any changes to tracked files in the working tree since the given "
                 "commit are discarded.\n",
    "restore.txt": "git-restore - Restore working tree files\n\nDescription\n\n"
                   "Restore specified paths in the working tree with some contents from a restore source.\n\n"
                   "--ignore-unmerged: When restoring files on the working tree from the index, do not abort the operation if "
                   "there are unmerged entries.\n",
    "clean.txt": "git-clean - Remove untracked files from the working tree\n\nDescription\n\n"
                 "Cleans the working tree by recursively removing files that are not under version control.\n",
}


def test_a_value_the_previous_answer_repeats_is_no_topic():
    """"crlfDelay ... It defaults to 100 milliseconds; any value is coerced to at least 100": the follow-up is about
    crlfDelay, not 100 (as a number the question states, it would constrain every passage)."""
    from types import SimpleNamespace

    from rag.conversation import answer_terms

    index = SimpleNamespace(vocab={"100", "crlfdelay", "millisecond"}, term_weight=lambda t: {"100": 3.0}.get(t, 1.0))
    history = [{"role": "user", "content": "What's its default?"},
               {"role": "assistant", "content": "crlfDelay defaults to 100 milliseconds; crlfDelay is coerced to at least 100 [1]."}]
    assert answer_terms(history, "And for Windows line endings?", index) == ["crlfDelay"]


def test_a_follow_up_is_about_what_the_previous_answer_named(settings, tmp_path):
    """"How can I put my changes aside?" -> "Use git stash ...: it saves ... in a stash entry" -> "What happens to the
    entry if that fails with conflicts?": no question said "stash"; the answer repeated it, so the follow-up is about it
    (retrieval.answer_terms). Without those words "How do I bring them back ...?" is about a clean working directory
    (reset, restore)."""
    from rag.api import Engine
    from rag.conversation import answer_terms

    corpus = tmp_path / "manual"
    corpus.mkdir()
    for name, text in STASH_MANUAL.items():
        (corpus / name).write_text(text, encoding="utf-8")
    history = [{"role": "user", "content": "How can I put my uncommitted changes aside for a while so I get a clean working directory?"},
               {"role": "assistant", "content": "Use git stash (same as git stash push): it saves your working tree and index "
                                                "changes in a stash entry and resets them to HEAD [1]."}]
    question = "What happens to the entry if that fails with conflicts?"
    with Engine(settings.replace(corpus_dir=str(corpus)), writer=True) as engine:
        engine.ingest(corpus)
        answer = engine.ask(question, history=history)
        back = engine.ask("How do I bring them back and remove the entry from the list at the same time?", history=history)
        assert answer_terms(history, question, engine._index()[1])[0] == "stash"  # said three times; "HEAD" once
    assert answer.answered and "not removed from the stash list" in answer.text, answer.text
    assert back.citations[0].source == "stash.txt", back.text
    with Engine(settings.replace(corpus_dir=str(corpus), **{"retrieval.answer_terms": 0})) as engine:
        # (the first follow-up asks what happens, and the one sentence saying it fails there answers it anyway)
        alone = engine.ask("How do I bring them back and remove the entry from the list at the same time?", history=history)
    assert not alone.citations or alone.citations[0].source != "stash.txt", alone.text


def test_agreeing_sources_naming_the_same_person_are_not_a_conflict(engine):
    a = engine.ask("Who led the U.S. delegation that visited Minsk on 21 June?")
    assert a.answered and "Kellogg" in a.text and not a.conflict, a.text


def test_how_long_wants_a_duration_not_any_number():
    from rag.evidence import has_type

    q = "How long did his conversation with Lukashenka last?"
    assert has_type("Their conversation lasted 6.5 hours.", "number", q)
    assert has_type("He was given a 20-year sentence.", "number", q)
    assert not has_type("The conversation led to the release of 14 political prisoners.", "number", q)


def test_the_kind_of_amount_asked_is_the_kind_a_sentence_must_hold():
    """Failures of questions written apart from the project: "How much memory ...?" is not answered by "three
    slots"; "How many times ...?" is by "twice"; "By default, how long ...?" by the "Default: 500." closing an item
    that gave the unit earlier; "Which older versions ...?" asks for versions as "Which version" does."""
    from rag.evidence import has_type
    from rag.facts import question_type

    memory = "How much memory does each promise object take up?"
    assert question_type(memory) == "number"
    assert not has_type("They contain three slots: a value, an expression, and an environment.", "number", memory)
    assert has_type("Each promise takes 56 bytes on a 64-bit platform.", "number", memory)
    assert has_type("VACUUM can use at most 1GB of memory.", "number", "How much memory can VACUUM use?")
    size = "What is the largest database file size that the sqlite3 module can handle?"
    assert not has_type("For example, limit the number of attached databases to 1 (the default limit is 10).", "number", size)
    assert has_type("The largest possible database file is about 281 terabytes.", "number", size)
    times = "How many times do I have to pass --force to remove a locked worktree?"
    assert has_type("A locked worktree is removed only when --force is given twice.", "number", times)
    assert not has_type("A locked worktree cannot be removed with --force.", "number", times)
    wait = "By default, how long does readline wait for the next character of a key sequence?"
    assert has_type("Default: 500.", "number", wait)
    assert not has_type("Default: 500.", "number", "How long does readline wait for the next character?")
    assert question_type("Which older Git versions had the garbage-collection problem?") == "version"
    assert question_type("Which version introduced it?") == "version"
    # an ellipsis standing for words of a command ends no sentence: the question is still "In which release ...?"
    assert question_type("In which PostgreSQL release did ALTER TABLE ... DETACH PARTITION gain the CONCURRENTLY option?") == "version"
    # "how long ... up to which year?" asks a year, not a duration
    assert question_type("How long do the developers aim to maintain the library - up to which year?") == "date"


def test_a_count_stated_as_the_number_of_things_a_unit_and_a_share():
    """Failures of questions written apart from the project: "What's the theoretical maximum number of rows ...?" is
    answered by "The maximum number of rows in a table is 264" (the count after the noun it counts); "16kB", "32kB" are
    amounts, not camelCase code names (a value the user gives is no name a passage must repeat, and the one a sentence
    gives is not dropped as code); "most of the packages" tells how many *of* a group, not how many there are."""
    from rag.evidence import code_names, has_type
    from rag.lexical import build_lexical_index
    from rag.text import TERM_TOKEN

    rows = "What's the theoretical maximum number of rows an SQLite table can have?"
    assert has_type("The theoretical maximum number of rows in a table is 264 (18446744073709551616 or about 1.8e+19).", "number", rows)
    assert has_type("The maximum number of rows in a table is 2000.", "number", rows)
    assert not has_type("The maximum number of columns in a table is 2000.", "number", rows)
    assert not has_type("The number of rows is limited by the page size.", "number", rows)
    tiny = "If I set wal_buffers by hand to a tiny value like 16kB, how much does the server actually use?"
    assert has_type("Any positive value less than 32kB will be treated as 32kB.", "number", tiny)
    assert not any(TERM_TOKEN.search(t) for t in ("16kB", "2GiB", "500ms")) and TERM_TOKEN.search("getCursorPos")
    texts = ["wal_buffers sets the size of the WAL buffers, 16kB or more.", "Other settings of the server."]
    index = build_lexical_index(["0", "1"], texts, [{"source": "a.html"}, {"source": "b.html"}])
    assert code_names(tiny, index) == code_names("If I set wal_buffers by hand, how much does the server use?", index)
    packages = "How many software packages does the Bioconductor project currently distribute?"
    assert not has_type("Initially most of the Bioconductor software packages focused on microarray data.", "number", packages)
    assert has_type("It distributes over 2000 software packages.", "number", packages)
    part = "How many of the 123 prisoners were deported to Ukraine?"
    assert has_type("The majority of the political prisoners were deported to Ukraine.", "number", part)


def test_a_question_a_clause_embeds_is_not_the_one_asked():
    """Failures of questions written apart from the project: "How can I find out how many seconds ...?" asks for a
    way to learn the number (os.uptime()), not a number; "Which autovacuum setting decides how many inserted rows
    ...?" asks for a setting; "the name of the official throw-away branch" is a branch's name, not a person's."""
    from rag.facts import question_type

    assert question_type("How can I find out how many seconds the computer has been running?") == "other"
    assert question_type("How do I tell which version is installed?") == "other"
    # ... past where to look ("... from inside an R session which version ...?": extSoftVersion())
    assert question_type("How can I check from inside an R session which version of readline, if any, my R is using?") == "other"
    assert question_type("How many seconds has the computer been running?") == "number"
    assert question_type("Which autovacuum setting decides how many inserted rows it takes to trigger a VACUUM?") == "term"
    assert question_type("Which parameter sets how long a session waits on a lock?") == "term"
    assert question_type("How many rows does the autovacuum setting need?") == "number"
    assert question_type("What's the name of the official throw-away integration branch in git.git?") != "person"
    assert question_type("What was the name of the U.S. citizen freed in February?") == "person"
    assert question_type("What is the name of the official who visited Minsk?") == "person"
    # a person described ("which foreign leader"), after what the answer is not ("Apart from Putin, ...")
    assert question_type("Apart from Putin, which foreign leader does the article say he might influence?") == "person"
    assert question_type("Which foreign leader does the article say he might influence?") == "person"
    assert question_type("Which Belarusian official did the envoy meet?") == "person"
    assert question_type("Which does author mean here?") != "person"



def test_a_version_range_names_its_software():
    """"Up to which R version ...?" is answered by "In versions of R up to 2.4.1 ...": the version is R's."""
    from rag.evidence import has_type

    question = "Up to which R version was an unknown escape sequence quietly treated as just p?"
    def other(word: str) -> bool:  # R not being the corpus's topic, the version must be said beside its name
        return False
    assert has_type("In versions of R up to 2.4.1 an unknown escape sequence was quietly interpreted as just p.", "version", question, is_topic=other)
    assert not has_type("In versions of Perl up to 5.8 an unknown escape sequence was ignored.", "version", question, is_topic=other)


def test_the_value_asked_is_the_one_the_question_means():
    """A version dating a change to a thing is not when it came; a cited work's year is not an event's; "which number"
    asks a value, not a count; a consequence may follow "and therefore"; "What do I need to run?" asks how to."""
    from rag.evidence import asks_procedure, gives_cause, has_type, query_terms
    from rag.lexical import build_lexical_index

    came = "In which Python version was math.hypot() first added to the math module?"
    assert not has_type("math.hypot(*coordinates): Changed in version 3.8: Added support for n-dimensional points.", "version", came)
    assert has_type("math.hypot(*coordinates): New in version 3.2.", "version", came)
    # ... but a change note about the part asked dates it
    part = "In which Python version was the strict argument added to zip()?"
    assert has_type("zip(*iterables, strict=False): Changed in version 3.10: Added the strict argument.", "version", part)
    assert has_type("Changed in version 3.8: Added support for n-dimensional points.", "version", "When did hypot() change?")
    started = "In what year did Ross Ihaka and Robert Gentleman start writing R?"
    cited = "Their experience in designing R is described in Ihaka & Gentleman (1996), R: A Language for Data Analysis."
    assert not has_type(cited, "date", started)
    assert has_type("R was started in 1993.", "date", started)
    assert has_type(cited, "date", "When was the paper by Ihaka and Gentleman published?")
    unlimited = "Besides Infinity, which number can I pass to setMaxListeners() to allow an unlimited number of listeners?"
    assert has_type("The value can be set to Infinity (or 0) to indicate an unlimited number of listeners.", "number", unlimited)
    assert has_type("About 12 listeners are typical.", "number", "How many listeners are typical?")
    # a number the question states is no answer, in words either ("left at 0" ... "it must be zero")
    left = "My server has tcp_user_timeout left at 0. How many milliseconds does that OS default allow?"
    assert not has_type("A value of 0 (the default) selects the OS default; on other systems, it must be zero.", "number", left)
    assert has_type("The OS default is 7200000 milliseconds.", "number", left)
    pipes = "These are not actual Unix pipes and therefore the child process can not use them by their descriptor files."
    index = build_lexical_index(["a"], [pipes], [{"source": "a.md"}])
    assert gives_cause(pipes, set(query_terms("Why can the child process not use its descriptor files?", index)), index)
    assert not gives_cause("Pipes and files are supported.", set(query_terms("Why can the child not use files?", index)), index)
    # ... what follows it in its own sentence, not the next one of a window
    window = "It takes one byte, and therefore holds one letter. It serves the catalogs as a simple type."
    index = build_lexical_index(["a"], [window], [{"source": "a.md"}])
    assert not gives_cause(window, set(query_terms("Why does the type serve the catalogs?", index)), index)
    assert gives_cause(window, set(query_terms("Why does it hold one letter only?", index)), index)
    assert asks_procedure("I want to point ssl_crl_dir at a folder. What do I need to run on that directory to prepare it?")
    # "Why does X return true while Y returns false?" asks why two results differ; a sentence saying how they do answers
    from rag.evidence import _ASKS_WHY_DIFFERENT, _STATES_DIFFERENCE
    assert _ASKS_WHY_DIFFERENT.search("Why can isNativeError() return true for an error while `err instanceof Error` returns false?")
    assert not _ASKS_WHY_DIFFERENT.search("Why does the server stop while a backup runs?")
    assert _STATES_DIFFERENCE.search("Being instanceof an error class is not equivalent to isNativeError() returning true.")
    assert _STATES_DIFFERENCE.search("isNativeError() returns true for errors from another realm while instanceof returns false.")
    assert not _STATES_DIFFERENCE.search("While the server runs, a backup is taken.")


def test_what_happens_is_answered_by_the_outcome():
    """"What happens if it calls os.userInfo()?" (for an account with no home directory): the sentence saying what comes
    of it ("Throws a SystemError ..."), over one using more of the story's words."""
    from tests.test_structure import _ranked_on_one_page

    text = ("The value of homedir returned by os.userInfo() is provided by the operating system for the home directory. "
            "Throws a SystemError if a user has no username or homedir.")
    q = "Our daemon runs under an account with no home directory. What happens if it calls os.userInfo()?"
    ranked = _ranked_on_one_page(text, "os.md", "OS › os.userInfo([options])", q)
    assert "SystemError" in ranked[0].sentence and ranked[0].typed, [(e.sentence, e.score) for e in ranked]


def test_a_consequence_a_sentence_draws_explains_what_follows_it():
    """"Why is VACUUM limited to 1GB ...?" is not answered by "X is limited to 1GB, so setting Y higher has no effect":
    the consequence explains what follows "so"; it gives the asked cause only when that part says what is asked."""
    from rag.evidence import gives_cause, query_terms
    from rag.lexical import build_lexical_index

    limited = "For dead tuples, autovacuum can use at most 1GB of memory, so setting work_mem higher has no effect."
    explained = "Dead tuples pile up, so the table is limited in growth."
    index = build_lexical_index(["a", "b"], [limited, explained], [{"source": "a.html"}, {"source": "b.html"}])
    asked = set(query_terms("Why is the table limited in growth?", index))
    assert not gives_cause(limited, asked, index)
    assert gives_cause(explained, asked, index)
    assert gives_cause("Names are cleared because they would form a reference cycle.", asked, index)  # any other cause
    # ... or the circumstances that bring it about ("Why does the script keep running after kill()?")
    assert gives_cause("Grandchildren are not terminated. This is likely to happen when running a new process in a shell.", asked, index)
    assert not gives_cause("This is a shell. It happens to be fast.", asked, index)


def test_a_source_naming_the_person_another_way_still_shows_its_disagreement():
    """"In which month was Yuri Zenkovich released?": one source says April; another says May and spells him "Yuras
    Ziankovich", so its sentence scores well below the best one (the question's first name is not in it). It names
    the same person, so it is held to ``conflict_named_ratio`` of the best score, not ``conflict_score_ratio``."""
    from rag.answerers.extractive import find_conflict
    from rag.evidence import Evidence
    from rag.settings import ScoringSettings
    from rag.types import Passage

    best = Evidence("In April, Lukashenko released Yuri Zenkovich.", Passage(id="a", text="", source="times.txt"), 0,
                    0.74, 0.6, True, 0.72, frozenset({"releas", "~yuri", "~zenkovich"}))
    other = Evidence("In May, Coale facilitated the release of Yuras Ziankovich.", Passage(id="b", text="", source="review.txt"),
                     6, 0.38, 0.5, True, 0.26, frozenset({"releas", "~zenkovich"}))
    unnamed = Evidence("In May, the envoy facilitated a release.", Passage(id="c", text="", source="other.txt"),
                       5, 0.38, 0.5, True, 0.26, frozenset({"releas"}))
    question = "In which month was Yuri Zenkovich released?"
    scoring = ScoringSettings()
    assert find_conflict(best, [unnamed, other], "date", scoring, question) is other
    assert find_conflict(best, [unnamed], "date", scoring, question) is None  # no shared name: the usual ratio
    assert find_conflict(best, [other], "date", scoring.model_copy(update={"conflict_named_ratio": 0.6}), question) is None


def test_a_name_disagreement_needs_a_person_named_on_both_sides():
    """"Who maintains the pspg pager?": a release note credits two people for the \\watch pager option; the psql page's
    sentence about the pager names no person (only capitalised words: Unix, PostgreSQL): no disagreement to show."""
    from rag.answerers.extractive import find_conflict
    from rag.evidence import Evidence
    from rag.lexical import build_lexical_index
    from rag.settings import ScoringSettings
    from rag.types import Passage

    credit = "Add a pager option for the watch command (Pavel Stehule, Thomas Munro)."
    pager = "The pspg pager, not part of PostgreSQL, can display the watch output on Unix systems."
    person = "The pspg pager for the watch output on Unix systems is maintained by Okbob Smith."
    index = build_lexical_index(["a", "b", "c"], [credit, pager, person], [{}, {}, {}])
    covered = frozenset({"pager", "watch"})
    best = Evidence(credit, Passage(id="a", text=credit, source="release-15.html"), 0, 0.4, 0.5, True, 0.5, covered)
    untyped = Evidence(pager, Passage(id="b", text=pager, source="app-psql.html"), 1, 0.4, 0.5, False, 0.45, covered)
    typed = Evidence(person, Passage(id="c", text=person, source="pspg.html"), 2, 0.4, 0.5, True, 0.45, covered)
    question = "Which person maintains the pspg pager for the watch command?"
    scoring = ScoringSettings()
    assert find_conflict(best, [untyped], "person", scoring, question, index) is None
    assert find_conflict(best, [typed], "person", scoring, question, index) is typed


def test_a_page_opening_sentence_joins_a_summary_without_raising_the_bar():
    """An overview question weighs up the page's first sentence; the summary still takes the other strong
    sentences, judged against the best of them, not against the weighed-up lead."""
    from rag.answerers.extractive import compose
    from rag.evidence import Evidence
    from rag.settings import ScoringSettings
    from rag.types import Passage

    page = Passage(id="p", text="Lead sentence here. Archiving keeps WAL files. Replay restores them. Unrelated words.", source="p.html")

    def ev(sentence, score, lead=False):
        return Evidence(sentence, page, 0, 0.5, 0.5, lead, score, frozenset(), sentence, lead)

    ranked = [ev("Lead sentence here.", 0.70, lead=True), ev("Archiving keeps WAL files.", 0.50), ev("Replay restores them.", 0.45),
              ev("Unrelated words.", 0.30)]
    # (a ratio at which 0.45 joins only when judged against 0.50, not against the lead's 0.70)
    chosen = [e.sentence for e in compose(ranked, ScoringSettings(compose_ratio=0.75))]
    assert chosen == ["Lead sentence here.", "Archiving keeps WAL files.", "Replay restores them."], chosen


def test_a_window_going_on_from_a_chosen_sentence_takes_its_place():
    """"R has a special environment called .AutoloadEnv." is chosen; the window of it and the next sentence (which says
    how autoload() uses it) shares most of its words: it replaces the sentence instead of being skipped as a repeat."""
    from rag.answerers.extractive import compose
    from rag.evidence import Evidence
    from rag.settings import ScoringSettings
    from rag.types import Passage

    first, then = "R has a special environment called .AutoloadEnv.", "Using autoload(name, pkg) stores some information in this environment."
    page = Passage(id="p", text=f"Autoloading is rarely used. {first} {then}", source="faq.pdf")

    def ev(sentence, score):
        return Evidence(sentence, page, 0, 0.5, 0.5, False, score, frozenset(), sentence)

    chosen = [e.sentence for e in compose([ev(first, 0.64), ev(f"{first} {then}", 0.62), ev("Autoloading is rarely used.", 0.58)], ScoringSettings())]
    assert chosen == ["Autoloading is rarely used.", f"{first} {then}"], chosen
    # a repeat that says nothing more is still skipped
    chosen = [e.sentence for e in compose([ev(f"{first} {then}", 0.64), ev(first, 0.62)], ScoringSettings())]
    assert chosen == [f"{first} {then}"], chosen


def test_a_value_the_next_chunk_repeats_follows_the_sentence_before_it():
    """Chunks overlap: ranking may keep the next chunk's copy of "The default is 60 days.", which still follows the
    item's first sentence in the chunk that has both; the twin item's default does not."""
    from rag.answerers.extractive import _follows
    from rag.evidence import Evidence
    from rag.types import Passage

    item = "Records of merges you resolved earlier are kept for this many days."
    rest = "You can also use \"1.month.ago\", etc. The default is 60 days."
    twin = "Records of merges you have not resolved are kept for this many days. You can also use \"1.month.ago\", etc. The default is 15 days."
    first = Passage(id="c15", text=f"gc.rerereResolved\n\n{item} {rest} See git-rerere(1).", source="git-gc.html", metadata={"chunk_index": 15})
    second = Passage(id="c16", text=f"{rest} See git-rerere(1).\n\ngc.rerereUnresolved\n\n{twin}", source="git-gc.html", metadata={"chunk_index": 16})

    def ev(sentence, passage):
        return Evidence(sentence, passage, 0, 0.5, 0.5, True, 0.5, frozenset(), sentence)
    assert _follows(ev(item, first), ev(rest, second), within=99, across_chunks=True)
    assert not _follows(ev(item, first), ev("You can also use \"1.month.ago\", etc. The default is 15 days.", second), within=99, across_chunks=True)


def test_the_item_said_not_to_is_chosen_before_its_value_is_looked_for():
    """"How many days are records of merges that were never resolved kept, by default?": the twin item said to
    ("... you resolved earlier ...") ranks a little higher; the one said not to is chosen first, so its own default
    (15 days) answers, not the twin's (60)."""
    from rag.answerers.base import AnswerContext
    from rag.answerers.extractive import ExtractiveAnswerer
    from rag.evidence import Evidence
    from rag.lexical import build_lexical_index
    from rag.settings import Settings
    from rag.types import Passage

    resolved = Passage(id="r", text="Records of merges you resolved earlier are kept for this many days. The default is 60 days.", source="gc.html")
    unresolved = Passage(id="u", text="Records of merges you have not resolved are kept for this many days. The default is 15 days.", source="gc.html")
    index = build_lexical_index(["r", "u"], [resolved.text, unresolved.text], [{"source": "gc.html"}] * 2)
    question = "How many days are records of merges that were never resolved kept, by default?"
    ctx = AnswerContext(question=question, passages=[resolved, unresolved], query_vector=None, index=index, embedder=None)

    def ev(passage, sentence, score, typed=False):
        return Evidence(sentence, passage, 0, score, score, typed, score, frozenset(), sentence)
    ranked = [ev(resolved, "Records of merges you resolved earlier are kept for this many days.", 0.666),
              ev(unresolved, "Records of merges you have not resolved are kept for this many days.", 0.663),
              ev(resolved, "The default is 60 days.", 0.49, typed=True), ev(unresolved, "The default is 15 days.", 0.45, typed=True)]
    answer = ExtractiveAnswerer(Settings())._answer(ctx, question, ranked)
    assert answer.answered and "15 days" in answer.text and "60" not in answer.text, answer.text


def test_questions_for_several_things_get_a_composed_answer():
    from rag.answerers.extractive import wants_composed_answer

    assert wants_composed_answer("What output formats can pg_dump produce?")  # a plural thing asked for
    assert wants_composed_answer("Why must tables be vacuumed?") and wants_composed_answer("Summarize the December release.")
    assert not wants_composed_answer("What format does pg_dump use by default?")
    # a contraction asks the same: "What's the difference ...?" is "What is the difference ...?"
    assert wants_composed_answer("What's the difference between the VIRTUAL and STORED kinds?")
    assert wants_composed_answer("What’s the purpose of VACUUM?")
    assert not wants_composed_answer("What's the default port?")
    assert not wants_composed_answer("Which exception is raised for a missing key?")


def test_overlapping_windows_quote_each_sentence_once():
    """"This method ... Thus this method ..." and "Thus this method ..." are both strong windows of one paragraph:
    the composed answer says each sentence once, still cited."""
    from rag.answerers.base import AnswerContext
    from rag.answerers.extractive import ExtractiveAnswerer
    from rag.evidence import Evidence
    from rag.settings import Settings
    from rag.types import Passage

    page = Passage(id="p", text="It scans twice. Thus this method takes longer. It is useful in production.", source="p.html")
    windows = ["It scans twice. Thus this method takes longer.", "Thus this method takes longer.", "It is useful in production."]
    chosen = [Evidence(w, page, 0, 0.5, 0.5, False, 0.5, frozenset(), w) for w in windows]
    ctx = AnswerContext(question="Why is it slower?", passages=[page], query_vector=None, index=None, embedder=None)
    text = ExtractiveAnswerer(Settings())._compose(ctx, chosen, conflict=False).text
    assert text == "It scans twice [1]. Thus this method takes longer [1]. It is useful in production [1].", text


def test_a_code_session_is_cited_once_not_cut_into_sentences():
    from rag.answerers.extractive import _cite

    assert _cite(">>> class Weekday(Enum): ... MONDAY = 1 ... TUESDAY = 2", 1) == ">>> class Weekday(Enum): ... MONDAY = 1 ... TUESDAY = 2 [1]"
    assert _cite("He left. She stayed.", 2) == "He left [2]. She stayed [2]."


def test_a_value_in_a_sentence_sharing_few_question_words_answers_another_question():
    """Failure of a question written apart from the project: "By what percentage did PostgreSQL 15 speed up in-memory
    sorting?" when the release notes say sorting got faster without a figure: the only percentage retrieved (a
    shared_buffers advice, "25% of the memory") shares almost none of the question's words, so the question is refused
    (``scoring.typed_lexical_ratio`` of the best sentence's lexical coverage); with the check off it was the answer."""
    from rag.answerers.base import AnswerContext
    from rag.answerers.extractive import ExtractiveAnswerer
    from rag.embedders.fake import FakeEmbedder
    from rag.lexical import build_lexical_index
    from rag.settings import Settings
    from rag.types import Passage

    texts = ["Release 15 improves the performance of in-memory sorting and reduces the memory sorting uses.",
             "For a dedicated server, a reasonable starting value for the buffer cache is 25% of the memory in release 15."]
    question = "By what percentage did release 15 speed up in-memory sorting?"
    passages = [Passage(id=f"p{i}", text=t, source=f"f{i}.html", heading="Performance") for i, t in enumerate(texts)]
    index = build_lexical_index([p.id for p in passages], texts, [{"source": p.source} for p in passages])
    embedder = FakeEmbedder()
    ctx = AnswerContext(question=question, passages=passages, query_vector=embedder.encode([question])[0], index=index, embedder=embedder)

    def answer(ratio: float):  # (the hashed-word fake embedder scores low: the refusal floor is lowered)
        return ExtractiveAnswerer(Settings().replace(**{"scoring.min_evidence": 0.1, "scoring.typed_lexical_ratio": ratio})).answer(ctx)
    assert not answer(0.3).answered
    off = answer(0.0)
    assert off.answered and "25%" in off.text, off.text


def test_a_default_closes_the_named_item_ranked_below_its_context():
    """"What does its keepOpen option do, and what's the default?" after a turn on sendHandle: the context's sentence
    ranks first, the item the question names second; the default closing that item answers ("Default: false."),
    not a refusal. Without the item named second, the default of nothing asked is no answer."""
    from rag.answerers.base import AnswerContext
    from rag.answerers.extractive import ExtractiveAnswerer
    from rag.evidence import Evidence
    from rag.lexical import build_lexical_index
    from rag.settings import Settings
    from rag.types import Passage

    context = "The sendHandle argument can be used to pass the handle of a TCP server object to the child process."
    item = "keepOpen {boolean} A value that can be used when passing instances of net.Socket."
    other = "The child receives the server object as the second argument passed to the callback."
    texts = [f"{context} {other}", f"{item} When true, the socket is kept open in the sending process. Default: false."]
    pages = [Passage(id=f"p{i}", text=t, source="child_process.md", heading="Child process › subprocess.send()") for i, t in enumerate(texts)]
    index = build_lexical_index(["p0", "p1"], texts, [{"source": "child_process.md"}] * 2)
    question = "What does its keepOpen option do, and what's the default?"
    ctx = AnswerContext(question=question, passages=pages, query_vector=None, index=index, embedder=None)

    def evidence(sentence: str, score: float, typed: bool = False) -> Evidence:
        page = pages[0] if sentence in texts[0] else pages[1]
        return Evidence(sentence, page, 0, score, score, typed, score, frozenset(), sentence)
    answerer = ExtractiveAnswerer(Settings())
    answer = answerer._answer(ctx, question, [evidence(context, 0.53), evidence(item, 0.47), evidence("Default: false.", 0.24, typed=True)])
    assert answer.answered and "Default: false" in answer.text and "keepOpen" in answer.text, answer.text
    answer = answerer._answer(ctx, question, [evidence(context, 0.53), evidence(other, 0.47), evidence("Default: false.", 0.24, typed=True)])
    assert not answer.answered, answer.text


def _answer_on_pages(question: str, texts: list[str], heading: str):
    """The extractive answer to ``question`` over one small page per text (fake embedder, index of these pages only;
    the hashed-word fake embedder scores low, so the refusal floor is lowered and only the rules under test refuse)."""
    from rag.answerers.base import AnswerContext
    from rag.answerers.extractive import ExtractiveAnswerer
    from rag.embedders.fake import FakeEmbedder
    from rag.lexical import build_lexical_index
    from rag.settings import Settings
    from rag.types import Passage

    passages = [Passage(id=f"p{i}", text=t, source=f"f{i}.html", heading=heading) for i, t in enumerate(texts)]
    index = build_lexical_index([p.id for p in passages], texts, [{"source": p.source} for p in passages])
    embedder = FakeEmbedder()
    ctx = AnswerContext(question=question, passages=passages, query_vector=embedder.encode([question])[0], index=index, embedder=embedder)
    return ExtractiveAnswerer(Settings().replace(**{"scoring.min_evidence": 0.1})).answer(ctx)


def test_a_version_about_another_function_does_not_answer_when_a_function_was_added():
    """"In which release was iif() added?" when the pages say what iif() does and when *substring()* came: the
    version belongs to another function, so the question is refused. When iif()'s own passage gives a version
    (in another sentence), that version answers."""
    from rag.answerers.base import AnswerContext
    from rag.answerers.extractive import ExtractiveAnswerer
    from rag.embedders.fake import FakeEmbedder
    from rag.lexical import build_lexical_index
    from rag.settings import Settings
    from rag.types import Passage

    def ask(texts: list[str]):
        passages = [Passage(id=f"p{i}", text=t, source="funcs.html", heading="Core Functions") for i, t in enumerate(texts)]
        index = build_lexical_index([p.id for p in passages], texts, [{"source": "funcs.html"}] * len(texts))
        embedder, q = FakeEmbedder(), "In which release was the iif() function added?"
        ctx = AnswerContext(question=q, passages=passages, query_vector=embedder.encode([q])[0], index=index, embedder=embedder)
        # the hashed-word fake embedder scores low: the refusal floor is lowered so that only the rule refuses
        return ExtractiveAnswerer(Settings().replace(**{"scoring.min_evidence": 0.1})).answer(ctx)

    iif = "The iif(X,Y,Z) function returns the value Y if X is true, and Z otherwise."
    other = "The substring() function is an alias for substr() beginning with version 3.34."
    assert not ask([iif, other]).answered
    answer = ask([iif + " Support for it was added in version 3.32.", other])
    assert answer.answered and "3.32" in answer.text and "3.34" not in answer.text, answer.text

    # ... also when the sentence with a version is the best match of all
    keywords = "Beginning with version 3.23.0, the engine provides the TRUE and FALSE keywords."
    assert not _answer_on_pages("Since which version does the engine provide iif()?", [keywords, iif], "Functions").answered
    assert _answer_on_pages("Since which version does the engine provide the TRUE keyword?", [keywords, iif], "Functions").answered


def test_a_joined_code_name_is_named_only_as_written():
    """"In which version was the --update-refs option of rebase added?": "Since version 2.20, fetching to update
    refs/tags/* works ..." has the option's words apart, not the option; the question is refused unless a passage
    writes "--update-refs" with a version."""
    import functools

    from rag.lexical import build_lexical_index

    ask = functools.partial(_answer_on_pages, heading="Options")
    fetch = "Since version 2.20, fetching to update refs/tags/* works the same way as pushing."
    option = "The --update-refs option of rebase moves any branches that point to commits being rebased."
    question = "In which version was the --update-refs option of rebase added?"
    assert not ask(question, [fetch, option]).answered
    answer = ask(question, [fetch, option + " It was added in version 2.38."])
    assert answer.answered and "2.38" in answer.text and "2.20" not in answer.text, answer.text
    from rag.evidence import joined_names
    index = build_lexical_index(["a"], [option], [{"source": "a.html"}])
    assert set(joined_names("Which version added --update-refs and SQLITE_MAX_VARIABLE_NUMBER?", index)) == {"update-refs"}


def test_a_release_to_come_is_not_answered_by_one_that_was():
    """"In which future release is UPSERT expected to work for virtual tables?": the version UPSERT came in answers
    another question; a sentence giving a version for the time to come does answer."""
    import functools

    ask = functools.partial(_answer_on_pages, heading="UPSERT")
    came = "UPSERT syntax was added to the engine with version 3.24.0 for ordinary tables."
    limit = "UPSERT does not currently work for virtual tables."
    question = "In which future release is UPSERT expected to work for virtual tables?"
    assert not ask(question, [came, limit]).answered
    answer = ask(question, [came, limit + " Support for virtual tables will be added in version 3.50.0."])
    assert answer.answered and "3.50.0" in answer.text, answer.text
    assert ask("In which release was UPSERT syntax added for ordinary tables?", [came, limit]).answered
    from rag.evidence import asks_future
    assert not asks_future("Which version will I need?")  # a "will" of what always happens


def test_the_last_one_is_the_last_item_the_conversation_listed():
    """"BEGIN can start a DEFERRED, IMMEDIATE or EXCLUSIVE transaction." ... "And how is the last one different from
    IMMEDIATE?": the last one is EXCLUSIVE, and a "how is X different" follow-up gets a composed answer."""
    from rag.answerers.extractive import wants_composed_answer
    from rag.conversation import enumerated, resolve_references

    history = [{"role": "user", "content": "What kinds of transactions can BEGIN start?"},
               {"role": "assistant", "content": "BEGIN can start a DEFERRED, IMMEDIATE or EXCLUSIVE transaction [1]."},
               {"role": "user", "content": "Which one is the default?"},
               {"role": "assistant", "content": "DEFERRED is the default: it becomes a read or write transaction [1]."}]
    assert resolve_references("And how is the last one different from IMMEDIATE?", history) == "And how is EXCLUSIVE different from IMMEDIATE?"
    assert resolve_references("What does the first one do?", history) == "What does DEFERRED do?"
    # "the first time" is not an item; "it" is the code the last answer named first
    assert resolve_references("What happens the first time it runs?", history) == "What happens the first time it runs? DEFERRED"
    assert enumerated("pg_dump writes plain, custom, directory and tar archives [1].") == ["plain", "custom", "directory", "tar"]
    assert enumerated("It becomes a read or write transaction.") == []  # two are no list to count in
    assert wants_composed_answer("And how is EXCLUSIVE different from IMMEDIATE?")
    assert not wants_composed_answer("And how many are there?")


def test_the_clause_after_a_semicolon_is_what_is_asked():
    """"PEP 324 proposed the subprocess module; who is its author?" asks for a person, like "... designed by whom?"."""
    from rag.facts import question_type

    assert question_type("PEP 324 proposed the subprocess module; who is its author?") == "person"
    assert question_type("Timsort, used by Python's sort, was designed by whom?") == "person"
    assert question_type("Deadlock detection waits for a timeout: what is it called?") == "kind"
    assert question_type("What does 'vs. match()' mean here?") == "other"  # no split inside a sentence


def test_which_one_if_i_dont_give_one_is_a_follow_up_asking_for_a_default():
    """After "What does git reset --soft do?": "Which mode do I get if I don't give one at all?" leans on the earlier
    turn (its *one* is a mode of that command) and asks for the default."""
    from rag.conversation import is_follow_up, standalone_question
    from rag.facts import question_type

    q = "Which mode do I get if I don't give one at all?"
    assert is_follow_up(q) and question_type(q) == "default"
    assert question_type("What port is used if you do not specify one?") == "default"
    assert question_type("And if I leave out the mode entirely, which one applies?") == "default"  # the condition asks
    assert question_type("When a mapping lacks the key, which exception is raised?") == "term"  # a condition only
    history = [{"role": "user", "content": "What does git reset --soft HEAD^ do?"}, {"role": "assistant", "content": "It keeps the index."}]
    assert standalone_question(q, history).startswith("What does git reset --soft HEAD^ do?")
    assert not is_follow_up("Which one of the three isolation levels is the strictest in PostgreSQL?")


def test_the_corpus_topic_is_no_code_name_a_value_must_name():
    """"When was PostgreSQL 15 released?" in PostgreSQL's manual: "PostgreSQL" is written like a class name but is what
    every page is about, so "Release date: 2022-10-13" need not repeat it (as constraint terms already treat the topic)."""
    from rag.evidence import code_names
    from rag.lexical import build_lexical_index

    texts = [f"PostgreSQL page {i} explains feature number {i} in detail." for i in range(24)]
    index = build_lexical_index([str(i) for i in range(24)], texts, [{"source": f"p{i}.html"} for i in range(24)])
    assert code_names("When was PostgreSQL 15 released?", index) == set()
    assert code_names("In which release was iif() added to PostgreSQL?", index) == {"iif"}


_SYNONYMS = """# Heaps

Pushing and popping take logarithmic time, and the heap can be built from a list in linear time.
A heap can hold items of any comparable kind, such as numbers, strings or tuples.

# Iterators

An iterator yields items one at a time until it is exhausted.
Some tools return infinite iterators, which go on producing values forever unless the caller stops.
Other tools stop at the shortest input they are given.
"""


def test_a_question_in_other_words_finds_the_sentence_that_says_it(settings, tmp_path):
    """"endless" is not in the documents; "infinite" is. Soft term matching credits the sentence that says the asked
    word in a close word (their cosine in the embedding model), so it is quoted, where exact terms alone refuse."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"tools.md": _SYNONYMS})
    question = "Which tools produce endless sequences?"
    answer = Engine(settings).ask(question)
    assert answer.answered and "infinite iterators" in answer.text
    # (at the threshold: a clear lead's lower floor, scoring.clear_lead, would take it on its lead alone)
    assert not Engine(settings.replace(**{"scoring.soft_weight": 0.0, "scoring.clear_lead": 0.0})).ask(question).answered
    # an unrelated question still gets no answer from a loosely similar word
    assert not Engine(settings).ask("Which tools produce endless rivers of gold?").answered


def test_word_vectors_are_kept_beside_the_snapshots_and_reused(settings, tmp_path, monkeypatch):
    """The corpus's words are encoded once, at the end of an ingest, and saved: a new process loads them."""
    import numpy as np

    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"tools.md": _SYNONYMS})
    with Engine(settings) as engine:
        engine.ask("Which tools produce endless sequences?")
        saved = engine.store.snapshot_dir / "words.npz"
        vector = engine.embedder.encode_words(["infinite"])[0]
    assert saved.is_file()
    with np.load(saved) as data:
        words = data["words"].tolist()
        assert "infinite" in words and "forever" in words
        assert np.allclose(data["vectors"][words.index("infinite")], vector, atol=1e-3)
    embedder = Engine(settings).embedder  # as a new process: an empty cache, and the model refuses to run
    monkeypatch.setattr(embedder, "_words", {})
    monkeypatch.setattr(embedder, "_words_path", None)

    def no_model(texts, batch_size=None):
        raise AssertionError(f"encoded {texts}")

    monkeypatch.setattr(embedder, "encode", no_model)
    embedder.load_words(saved)
    assert np.allclose(embedder.encode_words(["infinite"])[0], vector, atol=1e-3)


def test_an_ingest_warms_the_words_of_the_chunks_it_wrote_without_rereading_the_store(settings, tmp_path, monkeypatch):
    """Adding one file to a large store must not read every stored chunk again: the words of the new chunks are
    encoded and saved beside the others; a re-ingest that embeds nothing encodes nothing."""
    import numpy as np

    from rag.api import Engine

    folder = tmp_path / "docs"
    settings = ingested(settings, folder, {"tools.md": _SYNONYMS})
    (folder / "birds.md").write_text("# Birds\n\nThe kestrel hovers over meadows before it stoops on voles.\n", encoding="utf-8")
    with Engine(settings, writer=True) as engine:
        def no_full_read():
            raise AssertionError("the whole store was read to warm words")
        monkeypatch.setattr(engine.store, "all_documents", no_full_read)
        report = engine.ingest(folder)
        assert report.chunks_added >= 1
        encoded: list[str] = []
        original = engine.embedder.encode_words
        monkeypatch.setattr(engine.embedder, "encode_words", lambda words: encoded.extend(words) or original(words))
        assert engine.ingest(folder).chunks_added == 0 and encoded == []
        saved = engine.store.snapshot_dir / "words.npz"
    with np.load(saved) as data:
        words = data["words"].tolist()
    assert "kestrel" in words and "meadows" in words and "infinite" in words


def _refuses_then_answers(engine, refused: str, answered: str, expected: str) -> None:
    """``refused`` gets no answer; ``answered`` gets one holding ``expected``."""
    assert not engine.ask(refused).answered
    answer = engine.ask(answered)
    assert answer.answered and expected in answer.text


def test_who_did_it_wants_a_person_named_for_doing_it(settings, tmp_path):
    """"Who invented X?" is not answered by a name a sentence about X credits for something else; "Who wrote the
    csv module?" is answered by "written by" (a close word of "wrote")."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"notes.md": (
        "# Logging\n\nWrite-ahead logging is a standard method for ensuring data integrity.\n"
        "Write-ahead logging now reports progress messages during slow server starts (Nitin Jadhav, Robert Haas).\n\n"
        "# Modules\n\nThe csv module was written by Skip Montanaro and is maintained by the core developers.\n")})
    _refuses_then_answers(Engine(settings), "Who invented write-ahead logging?", "Who wrote the csv module?", "Montanaro")


def test_soft_credit_reads_capitalised_words_that_are_not_names(engine):
    """A sentence's first word, or a capitalised word of a title, can say the asked word ("Infinite" for "endless");
    a name of the corpus never does."""
    from rag.evidence import soft_credit
    from rag.settings import ScoringSettings
    from rag.text import stem

    scoring = ScoringSettings()
    asked = {stem("endless"): "endless"}
    texts = ["Infinite loops never stop on their own."]
    assert soft_credit(asked, [set()], texts, engine.embedder, scoring) == [{}]
    credit = soft_credit(asked, [set()], texts, engine.embedder, scoring, is_name=lambda w: False)[0]
    assert 0 < credit[stem("endless")] <= scoring.soft_weight
    assert soft_credit(asked, [set()], texts, engine.embedder, scoring, is_name=lambda w: w == "infinite") == [{}]


def test_what_is_x_asks_for_a_definition():
    from rag.evidence import asks_definition, defines

    assert asks_definition("What is WAL mode in SQLite?") == ["WAL mode", "WAL"]
    assert asks_definition("What does MVCC stand for?") == ["MVCC"]
    assert asks_definition("Define a partial index.") == ["partial index"]
    for other in ("What is the default timeout?", "What is the capital of Peru?", "What is it?",
                  "What is the bisect module used for?", "How is WAL mode enabled?"):
        assert asks_definition(other) == [], other
    wal = ["WAL mode", "WAL"]
    assert defines('A new "Write-Ahead Log" option (hereafter referred to as "WAL") is available.', wal)
    assert defines('Changes go into a separate "write-ahead log" or "WAL" file.', wal)  # spelled out in lower case
    assert defines("BRIN indexes (a shorthand for Block Range INdexes) store summaries.", ["BRIN"])
    assert defines("An evil merge is a merge that introduces changes.", ["evil merge"])
    assert not defines('Since version 3.7.0, SQLite also supports "WAL mode".', wal)  # a mention, not a definition
    assert not defines("The persistence of WAL mode means that applications need no change.", wal)  # not its subject
    assert not defines("We are looking at the logs while WAL is on.", wal)  # stopwords spell nothing


def test_what_is_x_is_answered_by_the_sentence_that_says_what_it_is(settings, tmp_path):
    """The sentences that name the thing most ("... supports WAL mode", "... in WAL mode ...") lose to the one that
    defines it, even when that one needs the sentence before it ("Instead, ...")."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"journal.md": (
        "# Journal modes\n\n"
        "Since version 3.7.0, the engine also supports WAL mode. Applications in WAL mode need no changes. "
        "Readers in WAL mode never block writers in WAL mode.\n\n"
        "## How it works\n\n"
        "In WAL mode, changes are not written to the original database file. "
        "Instead, changes go into a separate \"write-ahead log\" or \"WAL\" file that is copied back later.\n\n"
        "## Backups\n\n"
        "Copy the database file and its WAL mode files together when the engine is in WAL mode.\n")})
    answer = Engine(settings).ask("What is WAL mode?")
    assert answer.answered and '"write-ahead log"' in answer.text
    assert "changes are not written to the original database file" in answer.text  # the sentence "Instead" replaces


def test_a_count_asked_by_default_takes_the_default_after_the_description(settings, tmp_path):
    """"From how many FROM items ... by default?": the description's next sentences hold "one FROM item" and "The
    default is 12."; the default is the answer."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"planner.md": (
        "# Planner settings\n\n## geqo_threshold (integer)\n\n"
        "Use genetic query optimization to plan queries with at least this many FROM items involved. "
        "(Note that the planner counts a FULL OUTER JOIN as only one FROM item.) The default is 12.\n\n"
        "## join_limit (integer)\n\nThe planner will merge joins while the list has no more than this many items.\n")})
    answer = Engine(settings).ask("From how many FROM items does the planner switch to genetic query optimization by default?")
    assert answer.answered and "The default is 12" in answer.text


def _refused_only_by(settings, check: str, question: str) -> None:
    """The question is refused, and answered once ``check`` (a scoring setting) is switched off: the check refused it."""
    from rag.api import Engine

    assert not Engine(settings).ask(question).answered
    off = False if isinstance(getattr(settings.scoring, check), bool) else 0.0
    assert Engine(settings.replace(**{f"scoring.{check}": off})).ask(question).answered


def test_why_is_refused_when_no_sentence_gives_a_reason(settings, tmp_path):
    """"Why is the default 2?" when the pages only state the default: a restated fact is no reason. When a page
    gives one ("... because ..."), that sentence answers."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"locks.md": (
        "# Lock settings\n\n## max_locks_per_page (integer)\n\n"
        "This controls how many rows on a single page can be locked before the lock covers the whole page. The default is 2.\n\n"
        "## lock_timeout (integer)\n\n"
        "The default lock timeout is 10 seconds because shorter waits made busy servers abort healthy transactions.\n")})
    _refused_only_by(settings, "cause_required", "Why is the default value of max_locks_per_page set to 2?")
    answer = Engine(settings).ask("Why is the default lock timeout 10 seconds?")
    assert answer.answered and "because shorter waits" in answer.text


def test_a_leading_condition_sets_the_scene_and_the_clause_after_it_asks(settings, tmp_path):
    """"If a date function gets a time value that contains only a time like HH:MM:SS, what date does it assume?": the
    condition's words (function, time value, contains, HH:MM:SS) fill a sentence that answers nothing; the one saying
    what date is assumed must gain on it (here both are scored on five sentences' word weights only)."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"dates.md": (
        "# Date functions\n\n## Time values\n\n"
        "A time value given to a date function contains a day and a time, like YYYY-MM-DD HH:MM:SS, and the function "
        "gets the value as text. "
        "Formats that specify only a time assume a date of 2000-01-01.\n")})
    from rag.evidence import rank_evidence

    question = "If a date function gets a time value that contains only a time like HH:MM:SS, what date does it assume?"
    engine = Engine(settings)
    ctx = engine._prepare(question, None, None)

    def lexical(weight: float) -> dict[str, float]:
        scoring = settings.scoring.model_copy(update={"condition_weight": weight})
        ranked = rank_evidence(ctx.question, ctx.passages, ctx.query_vector, ctx.index, ctx.embedder, scoring=scoring, words=ctx.words)
        return {("gold" if "2000-01-01" in e.sentence else "scene"): e.lexical for e in ranked if "time" in e.sentence}
    without, with_ = lexical(0.0), lexical(settings.scoring.condition_weight)
    # the asking clause's words (date, assume) weigh more: the sentence saying them gains on the one filled with the scene's
    assert with_["gold"] / with_["scene"] > 1.5 * without["gold"] / without["scene"], (with_, without)


def test_when_is_it_raised_is_answered_by_the_sentence_stating_a_condition(settings, tmp_path):
    """"When is ValueError raised?" asks for a condition: "Raised when an operation receives ..." answers it, not a
    code line that raises ValueError and shares as many of the question's words."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"errors.md": (
        "# Raising errors\n\nThe raise statement forces an error to occur.\n\n    raise ValueError  # shorthand for 'raise ValueError()'\n\n"
        "# Concrete errors\n\n## ValueError\n\nRaised when an operation receives an argument that has the right type but an inappropriate value.\n")})
    answer = Engine(settings).ask("When is ValueError normally raised?")
    assert answer.answered and answer.text.lstrip().startswith(("ValueError: Raised when", "Raised when")), answer.text


def test_a_reason_may_be_named_as_an_obstacle():
    """"Why can't Lukashenko fully benefit ...?": "The main obstacle preventing Lukashenko from fully benefiting ... is
    the lack of maritime logistics." gives the reason; so does "... stems from ..."; a restated fact does not."""
    from rag.evidence import _CAUSE

    assert _CAUSE.search("The main obstacle preventing Lukashenko from fully benefiting from the lifting of the potash "
                         "sanctions is the lack of maritime logistics.")
    assert _CAUSE.search("The slowdown stems from the extra index scan.")
    assert not _CAUSE.search("The default is 2.")


def test_why_wants_a_reason_for_the_asked_thing_not_for_another(settings, tmp_path):
    """"Why can the limit on attached databases not be raised above 125?" when a reason is given only for another limit ("... to
    prevent the file from growing too large"): refused, as that sentence says neither the value nor the code name the
    question states. A reason given for the asked limit answers."""
    from rag.api import Engine

    limits = ("# Limits\n\n"
              "The engine is able to limit the size of a database file to prevent the database file from growing too "
              "large and consuming too much disk space. "
              "The maximum number of attached databases cannot be increased above 125. "
              "The number can be lowered at run-time using the sqlite_limit() interface.\n")
    question = "Why can the limit on attached databases not be raised above 125?"
    _refused_only_by(ingested(settings, tmp_path / "a", {"limits.md": limits}), "cause_required", question)
    reason = limits.replace("above 125. ", "above 125, because each attached database takes one bit of a 128-bit mask. ")
    answer = Engine(ingested(settings, tmp_path / "b", {"limits.md": reason})).ask(question)
    assert answer.answered and "128-bit mask" in answer.text, answer.text


def test_which_algorithm_wants_a_sentence_that_names_an_algorithm(settings, tmp_path):
    """"Which algorithm does the checksum use?" when the pages only say there is a checksum: refused. A sentence
    naming the kind ("... the Fletcher algorithm ...") answers; a list question ("Which formats ...?") names its
    items, not their kind, and is not held to it."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"journal.md": (
        "# Journal\n\nThe engine stores a 32-bit checksum with every page of the journal. "
        "The checksum is checked for each page while the journal is rolled back.\n\n"
        "# Archive\n\nThe archive digest is computed with the Fletcher algorithm over each block. "
        "The archive can be written as plain, custom or directory output.\n")})
    _refused_only_by(settings, "kind_required", "Which checksum algorithm does the engine use for each page of the journal?")
    engine = Engine(settings)
    answer = engine.ask("Which algorithm computes the archive digest?")
    assert answer.answered and "Fletcher" in answer.text
    assert engine.ask("Which output formats can the archive be written as?").answered


def test_a_yes_no_question_needs_a_sentence_about_what_it_asks(engine):
    """"Did Kellogg bring a letter from Trump to Minsk?": the articles say much of Kellogg, Trump and Minsk and nothing
    of a letter; the asked property is never spoken of, so no answer (without the check, one is given)."""
    _refused_only_by(engine.settings, "min_predicate", "Did Kellogg bring a letter from Trump to Minsk?")
    assert engine.ask("Did Kellogg meet Lukashenko in Minsk?").answered


def test_which_questions_are_yes_no_questions():
    from rag.evidence import asks_yes_no

    assert asks_yes_no("Does git clean move the files to a trash folder?")
    assert asks_yes_no("Is there an upper limit on savepoints per transaction?")
    # ... after a condition, which is no "When?" question
    from rag.facts import question_type
    conditional = "When INSERT OR REPLACE deletes existing rows to resolve a UNIQUE conflict, do my DELETE triggers fire?"
    assert asks_yes_no(conditional) and question_type(conditional) == "other"
    assert question_type("When was the REPLACE algorithm added?") == "date"
    for other in ("Can you explain what VACUUM does?", "Is there a way to stage part of a file?", "Can I put some edits in a commit?",
                  "What does git clean do?"):
        assert not asks_yes_no(other), other


def test_a_comparison_of_two_named_things_needs_a_sentence_naming_both(settings, tmp_path):
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"codecs.md": (
        "# Readers\n\nThe function json.loads() deserializes a JSON document to a Python object quickly. "
        "The function pickle.loads() reads a pickled object back from bytes quickly.\n\n"
        "# Writers\n\nThe function json.dumps() is slower than marshal.dumps() on large lists of integers.\n")})
    _refuses_then_answers(Engine(settings), "How does the speed of json.loads() compare with that of pickle.loads()?",
                          "How does the speed of json.dumps() compare with marshal.dumps()?", "slower than marshal.dumps()")


_GUIDES = {
    "ponds.md": "# Pond Guide\n\n## About\n\nThis guide covers still water.\n\n## Fish\n\nCarp live for about 20 years when the water stays clean.\n\n"
                "## Plants\n\nWater lilies need at least five hours of sun a day.\n",
    "rivers.md": "# River Handbook\n\n## About\n\nThis handbook covers running water.\n\n## Fish\n\nTrout live for about 7 years in cold water.\n\n"
                 "## Banks\n\nWillows hold the banks together with their roots.\n",
}


def test_a_question_naming_the_document_is_met_by_its_title(settings, tmp_path):
    """"How long do fish live, according to the Pond Guide?": the guide's title heads every passage of it; a passage
    need not repeat the title's words for the names the question states to be met. "I'm" constrains nothing."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", _GUIDES)
    with Engine(settings) as engine:
        answer = engine.ask("How long do fish live, according to the Pond Guide?")
        assert answer.answered and "20 years" in answer.text and answer.citations[0].source == "ponds.md"
        answer = engine.ask("How long do fish live, according to the River Handbook?")
        assert answer.answered and "7 years" in answer.text and answer.citations[0].source == "rivers.md"
        assert engine.ask("How long do fish live in a pond when I'm careful?").answered


_SUMS = {"sums.md": "# Sums\n\n## fsum(values)\n\nfsum() tracks several partial sums, so it avoids loss of precision. "
                    "Its accuracy relies on the half-even rounding mode; some builds may double-round an intermediate sum.\n\n"
                    "## total(values)\n\ntotal() adds the values from left to right in one pass.\n"}


def test_each_part_of_a_compound_question_holds_the_kind_of_value_it_asks(settings, tmp_path):
    """"Is fsum() slower than total(), and by what factor?": the second part asks a ratio; no sentence states one
    ("half-even" and "double-round" are not ratios), so the question is refused, not answered part by part."""
    from rag.api import Engine
    from rag.evidence import has_type

    q = "Is fsum() slower than total(), and by what factor?"
    assert not has_type("Its accuracy relies on the half-even rounding mode; some builds may double-round a sum.", "number", q)
    assert has_type("fsum() is about twice as slow as total().", "number", q)
    settings = ingested(settings, tmp_path / "docs", _SUMS)
    assert not Engine(settings).ask(q).answered
    (tmp_path / "docs" / "speed.md").write_text("# Speed\n\nfsum() is about three times slower than total() on long lists.\n")
    with Engine(settings, writer=True) as engine:
        engine.ingest(tmp_path / "docs")
    answer = Engine(settings).ask(q)
    assert answer.answered and "three times slower" in answer.text, answer.text


def test_a_comparative_question_is_answered_by_a_sentence_that_compares(settings, tmp_path):
    """"Is zstd better than lz4 for wal_compression?": a sentence listing both methods does not say which is better,
    so the question is refused; once a sentence compares them, it answers."""
    from rag.api import Engine

    docs = {"wal.md": "# WAL settings\n\n## wal_compression\n\nThis parameter enables compression of full page images "
                      "written to WAL. The supported methods are pglz, lz4 and zstd. The default is off.\n\n"
                      "## wal_buffers\n\nThe amount of shared memory used for WAL data not yet written to disk.\n"}
    settings = ingested(settings, tmp_path / "docs", docs)
    questions = ("Is zstd better than lz4 for wal_compression?", "Does zstd compress full page images better than lz4?")
    for q in questions:
        assert not Engine(settings).ask(q).answered, q
    (tmp_path / "docs" / "notes.md").write_text("# Notes\n\nOf the wal_compression methods, zstd gives a better compression ratio than lz4.\n")
    with Engine(settings, writer=True) as engine:
        engine.ingest(tmp_path / "docs")
    for q in questions:
        answer = Engine(settings).ask(q)
        assert answer.answered and "better compression ratio than lz4" in answer.text, (q, answer.text)


def test_more_compares_only_with_a_than(settings, tmp_path):
    """"Is isDeepStrictEqual faster than deepStrictEqual?": "See deepStrictEqual() for more information" compares
    nothing, so the question is refused; "How can I compare two objects?" asks how to, and is answered."""
    from rag.api import Engine

    docs = {"util.md": "# util\n\n## util.isDeepStrictEqual(val1, val2)\n\nReturns true if there is deep strict equality "
                       "between val1 and val2. See assert.deepStrictEqual() for more information about deep strict equality.\n\n"
                       "## util.inspect(object)\n\nReturns a string representation of object, for debugging.\n"}
    settings = ingested(settings, tmp_path / "docs", docs)
    engine = Engine(settings)
    assert not engine.ask("Is util.isDeepStrictEqual faster than assert.deepStrictEqual?").answered
    answer = engine.ask("How can I compare two objects for deep strict equality with util?")
    assert answer.answered and "isDeepStrictEqual" in answer.text, answer.text


def test_a_title_of_one_content_word_written_out_whole_names_the_document():
    """"In the least-squares example in An Introduction to R, ...": the title has one word that is not a stopword, so
    no two in a row; written out whole it still names the document, and a passage under it meets its words."""
    from rag.evidence import heading_named
    from rag.lexical import build_lexical_index

    index = build_lexical_index(["a"], ["An introduction to the fitting of models; out$minimum is the SSE."], [{"source": "r.pdf"}])
    heading = "An Introduction to R › 11 Statistical models in R"
    from rag.evidence import query_terms

    title_terms = set(query_terms("An Introduction to R", index))
    assert title_terms and heading_named("In the example in An Introduction to R, what does out$minimum contain?", heading, index) == title_terms
    assert not heading_named("What does the introduction say out$minimum contains?", heading, index)
    # ... also as a possessive ("In An Introduction to R's least-squares example, ...")
    assert heading_named("In An Introduction to R's example, what does out$minimum contain?", heading, index) == title_terms


_OPTIONS = """# createReader(options)

Creates a reader.

* `options` {Object}
  * `bufferSize` {number} Number of bytes read ahead from the source. Larger
    values use more memory. This option only matters when `eager` is set, else
    nothing is read ahead at all. **Default:** `4096`.
  * `retries` {number} How many times a failed read is tried again before the
    reader gives up. Each retry waits twice as long as the one before it. A
    value of zero turns retrying off. **Default:** `3`.
  * `timeout` {number} Milliseconds to wait for data. **Default:** `500`.
"""


def test_a_default_at_the_end_of_a_long_option_item_answers_for_that_option(settings, tmp_path):
    """An API page's option list gives each default at the end of its item, several sentences after what the option
    is: that default answers, not another option's."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"reader.md": _OPTIONS})
    with Engine(settings) as engine:
        answer = engine.ask("How many times is a failed read tried again by default?")
        assert answer.answered and "3" in answer.text and "500" not in answer.text and "4096" not in answer.text
        answer = engine.ask("How many bytes are read ahead by default?")
        assert answer.answered and "4096" in answer.text and "500" not in answer.text


def test_how_often_is_answered_by_only_once_or_the_first_time(settings, tmp_path):
    """"How often is the warning shown?": "only once for that code" and "the first time" say how often."""
    from rag.api import Engine

    doc = ("# deprecate(fn, message, code)\n\nWraps fn so that calling it emits a warning. The warning is printed to stderr "
           "the first time the returned function is called. If the same code is given to several calls, the warning "
           "is emitted only once for that code.\n")
    settings = ingested(settings, tmp_path / "docs", {"deprecate.md": doc})
    with Engine(settings) as engine:
        answer = engine.ask("How often is the deprecation warning emitted when several calls share the same code?")
        assert answer.answered and "only once" in answer.text


_METHODS = """# Emitter

## Methods

### emitter.on(name, fn)

Adds fn to the end of the handlers of the event called name. No check is made for a handler added twice.

Returns a reference to the Emitter, so that calls can be chained.

### emitter.prependOnce(name, fn)

Adds a one-time handler to the beginning of the handler list. The next time the event fires it is removed first.

Returns a reference to the Emitter, so that calls can be chained.
"""


def test_the_same_sentence_under_two_headings_is_a_fact_about_each(settings, tmp_path):
    """Reference pages repeat a sentence in every section it is true of ("Returns a reference to the Emitter ..."):
    asked what the second method returns, that sentence is quoted under the second method, not lost as a repeat."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", {"emitter.md": _METHODS})
    with Engine(settings) as engine:
        answer = engine.ask("What does emitter.prependOnce() return?")
        assert answer.answered and answer.text.startswith("emitter.prependOnce(name, fn): Returns a reference"), answer.text


def test_a_runner_up_as_strong_as_the_best_is_quoted_too(settings, tmp_path):
    """Two sentences the evidence cannot tell apart (the second within ``scoring.close_second`` of the best): the answer
    quotes both, cited, instead of whichever one a rewording happens to favour; 0 turns it off."""
    from rag.api import Engine

    doc = ("# Backups\n\nThe nightly job copies the database files to the archive server in Oslo.\n\n"
           "The hourly job copies the database files to a spare disk in Bergen.\n")
    settings = ingested(settings, tmp_path / "docs", {"backups.md": doc})
    question = "Where are the database files copied?"
    with Engine(settings) as engine:
        answer = engine.ask(question)
    assert answer.answered and "archive server" in answer.text and "spare disk" in answer.text
    with Engine(settings.replace(**{"scoring.close_second": 0.0})) as engine:
        answer = engine.ask(question)
    assert answer.answered and ("archive server" in answer.text) != ("spare disk" in answer.text)
    # from two documents, the runner-up is not added: a new file must not change the answers about the others by
    # adding a line of it (two documents that disagree are shown as a conflict instead)
    two = ingested(settings.replace(store_dir=tmp_path / "store-two"), tmp_path / "two", {
        "nightly.md": "# Nightly\n\nThe nightly job copies the database files to the archive server in Oslo.\n",
        "hourly.md": "# Hourly\n\nThe hourly job copies the database files to a spare disk in Bergen.\n"})
    with Engine(two) as engine:
        answer = engine.ask("What do the jobs do with the database files?")
    assert answer.answered and len(answer.citations) == 1, answer.text


_ERRORS = {"errors.md": "# Errors\n\n## exception ParseError\n\nParseError is a subclass of ValueError. parse() raises it when "
                        "the input text is malformed, for example an unclosed bracket.\n\n"
                        "## exception ValueError\n\nRaised when an operation receives an argument that has the right type "
                        "but an inappropriate value.\n\n## exception KeyError\n\nRaised when a mapping key is not found.\n"}


def test_a_later_part_of_a_compound_question_may_point_at_what_an_earlier_part_found(settings, tmp_path):
    """"ParseError is a subclass of which exception, and when is *that* exception raised?": the second part asks about
    ValueError, which the first part's answer named, not about ParseError."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", _ERRORS)
    answer = Engine(settings).ask("ParseError is a subclass of which built-in exception, and when is that built-in exception raised?")
    assert answer.answered and "subclass of ValueError" in answer.text, answer.text
    assert "right type but an inappropriate value" in answer.text, answer.text


def test_a_follow_up_does_not_take_back_the_code_name_it_asked_about():
    """"Is json.loads a function?" -> "json.loads(s, *, cls=None) ... raises JSONDecodeError" -> "What does that
    exception mean?": the answer's json.loads(s, ...) is the name asked about, written as a call; JSONDecodeError is new."""
    from rag.conversation import code_names_in

    asked = "Is json.loads a function?"
    assert code_names_in("json.loads(s, *, cls=None): raises json.JSONDecodeError on bad input [1].", exclude=asked) == ["json.JSONDecodeError"]


def test_it_in_a_follow_up_is_the_thing_the_answer_quoted_by_name():
    """"Is there a readline event that fires when the input history changes?" -> "Yes, the 'history' event ..." -> "What
    does its listener get?": it is the 'history' event, though "history" is a plain word of the first question; a quoted
    word that names no thing ("the so-called 'smart' way") is no name."""
    from rag.conversation import code_names_in, resolve_references

    history = [{"role": "user", "content": "Is there a readline event that fires whenever the interface's input history changes?"},
               {"role": "assistant", "content": "Yes, the 'history' event, emitted whenever the history array has changed [1]."}]
    assert resolve_references("What does its listener get?", history) == "What does its listener get? history"
    assert code_names_in("Use the so-called 'smart' way, or the \u201cstrict\u201d option [1].") == ["strict"]
    # ... not when the question named that thing already
    assert code_names_in("The 'history' event is emitted [1].", exclude="When is the history event emitted?") == []


_ISOLATION = {"isolation.md": "# Transaction isolation\n\nThe SQL standard defines four levels of transaction isolation. The SQL "
                              "standard and PostgreSQL define the transaction isolation levels in Table 13.1. Each SQL standard "
                              "isolation level is defined for transactions. The strictest transaction isolation level the SQL "
                              "standard defines is Serializable. The SQL standard uses the isolation levels to define what "
                              "concurrent transactions see. The SQL standard lets a transaction choose its isolation level.\n\n"
                              "The other three levels are defined in terms of phenomena, resulting from interaction between "
                              "concurrent transactions, which must not occur at each level.\n\nThe phenomena which are "
                              "prohibited at various levels are: dirty read; nonrepeatable read; phantom read; serialization anomaly.\n"}


def test_a_list_question_is_led_by_the_sentence_listing_the_asked_kind(settings, tmp_path):
    """"Which phenomena does the SQL standard use to define the isolation levels?": the sentences sharing most words
    with the question only say that phenomena define them; the one listing the phenomena leads the answer."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", _ISOLATION)
    answer = Engine(settings).ask("Which phenomena does the SQL standard use to define the transaction isolation levels?")
    assert answer.answered and "dirty read; nonrepeatable read" in answer.text, answer.text
    from rag.evidence import listed_kind, lists_items_of

    with Engine(settings) as engine:
        index = engine._index()[1]
        kind = listed_kind("What output formats can pg_dump produce?", index)
        assert not lists_items_of("It writes plain, custom and tar archives.", set(), "pg_dump", kind, index)  # no format named


_HOOKS = {"hooks.md": "# Hooks\n\n## post-update\n\nThis hook is invoked by receive-pack when it reacts to a push and "
                      "writes refs in its repository. It is a poor place to send e-mails.\n\n## update\n\nThis hook "
                      "is invoked once for each ref being pushed, before the ref is updated.\n"}


def test_a_hyphenated_name_is_not_the_shorter_name_inside_it(settings, tmp_path):
    """"the update hook" is not "post-update" (nor "commit-msg" "prepare-commit-msg"): a sentence whose subject is the
    longer name does not match the shorter one's words, unless it says them outside that name."""
    from rag.api import Engine

    settings = ingested(settings, tmp_path / "docs", _HOOKS)
    answer = Engine(settings).ask("When is the update hook invoked during a push?")
    assert answer.answered and answer.text.startswith("This hook is invoked once for each ref"), answer.text
    from rag.evidence import inside_other_compounds

    with Engine(settings) as engine:
        index = engine._index()[1]
        assert "updat" in inside_other_compounds("post-update", "post-update: It is run after the push.", "the update hook", index)
        assert not inside_other_compounds("post-update", "post-update: It is run after the push.", "the post update hook", index)


def test_the_name_of_a_warning_is_written_like_its_class():
    """"What is the name of the warning Node.js emits when ...?" asks for a name (a term); a warning or an error is
    named like its class ("MaxListenersExceededWarning", "ERR_INVALID_ARG_TYPE"), not by any code the sentence shows."""
    from rag.evidence import has_type
    from rag.facts import question_type

    q = "What is the name of the warning Node.js emits when an EventEmitter gets too many listeners?"
    assert question_type(q) == "term"
    assert has_type("Its `name` property is set to `'MaxListenersExceededWarning'`.", "term", q)
    assert not has_type("events.defaultMaxListeners: the emitter.setMaxListeners() method can be used to avoid this warning.", "term", q)
    assert has_type("A TypeError with code ERR_INVALID_ARG_TYPE is thrown.", "term", "Which error does it throw for a bad argument?")


def test_the_condition_a_question_asks_under():
    """A condition after the asking clause is asked under ("... if the paths end up at the same location?"); a leading
    one sets the scene unless the clause after it asks nothing itself; a why-question's, or one in code, is not."""
    from rag.evidence import asked_condition, meets_condition, stemmed_words

    same = asked_condition("What does path.relative() give back if the 'from' and 'to' paths end up pointing at the same location?")
    assert {"same", "point"} <= same
    assert {"both", "key"} <= asked_condition("When I call rl.write() with both a data string and a key object, which one is used?")
    assert not asked_condition("When archiving WAL, how many characters can a file name passed as %f be at most?")
    assert not asked_condition("Why does the child exit when the channel is closed?")
    assert not asked_condition("What's the risk of using checks like `if key in mapping`?")
    rule = "The path.relative() method returns the relative path from from to to based on the current working directory."
    assert meets_condition("If from and to each resolve to the same path, a zero-length string is returned.", same, stemmed_words(rule))
    # a condition sharing only words the best sentence says adds nothing; nor does an embedded "when" ("describes when")
    assert not meets_condition("If the path is relative, it is resolved first.", same, stemmed_words(rule))
    assert not meets_condition("It describes when the same path is pointed at.", same, stemmed_words(rule))
    # ... and answering: the sentence stating that condition leads, over the rule for any input that matches more words
    page = ("The copy() function copies the data of the file src to the file or directory dst and returns the path of "
            "the new file that copy() wrote. If dst is a directory, the file is copied into it under the base name of src. "
            "If src and dst name the same file, SameFileError is raised.")
    answer = _answer_on_pages("What does the copy() function of the file module do with src and dst if they turn out to be the same file?",
                              [page], "File operations › copy(src, dst)")
    assert answer.answered and answer.text.startswith("copy(src, dst): If src and dst name the same file, SameFileError is raised"), answer.text


def test_a_clear_lead_answers_a_little_under_the_threshold():
    """A best sentence far above every other one answers down to ``clear_lead_floor`` of the threshold; its own longer
    window is not another sentence; a close runner-up, or a score further down, still refuses."""
    from rag.answerers.extractive import clear_lead
    from rag.evidence import Evidence
    from rag.settings import ScoringSettings
    from rag.types import Passage

    p = Passage(id="a", text="x", source="os.md")
    scoring = ScoringSettings(min_evidence=0.29, clear_lead=1.5, clear_lead_floor=0.8)

    def ev(sentence, score):
        return Evidence(sentence, p, 0, 0.2, 0.5, False, score)
    uptime = "os.uptime(): Returns the system uptime in number of seconds."
    assert clear_lead([ev(uptime, 0.278), ev(uptime + " More.", 0.27), ev("Constant: WSAETIMEDOUT.", 0.169)], scoring)
    assert not clear_lead([ev(uptime, 0.278), ev("Constant: WSAETIMEDOUT.", 0.25)], scoring)
    assert not clear_lead([ev(uptime, 0.22), ev("Constant: WSAETIMEDOUT.", 0.05)], scoring)
    assert not clear_lead([ev(uptime, 0.278), ev("Constant: WSAETIMEDOUT.", 0.1)], ScoringSettings(clear_lead=0))


def test_what_happens_prefers_the_sentence_saying_what_comes_of_it():
    """"I put two SQL statements into one execute() call. What happens?": the sentence saying what comes of it ("...
    it will raise a ProgrammingError.") over one using more of the question's words, if close enough in score; also as
    a part of a compound question ("What happens, and what should I use instead?")."""
    usage = "Call execute() on a cursor with one SQL statement; a semicolon separated list of statements is read as one call."
    raises = "If you try to run more than one SQL statement in one call, it will raise a ProgrammingError."
    instead = "Use executescript() if you want to execute several statements with one call."
    story = "I put two SQL statements separated by a semicolon into one cursor execute() call."
    answer = _answer_on_pages(f"{story} What happens?", [usage, raises], "sqlite3 › Cursor objects")
    assert answer.answered and "ProgrammingError" in answer.text, answer.text
    both = _answer_on_pages(f"{story} What happens, and what should I use instead?", [usage, raises, instead], "sqlite3 › Cursor")
    assert both.text.startswith(raises[:-1]), both.text  # the "what happens" part is answered by what comes of it


def test_a_value_asked_as_a_persons_own_must_be_said_of_them():
    """"How long was Maria Kalesnikava's prison sentence?" when the passage gives Tsikhanouski's ("... a nearly 20-year
    sentence") and only says Kalesnikava was deported: the value is another person's, so no answer; asked as his, it
    is the answer. A person named in full: "the Sniffer's has_header()" is a class's."""
    text = ("After five years in prison, Tsikhanouski was freed from a nearly 20-year sentence in June. "
            "Along with Babaryka, Kalesnikava was deported to Ukraine in December.")
    assert not _answer_on_pages("How long was Maria Kalesnikava's prison sentence?", [text], "Releases").answered
    answer = _answer_on_pages("How long was Siarhei Tsikhanouski's prison sentence?", [text], "Releases")
    assert answer.answered and "20-year" in answer.text, answer.text
    from rag.evidence import possessors
    from rag.lexical import build_lexical_index

    index = build_lexical_index(["a"], [text], [{"source": "a.txt"}])
    assert possessors("How long was Maria Kalesnikava's prison sentence?", index) and not possessors("What's its length?", index)
    assert not possessors("How many rows does the Kalesnikava's method examine?", index)  # one word: a class's, a tool's
