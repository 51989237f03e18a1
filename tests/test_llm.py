"""LLM backends and citation verification, with the shipped fake LLM and real llama.cpp (in-process and server)."""

import socket
import sys
import threading

import pytest

from rag.api import Engine
from rag.errors import BackendError, UserError
from rag.llms.fake import FakeLLM
from rag.types import Answer

from .conftest import free_port, serve


@pytest.fixture
def with_llm(engine):
    """Builds a second engine on the same store whose answerer wraps an LLM (the public seam); closed after the test."""
    opened = []

    def build(llm):
        opened.append(Engine(engine.settings, llm=llm))
        return opened[-1]

    yield build
    for e in opened:
        e.close()


def test_supported_sentence_is_kept(with_llm):
    a = with_llm(FakeLLM()).ask("How many prisoners were released in December?")
    assert a.answered and "123" in a.text and a.dropped == [] and a.citations


def test_invented_figure_is_dropped_and_never_returned(with_llm):
    llm = FakeLLM({"population": "The population of Belarus is 1.1 million [1]."})
    a = with_llm(llm).ask("What is the population of Belarus?")
    assert "1.1 million" not in a.text and a.dropped == ["The population of Belarus is 1.1 million."]
    assert not a.answered


def test_a_bare_yes_stands_or_falls_with_the_sentence_after_it(with_llm):
    kept = with_llm(FakeLLM({"December": "Yes. Belarus released 123 political prisoners in December [1]."})).ask(
        "Were prisoners released in December?")
    assert kept.answered and kept.text.startswith("Yes. Belarus released 123") and kept.dropped == []
    dropped = with_llm(FakeLLM({"December": "Yes. Belarus released 9,000 prisoners in December [1]."})).ask(
        "Were prisoners released in December?")
    assert "9,000" not in dropped.text and "Yes" not in dropped.text
    assert dropped.dropped == ["Yes. Belarus released 9,000 prisoners in December."]


def test_wrongly_cited_sentence_is_recited_to_the_supporting_passage(with_llm):
    llm = FakeLLM({"December": "Belarus released 123 political prisoners [5]."})
    a = with_llm(llm).ask("How many prisoners were released in December?")
    assert a.answered and a.text.endswith("[1].")
    assert "123" in a.citations[0].text


def test_a_sentence_joining_two_passages_is_cited_to_both_and_a_unit_written_on_its_number_counts(engine):
    """A generated sentence may join two retrieved passages' facts: supported by neither alone, it is re-cited to
    the two best together; a fact neither states is still dropped. "7200 RPM" is the number "7200RPM" states."""
    from rag.lexical import build_lexical_index
    from rag.verify import check_sentence

    texts = {1: "Each value stored in the database has one of five storage classes: NULL, INTEGER, REAL, TEXT and BLOB.",
             2: "A transaction needs two rotations of the platter, which on a 7200RPM disk drive limits you to about 60 transactions per second.",
             3: "The harbour of Vitebsk was rebuilt after the storm."}
    index = build_lexical_index([f"c{i}" for i in texts], list(texts.values()), [{"source": f"{i}.html"} for i in texts])
    alone = check_sentence("A 7200 RPM disk drive allows about 60 transactions per second.", (3,), texts, index, engine.embedder, 0.5)
    assert not alone.supported and alone.best_markers == (2,)
    joined = check_sentence("A value has one of five storage classes, and a 7200 RPM disk allows about 60 "
                            "transactions per second.", (), texts, index, engine.embedder, 0.5)  # each number is in one passage
    assert set(joined.best_markers) == {1, 2}
    invented = check_sentence("A value has one of five storage classes, and a 5400 RPM disk allows about 40 "
                              "transactions per second.", (), texts, index, engine.embedder, 0.5)
    assert invented.best_markers == ()


