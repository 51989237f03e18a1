"""Command line: ``rag ingest``, ``rag ask``, ``rag docs``, ``rag rm``, ``rag watch``, ``rag mcp``, ``rag ui``, ``rag serve``, ``rag eval``, ``rag info``.

Expected mistakes (bad question, missing folder, locked store, server down)
print one line to stderr and exit non-zero; no tracebacks. ``--debug`` shows
the traceback for bug reports.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import RagError


def _settings(args: argparse.Namespace):
    from .settings import Settings

    overrides = {}
    for name in ("collection", "llm", "top_k", "store_dir", "chroma_url"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    settings = Settings.load(getattr(args, "config", None))
    return settings.replace(**overrides) if overrides else settings


def cmd_ingest(args: argparse.Namespace) -> int:
    from .api import Engine

    settings = _settings(args)
    if args.quiet:
        settings = settings.replace(show_progress=False)
    with Engine(settings, writer=True, purpose="rag ingest") as engine:
        report = engine.ingest(args.path, rebuild=args.rebuild)
    print(report.summary(verbose=args.verbose))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from .api import Engine

    settings = _settings(args)
    with Engine(settings, purpose="rag ask") as engine:
        answer = engine.ask(" ".join(args.question), top_k=args.top_k)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if args.markdown:
        from .export import conversation_markdown
        from .feedback import answer_record

        print(conversation_markdown([answer_record(answer)], collection=settings.store.collection), end="")
        return 0
    print(answer.text)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            meta = ", ".join(x for x in (c.publisher, c.author, c.date) if x)
            where = f" › {c.location}" if c.location else ""
            print(f"  [{c.marker}] {c.title}{where} ({c.source}{'; ' + meta if meta else ''})")
            for h in c.highlights:
                print(f"      \u201c{h}\u201d")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from .api import Engine

    from .settings import Settings

    settings = _settings(args)
    with Engine(settings, purpose="rag info") as engine:
        stats = engine.stats()
        metas = list(engine.store.all_metadata().values()) if args.headings is not None else []
    for key, value in stats.items():
        print(f"{key}: {value}")
    if args.headings is not None:
        print("\nheading paths (document structure as stored with the chunks):")
        for source, paths in sorted(heading_paths(metas, args.headings).items()):
            print(f"  {source}")
            for path in paths:
                print(f"    {path}")
    print("\nsettings (value, then what it means; env RAG_<SECTION>__<FIELD> or the flat alias):")
    values = settings.public()
    for name, _default, alias, description in Settings.reference():
        print(f"  {name} = {values[name]!r}" + (f"  [alias {alias}]" if alias else "") + f"\n      {description}")
    return 0


def heading_paths(metas: list[dict], only: str = "") -> dict[str, list[str]]:
    """Each document's distinct heading paths in reading order (``only``: sources containing this text)."""
    by_source: dict[str, list[tuple[int, str]]] = {}
    for m in metas:
        source = str(m.get("source", ""))
        if only and only not in source:
            continue
        by_source.setdefault(source, []).append((int(m.get("chunk_index", 0)), str(m.get("heading", ""))))
    return {source: list(dict.fromkeys(h for _, h in sorted(items) if h)) for source, items in by_source.items()}


def cmd_docs(args: argparse.Namespace) -> int:
    from .api import Engine
    from .documents import list_documents

    with Engine(_settings(args), purpose="rag docs") as engine:
        docs = list_documents(engine)
    if args.json:
        print(json.dumps([d.to_dict() for d in docs], ensure_ascii=False, indent=2))
        return 0
    if not docs:
        print("no documents indexed; run `rag ingest PATH`")
        return 0
    rows = [(d.source, _clip(d.title, 48), str(d.chunks), d.ingested_at[:16].replace("T", " ")) for d in docs]
    print(_table(("source", "title", "chunks", "indexed (UTC)"), rows))
    print(f"\n{len(docs)} documents, {sum(d.chunks for d in docs)} chunks")
    return 0


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    right = {2}  # numbers right-aligned
    lines = ["  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
             for row in [header, tuple("-" * w for w in widths), *rows]]
    return "\n".join(lines)


def cmd_rm(args: argparse.Namespace) -> int:
    from .api import Engine
    from .documents import delete_documents, find_documents

    with Engine(_settings(args), writer=True, purpose="rag rm") as engine:
        docs = find_documents(engine, args.sources)  # every name checked before anything is deleted
        for doc in docs:
            n = delete_documents(engine, [doc], delete_file=args.file)
            also = f" and the file {doc.path}" if args.file and doc.path is not None else ""
            print(f"removed {doc.source}: {n} chunks{also}")
    if not args.file:
        print("note: the files are still in their folder, so the next `rag ingest` of it indexes them again; --file deletes them too",
              file=sys.stderr)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from .watch import run_watch

    return run_watch(_settings(args), args.path, debounce=args.debounce)


def cmd_mcp(args: argparse.Namespace) -> int:
    from .mcp_server import run_server

    return run_server(_settings(args), http_port=args.http, watch=args.watch)


