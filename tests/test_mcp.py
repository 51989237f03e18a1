"""`rag mcp`: the MCP server, driven by the official SDK's own client over stdio and streamable HTTP (and in memory)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import timedelta

import anyio
import pytest

from rag.api import Engine

from .conftest import ROOT, SEEDS, free_port, serve

DECEMBER = "How many prisoners were released in December?"
EURO_PRAVDA = "european-pravda-trumps-deal-with-belarus.txt"
PISM = "pism-kellogg-visits-belarus.txt"


async def exercise(session, store_docs: set[str]) -> dict:
    """The same checks over any transport: tools listed, ask/search/list_documents called, errors reported."""
    await session.initialize()
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == {"ask", "search", "list_documents"}
    assert all(t.annotations.readOnlyHint for t in tools.values())
    assert {"text", "answered", "conflict", "citations"} <= set(tools["ask"].outputSchema["properties"])
    assert tools["ask"].inputSchema["required"] == ["question"]

    got = await session.call_tool("ask", {"question": DECEMBER})
    assert not got.isError
    a = got.structuredContent
    assert a["answered"] and not a["conflict"] and "123" in a["text"] and "[1]" in a["text"]
    c = a["citations"][0]
    assert c["marker"] == 1 and c["source"] == EURO_PRAVDA and c["title"].startswith("Trump’s deal")
    assert set(c) >= {"marker", "source", "title", "location", "page", "passage", "highlights"}
    assert c["passage"] in store_docs  # the exact stored passage
    assert c["highlights"] and all(h.split(". ")[-1] in c["passage"] for h in c["highlights"])
    assert json.loads(got.content[0].text)["text"] == a["text"]  # the same result as text, for clients without structured content

    follow = await session.call_tool("ask", {"question": "Which top prisoners were among them?", "top_k": 4,
                                             "history": [{"role": "user", "content": DECEMBER},
                                                         {"role": "assistant", "content": a["text"]}]})
    assert not follow.isError and DECEMBER.rstrip("?") in follow.structuredContent["standalone_question"]

    only_pism = await session.call_tool("ask", {"question": "Who was released?", "sources": [PISM]})
    assert not only_pism.isError and {c["source"] for c in only_pism.structuredContent["citations"]} <= {PISM}

    refused = await session.call_tool("ask", {"question": "What is the boiling point of tungsten?"})
    assert not refused.isError and not refused.structuredContent["answered"] and refused.structuredContent["citations"] == []

    found = await session.call_tool("search", {"query": "potash sanctions lifted", "top_k": 4})
    assert not found.isError
    passages = found.structuredContent["passages"]
    assert len(passages) == 4 and [p["rank"] for p in passages] == [1, 2, 3, 4]
    assert [p["score"] for p in passages] == sorted((p["score"] for p in passages), reverse=True)
    assert any("potash" in p["text"].lower() for p in passages) and all(p["text"] in store_docs for p in passages)

    listed = await session.call_tool("list_documents", {})
    docs = listed.structuredContent["documents"]
    assert len(docs) == 5 and {d["source"] for d in docs} >= {EURO_PRAVDA, PISM}
    assert listed.structuredContent["chunks"] == len(store_docs) == sum(d["chunks"] for d in docs)

    # errors are tool errors with one line, and the server goes on serving
    empty = await session.call_tool("ask", {"question": "   "})
    assert empty.isError and "question is empty" in empty.content[0].text and "\n" not in empty.content[0].text.strip()
    bad_k = await session.call_tool("search", {"query": "potash", "top_k": 0})
    assert bad_k.isError and "top_k" in bad_k.content[0].text
    missing = await session.call_tool("ask", {})
    assert missing.isError and "question" in missing.content[0].text
    assert not (await session.call_tool("ask", {"question": DECEMBER})).isError
    return a


def _store_docs(settings) -> set[str]:
    with Engine(settings) as engine:
        _, docs, _ = engine.store.all_documents()
    from .conftest import _forget_chroma_clients

    _forget_chroma_clients()
    return set(docs)


def test_tools_in_memory(engine):
    """The server's tools through the SDK's in-memory transport (fast: no process, no model load)."""
    from mcp.shared.memory import create_connected_server_and_client_session

    from rag.mcp_server import build_server

    _, docs, _ = engine.store.all_documents()

    async def main():
        async with create_connected_server_and_client_session(build_server(engine)) as session:
            await exercise(session, set(docs))

    anyio.run(main)


@pytest.mark.slow
def test_rag_mcp_over_stdio_with_the_sdk_client_and_a_watched_folder(seeded, tmp_path):
    """`python -m rag mcp --watch DIR` spawned by the SDK's stdio client: the tools work, the watcher's output
    stays off the protocol stream, and a file dropped into the folder becomes answerable through `ask`."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    docs = _store_docs(seeded)
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    env = {**os.environ, "RAG_STORE_DIR": str(seeded.store.dir), "PYTHONPATH": str(ROOT)}
    params = StdioServerParameters(command=sys.executable, args=["-m", "rag", "mcp", "--watch", str(corpus)], env=env, cwd=str(ROOT))
    errlog = tmp_path / "mcp-stderr.log"
    question = "How many meteors did the Zorblatt observatory record?"

    async def main():
        with open(errlog, "w") as err:
            async with stdio_client(params, errlog=err) as (read, write):
                async with ClientSession(read, write, read_timeout_seconds=timedelta(seconds=120)) as session:
                    await exercise(session, docs)
                    assert not (await session.call_tool("ask", {"question": question})).structuredContent["answered"]
                    (corpus / "zorblatt.txt").write_text(
                        "The Zorblatt observatory recorded 4217 meteors during the night of 3 March.\n", encoding="utf-8")
                    with anyio.fail_after(30):
                        while True:
                            a = (await session.call_tool("ask", {"question": question})).structuredContent
                            if a["answered"]:
                                break
                            await anyio.sleep(0.2)
                    assert "4217" in a["text"] and a["citations"][0]["source"] == "zorblatt.txt"
                    listed = await session.call_tool("list_documents", {})
                    assert "zorblatt.txt" in {d["source"] for d in listed.structuredContent["documents"]}

    anyio.run(main)
    log = errlog.read_text()
    assert "Traceback" not in log and "rag mcp: watching" in log and "rag mcp: indexed: 1 files read" in log


