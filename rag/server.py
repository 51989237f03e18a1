"""``rag serve``: the chat window at ``/`` and an HTTP API at ``/v1``, in one process on one Engine.

The API speaks OpenAI's chat-completions format, so any OpenAI client (the
``openai`` package, Open WebUI, curl) can ask the documents; ``model`` names the
Chroma collection (``GET /v1/models`` lists them). Beside it: ``/v1/search``
(scored passages, no answer), ``/v1/documents`` (list, upload + ingest, delete),
``/v1/feedback`` (thumbs up/down on an answer, by its completion id, appended to
``feedback.log`` through ``rag/feedback.py`` like the chat window's) and
``/health``; FastAPI's OpenAPI page is at ``/docs``.

One ``Engine`` per collection, built lazily and sharing the settings, the
embedding model and the process's store lock; the default collection's engine is
the one the chat window uses, so an upload in either face is seen by both. Every
route is a thin shell over ``Engine`` (ask, ask_stream, search, documents,
add_files, remove_document) or ``rag.feedback``: no retrieval logic here.

Safe by default: binds 127.0.0.1; any other address needs ``serve.api_key``
(``RAG_API_KEY``) or the server refuses to start. With a key, every ``/v1``
request needs ``Authorization: Bearer <key>`` and the chat window asks for a
login (``ui.user``/``ui.password``, else any user name with the key as password).
Errors are JSON ``{"error": {"message", "type", "code"}}`` with an HTTP status
(400 bad input, 401 key, 404 unknown model or document, 413 too large, 503
backend), never a traceback.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from collections import OrderedDict
from typing import Any, Iterator, Literal

from fastapi import APIRouter, Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import feedback
from .api import Engine
from .errors import BackendError, NotFoundError, RagError, TooLargeError, UserError
from .settings import Settings
from .feedback import MAX_COMMENT_CHARS
from .types import Answer, Filters

#: Words per streamed piece of an answer.
STREAM_WORDS = 8


# -- binding and keys --------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    if host.strip().lower() in {"localhost", "localhost.localdomain", "ip6-localhost"}:
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, api_key: str) -> None:
    """Refuse to listen beyond this machine without a key (one-line ``UserError``)."""
    if not is_loopback(host) and not api_key:
        raise UserError(f"binding to {host} (not loopback) needs an API key: set RAG_API_KEY (or serve.api_key in rag.toml), "
                        "or bind 127.0.0.1; clients then send 'Authorization: Bearer <key>'")


class ApiError(Exception):
    def __init__(self, status: int, message: str, type_: str, code: str) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code = status, message, type_, code


def error_body(message: str, type_: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": code}}


def rag_error_status(exc: RagError) -> tuple[int, str, str]:
    """(HTTP status, error type, code) of an engine error."""
    if isinstance(exc, NotFoundError):
        return 404, "invalid_request_error", "not_found"
    if isinstance(exc, TooLargeError):
        return 413, "invalid_request_error", "too_large"
    if isinstance(exc, UserError):
        return 400, "invalid_request_error", "bad_request"
    if isinstance(exc, BackendError):
        return 503, "backend_error", "backend_unavailable"
    return 500, "server_error", "internal_error"


# -- one engine per collection -------------------------------------------------------------

class Engines:
    """The default collection's Engine plus one per other collection asked for, built on first use."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.default_name = settings.store.collection
        self.default = engine or Engine(settings, writer=True, purpose="rag serve")
        self._engines: dict[str, Engine] = {self.default_name: self.default}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        names = self.default.collections()
        return names if self.default_name in names else sorted([*names, self.default_name])

    def get(self, name: str | None = None) -> Engine:
        name = name or self.default_name
        with self._lock:
            engine = self._engines.get(name)
            if engine is None:
                self.check(name)  # never create a collection for a misspelt model name
                engine = Engine(self.default.settings.replace(collection=name), writer=True, purpose="rag serve",
                                embedder=self.default.embedder)
                self._engines[name] = engine
            return engine

    def check(self, name: str) -> None:
        names = self.names()
        if name not in names:
            raise NotFoundError(f"no collection {name!r} in the store (the API's models are its collections: {', '.join(names)}; GET /v1/models)")

    def close(self) -> None:
        with self._lock:
            for engine in self._engines.values():
                engine.close()


# -- request bodies ------------------------------------------------------------------------

