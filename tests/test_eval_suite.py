"""The evaluation suite: its format, metrics, comparison, and the CI quality gate."""

import json
import subprocess
import sys

import pytest

from eval.dataset import load_questions
from eval.metrics import judge, matches
from rag.errors import UserError

from .conftest import ROOT


def test_question_set_covers_every_category():
    questions = load_questions(ROOT / "eval" / "questions.jsonl")
    assert len(questions) >= 60
    counts = {}
    for q in questions:
        counts[q.category] = counts.get(q.category, 0) + 1
    for category in ("single_fact", "number", "date", "list", "cross_doc", "transliteration", "conflict", "unanswerable", "follow_up"):
        assert counts.get(category, 0) >= 5, category


@pytest.mark.parametrize("name", ["python311", "postgresql15", "sqlite3"])
def test_every_corpus_set_is_well_formed(name):
    """At least 50 questions of the issue's kinds, unique ids, gold pages listed in corpus.txt, two rewordings each,
    follow-up turns carrying their history."""
    folder = ROOT / "eval" / "sets" / name
    questions = load_questions(folder / "questions.jsonl")
    pages = {line.strip() for line in (folder / "corpus.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")}
    assert len(questions) >= 50 and len({q.id for q in questions}) == len(questions)
    kinds = {q.category for q in questions}
    assert {"explanation", "summary", "cross_doc", "paraphrase", "dialogue", "unanswerable_entity", "unanswerable_offtopic"} <= kinds
    for q in questions:
        assert set(q.sources) <= pages, q.id
        assert len(q.paraphrases) == 2 and q.gold, q.id
        assert (q.expect == "refuse") == (not q.sources), q.id
    assert sum(bool(q.history) for q in questions if q.category == "dialogue") >= 4


def test_bad_question_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": "x", "question": "hi", "category": "c", "expect": "maybe"}\n')
    with pytest.raises(UserError, match="expect"):
        load_questions(bad)


def test_judge_rules():
    from eval.dataset import Question

    q = Question(id="a", category="number", question="?", answers=["14", "fourteen"])
    assert judge(q, "It freed fourteen prisoners [1].", True, False)[0]
    assert not judge(q, "It freed 140 prisoners [1].", True, False)[0]
    assert matches("more than 1,100 remain", ["1100"])
    assert not matches("needs jsonb_plperlu [1].", ["jsonb_plperl"]) and matches("Use jsonb_plperl [1].", ["jsonb_plperl"])
    assert matches("environment variables [1]", ["environment variable"])
    r = Question(id="b", category="unanswerable", question="?", expect="refuse")
    assert judge(r, "no", False, False)[0] and not judge(r, "yes [1]", True, False)[0]


@pytest.mark.slow
def test_eval_gate_on_the_seeds(tmp_path):
    """Runs the full suite with the default answerer and the llama-index baseline; fails below thresholds."""
    out = tmp_path / "report"
    env_store = tmp_path / "store"
    result = subprocess.run([sys.executable, "-m", "eval", "--gate", "--out", str(out)], capture_output=True, text=True,
                            cwd=str(ROOT), timeout=1500, env={**__import__("os").environ, "RAG_STORE_DIR": str(env_store), "RAG_CORPUS_DIR": str(ROOT / "seeds")})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads((out / "results.json").read_text())
    assert data["baseline"]["overall"]["questions"] == data["overall"]["questions"]
    for name in ("summary.md", "per_category.png", "latency.png"):
        assert (out / name).stat().st_size > 0
    # comparison mode: a report against itself has no differences
    same = subprocess.run([sys.executable, "-m", "eval", "--compare", str(out), str(out)], capture_output=True, text=True, cwd=str(ROOT))
    assert "newly passing: 0, newly failing: 0" in same.stdout


def test_baseline_names_retrieved_files_as_the_question_set_does(tmp_path):
    """Gold sources are paths under the corpus (``library/exceptions.html``), not bare file names."""
    from eval.baseline import _relative

    nested = tmp_path / "library" / "exceptions.html"
    nested.parent.mkdir()
    nested.write_text("x")
    assert _relative(str(nested), tmp_path.resolve()) == "library/exceptions.html"
    assert _relative("/elsewhere/page.html", tmp_path.resolve()) == "page.html"