@pytest.mark.slow
def test_rag_mcp_over_streamable_http_on_loopback(seeded, tmp_path):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    docs = _store_docs(seeded)
    port = free_port()
    env = {**os.environ, "RAG_STORE_DIR": str(seeded.store.dir), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "rag", "mcp", "--http", str(port)]
    url = f"http://127.0.0.1:{port}/mcp"

    async def main():
        async with streamable_http_client(url) as (read, write, _):
            async with ClientSession(read, write, read_timeout_seconds=timedelta(seconds=120)) as session:
                await exercise(session, docs)
        async with streamable_http_client(url) as (read, write, _):  # a second client after the first hung up
            async with ClientSession(read, write) as session:
                await session.initialize()
                listed = await session.call_tool("list_documents", {})
                assert len(listed.structuredContent["documents"]) == 5

    with serve(cmd, port, 180, env=env, log=tmp_path / "mcp-http.log") as proc:
        anyio.run(main)
        assert proc.poll() is None
    log = (tmp_path / "mcp-http.log").read_text()
    assert f"http://127.0.0.1:{port}/mcp" in log and "rag/" not in log  # no traceback through our code


def test_cli_errors_before_serving_are_one_line(tmp_path):
    from .conftest import run_cli

    bad_port = run_cli("mcp", "--http", "70000")
    assert bad_port.returncode == 2 and "port" in bad_port.stderr and bad_port.stderr.count("\n") == 1