def cmd_ui(args: argparse.Namespace) -> int:
    from ui.app import main as ui_main

    return ui_main(_settings(args), host=args.host, port=args.port, share=args.share)


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import check_binding

    settings = _settings(args)
    check_binding(args.host or settings.serve.host, settings.serve.api_key)  # before any heavy import
    from .server import main as serve_main

    return serve_main(settings, host=args.host, port=args.port)


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.run import main as eval_main

    return eval_main(args)


def _backend_help() -> str:
    from .settings import llm_choices

    return "answerer backend: " + ", ".join(llm_choices()) + ", or package.module:Class"


def build_parser() -> argparse.ArgumentParser:
    backends = _backend_help()
    parser = argparse.ArgumentParser(prog="rag", description="Cited, offline question answering over a folder of documents.")
    parser.add_argument("--config", help="TOML settings file (default: $RAG_CONFIG or ./rag.toml)")
    parser.add_argument("--collection", help="Chroma collection to use")
    parser.add_argument("--store-dir", dest="store_dir", help="embedded store folder")
    parser.add_argument("--chroma-url", dest="chroma_url", help="Chroma server URL (instead of the embedded store)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index a folder of documents (incremental)")
    p.add_argument("path", nargs="?", type=Path, help="folder to index (default: corpus_dir, seeds/)")
    p.add_argument("--rebuild", action="store_true", help="delete the store and index from scratch")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--verbose", action="store_true", help="list every skipped file and warning in the summary")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer a question with numbered sources")
    p.add_argument("question", nargs="+")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.add_argument("--markdown", action="store_true", help="print the question, answer and quoted sources as Markdown (as the chat window exports)")
    p.add_argument("--top-k", dest="top_k", type=int, help="passages to retrieve")
    p.add_argument("--llm", help=backends)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("docs", help="list the indexed documents (source, title, chunks, date)")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("rm", help="delete documents' chunks from the store (--file: and their files)")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a source as `rag docs` prints it, or the file's path")
    p.add_argument("--file", action="store_true", help="also delete the file from its corpus folder")
    p.set_defaults(func=cmd_rm)

    p = sub.add_parser("watch", help="index a folder and keep the index in step with it (new, changed, renamed, deleted files)")
    p.add_argument("path", nargs="?", type=Path, help="folder to watch (default: corpus_dir)")
    p.add_argument("--debounce", type=float, default=1.0, help="seconds a folder must be quiet before it is indexed (default 1)")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("mcp", help="serve ask/search/list_documents to MCP clients (stdio, or --http PORT)")
    p.add_argument("--http", type=int, metavar="PORT", help="streamable HTTP on 127.0.0.1:PORT (endpoint /mcp) instead of stdio")
    p.add_argument("--watch", nargs="?", type=Path, const=True, metavar="PATH",
                   help="also watch a folder (default: corpus_dir) and index its changes while serving")
    p.add_argument("--llm", help=backends)
    p.add_argument("--top-k", dest="top_k", type=int, help="default passages per question")
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser("info", help="show the corpus, store and settings")
    p.add_argument("--headings", nargs="?", const="", metavar="SOURCE", help="also list each document's heading paths (optionally only sources containing SOURCE)")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("ui", help="open the chat window")
    p.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 7860)")
    p.add_argument("--share", action="store_true", help="create a public Gradio share link (off by default)")
    p.add_argument("--llm", help=backends)
    p.set_defaults(func=cmd_ui)

    p = sub.add_parser("serve", help="serve the chat window at / and an OpenAI-compatible HTTP API at /v1 (one process)")
    p.add_argument("--host", default=None, help="bind address (default 127.0.0.1; anything else needs RAG_API_KEY)")
    p.add_argument("--port", type=int, default=None, help="port (default 8000)")
    p.add_argument("--llm", help=backends)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("eval", help="run the evaluation suite")
    p.add_argument("--set", dest="set", nargs="+", help="question set(s) (JSONL), or `all` for every set; default eval/questions.jsonl")
    p.add_argument("--llm", help=backends)
    p.add_argument("--out", type=Path, help="report folder (default reports/<timestamp>); with --from-feedback the draft .jsonl")
    p.add_argument("--no-baseline", action="store_true", help="skip the llama-index starter baseline")
    p.add_argument("--no-paraphrases", dest="no_paraphrases", action="store_true", help="skip asking each question's rewordings")
    p.add_argument("--calibrate", action="store_true", help="answer with the refusal threshold off and choose min_evidence (use with --split dev)")
    p.add_argument("--verification", action="store_true", help="also pass every gold answer sentence through citation verification")
    p.add_argument("--split", choices=["dev", "test"], help="only the dev or the test questions (tune on dev only)")
    p.add_argument("--gate", action="store_true", help="exit non-zero when a metric falls below eval/thresholds.toml")
    p.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"), help="compare two report folders")
    p.add_argument("--from-feedback", dest="from_feedback", nargs="?", const="", type=str, metavar="FILE",
                   help="write draft questions from rated answers (default FILE: the feedback.log setting) to --out (a .jsonl; default stdout)")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except RagError as exc:
        if args.debug:
            raise
        print(f"rag: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("rag: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