class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str = Field(description="system, user or assistant (system messages are ignored)")
    content: str | list[dict[str, Any]] | None = Field(None, description="text, or OpenAI content parts ({type: text, text})")


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": "documents", "messages": [{"role": "user", "content": "How many prisoners were released in December?"}]}]})
    model: str = Field(description="the collection to answer from (GET /v1/models)")
    messages: list[Message] = Field(description="the last message is the question; earlier user/assistant messages are the conversation")
    stream: bool = Field(False, description="server-sent events: text pieces, then a final chunk with the citations, then [DONE]")
    top_k: int | None = Field(None, description="extension: passages retrieved (default retrieval.top_k)")
    sources: list[str] | None = Field(None, description="extension: answer only from these sources (GET /v1/documents)")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "chatcmpl-…", "verdict": "up"},
        {"question": "Who is Ales Bialiatski?", "answer": "… [1].", "citations": [{"marker": 1, "source": "x.txt", "page": 0}],
         "model": "documents", "verdict": "down", "comment": "wrong person"}]})
    id: str | None = Field(None, description="the id of a chat completion this server answered (recent ones are remembered); "
                                             "or send question and answer instead")
    verdict: Literal["up", "down"] = Field(description="thumbs up or down")
    comment: str = Field("", max_length=MAX_COMMENT_CHARS, description="optional note for whoever reviews the feedback")
    question: str | None = Field(None, description="without id: the question that was answered")
    answer: str | None = Field(None, description="without id: the answer text (with its [n] markers)")
    citations: list[dict[str, Any]] = Field(default_factory=list, description="without id: the answer's citations as received "
                                                                              "(marker, source, title, heading, page, text)")
    history: list[Message] = Field(default_factory=list, description="without id: earlier turns of the conversation")
    model: str | None = Field(None, description="without id: the collection that answered (default: the served one)")


class Answered:
    """The answers this process gave recently, by chat completion id, so feedback can name one by its id."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[str, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, cid: str, collection: str, record: dict[str, Any]) -> None:
        with self._lock:
            self._items[cid] = (collection, record)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get(self, cid: str) -> tuple[str, dict[str, Any]]:
        with self._lock:
            found = self._items.get(cid)
        if found is None:
            raise NotFoundError(f"no recent answer with id {cid!r} (this server remembers its last {self.size} answers); "
                                "send question, answer and citations instead")
        return found


class SearchRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"query": "Who is Ales Bialiatski?", "top_k": 3}]})
    query: str = Field(description="what to look for (same rules as a question)")
    top_k: int | None = Field(None, description="passages returned (default retrieval.top_k)")
    sources: list[str] | None = Field(None, description="only passages from these sources")
    model: str | None = Field(None, description="collection (default: the served one)")


# -- shaping answers -------------------------------------------------------------------------

def message_text(content: Any) -> str:
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type", "text") == "text")
    return "" if content is None else str(content)


SOURCES_BLOCK = re.compile(r"\n\nSources:\n(?:\[\d+\][^\n]*(?:\n|$))+\s*$")


def split_messages(messages: list[Message]) -> tuple[str, list[dict[str, str]]]:
    """(question, history): the last message is the user's question; earlier user/assistant turns are history,
    our own "Sources:" lists taken off the assistant's replies."""
    if not messages:
        raise UserError("messages is empty; send the question as a message with role 'user'")
    last = messages[-1]
    if last.role != "user":
        raise UserError(f"the last message has role {last.role!r}; the question must be the last message, with role 'user'")
    history = []
    for m in messages[:-1]:
        if m.role in {"user", "assistant"}:
            text = message_text(m.content)
            history.append({"role": m.role, "content": SOURCES_BLOCK.sub("", text) if m.role == "assistant" else text})
    return message_text(last.content), history


def reply_text(answer: Answer) -> str:
    """The answer with its [n] markers, then one line per citation: ``[n] title › location (source)``."""
    if not answer.citations:
        return answer.text
    lines = [f"[{c.marker}] {c.title or c.source}{f' › {c.location}' if c.location else ''} ({c.source})" for c in answer.citations]
    return answer.text + "\n\nSources:\n" + "\n".join(lines)


CITATION_FIELDS = ("marker", "source", "title", "heading", "location", "page", "text", "score", "highlights",
                   "author", "date", "publisher", "chunk_id")