def test_unverified_mode_keeps_the_text(engine, with_llm):
    engine.reconfigure(verify_citations=False)
    llm = FakeLLM({"population": "The population of Belarus is 1.1 million [1]."})
    a = with_llm(llm).ask("What is the population of Belarus?")
    assert "1.1 million" in a.text


def test_streaming_yields_text_then_answer(with_llm):
    items = list(with_llm(FakeLLM()).ask_stream("How many prisoners were released in December?"))
    assert all(isinstance(i, str) for i in items[:-1]) and len(items) > 2 and isinstance(items[-1], Answer)


def test_openai_backend_needs_a_base_url(seeded):
    from rag.answerers import make_answerer

    with pytest.raises(UserError, match="RAG_LLM_BASE_URL"):
        make_answerer(seeded.replace(llm="openai"))


def test_openai_server_down_is_a_clear_error(seeded):
    from rag.api import Engine

    s = seeded.replace(llm="openai", llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout=3, llm_max_retries=0)
    with Engine(s) as e, pytest.raises(BackendError, match="cannot reach the LLM server"):
        e.ask("How many prisoners were released in December?")


def test_openai_slow_server_times_out(seeded):
    from rag.api import Engine

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    conns = []
    threading.Thread(target=lambda: [conns.append(listener.accept()) for _ in range(4)], daemon=True).start()
    port = listener.getsockname()[1]
    s = seeded.replace(llm="openai", llm_base_url=f"http://127.0.0.1:{port}/v1", llm_timeout=2, llm_max_retries=0)
    try:
        with Engine(s) as e, pytest.raises(BackendError, match="did not answer within|failed|cannot reach"):
            e.ask("How many prisoners were released in December?")
    finally:
        listener.close()


llama_cpp = pytest.importorskip("llama_cpp", reason="install the 'local' extra")


@pytest.mark.llm
def test_llamacpp_bundled_model_answers_end_to_end(seeded):
    from rag.api import Engine

    with Engine(seeded.replace(llm="llamacpp", llm_max_tokens=80)) as e:
        a = e.ask("How many prisoners were released in December?")
    assert isinstance(a, Answer) and a.answerer.startswith("llamacpp")
    assert a.tokens > 0
    if a.answered:
        assert a.citations and all(f"[{c.marker}]" in a.text for c in a.citations)


@pytest.fixture(scope="module")
def llama_server():
    from rag.llms.llamacpp import bundled_gguf

    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf()), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "4096", "--model_alias", "smollm2"]
    with serve(cmd, port, 120):
        yield f"http://127.0.0.1:{port}/v1"


@pytest.mark.llm
def test_openai_backend_against_a_real_llama_cpp_server(seeded, llama_server):
    from rag.api import Engine

    with Engine(seeded.replace(llm="openai", llm_base_url=llama_server, llm_model="smollm2", llm_max_tokens=80)) as e:
        a = e.ask("How many prisoners were released in December?")
        items = list(e.ask_stream("Who is Ales Bialiatski?"))
    assert isinstance(a, Answer) and a.tokens > 0
    assert isinstance(items[-1], Answer) and any(isinstance(i, str) and i for i in items[:-1])


def test_the_prompt_keeps_to_the_model_context():
    """Expansion can bring more passages than a small model's context holds: the prompt takes them in retrieval
    order while they fit, always at least the first."""
    from rag.answerers.generative import build_prompt
    from rag.types import Passage

    passages = [Passage(id=str(i), text=f"Passage {i} " + "word " * 400, source=f"{i}.txt") for i in range(10)]
    full = build_prompt("Q?", passages)[1]["content"]
    assert all(f"[{i + 1}]" in full for i in range(10))
    cut = build_prompt("Q?", passages, max_chars=5000)[1]["content"]
    assert "[1]" in cut and "[2]" in cut and "[3]" not in cut and cut.endswith("Question: Q?")
    assert "[1]" in build_prompt("Q?", passages, max_chars=10)[1]["content"]


