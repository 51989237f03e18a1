"""A conversation as Markdown with its citations (the chat window's export, ``rag ask --markdown``).

Each turn: the question as a heading, the answer with its ``[n]`` markers, then the numbered sources,
each with its title, heading path, page and file, and the passage quoted as stored (the sentences the
answer rests on in bold). Turns are the records of ``rag.feedback.answer_record``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable, Mapping

from .feedback import citation_record


def conversation_markdown(turns: Iterable[Mapping[str, Any]], *, collection: str = "", when: dt.datetime | None = None) -> str:
    turns = list(turns)
    when = when or dt.datetime.now(dt.timezone.utc)
    meta = [f"exported {when.isoformat(timespec='seconds')}", f"{len(turns)} question{'s' if len(turns) != 1 else ''}"]
    if collection:
        meta.insert(0, f"collection `{collection}`")
    parts = ["# Conversation with the documents", "", " · ".join(meta)]
    for n, turn in enumerate(turns, 1):
        parts += ["", f"## {n}. {_one_line(turn.get('question', ''))}", ""]
        answer = str(turn.get("answer", "")).strip()
        parts.append(answer if turn.get("answered", True) else f"*{answer}*")
        if turn.get("conflict"):
            parts += ["", "*The sources disagree; both sides are cited.*"]
        citations = [citation_record(c) for c in turn.get("citations") or []]
        if citations:
            parts += ["", "**Sources**"]
            for c in citations:
                parts += ["", source_markdown(c)]
    return "\n".join(parts) + "\n"


def source_markdown(c: Mapping[str, Any]) -> str:
    """``[n] **Title** › heading path · p. N · `source``` then the passage as a block quote."""
    path = " › ".join(p for p in str(c.get("heading", "")).split(" › ") if p and p != c.get("title"))
    where = " · ".join(x for x in (f"› {path}" if path else "", f"p. {c['page']}" if c.get("page") else "", f"`{c.get('source', '')}`") if x)
    head = f"[{c.get('marker', '?')}] **{_one_line(c.get('title') or c.get('source', ''))}** {where}"
    return head + "\n\n" + quote(str(c.get("text", "")), c.get("highlights") or ())


def quote(text: str, highlights: Iterable[str] = ()) -> str:
    """``text`` as a Markdown block quote, with the ``highlights`` found in it in bold."""
    pieces = {p.strip() for h in highlights for p in re.split(r"(?<=[.!?])\s+", h or "") if p.strip()}
    for piece in sorted(pieces, key=len, reverse=True):  # a highlight may span sentences the passage breaks apart
        if piece in text and f"**{piece}" not in text:
            text = text.replace(piece, f"**{piece}**", 1)
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.strip().split("\n")]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())