def extension(answer: Answer) -> dict[str, Any]:
    """The fields an OpenAI response does not have: the citations (passage text included) and the answer's flags."""
    data = answer.to_dict()
    return {"citations": [{k: c[k] for k in CITATION_FIELDS} for c in data["citations"]], "answered": answer.answered,
            "conflict": answer.conflict, "dropped": list(answer.dropped), "standalone_question": answer.standalone_question,
            "seconds": answer.seconds}


def pieces(text: str, words: int = STREAM_WORDS) -> Iterator[str]:
    parts = re.split(r"(?<=\s)(?=\S)", text)
    for start in range(0, len(parts), words):
        yield "".join(parts[start:start + words])


def passage_json(rank: int, p) -> dict[str, Any]:
    return {"rank": rank, "id": p.id, "source": p.source, "title": p.title, "heading": p.heading, "location": p.location,
            "page": p.page, "text": p.text, "score": round(p.score, 6), "dense_score": round(p.dense_score, 6),
            "lexical_score": round(p.lexical_score, 6), "author": p.author, "date": p.date, "publisher": p.publisher}


# -- the app ---------------------------------------------------------------------------------

def create_app(settings: Settings, engines: Engines | None = None, *, ui: bool = True, any_folder: bool = False) -> FastAPI:
    """The FastAPI app: /v1 API, /health, /docs, and (``ui``) the chat window mounted at / (``any_folder``: its watch
    switch may watch any folder, for a server bound to loopback; else only the corpus folder and folders in it)."""
    engines = engines or Engines(settings)
    api_key = settings.serve.api_key
    answered = Answered()

    def require_key(request: Request) -> None:
        if not api_key:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token.strip().encode(), api_key.encode()):
            raise ApiError(401, "missing or wrong API key: send 'Authorization: Bearer <key>' (the server's RAG_API_KEY)",
                           "authentication_error", "invalid_api_key")

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        chat = getattr(_app.state, "chat_app", None)
        if chat is not None:
            chat.close()  # stops the window's folder watcher before its engine closes
        engines.close()

    from fastapi_offline import FastAPIOffline  # the /docs and /redoc pages with their scripts served here, not from a CDN

    app = FastAPIOffline(title="rag-cited", version="0.1.0", lifespan=lifespan, description=(
        "Cited answers from your documents. `POST /v1/chat/completions` is OpenAI-compatible (`model` = collection); "
        "answers carry `[n]` markers, a Sources list, and the extension fields `citations`, `answered`, `conflict`, `dropped`."))
    app.state.engines = engines

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(error_body(exc.message, exc.type, exc.code), status_code=exc.status, headers=headers)

    @app.exception_handler(RagError)
    async def _rag_error(request: Request, exc: RagError):
        status, type_, code = rag_error_status(exc)
        return JSONResponse(error_body(str(exc), type_, code), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
        return JSONResponse(error_body(f"{where}: {first.get('msg')}", "invalid_request_error", "bad_request"), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return JSONResponse(error_body(str(exc.detail), "invalid_request_error", str(exc.status_code)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        # Starlette re-raises it after this reply, so the traceback reaches the server's log, never the client
        return JSONResponse(error_body(f"internal error ({type(exc).__name__}); see the server log", "server_error", "internal_error"),
                            status_code=500)

    @app.get("/health", tags=["service"], summary="Liveness and corpus size (no key needed)")
    def health() -> dict[str, Any]:
        stats = engines.default.stats()
        return {"status": "ok", "documents": stats["documents"], "chunks": stats["chunks"], "collection": stats["collection"],
                "answerer": engines.default.settings.llm.backend}

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_key)])

    @v1.get("/models", tags=["openai"], summary="The store's collections, as OpenAI models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [_model(name) for name in engines.names()]}

    @v1.get("/models/{model}", tags=["openai"], summary="One collection")
    def model(model: str) -> dict[str, Any]:
        engines.check(model)
        return _model(model)

    @v1.post("/chat/completions", tags=["openai"], summary="Answer the last user message, with citations (OpenAI format)")
    async def chat(body: ChatRequest):
        engine = await run_in_threadpool(engines.get, body.model)
        question, history = split_messages(body.messages)
        filters = Filters(sources=tuple(body.sources)) if body.sources else None
        cid = f"chatcmpl-{uuid.uuid4().hex}"

        def remember(answer: Answer) -> None:  # so POST /v1/feedback can name the answer by its id
            answered.add(cid, body.model, feedback.answer_record(answer, question, history))

        if not body.stream:
            answer = await run_in_threadpool(lambda: engine.ask(question, history=history, top_k=body.top_k, filters=filters))
            remember(answer)
            return {"id": cid, "object": "chat.completion", "created": int(time.time()), "model": body.model,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": reply_text(answer)}, "finish_reason": "stop",
                                 "logprobs": None}], **extension(answer)}
        items = engine.ask_stream(question, history=history, top_k=body.top_k, filters=filters)
        try:
            first = await run_in_threadpool(next, items, None)  # checks the question: a bad one is a 400, not a broken stream
        except BaseException:
            items.close()
            raise
        return StreamingResponse(_events(items, first, body.model, cid, remember), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @v1.post("/feedback", tags=["rag"], status_code=201, summary="Thumbs up or down on an answer, logged locally (feedback.log)")
    def rate(body: FeedbackRequest) -> dict[str, Any]:
        if body.id:
            collection, record = answered.get(body.id)
            answer_id = body.id
        else:
            if not (body.question or "").strip() or body.answer is None:
                raise UserError("send the id of a chat completion, or the question and the answer that was given")
            if len(body.question) > settings.answer.max_question_chars:
                raise UserError(f"the question is over {settings.answer.max_question_chars:,} characters (setting max_question_chars)")
            engines.check(collection := body.model or engines.default_name)
            history = [{"role": m.role, "content": message_text(m.content)} for m in body.history]
            record = {"question": body.question, "history": history, "answer": body.answer, "answered": bool(body.citations),
                      "citations": body.citations}
            answer_id = "sha1-" + hashlib.sha1(json.dumps([body.question, body.answer], ensure_ascii=False).encode()).hexdigest()[:16]
        line = feedback.log(settings.feedback.log, record, body.verdict, comment=body.comment, collection=collection,
                            answer_id=answer_id, face="api")
        return {"logged": True, "id": answer_id, "verdict": line["verdict"], "time": line["time"]}

    @v1.post("/search", tags=["rag"], summary="Scored passages for a query, without an answer")
    def search(body: SearchRequest) -> dict[str, Any]:
        engine = engines.get(body.model)
        filters = Filters(sources=tuple(body.sources)) if body.sources else None
        passages = engine.search(body.query, top_k=body.top_k, filters=filters)
        return {"object": "list", "model": engine.settings.store.collection, "query": body.query,
                "data": [passage_json(i, p) for i, p in enumerate(passages, 1)]}

    @v1.get("/documents", tags=["rag"], summary="The stored documents: source, title, chunks, dates")
    def documents(model: str | None = Query(None, description="collection (default: the served one)")) -> dict[str, Any]:
        engine = engines.get(model)
        docs = [{k: v for k, v in d.items() if k != "corpus"} for d in engine.documents()]
        return {"object": "list", "model": engine.settings.store.collection, "data": docs}

    @v1.post("/documents", tags=["rag"], status_code=201, summary="Upload files and index them (multipart field 'files')")
    def upload(files: list[UploadFile] = File(description="one or more .txt .md .html .pdf files"),
               model: str | None = Form(None, description="collection (default: the served one)")) -> dict[str, Any]:
        engine = engines.get(model)
        with tempfile.TemporaryDirectory(prefix="rag-upload-") as tmp:
            received = []
            for i, f in enumerate(files):
                path = Path(tmp) / str(i)
                with open(path, "wb") as out:
                    shutil.copyfileobj(f.file, out)
                received.append((f.filename or "upload", path))
            report = engine.add_files(received, all_or_nothing=True)
        if not report.indexed:
            raise UserError("; ".join(f"{name}: {why}" for name, why in report.skipped) + "; nothing was added")
        ingest = report.ingest
        return {"indexed": report.indexed, "skipped": [{"name": n, "reason": r} for n, r in report.skipped],
                "chunks_added": ingest.chunks_added, "chunks_total": ingest.chunks_total, "summary": ingest.summary()}

    @v1.delete("/documents/{source:path}", tags=["rag"], summary="Remove a document: its chunks and its file in the corpus folder")
    def delete(source: str, model: str | None = Query(None, description="collection (default: the served one)")) -> dict[str, Any]:
        return {"deleted": True, **engines.get(model).remove_document(source)}

    app.include_router(v1)

    if ui:
        _mount_ui(app, settings, engines, any_folder)

    return app


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "rag-cited"}