def test_a_sentence_opening_with_it_is_checked_as_said_of_the_subject_before():
    """"It is usually faster ..." after "WAL (write-ahead logging) is ...": checked as "WAL (write-ahead logging) is
    usually faster ..."; an expletive ("It is possible to ...") or a sentence without a subject before stays as it is."""
    from rag.answerers.generative import with_antecedent

    previous = "WAL (write-ahead logging) is an alternative to the rollback journal [1]."
    assert with_antecedent("It is usually faster [1].", previous) == "WAL (write-ahead logging) is usually faster [1]."
    assert with_antecedent("It is possible to turn it off.", previous) == "It is possible to turn it off."
    assert with_antecedent("It is usually faster.", "") == "It is usually faster."
    # "the two" / "both" stand for the first two names the sentence before uses
    previous = "Like IMMEDIATE, EXCLUSIVE starts a write transaction at once; EXCLUSIVE also blocks readers [1]."
    assert with_antecedent("In WAL mode the two behave the same [1].", previous) == "In WAL mode IMMEDIATE and EXCLUSIVE behave the same [1]."
    assert with_antecedent("Both of them are slow.", previous) == "Both of them are slow."  # "both of": not the two names
    assert with_antecedent("The two are the same.", "Readers never block writers.") == "The two are the same."  # no two names


def test_the_two_is_checked_as_the_two_things_named_before(settings, tmp_path):
    """A model's "In WAL mode the two behave the same." is on topic and supported as said of the two modes the
    sentence before names; an unsupported claim about "the two" is still dropped."""
    llm = FakeLLM({"IMMEDIATE": "Like IMMEDIATE, EXCLUSIVE starts a write transaction at once; in rollback modes EXCLUSIVE "
                                "also blocks readers [1]. In WAL mode the two behave the same [1]. The two also delete old backups [1]."})
    corpus = {"tx.md": "# Transactions\n\nIMMEDIATE starts a write transaction at once. EXCLUSIVE starts a write transaction "
                       "at once and, in rollback journal modes, also blocks readers. EXCLUSIVE and IMMEDIATE are the same in WAL mode.\n\n"
                       "# Backups\n\nThe backup API copies a live database.\n"}
    from .conftest import ingested

    with Engine(ingested(settings, tmp_path / "docs", corpus), llm=llm) as engine:
        a = engine.ask("How is EXCLUSIVE different from IMMEDIATE?")
    assert a.answered and "In WAL mode the two behave the same" in a.text, (a.text, a.dropped)
    assert a.dropped == ["The two also delete old backups."], a.dropped


def test_an_unsupported_sentence_opening_with_it_is_still_dropped(with_llm):
    llm = FakeLLM({"December": "Belarus released 123 political prisoners in December [1]. "
                               "It was the largest release since 1962 and was paid for by Poland [1]."})
    a = with_llm(llm).ask("How many prisoners were released in December?")
    assert a.answered and "123" in a.text and "1962" not in a.text
    assert a.dropped == ["It was the largest release since 1962 and was paid for by Poland."]


_PARK = {"park.md": "# Park\n\nThe park has 12 lakes and a pine forest. Visitors may swim in summer.\n",
         "depths.md": "# Depths\n\nThe deepest of the park's lakes reaches 30 metres, measured in 2019.\n",
         "cafe.md": "# Cafe\n\nThe cafe near the gate sells coffee and cake every day.\n"}


def test_a_sentence_no_offered_passage_supports_is_looked_for_in_the_collection(settings, tmp_path):
    """Only one passage is offered (top_k 1): a generated sentence it does not support, but another document does,
    is the documents' word; it is kept and cited to that document. An invented figure is still dropped."""
    from .conftest import ingested

    settings = ingested(settings, tmp_path / "docs", _PARK).replace(**{"retrieval.top_k": 1, "retrieval.expand": False})
    question = "How many lakes does the park have?"
    reply = "The park has 12 lakes [1]. The deepest lake in the park reaches 30 metres [1]. The lakes hold 900 fish [1]."
    with Engine(settings, llm=FakeLLM({"lakes": reply})) as engine:
        answer = engine.ask(question)
    assert answer.answered and answer.text.startswith("The park has 12 lakes [1]. The deepest lake in the park reaches 30 metres [2].")
    assert [c.source for c in answer.citations] == ["park.md", "depths.md"]
    assert answer.dropped == ["The lakes hold 900 fish."]