def test_baseline_reads_a_pdf_as_text_as_a_full_llama_index_install_does(tmp_path):
    """With only llama-index-core installed, SimpleDirectoryReader reads a PDF's bytes as text; the starter is given
    what ``pip install llama-index`` reads PDFs with (pypdf, a document per page), so it is scored on the words."""
    from eval.baseline import build_starter_index
    from rag.settings import Settings
    from tests.test_clean import _pdf_with_text

    _pdf_with_text(tmp_path / "treaty.pdf", "The treaty was signed in Vilnius.")
    index = build_starter_index(Settings.load(env={}, corpus_dir=tmp_path, show_progress=False))
    nodes = index.as_retriever(similarity_top_k=1).retrieve("Where was the treaty signed?")
    assert "The treaty was signed in Vilnius." in nodes[0].node.get_content()
    assert nodes[0].node.metadata["file_name"] == "treaty.pdf" and nodes[0].node.metadata["page_label"] == "1"


def test_paraphrase_metrics_count_rewordings_of_correct_answers():
    from eval.metrics import aggregate

    def row(correct, rewordings):
        return {"expect": "answer", "gold_sources": [], "answered": True, "correct": correct, "sentences": 0,
                "supported_sentences": 0, "citations_total": 0, "citations_precise": 0, "words": 3, "seconds": 0.01,
                "hit": True, "rr": 1.0, "gold_cited": True, "paraphrases": [{"correct": c} for c in rewordings]}

    rows = [row(True, [True, True]), row(True, [True, False]), row(False, [True, True]), row(True, [])]
    metrics = aggregate(rows)
    assert metrics["paraphrase_consistency"] == 0.5  # of the two correct questions with rewordings, one survives both
    assert metrics["paraphrase_all_correct"] == round(1 / 3, 4)


def test_verification_check_keeps_a_supported_gold_sentence_and_tells_a_retrieval_miss(seeded):
    """Each gold sentence goes through the generative answerer's verification as if a model wrote it: a correct,
    supported one is kept; one the retrieved passages cannot support is dropped, and counted apart when retrieval
    missed its gold passage."""
    from eval.dataset import Question
    from eval.verification import verification_check

    questions = [
        Question(id="v1", category="fact", question="How many prisoners were released in December?",
                 gold="Belarus released 123 political prisoners in December.",
                 sources=["european-pravda-trumps-deal-with-belarus.txt"]),
        Question(id="v2", category="fact", question="How many prisoners were released in December?",
                 gold="Belarus released 950 prisoners to Poland in December.",
                 sources=["european-pravda-trumps-deal-with-belarus.txt"]),
        Question(id="v3", category="fact", question="How many prisoners were released in December?",
                 gold="Belarus released 950 prisoners to Poland in December.", sources=["no-such-page.txt"]),
        Question(id="v4", category="unanswerable", question="What is the population of Belarus?", expect="refuse"),
    ]
    result = verification_check(seeded, questions)
    assert result["gold_sentences"] == 3  # a refusal question has no gold sentence
    assert result["dropped_ids"] == ["v2", "v3"]
    assert result["dropped_gold_not_retrieved"] == 1  # v3: its gold passage was not among those retrieved


def test_calibration_maximises_accuracy_within_the_false_refusal_budget(tmp_path):
    """The threshold with the best accuracy is chosen among those refusing at most 5 % of answerable questions; the
    best without that limit is reported beside it."""
    from eval.calibrate import calibrate

    answerable = [{"expect": "answer", "answered": True, "correct": True, "confidence": c} for c in (0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)]
    answerable += [{"expect": "answer", "answered": True, "correct": True, "confidence": 0.9}] * 30
    unanswerable = [{"expect": "refuse", "answered": True, "correct": False, "confidence": c} for c in (0.31, 0.36, 0.41, 0.46, 0.55, 0.56, 0.57)]
    result = calibrate({"a": answerable + unanswerable}, 0.29, tmp_path)
    assert result["chosen"]["false_refusals"] <= 0.05 and result["chosen"]["threshold"] <= 0.35
    assert result["unconstrained"]["threshold"] > 0.5 and result["unconstrained"]["accuracy"] > result["chosen"]["accuracy"]
    assert (tmp_path / "risk_coverage.png").is_file()


def test_calibration_counts_what_the_answerer_refused_for_other_reasons(tmp_path):
    """A question the answerer refused whatever the threshold (no sentence holds the asked kind of value ...) is refused
    at every threshold: an unanswerable one refused so is right, an answerable one is a false refusal."""
    from eval.calibrate import calibrate, outcome

    rows = [{"expect": "refuse", "answered": False, "correct": True, "confidence": 0.8},
            {"expect": "answer", "answered": False, "correct": False, "confidence": 0.7},
            {"expect": "answer", "answered": True, "correct": True, "confidence": 0.6}]
    at = outcome(rows, 0.29)
    assert at["accuracy"] == round(2 / 3, 4) and at["false_refusals"] == 0.5 and at["coverage"] == round(1 / 3, 4)
    assert calibrate({"a": rows}, 0.29, tmp_path)["chosen"]["accuracy"] == round(2 / 3, 4)