async def _events(items: Iterator, first, model: str, cid: str, remember):
    """SSE: a role chunk, the checked answer in pieces, a final chunk with the citations, then [DONE].

    An LLM's raw draft is not forwarded: verification may drop or re-cite sentences after it is written,
    so the pieces sent are the final answer's (for the extractive answerer they are the same text)."""
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    item = first
    try:
        while item is not None and not isinstance(item, Answer):
            item = await run_in_threadpool(next, items, None)
    except RagError as exc:
        _, type_, code = rag_error_status(exc)
        yield f"data: {json.dumps(error_body(str(exc), type_, code), ensure_ascii=False)}\n\n"
        yield "data: [DONE]\n\n"
        return
    finally:
        items.close()  # releases the engine's answer lock even when the client went away
    if item is None:
        yield f"data: {json.dumps(error_body('the answerer ended without an answer', 'server_error', 'internal_error'))}\n\n"
    else:
        remember(item)
        for piece in pieces(reply_text(item)):
            yield chunk({"content": piece})
        yield chunk({}, "stop", **extension(item))
    yield "data: [DONE]\n\n"


def _mount_ui(app: FastAPI, settings: Settings, engines: Engines, any_folder: bool) -> None:
    import gradio as gr

    from ui.app import CSS, build_app

    demo = build_app(settings, engine=engines.default, engine_for=engines.get, any_folder=any_folder)
    app.state.chat_app = demo.chat_app
    demo.queue(default_concurrency_limit=4)
    user, password, key = settings.ui.user, settings.ui.password, settings.serve.api_key
    if user and password:
        auth: Any = (user, password)
    elif key:
        auth = lambda _user, given: secrets.compare_digest(str(given).encode(), key.encode())  # noqa: E731
    else:
        auth = None
    gr.mount_gradio_app(app, demo, path="/", auth=auth, auth_message="Log in with any user name and the server's API key." if auth and not user else None,
                        max_file_size=f"{int(settings.ingest.max_file_mb)}mb", ssr_mode=False, css=CSS, footer_links=["api"],
                        allowed_paths=[str(Path(settings.ingest.corpus_dir).resolve())])  # cited files open from the source cards


