"""``rag mcp``: the engine as a Model Context Protocol server (official ``mcp`` SDK, FastMCP).

Tools (all read-only):

* ``ask(question, history?, top_k?, sources?)`` -> the cited, checked answer: ``text`` with ``[n]``
  markers, ``answered`` (False: the documents don't say), ``conflict`` (sources disagree, both cited)
  and ``citations`` [marker, source, title, location, page, passage, highlights];
* ``search(query, top_k?)`` -> scored passages from the hybrid retriever, no answer;
* ``list_documents()`` -> the indexed documents.

Each tool returns structured content (typed pydantic results, so clients get an output schema) and
the same as JSON text. A bad request (empty question, top_k out of range, empty store) is a tool
error with the engine's one-line message; the server keeps serving.

Transports: stdio (default; what desktop clients spawn) or streamable HTTP on 127.0.0.1 (``--http
PORT``, endpoint ``/mcp``). On stdio the protocol owns the real stdout; everything else the process
prints (progress, library chatter, even C-level writes to fd 1) goes to stderr.

``--watch [PATH]`` also runs a ``Watcher`` in the same process, so one process owns the embedded
store's writer lock and answers from a folder that keeps changing.
"""

from __future__ import annotations

import os
import sys
from io import TextIOWrapper
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from .types import Answer, Citation, Filters, Passage

INSTRUCTIONS = (
    "Answers questions from the user's own indexed documents. Every sentence of an answer carries [n] markers "
    "pointing at citations (source file, title, location, the exact stored passage and the sentences it rests on); "
    "citations are checked against the passages. When answered is false the documents do not contain the answer: "
    "say so instead of guessing. When conflict is true the sources disagree and both sides are cited. Use search "
    "for raw passages and list_documents to see what is indexed."
)


#: tool parameter: passages per question or search (tools are defined in build_server; their annotations resolve here)
TopK = Annotated[int | None, Field(ge=1, le=100, description="passages to retrieve (default: the server's retrieval.top_k)")]


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class CitationOut(BaseModel):
    marker: int = Field(description="the [n] in the answer text")
    source: str = Field(description="file path relative to the indexed folder")
    title: str
    location: str = Field(description="heading path below the title and page, e.g. 'Errors › KeyError, p. 3'")
    heading: str = Field(description="full heading path of the passage")
    page: int = Field(description="page number in the source (PDF); 0 when the format has no pages")
    passage: str = Field(description="the passage exactly as stored")
    highlights: list[str] = Field(description="sentences of the passage the answer rests on")
    author: str = ""
    date: str = ""
    publisher: str = ""
    score: float = 0.0


class AskResult(BaseModel):
    text: str = Field(description="the answer; each sentence ends with [n] markers")
    answered: bool = Field(description="false when the documents do not contain the answer")
    conflict: bool = Field(description="true when cited sources disagree on the asked fact (both sides shown)")
    citations: list[CitationOut]
    question: str
    standalone_question: str = Field("", description="the question as retrieved (follow-ups made standalone)")
    answerer: str = Field("", description="extractive, or the LLM backend that generated the text")
    dropped: list[str] = Field(default_factory=list, description="generated sentences removed by citation checks")


class PassageOut(BaseModel):
    rank: int
    source: str
    title: str
    location: str
    heading: str
    page: int
    text: str
    score: float = Field(description="fused rank score (dense + BM25)")
    dense_score: float = Field(description="cosine similarity to the query (0 when only BM25 found it)")
    lexical_score: float = Field(description="BM25 score (0 when only the dense search found it)")


class SearchResult(BaseModel):
    query: str
    passages: list[PassageOut]


class DocumentOut(BaseModel):
    source: str
    title: str
    chunks: int
    file_hash: str
    ingested_at: str
    author: str = ""
    date: str = ""
    publisher: str = ""


class DocumentList(BaseModel):
    documents: list[DocumentOut]
    chunks: int


def citation_out(c: Citation) -> CitationOut:
    return CitationOut(marker=c.marker, source=c.source, title=c.title, location=c.location, heading=c.heading, page=c.page,
                       passage=c.text, highlights=list(c.highlights), author=c.author, date=c.date, publisher=c.publisher,
                       score=round(float(c.score), 4))


def ask_result(a: Answer) -> AskResult:
    return AskResult(text=a.text, answered=a.answered, conflict=a.conflict, citations=[citation_out(c) for c in a.citations],
                     question=a.question, standalone_question=a.standalone_question, answerer=a.answerer, dropped=list(a.dropped))


def passage_out(rank: int, p: Passage) -> PassageOut:
    location = Citation(marker=rank, source=p.source, title=p.title, text="", score=0, heading=p.heading, page=p.page).location
    return PassageOut(rank=rank, source=p.source, title=p.title, location=location, heading=p.heading, page=p.page, text=p.text,
                      score=round(p.score, 6), dense_score=round(p.dense_score, 4), lexical_score=round(p.lexical_score, 4))


