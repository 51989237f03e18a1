"""The one public surface: ``ask()``, ``ask_stream()``, ``ingest()`` and ``Engine``.

An ``Engine`` owns one store connection, one embedder, one retriever and one
answerer, built from a ``Settings``. The module-level functions use a default
engine built lazily from ``Settings.load()`` (defaults, rag.toml, RAG_* env),
so ``from rag import ask; ask("...")`` just works. The chat UI, the CLI and the
eval suite all go through an Engine; none has retrieval logic of its own.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from pathlib import Path
from typing import Any, Iterator

from .errors import UserError
from .settings import Settings
from .types import Answer, IngestReport

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
    from .text import content_words

    if FOLLOW_UP_WORDS.search(question) or len(content_words(question)) <= 2 or question.lower().startswith(("and ", "what about", "how about")):
        return f"{previous[-1].strip()} {question.strip()}"
    return question


class Engine:
    def __init__(self, settings: Settings | None = None, *, writer: bool = False, purpose: str = "rag") -> None:
        self.settings = settings or Settings.load()
        self.writer = writer
        self.purpose = purpose
        self._store = None
        self._embedder = None
        self._retriever = None
        self._answerer = None
        self._lock = threading.RLock()  # guards building and swapping the parts
        self._answer_lock = threading.Lock()  # one answer at a time (llama.cpp is not thread-safe)
        self._ingest_lock = threading.Lock()  # one ingest at a time; held apart so asks go on meanwhile

    # -- lazy parts --------------------------------------------------------
    @property
    def embedder(self):
        if self._embedder is None:
            from .embedders import get_embedder

            s = self.settings
            self._embedder = get_embedder(s.embedding_model, s.embedding_batch_size, s.embedding_runtime, str(s.cache_dir))
        return self._embedder

    @property
    def store(self):
        if self._store is None:
            from .store import ChromaStore

            self._store = ChromaStore(self.settings, self.settings.embedding_model, writer=self.writer, purpose=self.purpose)
        return self._store

    @property
    def retriever(self):
        if self._retriever is None:
            from .retrieve import Retriever

            self._retriever = Retriever(self.store, self.embedder)
        return self._retriever

    @property
    def answerer(self):
        if self._answerer is None:
            from .answerers import make_answerer

            self._answerer = make_answerer(self.settings)
        return self._answerer

    def reconfigure(self, **changes: Any) -> None:
        """Change settings in place (the chat UI's settings panel); reopens only what changed."""
        new = self.settings.replace(**changes)
        store_fields = ("collection", "store_dir", "chroma_url", "embedding_model")
        moves_store = any(getattr(new, f) != getattr(self.settings, f) for f in store_fields)
        # Lock order everywhere: ingest lock, then parts lock. The store is never closed under a running ingest.
        with self._ingest_lock if moves_store else contextlib.nullcontext(), self._lock:
            if moves_store:
                self.close()
            if (new.llm, new.llm_model, new.llm_base_url) != (self.settings.llm, self.settings.llm_model, self.settings.llm_base_url):
                self._answerer = None
            embedder_fields = ("embedding_model", "embedding_runtime", "embedding_batch_size", "cache_dir")
            if any(getattr(new, f) != getattr(self.settings, f) for f in embedder_fields):
                self._embedder = self._retriever = None
            self.settings = new

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
            self._retriever = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- ingest ------------------------------------------------------------
    def ingest(self, path: str | Path | None = None, *, rebuild: bool = False, progress=None) -> IngestReport:
        """Index a folder. Questions keep being answered while it runs (only ingests queue behind each other)."""
        from .ingest.pipeline import check_corpus, ingest_folder

        root = Path(path) if path is not None else self.settings.corpus_dir
        with self._ingest_lock:
            with self._lock:
                check_corpus(root)  # fail on a bad folder before touching the store
                if rebuild:
                    self.rebuild_store()
                if not self.writer:
                    self.close()
                    self.writer = True
                store, embedder, settings = self.store, self.embedder, self.settings
            report = ingest_folder(
                root, store, embedder, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap,
                max_file_mb=settings.max_file_mb, batch_size=settings.embedding_batch_size,
                show_progress=settings.show_progress and progress is None, progress=progress,
            )
            if self._retriever is not None:
                self._retriever.invalidate()
            return report

    def rebuild_store(self) -> None:
        """Delete the collection (server) or the embedded store folder, then reopen."""
        if self.settings.chroma_url:
            store = self.store
            try:
                store.client.delete_collection(self.settings.collection)
            except Exception:
                pass
            self.close()
            return
        self.close()
        from .store import destroy_embedded_store

        try:
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
        except Exception:  # pragma: no cover
            pass
        destroy_embedded_store(self.settings)

    # -- ask ---------------------------------------------------------------
    def _prepare(self, question: str, history: list | None, top_k: int | None):
        from .answerers.base import AnswerContext

        if not isinstance(question, str):
            raise UserError(f"question must be a string, not {type(question).__name__}")
        question = question.strip()
        if not question:
            raise UserError("the question is empty; ask something about the documents, e.g. rag ask \"Who was released?\"")
        if len(question) > self.settings.max_question_chars:
            raise UserError(f"the question is {len(question):,} characters long; the limit is {self.settings.max_question_chars:,} (setting max_question_chars). Shorten it to the actual question")
        k = self.settings.top_k if top_k is None else int(top_k)
        if not 1 <= k <= 100:
            raise UserError(f"top_k={k} must be between 1 and 100")
        turns = normalise_history(history)
        standalone = self.answerer.rewrite(question, turns) if hasattr(self.answerer, "rewrite") else standalone_question(question, turns)
        retriever = self.retriever
        index = retriever.lexical()  # one store.count() per question
        if not index.ids:
            raise UserError(f"the store at {self.store.location} (collection {self.settings.collection!r}) is empty; run `rag ingest` first")
        vector = retriever.embed_query(standalone)
        passages = retriever.search(standalone, k, vector, index)
        return AnswerContext(question=standalone, passages=passages, query_vector=vector, index=index,
                             embedder=self.embedder, original_question=question)

    def ask(self, question: str, *, history: list | None = None, top_k: int | None = None) -> Answer:
        started = time.perf_counter()
        with self._answer_lock:
            with self._lock:
                ctx = self._prepare(question, history, top_k)
                answerer = self.answerer
            answer = answerer.answer(ctx)
        return _timed(answer, started)

    def ask_stream(self, question: str, *, history: list | None = None, top_k: int | None = None) -> Iterator[str | Answer]:
        """Yield text pieces as the answer is produced, then the final ``Answer``."""
        started = time.perf_counter()
        with self._answer_lock:  # a plain Lock: the consumer may resume this generator on another thread
            with self._lock:
                ctx = self._prepare(question, history, top_k)
                answerer = self.answerer
            for item in answerer.stream(ctx):
                if isinstance(item, Answer):
                    yield _timed(item, started)
                else:
                    yield item

    def stats(self) -> dict[str, Any]:
        ids_meta = self.store.all_metadata()
        sources = {m.get("source") for m in ids_meta.values()}
        return {"documents": len(sources), "chunks": len(ids_meta), "collection": self.settings.collection,
                "store": self.store.location, "llm": self.settings.llm}


def _timed(answer: Answer, started: float) -> Answer:
    import dataclasses

    return dataclasses.replace(answer, seconds=round(time.perf_counter() - started, 4))


_default: Engine | None = None
_default_lock = threading.Lock()


def default_engine() -> Engine:
    global _default
    with _default_lock:
        if _default is None:
            _default = Engine(Settings.load())
        return _default


def ask(question: str, *, history: list | None = None, top_k: int | None = None) -> Answer:
    """Answer ``question`` from the indexed documents, with numbered citations."""
    return default_engine().ask(question, history=history, top_k=top_k)


def ask_stream(question: str, *, history: list | None = None, top_k: int | None = None) -> Iterator[str | Answer]:
    return default_engine().ask_stream(question, history=history, top_k=top_k)


def ingest(path: str | Path | None = None, *, rebuild: bool = False) -> IngestReport:
    return default_engine().ingest(path, rebuild=rebuild)