def test_a_number_word_counting_things_already_named_states_no_new_figure():
    """"... returns true when the two values are deep-strict-equal" after "isDeepStrictEqual(val1, val2)": "the two"
    counts what is named, so the passage need not say "two"; "the two Americans" where the passage says three, and
    a bare "two Americans", are still unsupported figures."""
    from rag.verify import _numbers_ok

    passage = "util.isDeepStrictEqual(val1, val2) Returns true if there is deep strict equality between val1 and val2."
    assert _numbers_ok("util.isDeepStrictEqual(val1, val2) returns true when the two values are deep-strict-equal.", passage)
    assert not _numbers_ok("The two Americans were freed.", "Belarus released three Americans.")
    assert not _numbers_ok("Belarus released two Americans.", "Belarus released three Americans.")
    assert not _numbers_ok("The population is 1.1 million.", "Belarus has many people.")


def test_a_size_in_binary_units_is_the_product_the_passage_writes_out():
    """"allows 1024 × 1024 bytes (1 MiB)" for "maxBuffer ... Default: 1024 * 1024.": the MiB is the product, in bytes;
    "2 MiB" is not, and a product nobody wrote is no support for its result."""
    from rag.verify import _numbers_ok

    passage = "maxBuffer <number> Largest amount of data in bytes allowed on stdout or stderr. Default: 1024 * 1024."
    assert _numbers_ok("By default exec() allows 1024 × 1024 bytes (1 MiB) on stdout or stderr.", passage)
    assert not _numbers_ok("By default exec() allows 2 MiB on stdout or stderr.", passage)
    assert not _numbers_ok("By default exec() allows 1 MiB.", "maxBuffer Default: 1024. The limit is 1024 lines.")
    assert _numbers_ok("The cache holds 1 MB.", "The cache holds 1000000 bytes.")


def test_an_array_the_passage_writes_out_states_how_many_items_it_has():
    """"on Windows os.loadavg() always gives three zeros" for "On Windows, the return value is always [0, 0, 0].": the
    array has three items; four zeros, or a count of an array nobody wrote, is no support."""
    from rag.verify import _numbers_ok

    passage = "Returns an array containing the 1, 5, and 15 minute load averages. On Windows, the return value is always [0, 0, 0]."
    assert _numbers_ok("On Windows os.loadavg() always gives three zeros.", passage)
    assert not _numbers_ok("On Windows os.loadavg() always gives four zeros.", passage)
    assert not _numbers_ok("On Windows it gives three values.", "On Windows, the return value is always zero.")


def test_a_number_and_a_half_is_one_value():
    """"lasting six and a half hours" is 6.5 hours, as "the 6.5-hour-long conversation" says; not six "and"s."""
    from rag.facts import numbers
    from rag.verify import _numbers_ok

    assert [(v.value, v.unit) for v in numbers("The talk lasted six and a half hours.")] == [((6.5,), "hour")]
    assert [v.value for v in numbers("two and a half million people")] == [(2_500_000.0,)]
    passage = "The main purpose of the 6.5-hour-long conversation between Kellogg and Lukashenka was to discuss the war."
    assert _numbers_ok("The talk lasted six and a half hours.", passage)
    assert not _numbers_ok("The talk lasted six hours.", passage)