def build_server(engine, *, host: str = "127.0.0.1", port: int = 8000):
    """A FastMCP server whose tools call ``engine`` (in worker threads: the event loop never blocks on a question)."""
    import anyio
    from mcp.server.fastmcp import FastMCP
    from mcp.types import ToolAnnotations

    from . import documents

    server = FastMCP("rag-cited", instructions=INSTRUCTIONS, host=host, port=port, log_level="WARNING")
    read_only = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)

    @server.tool(title="Ask the documents", annotations=read_only)
    async def ask(
        question: Annotated[str, Field(description="the question, in the documents' language")],
        history: Annotated[list[Turn] | None, Field(description="earlier turns, oldest first, for follow-up questions")] = None,
        top_k: TopK = None,
        sources: Annotated[list[str] | None, Field(description="answer only from these documents (sources as list_documents gives them)")] = None,
    ) -> AskResult:
        """Answer a question from the indexed documents with numbered, checked citations.

        Returns the answer text with [n] markers, whether it was answered (false: the documents don't say),
        whether sources conflict, and each citation's source, title, location, page, passage and highlights."""
        turns = [t.model_dump() for t in history or []]
        filters = Filters(sources=tuple(sources)) if sources else None
        answer = await anyio.to_thread.run_sync(lambda: engine.ask(question, history=turns, top_k=top_k, filters=filters))
        return ask_result(answer)

    @server.tool(title="Search the documents", annotations=read_only)
    async def search(
        query: Annotated[str, Field(description="words or a question to look for")],
        top_k: TopK = None,
    ) -> SearchResult:
        """Find the passages that best match a query (dense + BM25 hybrid retrieval), best first, with scores.
        No answer is composed; use ask for a cited answer."""
        passages = await anyio.to_thread.run_sync(lambda: documents.search(engine, query, top_k))
        return SearchResult(query=query, passages=[passage_out(i, p) for i, p in enumerate(passages, 1)])

    @server.tool(title="List the indexed documents", annotations=read_only)
    async def list_documents() -> DocumentList:
        """The documents in the index: source path, title, number of chunks, file hash and when it was indexed."""
        docs = await anyio.to_thread.run_sync(lambda: documents.list_documents(engine))
        out = [DocumentOut(source=d.source, title=d.title, chunks=d.chunks, file_hash=d.file_hash, ingested_at=d.ingested_at,
                           author=d.author, date=d.date, publisher=d.publisher) for d in docs]
        return DocumentList(documents=out, chunks=sum(d.chunks for d in docs))

    return server


async def _serve_stdio(server, protocol_out) -> None:
    import anyio
    from mcp.server.stdio import stdio_server

    lowlevel = server._mcp_server  # FastMCP.run_stdio_async does the same, but always with sys.stdout
    async with stdio_server(stdout=anyio.wrap_file(TextIOWrapper(protocol_out, encoding="utf-8"))) as (read, write):
        await lowlevel.run(read, write, lowlevel.create_initialization_options())


def run_server(settings, *, http_port: int | None = None, watch: Path | bool | None = None) -> int:
    """``rag mcp``: serve until the client disconnects (stdio) or Ctrl-C (HTTP)."""
    import anyio

    from .api import Engine
    from .errors import UserError

    try:
        import mcp  # noqa: F401
    except ImportError:
        raise UserError("rag mcp needs the official MCP SDK: pip install 'rag-cited[mcp]' (or pip install 'mcp>=1.10,<2')") from None
    if http_port is not None and not 1 <= http_port <= 65535:
        raise UserError(f"--http {http_port}: the port must be between 1 and 65535")
    protocol_out = None
    if http_port is None:
        # the protocol gets the real stdout; fd 1 and sys.stdout now lead to stderr, so no stray print breaks it
        sys.stdout.flush()
        protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
        os.dup2(2, 1)
        sys.stdout = sys.stderr

    import logging

    import bm25s  # noqa: F401  (its import sets its logger to DEBUG, which FastMCP's log handler would print)

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    with Engine(settings, writer=bool(watch), purpose="rag mcp") as engine:
        engine.store  # open it now: a locked or broken store is a one-line error before serving, not at the first call
        watcher = None
        if watch:
            from .watch import Watcher, changed

            def on_indexed(report) -> None:
                if changed(report):
                    print(f"rag mcp: indexed: {report.summary()}", file=sys.stderr, flush=True)

            def on_error(exc) -> None:
                print(f"rag mcp: watch: error: {exc}", file=sys.stderr, flush=True)

            watcher = Watcher(engine, None if watch is True else watch, on_indexed=on_indexed, on_error=on_error).start()
            print(f"rag mcp: watching {watcher.root}", file=sys.stderr, flush=True)
        server = build_server(engine, port=http_port or 8000)
        try:
            if http_port is None:
                anyio.run(_serve_stdio, server, protocol_out)
            else:
                print(f"rag mcp: streamable HTTP on http://127.0.0.1:{http_port}/mcp", file=sys.stderr, flush=True)
                server.run("streamable-http")
        except KeyboardInterrupt:
            pass
        finally:
            if watcher is not None:
                watcher.stop()
    return 0