def shared_folder_warnings(engine: Engine) -> list[str]:
    """Signs that this server does not share its corpus folder with the others on the same Chroma server.

    Several ``rag serve`` processes on one collection act as one service only when they read and write one
    corpus folder (one machine, or one shared mount at the same path): an upload is a file in it, and every
    ingest of it removes the chunks of files it no longer holds. Two signs of separate folders: documents
    indexed from this folder whose files are not in it here, and uploads indexed from another folder."""
    from .uploads import UPLOAD_DIR

    root = str(Path(engine.settings.ingest.corpus_dir).resolve())
    docs = engine.documents()
    missing = [d["source"] for d in docs if d["corpus"] == root and d["bytes"] is None]
    foreign = sorted({d["corpus"] for d in docs if d["corpus"] != root and d["source"].startswith(f"{UPLOAD_DIR}/")})
    lines = []
    if missing:
        lines.append(f"{len(missing)} document(s) of collection {engine.settings.store.collection!r} were indexed from {root} but "
                     f"are not in it on this machine (e.g. {missing[0]}); the next upload or ingest here removes them")
    if foreign:
        lines.append(f"collection {engine.settings.store.collection!r} holds uploads made through a server whose corpus folder is "
                     f"{', '.join(foreign)}, not {root}")
    if lines:
        lines.append("every rag serve on one Chroma server needs the same corpus folder (RAG_CORPUS_DIR; one machine or a shared "
                     "mount at the same path): see the README, 'Running for a team'")
    return lines


def main(settings: Settings | None = None, host: str | None = None, port: int | None = None) -> int:
    import uvicorn

    settings = settings or Settings.load()
    host = host or settings.serve.host
    port = port or settings.serve.port
    check_binding(host, settings.serve.api_key)
    from .embedders import offline_environment

    offline_environment()
    app = create_app(settings, any_folder=is_loopback(host))
    if settings.store.chroma_url:
        for line in shared_folder_warnings(app.state.engines.default):
            print(f"rag serve: warning: {line}", file=sys.stderr, flush=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"rag serve: chat window http://{shown}:{port}/ · OpenAI-compatible API http://{shown}:{port}/v1 · docs /docs"
          + (" · API key required" if settings.serve.api_key else ""), flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
