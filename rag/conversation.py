"""Conversation turns: normalising chat history and rewriting follow-ups into standalone questions.

Faces hand history over in whatever shape their toolkit uses (Gradio messages,
(user, assistant) pairs); ``normalise_history`` turns it into role/content
messages. ``standalone_question`` is the model-free rewrite the extractive
answerer uses; generative answerers ask their LLM and fall back to it.
"""

from __future__ import annotations

import re

from .text import content_words

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


def is_follow_up(question: str) -> bool:
    """Does a question lean on an earlier turn (a pronoun, "there", "and ...", or hardly any content words)?"""
    return bool(FOLLOW_UP_WORDS.search(question)) or len(content_words(question)) <= 2 \
        or question.lower().startswith(("and ", "what about", "how about"))


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
    while start > 0 and is_follow_up(previous[start]):
        start -= 1
    context = list(dict.fromkeys([previous[start], previous[-1]]))
    return " ".join([*context, question.strip()])
