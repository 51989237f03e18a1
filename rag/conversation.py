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


def standalone_question(question: str, history: list[dict[str, str]]) -> str:
    """Rewrite a follow-up into a standalone question without a model.

    A question that leans on the previous turn (pronouns like "they", "there",
    or very few content words) gets the previous user question prepended, so
    retrieval sees both. Generative backends rewrite with the LLM instead.
    """
    previous = [m["content"] for m in history if m["role"] == "user"]
    if not previous:
        return question
    if FOLLOW_UP_WORDS.search(question) or len(content_words(question)) <= 2 or question.lower().startswith(("and ", "what about", "how about")):
        return f"{previous[-1].strip()} {question.strip()}"
    return question
