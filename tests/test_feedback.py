"""Feedback on answers (the JSONL log, POST /v1/feedback), drafts from it (`rag eval --from-feedback`), and the
Markdown export of a conversation. The chat window's side of both is in tests/test_ui.py."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rag import feedback
from rag.errors import BackendError, UserError
from rag.export import conversation_markdown, quote
from rag.types import Answer, Citation

from .conftest import ROOT

DECEMBER = "How many prisoners were released in December?"
PRAVDA = "european-pravda-trumps-deal-with-belarus.txt"


def cited_answer(question: str = DECEMBER, text: str = "It released 123 political prisoners [1]. Bialiatski was one [2].") -> Answer:
    return Answer(text=text, answered=True, question=question, standalone_question=question, citations=[
        Citation(marker=1, source=PRAVDA, title="Trump’s deal", text="Intro.\n\nIt released 123 political prisoners. More.", score=0.9,
                 highlights=("It released 123 political prisoners.",), heading="Trump’s deal › The release", page=0),
        Citation(marker=2, source="reports/annual.pdf", title="Annual report", text="Ales Bialiatski was among them.", score=0.7,
                 heading="Annual report › Prisoners › 2025", page=3)])


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- the log ------------------------------------------------------------------------------------

def test_a_verdict_is_one_json_line_with_the_answer_its_citations_and_the_time(tmp_path):
    log = tmp_path / "deep" / "feedback.jsonl"  # the folder is created
    record = feedback.answer_record(cited_answer(), history=[{"role": "user", "content": "earlier"}, {"role": "system", "content": "x"}])
    feedback.log(log, record, "up", comment=" spot on ", collection="documents", answer_id="a1", face="ui")
    feedback.log(log, record, "down", collection="documents", answer_id="a1", face="api")
    first, second = lines(log)
    assert first["verdict"] == "up" and first["comment"] == "spot on" and first["collection"] == "documents"
    assert first["question"] == DECEMBER and first["answer"].endswith("[2].") and first["answered"] is True
    assert first["history"] == [{"role": "user", "content": "earlier"}]
    assert first["time"].endswith("+00:00") and first["answer_id"] == "a1" and first["face"] == "ui"
    c1, c2 = first["citations"]
    assert (c1["marker"], c1["source"], c1["heading"], c1["page"]) == (1, PRAVDA, "Trump’s deal › The release", 0)
    assert (c2["source"], c2["heading"], c2["page"], c2["location"]) == ("reports/annual.pdf", "Annual report › Prisoners › 2025", 3,
                                                                        "Prisoners › 2025, p. 3")
    assert c1["text"].startswith("Intro.") and c1["highlights"] == ["It released 123 political prisoners."]
    assert second["verdict"] == "down" and second["face"] == "api"
    assert [n for n, _ in feedback.read(log)] == [1, 2]


@pytest.mark.parametrize("verdict, comment, question, message", [
    ("meh", "", DECEMBER, "verdict 'meh'"),
    ("up", "x" * (feedback.MAX_COMMENT_CHARS + 1), DECEMBER, "comment is 2,001 characters"),
    ("down", "", "   ", "needs the question"),
])
def test_bad_feedback_is_a_user_error_and_nothing_is_written(tmp_path, verdict, comment, question, message):
    log = tmp_path / "feedback.jsonl"
    with pytest.raises(UserError, match=message):
        feedback.log(log, {**feedback.answer_record(cited_answer()), "question": question}, verdict, comment=comment)
    assert not log.exists()


def test_an_unwritable_log_is_a_backend_error_naming_the_setting(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(BackendError, match="feedback.log"):
        feedback.log(tmp_path / "file" / "feedback.jsonl", feedback.answer_record(cited_answer()), "up")


WRITER = """
import sys
from rag import feedback
record = {"question": "process %s", "answer": "y" * 30000, "citations": []}
for i in range(40):
    feedback.log(sys.argv[1], {**record, "question": f"process {sys.argv[2]} line {i}"}, "up")
