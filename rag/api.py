"""The one public surface: ``ask()``, ``ask_stream()``, ``ingest()`` and ``Engine``.

An ``Engine`` owns one store connection, one embedder, one retriever and one
answerer, built from a ``Settings``. The module-level functions use a default
engine built lazily from ``Settings.load()`` (defaults, rag.toml, RAG_* env),
so ``from rag import ask; ask("...")`` just works. The chat UI, the CLI and the
eval suite all go through an Engine; none has retrieval logic of its own.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any, Iterator

from .conversation import answer_terms, normalise_history, standalone_question
from .errors import BackendError, NotFoundError, UserError
from .settings import Settings
from .types import Answer, Filters, IngestReport, Passage
from .text import expand_abbreviations, stem

class Engine:
    """One store, embedder, retriever and answerer, built lazily from ``settings``.

    ``answerer``, ``embedder`` and ``llm`` replace the parts the settings would
    build (the public test seams: a fake LLM, a deterministic embedder); a part
    passed in is kept when ``reconfigure`` changes unrelated settings.
    """

    def __init__(self, settings: Settings | None = None, *, writer: bool = False, purpose: str = "rag",
                 answerer=None, embedder=None, llm=None) -> None:
        self.settings = settings or Settings.load()
        self.writer = writer
        self.purpose = purpose
        self._store = None
        self._embedder = embedder
        self._embedder_given = embedder is not None  # a test seam's embedder scores sentences too
        self._sentence_embedder = None
        self._retriever = None
        self._llm = llm
        self._answerer = answerer
        self._other_answerers: dict[str, Any] = {}  # per-call backends (answerer_for), built once each
        self._lock = threading.RLock()  # guards building and swapping the parts
        self._answer_lock = threading.Lock()  # one answer at a time (llama.cpp is not thread-safe)
        self._ingest_lock = threading.Lock()  # one ingest at a time; held apart so asks go on meanwhile

    # -- lazy parts --------------------------------------------------------
    # Built on first use under the parts lock, so threads racing for a part (the server's thread pool on its
    # first requests) build it once: two stores would each take the store lock, two retrievers two indexes.
    def _part(self, name: str, build):
        part = getattr(self, name)
        if part is None:
            with self._lock:
                part = getattr(self, name)
                if part is None:
                    part = build()
                    setattr(self, name, part)
        return part

    @property
    def sentence_embedder(self):
        """The embedder that scores candidate sentences (``scoring.sentence_runtime``): the store's own by default,
        or a faster runtime of the same model (its int8 graph) for the dozen sentences each question embeds."""
        runtime = self.settings.scoring.sentence_runtime
        if not runtime or runtime == self.settings.embedding.runtime or self._embedder_given:
            return self.embedder

        def build():
            from .embedders import get_embedder

            s = self.settings
            return get_embedder(s.embedding.model, s.embedding.batch_size, runtime, str(s.embedding.cache_dir))
        return self._part("_sentence_embedder", build)

    @property
    def embedder(self):
        def build():
            from .embedders import get_embedder

            s = self.settings
            return get_embedder(s.embedding.model, s.embedding.batch_size, s.embedding.runtime, str(s.embedding.cache_dir))

        return self._part("_embedder", build)

    @property
    def store(self):
        def build():
            from .embedders import vector_identity
            from .store import ChromaStore

            s = self.settings
            return ChromaStore(s, vector_identity(s.embedding.model, s.embedding.runtime), writer=self.writer, purpose=self.purpose)

        return self._part("_store", build)

    @property
    def retriever(self):
        def build():
            from .retrieve import Retriever

            return Retriever(self.store, self.embedder, self.settings)

        return self._part("_retriever", build)

    @property
    def answerer(self):
        def build():
            from .answerers import make_answerer

            return make_answerer(self.settings, llm=self._llm)

        return self._part("_answerer", build)

    def reconfigure(self, **changes: Any) -> None:
        """Change settings in place (the chat UI's settings panel); reopens only what changed."""
        new = self.settings.replace(**changes)
        old = self.settings
        from .embedders import vector_identity

        moves_store = new.store != old.store or (vector_identity(new.embedding.model, new.embedding.runtime)
                                                 != vector_identity(old.embedding.model, old.embedding.runtime))
        # Lock order everywhere: ingest lock, then parts lock. The store is never closed under a running ingest.
        with self._ingest_lock if moves_store else contextlib.nullcontext(), self._lock:
            if moves_store:
                self.close()
            if new.llm != old.llm or new.answer != old.answer or new.scoring != old.scoring:
                self._answerer = self._llm = None
                self._other_answerers = {}
            if new.embedding != old.embedding:
                self._embedder = self._retriever = self._sentence_embedder = None
            elif new.retrieval.reranker != old.retrieval.reranker or new.retrieval.exact_dense != old.retrieval.exact_dense or new.scoring != old.scoring:
                self._retriever = None
            if new.scoring.sentence_runtime != old.scoring.sentence_runtime:
                self._sentence_embedder = None
            self.settings = new

    def close(self) -> None:
        if self._embedder is not None:
            self._embedder.save_words()  # words met by questions since the last save (a store ingested before them)
        if self._store is not None:
            self._store.close()
            self._store = None
            self._retriever = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- ingest ------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self, folder: str | Path | None = None) -> Iterator[None]:
        """Held by every write (ingest, upload, delete): this engine's ingest lock and, with a Chroma server, the
        corpus folder's lock file, so processes writing through one folder take turns (rag/lock.py). Lock order:
        this, then the parts lock; never wait for it while holding the parts lock (questions would wait too)."""
        from .lock import CorpusLock

        with self._ingest_lock:
            lock = None
            if self.settings.store.chroma_url:
                lock = CorpusLock(Path(folder) if folder is not None else self.settings.ingest.corpus_dir,
                                  self.settings.store.corpus_lock_timeout)
                try:
                    lock.acquire(self.purpose)
                except OSError:  # no lock file possible (a read-only or missing folder): go on as without a server
                    lock = None
            try:
                yield
            finally:
                if lock is not None:
                    lock.release()

    def ingest(self, path: str | Path | None = None, *, rebuild: bool = False, progress=None) -> IngestReport:
        """Index a folder. Questions keep being answered while it runs (only ingests queue behind each other)."""
        with self._writing(path):
            return self._ingest(path, rebuild=rebuild, progress=progress)

    def _ingest(self, path: str | Path | None = None, *, rebuild: bool = False, progress=None) -> IngestReport:
        """``ingest`` with the ingest lock already held."""
        from .ingest.pipeline import check_corpus, ingest_folder

        root = Path(path) if path is not None else self.settings.ingest.corpus_dir
        with self._lock:
            check_corpus(root)  # fail on a bad folder before touching the store
            if rebuild:
                self.rebuild_store()
            store, embedder, settings = self._writable_store(), self.embedder, self.settings
        texts: list[str] = []  # of the chunks this ingest embedded: their words are warmed, not the whole store's
        report = ingest_folder(
            root, store, embedder, chunk_size=settings.chunking.size, chunk_overlap=settings.chunking.overlap,
            max_file_mb=settings.ingest.max_file_mb, batch_size=settings.embedding.batch_size,
            show_progress=settings.ingest.show_progress and progress is None, progress=progress, written=texts.extend,
        )
        if self._retriever is not None:
            self._retriever.invalidate()
        if texts:
            started = time.perf_counter()
            self.retriever.warm_words(texts)
            report.seconds += time.perf_counter() - started  # part of the ingest's work, counted in its time
        return report

    def _writable_store(self):
        """The store, reopened as a writer if it was opened for reading (call with ``_lock`` held)."""
        if not self.writer:
            self.close()
            self.writer = True
        return self.store

    def add_files(self, files: list[tuple[str, str | Path]], *, all_or_nothing: bool = False, progress=None):
        """Copy uploaded files into ``<corpus_dir>/uploads`` and index them; returns an ``UploadReport``.

        ``files`` are (original name, path of the received bytes). Names are sanitised; a file of an
        unsupported type, empty or over ``ingest.max_file_mb`` is refused before anything is copied
        (``all_or_nothing``: then nothing is added and the error says why, ``TooLargeError`` for size);
        a file the ingest skips is removed again (or the indexed file it replaced put back)."""
        from .uploads import Staged, UploadReport, check_files, refuse_all

        accepted, refused = check_files([(name, Path(path)) for name, path in files], self.settings.ingest.max_file_mb)
        if all_or_nothing:
            refuse_all(refused)
        out = UploadReport(refused=[(name, why) for name, why, _ in refused])
        if not accepted:
            return out
        with self._writing():  # copies too: two uploads of one name never interleave with an ingest
            root = Path(self.settings.ingest.corpus_dir)
            staged = Staged(root)
            try:
                staged.copy(accepted)
                out.ingest = self._ingest(root, progress=progress)
            except BaseException:
                staged.undo()
                raise
            staged.settle(out.ingest, out)
        return out

    def documents(self) -> list[dict[str, Any]]:
        """One entry per stored file: source, title, author, date, publisher, chunks, file hash, and the
        file's size and modification time when it is in the corpus folder."""
        import datetime as dt

        from .documents import list_documents

        by_source = {d.source: {**d.to_dict(), "bytes": None, "modified": None} for d in list_documents(self)}
        for doc in by_source.values():
            path = Path(doc["corpus"]) / doc["source"] if doc["corpus"] else None
            try:
                st = path.stat() if path is not None else None
            except OSError:
                st = None
            if st is not None:
                doc["bytes"] = st.st_size
                doc["modified"] = dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc).isoformat(timespec="seconds")
        return sorted(by_source.values(), key=lambda d: d["source"])

    def remove_document(self, source: str) -> dict[str, Any]:
        """Delete a stored file: its chunks leave the store and the lexical index, and the file leaves the
        corpus folder (only when it lies inside ``ingest.corpus_dir``). ``NotFoundError`` when no chunk has
        that source."""
        with self._writing(), self._lock:
            store = self._writable_store()
            metas = store.all_metadata()
            ids = [i for i, m in metas.items() if m.get("source") == source]
            if not ids:
                raise NotFoundError(f"no document {source!r} in collection {self.settings.store.collection!r}; GET /v1/documents lists them")
            root = Path(self.settings.ingest.corpus_dir).resolve()
            removed_file = False
            if {metas[i].get("corpus") for i in ids} & {str(root)}:
                path = (root / source).resolve()
                if path.is_relative_to(root) and path != root and path.is_file():
                    try:
                        path.unlink()  # the file first: if the chunks then fail to go, the next ingest removes them
                    except OSError as exc:
                        raise BackendError(f"cannot remove {path}: {exc.strerror or exc}") from None
                    removed_file = True
            store.delete(ids)
            if self._retriever is not None:
                self._retriever.invalidate()
        return {"source": source, "chunks_removed": len(ids), "file_removed": removed_file}

    def collections(self) -> list[str]:
        """Names of the collections in this store (embedded folder or Chroma server)."""
        try:
            found = self.store.client.list_collections()
        except Exception as exc:
            raise BackendError(f"cannot list the collections of {self.store.location}: {type(exc).__name__}: {str(exc)[:200]}") from None
        return sorted(c if isinstance(c, str) else c.name for c in found)

    def rebuild_store(self) -> None:
        """Delete the collection (server) or the embedded store folder, then reopen."""
        if self.settings.store.chroma_url:
            store = self.store
            try:
                store.client.delete_collection(self.settings.store.collection)
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
    def _check(self, question: str, top_k: int | None) -> tuple[str, int]:
        """The stripped question and k, or a ``UserError`` naming what is wrong."""
        if not isinstance(question, str):
            raise UserError(f"question must be a string, not {type(question).__name__}")
        question = question.strip()
        if not question:
            raise UserError("the question is empty; ask something about the documents, e.g. rag ask \"Who was released?\"")
        if len(question) > self.settings.answer.max_question_chars:
            raise UserError(f"the question is {len(question):,} characters long; the limit is {self.settings.answer.max_question_chars:,} (setting max_question_chars). Shorten it to the actual question")
        try:
            k = self.settings.retrieval.top_k if top_k is None else int(top_k)
        except (TypeError, ValueError):
            raise UserError(f"top_k={top_k!r} must be a whole number between 1 and 100") from None
        if not 1 <= k <= 100:
            raise UserError(f"top_k={k} must be between 1 and 100")
        return question, k

    def _index(self):
        retriever = self.retriever
        index = retriever.lexical()  # one store.count() per question
        if not index.ids:
            raise UserError(f"the store at {self.store.location} (collection {self.settings.store.collection!r}) is empty; run `rag ingest` first")
        return retriever, index

    def answerer_for(self, backend: str | None = None):
        """The answerer of ``backend`` (an LLM backend name, ``rag llms``) for one call, leaving the engine's own
        setting alone: the chat window's dropdown must not change what the HTTP API's clients get."""
        if not backend or backend == self.settings.llm.backend:
            return self.answerer
        from .llms import LLMS

        if backend != "extractive":  # the model-free answerer, not an LLM backend
            LLMS.check(backend)  # an unknown name: a UserError listing the valid ones
        with self._lock:
            if backend not in self._other_answerers:
                from .answerers import make_answerer

                self._other_answerers[backend] = make_answerer(self.settings.replace(llm=backend))
            return self._other_answerers[backend]

    def _prepare(self, question: str, history: list | None, top_k: int | None, filters: Filters | None = None,
                 answerer=None):
        from .answerers.base import AnswerContext
        from .retrieve import distinct, following_passages, part_passages, rare_name_passages

        question, k = self._check(question, top_k)
        retriever, index = self._index()
        # "env var" as the pages write it: "environment variable" (unless they write the shorthand themselves)
        question = expand_abbreviations(question, used=lambda word: stem(word) in index.vocab)
        turns = normalise_history(history)
        standalone = (answerer or self.answerer).rewrite(question, turns)
        if standalone != question and self.settings.retrieval.answer_terms and standalone == standalone_question(question, turns):
            # a follow-up rewritten without a model (a model's rewrite says what "them" is itself): the previous answer's topic
            standalone = " ".join([standalone, *answer_terms(turns, standalone, index, self.settings.retrieval.answer_terms)])
        vector = retriever.embed_query(standalone)
        passages = retriever.search(standalone, k, vector, index, filters)
        if self.settings.retrieval.expand:  # what the ranking alone misses: see RetrievalSettings.expand
            seen = {p.id for p in passages}
            parts = part_passages(retriever, question, index, seen, filters) if standalone == question else []
            passages = passages + parts + rare_name_passages(standalone, index, seen, filters) \
                + following_passages(passages, index, seen, filters=filters)
            passages = distinct(passages, len(passages))  # the same text stored under two file names is offered once
        scorer = self.sentence_embedder
        if scorer is not self.embedder:  # sentences are scored against the question in the scorer's own vector space
            vector = scorer.encode_cached([standalone])[0]
        return AnswerContext(question=standalone, passages=passages, query_vector=vector, index=index,
                             embedder=scorer, original_question=question, history=turns, words=retriever.embedder,
                             search=lambda claim: retriever.search(claim, k, None, index, filters))

    def search(self, query: str, *, top_k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        """The passages ``ask`` would answer from, scored, without an answer (same checks as ``ask``)."""
        with self._lock:
            query, k = self._check(query, top_k)
            retriever, index = self._index()
            return retriever.search(query, k, None, index, filters)

    def ask(self, question: str, *, history: list | None = None, top_k: int | None = None, filters: Filters | None = None,
            backend: str | None = None) -> Answer:
        """Answer from the indexed documents; ``filters`` limits the passages (by source, by metadata); ``backend``
        answers this one question with another LLM backend than the settings name."""
        started = time.perf_counter()
        with self._answer_lock:
            with self._lock:
                answerer = self.answerer_for(backend)
                ctx = self._prepare(question, history, top_k, filters, answerer)
            answer = answerer.answer(ctx)
        return _timed(answer, started, question.strip())

    def ask_stream(self, question: str, *, history: list | None = None, top_k: int | None = None,
                   filters: Filters | None = None, backend: str | None = None) -> Iterator[str | Answer]:
        """Yield text pieces as the answer is produced, then the final ``Answer`` (arguments as for ``ask``)."""
        started = time.perf_counter()
        with self._answer_lock:  # a plain Lock: the consumer may resume this generator on another thread
            with self._lock:
                answerer = self.answerer_for(backend)
                ctx = self._prepare(question, history, top_k, filters, answerer)
            for item in answerer.stream(ctx):
                if isinstance(item, Answer):
                    yield _timed(item, started, question.strip())
                else:
                    yield item

    def check_citations(self, answer: Answer) -> list[tuple[bool, int, int]]:
        """Per sentence of an answer: (supported by its cited passages, precise citations, citations).

        The same check (verify.py) that generated answers pass through, so the
        product and the eval suite agree on what "supported" means."""
        from .verify import answer_sentences, as_shown, citation_quality

        if not answer.answered:
            return []
        passages = {c.marker: as_shown(c.text, c.heading, c.title, c.publisher, c.date) for c in answer.citations}
        index = self.retriever.lexical()
        return [citation_quality(sentence, markers, passages, index, self.embedder, self.settings.scoring.support_threshold)
                for sentence, markers in answer_sentences(answer.text)]

    def stats(self) -> dict[str, Any]:
        ids_meta = self.store.all_metadata()
        sources = {m.get("source") for m in ids_meta.values()}
        return {"documents": len(sources), "chunks": len(ids_meta), "collection": self.settings.store.collection,
                "store": self.store.location, "llm": self.settings.llm.backend}


def _timed(answer: Answer, started: float, asked: str) -> Answer:
    """The answer with its time, and the question as the user wrote it (``_prepare`` spells out shorthand)."""
    import dataclasses

    return dataclasses.replace(answer, seconds=round(time.perf_counter() - started, 4), question=asked)


_default: Engine | None = None
_default_lock = threading.Lock()


def default_engine() -> Engine:
    global _default
    with _default_lock:
        if _default is None:
            _default = Engine(Settings.load())
        return _default


def reset_default() -> None:
    """Close and forget the default engine; the next ``ask()`` builds one from the current settings."""
    global _default
    with _default_lock:
        if _default is not None:
            _default.close()
        _default = None


def ask(question: str, *, history: list | None = None, top_k: int | None = None) -> Answer:
    """Answer ``question`` from the indexed documents, with numbered citations."""
    return default_engine().ask(question, history=history, top_k=top_k)


def ask_stream(question: str, *, history: list | None = None, top_k: int | None = None) -> Iterator[str | Answer]:
    return default_engine().ask_stream(question, history=history, top_k=top_k)


def ingest(path: str | Path | None = None, *, rebuild: bool = False) -> IngestReport:
    return default_engine().ingest(path, rebuild=rebuild)