def _release_notes(settings, tmp_path):
    """A store of one page, "Release 15 › Backup", whose rename sentence sits in a chunk that never says 15 (a long
    section before it, without digits): only the heading path says which release."""
    docs = tmp_path / "docs"
    docs.mkdir()
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo".split()
    filler = "\n\n".join(f"The {w} backup step copies the files of the {w} tablespace to the archive directory." for w in words * 2)
    (docs / "release.md").write_text(f"# Release 15\n\n## Backup\n\n{filler}\n\nThe function pg_start_backup() was renamed to "
                                     "pg_backup_start(), and pg_stop_backup() to pg_backup_stop().\n")
    settings = settings.replace(store_dir=str(tmp_path / "store"))
    with Engine(settings, writer=True) as engine:
        engine.ingest(docs)
    return settings


def test_a_sentence_is_checked_against_the_heading_the_model_was_shown(settings, tmp_path):
    """The prompt shows each passage under its heading path ("Release 15 › Backup"): offered only the passage whose
    text never says 15, "Release 15 renamed pg_start_backup() ..." is supported by heading and text together, while
    an invented release number is still dropped."""
    from dataclasses import replace

    from rag.answerers.generative import build_prompt

    settings = _release_notes(settings, tmp_path)
    question = "What was pg_start_backup() renamed to?"
    with Engine(settings, llm=FakeLLM()) as engine:
        ctx = engine._prepare(question, None, None)
        rename = next(p for p in ctx.passages if "renamed" in p.text)
        assert "15" not in rename.text and rename.heading == "Release 15 › Backup"
        ctx = replace(ctx, passages=[rename], search=None)
        kept = engine.answerer.finish(ctx, "Release 15 renamed pg_start_backup() to pg_backup_start() [1].")
        assert kept.answered and kept.dropped == [] and "Release 15" in kept.text, (kept.text, kept.dropped)
        invented = engine.answerer.finish(ctx, "Release 16 renamed pg_start_backup() to pg_backup_start() [1].")
        assert invented.dropped
        assert "Release 15 › Backup" in build_prompt(question, ctx.passages)[1]["content"]


def test_the_eval_checks_citations_against_what_a_model_is_shown(settings, tmp_path):
    """Engine.check_citations (the eval's citation recall and precision) reads each cited passage as verification
    does, under its heading path: a sentence resting on the heading's words is supported there too."""
    from dataclasses import replace as swap

    settings = _release_notes(settings, tmp_path)
    with Engine(settings) as engine:
        answer = engine.ask("What was pg_start_backup() renamed to?")
        cited = next(c for c in answer.citations if "renamed" in c.text)
        assert "15" not in cited.text and cited.heading == "Release 15 › Backup"
        claim = swap(answer, text=f"Release 15 renamed pg_start_backup() to pg_backup_start() [{cited.marker}].")
        assert engine.check_citations(claim)[0][0]
        invented = swap(answer, text=f"Release 16 renamed pg_start_backup() to pg_backup_start() [{cited.marker}].")
        assert not engine.check_citations(invented)[0][0]


def test_a_number_written_in_words_is_checked_by_its_value_not_by_its_words():
    """"PISM describes the talk as lasting six and a half hours" for "the 6.5-hour-long conversation": the number is
    checked by value (6.5), so "six" and "half" are not words the passage must also use; a wrong value is still
    unsupported."""
    from rag.embedders.fake import FakeEmbedder
    from rag.lexical import build_lexical_index
    from rag.verify import support

    passage = "The main purpose of the 6.5-hour-long conversation between Kellogg and Lukashenka was to discuss the war."
    index = build_lexical_index(["a", "b"], [passage, "Six ministers met for half a day."], [{"source": "a.txt"}, {"source": "b.txt"}])
    claim = "The conversation between Kellogg and Lukashenka lasted six and a half hours."
    embedder = FakeEmbedder()
    by_value = support(claim, [passage], index, embedder)
    by_words = support(claim, [passage], index, embedder, check_numbers=False)  # the number words counted as words
    assert by_value > by_words > 0, (by_value, by_words)
    assert support("The conversation between Kellogg and Lukashenka lasted seven hours.", [passage], index, embedder) == 0.0