"""


def test_concurrent_appends_from_threads_and_processes_never_interleave(tmp_path):
    log = tmp_path / "feedback.jsonl"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(log), str(n)], cwd=str(ROOT), env={"PYTHONPATH": str(ROOT)})
             for n in range(2)]
    big = "z" * 70_000  # far over PIPE_BUF: one unlocked write could be split and interleaved

    def write(n: int) -> None:
        for i in range(40):
            feedback.log(log, {"question": f"thread {n} line {i}", "answer": big, "citations": []}, "down")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(p.wait(60) == 0 for p in procs)
    entries = [e for _, e in feedback.read(log)]  # every line parses
    assert len(entries) == 8 * 40
    assert {e["question"] for e in entries} == {f"{who} {n} line {i}" for who, count in (("thread", 6), ("process", 2))
                                                for n in range(count) for i in range(40)}
    assert all(e["answer"] in (big, "y" * 30000) for e in entries)


def test_reading_a_missing_or_corrupt_log_names_the_file_and_line(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        feedback.read(tmp_path / "nope.jsonl")
    log = tmp_path / "feedback.jsonl"
    good = json.dumps(feedback.entry(feedback.answer_record(cited_answer()), "up"))
    log.write_text(good + "\n\n" + '{"question": "q", "verdict": "up", "answer": "a"\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"feedback.jsonl:3: not a JSON line"):
        feedback.read(log)
    log.write_text(good + "\n" + json.dumps({"question": "q", "verdict": "sideways"}) + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"feedback.jsonl:2: not a feedback entry \(verdict 'sideways'\)"):
        feedback.read(log)


# -- drafts for the eval set (rag eval --from-feedback) --------------------------------------------

def _entry(question, verdict, answer="It released 123 political prisoners [1].", answer_id="", comment="", sources=(PRAVDA,),
           answered=True, history=()):
    citations = [{"marker": i, "source": s} for i, s in enumerate(sources, 1)]
    record = {"question": question, "answer": answer, "citations": citations, "answered": answered, "history": list(history)}
    return feedback.entry(record, verdict, comment=comment, collection="documents", answer_id=answer_id)


def test_drafts_from_feedback_in_the_question_set_format(tmp_path):
    from eval.dataset import load_questions
    from eval.from_feedback import drafts

    entries = [
        _entry(DECEMBER, "up", answer_id="a"),
        _entry("how many prisoners were  released in december", "up", answer_id="b", sources=(PRAVDA, "other.txt", PRAVDA)),  # repeat
        _entry("Who is Ales Bialiatski?", "up", answer="He is a singer [1].", answer_id="c"),
        _entry("Who is Ales Bialiatski?", "down", answer="He is a singer [1].", answer_id="c", comment="he won the Nobel Peace Prize"),
        _entry("Who is Ales Bialiatski?", "up", answer="A Nobel Peace Prize winner [1].", answer_id="d"),
        _entry("What is the capital of Mars?", "up", answer="The documents don't say.", answer_id="e", sources=(), answered=False),
        _entry("Which export?", "down", answer="Potash [1].", answer_id="f"),
        _entry("Which export?", "cleared", answer_id="f"),  # a thumb clicked off again counts for nothing
        _entry("And when?", "down", answer="In June [1].", history=[{"role": "user", "content": "Who visited Minsk?"}]),
    ]
    rows = {r["question"]: r for r in drafts(entries)}
    assert set(rows) == {"how many prisoners were  released in december", "Who is Ales Bialiatski?", "What is the capital of Mars?",
                         "And when?"}
    december = rows["how many prisoners were  released in december"]
    assert december["expect"] == "answer" and december["needs_review"] is False and december["category"] == "feedback"
    assert december["sources"] == [PRAVDA, "other.txt"] and december["answer"] == "It released 123 political prisoners."
    assert december["answers"] == [] and "2 up" in december["note"] and "wrong_answers" not in december
    bialiatski = rows["Who is Ales Bialiatski?"]
    assert bialiatski["needs_review"] is True and bialiatski["wrong_answers"] == ["He is a singer."]
    assert bialiatski["answer"] == "A Nobel Peace Prize winner." and "down: he won the Nobel Peace Prize" in bialiatski["note"]
    assert rows["What is the capital of Mars?"]["expect"] == "refuse" and rows["What is the capital of Mars?"]["sources"] == []
    follow_up = rows["And when?"]
    assert follow_up["history"] == [{"role": "user", "content": "Who visited Minsk?"}] and follow_up["needs_review"] is True

    path = tmp_path / "draft.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows.values()), encoding="utf-8")
    loaded = {q.question: q for q in load_questions(path)}  # the eval set's own loader reads the drafts
    assert loaded["Who is Ales Bialiatski?"].needs_review and loaded["Who is Ales Bialiatski?"].wrong_answers == ["He is a singer."]
    assert len({q.id for q in loaded.values()}) == 4


def test_eval_from_feedback_cli_writes_drafts_and_stops_on_a_bad_file(tmp_path, capsys, monkeypatch):
    from rag.cli import main

    log, out = tmp_path / "feedback.jsonl", tmp_path / "drafts" / "draft.jsonl"
    for item in (_entry(DECEMBER, "up", answer_id="a"), _entry("Which export?", "down", answer="Oil [1].", answer_id="b")):
        feedback.append(log, item)
    assert main(["eval", "--from-feedback", str(log), "--out", str(out)]) == 0
    assert "2 feedback lines -> 2 draft questions (1 answerable, 1 need review)" in capsys.readouterr().err
    assert [json.loads(line)["question"] for line in out.read_text().splitlines()] == [DECEMBER, "Which export?"]

    monkeypatch.setenv("RAG_FEEDBACK__LOG", str(log))  # without FILE: the feedback.log setting
    assert main(["eval", "--from-feedback"]) == 0
    assert DECEMBER in capsys.readouterr().out

    assert main(["eval", "--from-feedback", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "x.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.jsonl does not exist" in err
    with open(log, "a", encoding="utf-8") as f:
        f.write("{broken\n")
    assert main(["eval", "--from-feedback", str(log), "--out", str(tmp_path / "y.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "feedback.jsonl:3: not a JSON line" in err
    assert not (tmp_path / "y.jsonl").exists()  # nothing written


def test_eval_skips_questions_that_need_review(tmp_path, capsys):
    from eval.dataset import Question
    from eval.run import reviewed

    qs = [Question(id="a", category="c", question="q1"), Question(id="b", category="c", question="q2", needs_review=True)]
    assert [q.id for q in reviewed(qs, Path("set.jsonl"))] == ["a"]
    assert "1 draft question(s) marked needs_review skipped" in capsys.readouterr().err
    with pytest.raises(UserError, match="every question of set.jsonl is marked needs_review"):
        reviewed(qs[1:], Path("set.jsonl"))


# -- Markdown export ---------------------------------------------------------------------------------

def test_a_conversation_exports_as_markdown_with_numbered_quoted_sources():
    refusal = Answer(text="The documents don't say.", citations=[], answered=False, question="Capital of Mars?")
    md = conversation_markdown([feedback.answer_record(cited_answer()), feedback.answer_record(refusal)], collection="documents")
    assert md.startswith("# Conversation with the documents\n\ncollection `documents` · exported ") and "· 2 questions" in md
    first, second = md.split("\n## ")[1:]
    assert first.startswith(f"1. {DECEMBER}\n\nIt released 123 political prisoners [1]. Bialiatski was one [2].\n\n**Sources**")
    assert f"[1] **Trump’s deal** › The release · `{PRAVDA}`\n\n> Intro.\n>\n> **It released 123 political prisoners.** More." in first
    assert "[2] **Annual report** › Prisoners › 2025 · p. 3 · `reports/annual.pdf`\n\n> Ales Bialiatski was among them." in first
    assert second == "2. Capital of Mars?\n\n*The documents don't say.*\n"  # a refusal cites nothing


def test_quote_bolds_each_highlighted_sentence_once():
    assert quote("A b. C d. E f.", ["C d. E f."]) == "> A b. **C d.** **E f.**"
    assert quote("x\n\n\ny", []) == "> x\n>\n>\n> y"


def test_rag_ask_markdown_prints_the_export_of_one_answer(seeded, capsys):
    from rag.cli import main

    assert main(["--store-dir", str(seeded.store.dir), "ask", "--markdown", DECEMBER]) == 0
    out = capsys.readouterr().out
    assert f"## 1. {DECEMBER}\n\n" in out and "123" in out and "[1]" in out
    assert f"`{PRAVDA}`" in out and "\n> " in out and "**" in out
