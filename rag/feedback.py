"""Thumbs up/down on answers, logged locally: one JSON object per line, appended, never rewritten.

Both faces log through here: the chat window's 👍/👎 (``ui/app.py``) and ``POST /v1/feedback``
(``rag/server.py``); ``rag eval --from-feedback`` (``eval/from_feedback.py``) reads the log back. The
file is ``feedback.log`` (``.rag/feedback.jsonl``). One line per click:

``time`` (ISO 8601 UTC), ``verdict`` (``up``, ``down``, or ``cleared`` when the chat window's thumb is
clicked off again), ``comment``, ``collection``, ``answer_id`` (the chat completion id in the API, one
id per answer in the chat window: a later line for the same id replaces an earlier one), ``face``
(``ui`` or ``api``), ``question``, ``history`` (earlier turns, ``{"role", "content"}``), ``answer`` (the
text with its ``[n]`` markers), ``answered``, ``conflict``, ``answerer``, ``standalone_question``, and
``citations`` (marker, source, title, heading, location, page, text, highlights).

Appends from threads and processes never interleave: each line is one ``os.write`` on an ``O_APPEND``
descriptor, made under a per-file thread lock and an exclusive ``flock`` on the file.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import threading
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import BackendError, UserError
from .types import Answer, Citation, location

VERDICTS = ("up", "down")
CLEARED = "cleared"
MAX_COMMENT_CHARS = 2000
CITATION_KEYS = ("marker", "source", "title", "heading", "location", "page", "text", "highlights")

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def citation_record(c: Citation | Mapping[str, Any]) -> dict[str, Any]:
    """A citation as logged and exported: where it is (source, title, heading path, page) and the passage."""
    get = (lambda k, d: getattr(c, k, d)) if isinstance(c, Citation) else (lambda k, d: c.get(k, d))
    title, heading, page = str(get("title", "") or ""), str(get("heading", "") or ""), _int(get("page", 0))
    return {"marker": _int(get("marker", 0)), "source": str(get("source", "") or ""), "title": title, "heading": heading,
            "location": str(get("location", "") or location(title, heading, page)), "page": page,
            "text": str(get("text", "") or ""), "highlights": [str(h) for h in get("highlights", ()) or ()]}


def answer_record(answer: Answer, question: str | None = None, history: Iterable[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """One question and its answer, as the feedback log and the Markdown export keep it."""
    return {"question": question if question is not None else answer.question, "history": _history(history),
            "answer": answer.text, "answered": answer.answered, "conflict": answer.conflict, "answerer": answer.answerer,
            "standalone_question": answer.standalone_question, "citations": [citation_record(c) for c in answer.citations]}


def entry(record: Mapping[str, Any], verdict: str, *, comment: str = "", collection: str = "", answer_id: str = "",
          face: str = "") -> dict[str, Any]:
    """A log line: the verdict on ``record`` (see ``answer_record``), checked; ``UserError`` for bad input."""
    if verdict not in (*VERDICTS, CLEARED):
        raise UserError(f"verdict {verdict!r} must be 'up' or 'down'")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise UserError(f"the comment is {len(comment):,} characters long; the limit is {MAX_COMMENT_CHARS:,}")
    question = str(record.get("question") or "").strip()
    if not question:
        raise UserError("feedback needs the question that was answered")
    return {"time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "verdict": verdict, "comment": comment,
            "collection": collection, "answer_id": answer_id, "face": face, "question": question,
            "history": _history(record.get("history")), "answer": str(record.get("answer") or ""),
            "answered": bool(record.get("answered", True)), "conflict": bool(record.get("conflict", False)),
            "answerer": str(record.get("answerer") or ""), "standalone_question": str(record.get("standalone_question") or ""),
            "citations": [citation_record(c) for c in record.get("citations") or []]}


def append(path: str | Path, line: Mapping[str, Any]) -> None:
    """Append one JSON line to ``path`` (created with its folder); concurrent appends never interleave."""
    path = Path(path).expanduser()
    data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
    key = str(path.resolve())
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with lock:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # other processes (rag ui and rag serve on one log)
                view = memoryview(data)
                while view:  # one write in practice; a short write is finished before the lock is released
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)  # releases the flock
    except OSError as exc:
        raise BackendError(f"cannot write the feedback log {path}: {exc.strerror or exc} (setting feedback.log)") from None


def log(path: str | Path, record: Mapping[str, Any], verdict: str, **fields: Any) -> dict[str, Any]:
    """Check and append one verdict (``entry`` + ``append``); returns the line written."""
    line = entry(record, verdict, **fields)
    append(path, line)
    return line


def read(path: str | Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, entry) for every line of a feedback log. A missing file or a line that is not a
    feedback entry is a ``UserError`` naming the file and the line: nothing is read past a corrupt line."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"feedback log {path} does not exist (rate answers in the chat window or POST /v1/feedback first; "
                        "setting feedback.log)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the feedback log {path}: {getattr(exc, 'strerror', None) or exc}") from None
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}:{lineno}: not a JSON line ({exc.msg} at column {exc.colno}); fix or delete that line") from None
        problem = _problem(item)
        if problem:
            raise UserError(f"{path}:{lineno}: not a feedback entry ({problem}); fix or delete that line")
        out.append((lineno, item))
    return out


def _problem(item: Any) -> str:
    if not isinstance(item, dict):
        return f"a JSON {type(item).__name__}, not an object"
    if not isinstance(item.get("question"), str) or not item["question"].strip():
        return "no question"
    if item.get("verdict") not in (*VERDICTS, CLEARED):
        return f"verdict {item.get('verdict')!r}"
    if not isinstance(item.get("answer", ""), str) or not isinstance(item.get("citations", []), list):
        return "answer or citations of the wrong type"
    if not all(isinstance(c, dict) for c in item.get("citations", [])):
        return "a citation that is not an object"
    return ""


def _history(turns: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    return [{"role": str(t.get("role", "")), "content": str(t.get("content", ""))} for t in turns or []
            if isinstance(t, Mapping) and t.get("role") in ("user", "assistant")]


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
