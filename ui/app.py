"""Gradio chat window: streamed, cited answers with a linked sources panel, upload and settings.

Everything goes through one ``rag.api.Engine`` (the same ``ask_stream`` the
Python API offers); the UI holds no retrieval logic. Safe by default: binds
127.0.0.1, no share link, analytics off, optional login from the ``ui`` settings
(RAG_UI_USER / RAG_UI_PASSWORD). Document text is untrusted: it is HTML-escaped everywhere
it is shown, so a document containing <script> is displayed, never run.
"""

from __future__ import annotations

import html
import json
import re
import sys
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from rag.api import Engine
from rag.conversation import normalise_history
from rag.embedders import offline_environment
from rag.errors import RagError
from rag.ingest.formats import supported_endings
from rag.settings import Settings, llm_choices
from rag.types import Answer, Citation
from rag.uploads import safe_name  # noqa: F401  (re-exported; the upload rules live in rag/uploads.py)
CSS = """
.src-card {border:1px solid #ddd; border-radius:8px; padding:8px 10px; margin-bottom:8px; font-size:0.9em}
.src-card h4 {margin:0 0 4px 0; font-size:1em}
.src-meta {color:#666; font-size:0.85em; margin-bottom:4px}
.src-card mark {background:#fff2a8}
.refusal {color:#8a5a00}
"""


def answer_markdown(text: str) -> str:
    """Escape document-derived text, then turn [n] markers into links to the sources panel."""
    escaped = html.escape(text, quote=False)
    return re.sub(r"\[(\d+)\]", r"[[\1]](#src-\1)", escaped)


def sources_html(answer: Answer | None, link=None) -> str:
    """The sources panel; ``link(source)`` gives the URL the app serves a source file at (or None)."""
    if answer is None:
        return "<p>Sources of the latest answer appear here.</p>"
    if not answer.answered:
        return "<p class='refusal'>The documents don't contain an answer to this question, so nothing is cited.</p>"
    parts = []
    if answer.conflict:
        parts.append("<p><b>The sources disagree</b>; both sides are shown below.</p>")
    if answer.dropped:
        dropped = "".join(f"<li>{html.escape(s)}</li>" for s in answer.dropped)
        parts.append(f"<details><summary>{len(answer.dropped)} unsupported generated sentence(s) removed</summary><ul>{dropped}</ul></details>")
    for c in answer.citations:
        parts.append(_card(c, link(c.source) if link else None))
    return "\n".join(parts)


def _card(c: Citation, url: str | None = None) -> str:
    body = html.escape(c.text)
    for sentence in sorted(c.highlights, key=len, reverse=True):
        for piece in re.split(r"(?<=[.!?])\s+", sentence):
            escaped = html.escape(piece.strip())
            if escaped and escaped in body:
                body = body.replace(escaped, f"<mark>{escaped}</mark>", 1)
    meta = " · ".join(html.escape(x) for x in (c.publisher, c.author, c.date) if x)
    body = body.replace("\n\n", "<br><br>")
    where = f" <span class='src-where'>› {html.escape(c.location)}</span>" if c.location else ""
    if url:  # the file as served by the app; a PDF opens at the cited page
        target = f"{url}#page={c.page}" if c.page else url
        label = f"open p. {c.page}" if c.page else "open"
        where += f" <a class='src-open' href='{html.escape(target, quote=True)}' target='_blank' rel='noopener'>{label}</a>"
    return (f"<div class='src-card' id='src-{c.marker}'><h4>[{c.marker}] {html.escape(c.title or c.source)}{where}</h4>"
            f"<div class='src-meta'>{meta}{' · ' if meta else ''}<code>{html.escape(c.source)}</code></div><div>{body}</div></div>")


def example_questions(engine: Engine, limit: int = 5) -> list[str]:
    """Questions from the eval set whose gold documents are in the store (so they fit this corpus)."""
    path = Path(__file__).resolve().parents[1] / "eval" / "questions.jsonl"
    try:
        sources = {m.get("source") for m in engine.store.all_metadata().values()}
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError, RagError):
        return []
    picked: list[str] = []
    for category in ("number", "transliteration", "conflict", "single_fact", "date", "list"):
        for row in rows:
            if row["category"] == category and not row.get("history") and row["sources"] and set(row["sources"]) <= sources:
                picked.append(row["question"])
                break
    return picked[:limit]


class ChatApp:
    """The window's actions on one Engine.

    ``engine`` shares an Engine with another face (``rag serve`` passes the one its API uses);
    ``engine_for`` maps the window's collection box to an engine: given, the window asks that
    engine (top_k per question) instead of moving its own engine to another collection.
    """

    def __init__(self, settings: Settings, engine: Engine | None = None, engine_for: Callable[[str], Engine] | None = None) -> None:
        self.engine = engine or Engine(settings, writer=True, purpose="rag ui")
        self.engine_for = engine_for
        self.lock = threading.Lock()  # one question at a time through the shared engine

    @property
    def settings(self) -> Settings:
        return self.engine.settings

    def status(self) -> str:
        try:
            stats = self.engine.stats()
        except RagError as exc:
            return f"⚠ {exc}"
        return (f"**Corpus:** {stats['documents']} documents, {stats['chunks']} chunks · collection `{stats['collection']}` · "
                f"answerer `{self.settings.llm.backend}` · top_k {self.settings.retrieval.top_k}")

    def file_link(self, source: str) -> str | None:
        """URL of a cited file under the corpus folder (served by Gradio from ``allowed_paths``), or None."""
        root = Path(self.settings.ingest.corpus_dir).resolve()
        path = (root / source).resolve()
        if not path.is_file() or root not in path.parents:
            return None
        return "/gradio_api/file=" + quote(str(path))

    def ensure_indexed(self) -> None:
        if self.engine.store.count() == 0:
            print(f"Indexing {self.settings.ingest.corpus_dir} (store is empty)…", file=sys.stderr)
            report = self.engine.ingest()
            print(report.summary(), file=sys.stderr)

    def respond(self, message: str, history: list[dict], backend: str, top_k: float, collection: str):
        history = list(history or [])
        message = (message or "").strip()
        if not message:
            yield history, sources_html(None), ""
            return
        history.append({"role": "user", "content": html.escape(message, quote=False)})
        history.append({"role": "assistant", "content": "…"})
        yield history, "<p>Searching the documents…</p>", ""
        try:
            with self.lock:
                if self.engine_for is None:
                    self.engine.reconfigure(llm=backend, top_k=int(top_k), collection=collection or self.settings.store.collection)
                    engine = self.engine
                else:
                    engine = self.engine_for(collection or self.settings.store.collection)
                    if backend != engine.settings.llm.backend:
                        engine.reconfigure(llm=backend)
                turns = [{"role": m["role"], "content": html.unescape(m["content"])} for m in normalise_history(history[:-2])]
                streamed = ""
                final: Answer | None = None
                for item in engine.ask_stream(message, history=turns, top_k=int(top_k)):
                    if isinstance(item, Answer):
                        final = item
                    else:
                        streamed += item
                        history[-1] = {"role": "assistant", "content": answer_markdown(streamed)}
                        yield history, "<p>Writing the answer…</p>", ""
            assert final is not None
            text = final.text if final.answered else f"*{final.text}*"
            history[-1] = {"role": "assistant", "content": answer_markdown(text)}
            yield history, sources_html(final, self.file_link), self.status()
        except RagError as exc:
            history[-1] = {"role": "assistant", "content": f"⚠ {html.escape(str(exc), quote=False)}"}
            yield history, sources_html(None), self.status()

    def upload(self, files: list[Any] | None, progress=None):
        if not files:
            return "No files selected.", self.status()
        received = [(getattr(f, "orig_name", None) or Path(_path_of(f)).name, Path(_path_of(f))) for f in files]
        try:
            # Not under self.lock: questions keep being answered while files are indexed.
            report = self.engine.add_files(received, progress=(lambda done, total, name: progress((done, total), desc=name)) if progress else None)
        except RagError as exc:
            return f"⚠ {exc}", self.status()
        return "\n\n".join(report.messages()), self.status()


def _path_of(f: Any) -> str:
    return getattr(f, "name", None) or getattr(f, "path", None) or str(f)


def build_app(settings: Settings, engine: Engine | None = None, engine_for: Callable[[str], Engine] | None = None):
    """The chat window as Gradio Blocks (``engine``/``engine_for``: see ``ChatApp``)."""
    offline_environment()
    import gradio as gr

    app = ChatApp(settings, engine=engine, engine_for=engine_for)
    app.ensure_indexed()
    examples = example_questions(app.engine)
    with gr.Blocks(title="Document Q&A", analytics_enabled=False) as demo:
        gr.Markdown("## Ask the documents\nEvery answer cites its sources; click a marker to see the passage.")
        status = gr.Markdown(app.status(), elem_id="status")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Chat", height=480, elem_id="chat", allow_tags=False, sanitize_html=True, feedback_options=None)
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask a question about the documents…", show_label=False, scale=5, elem_id="question")
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                if examples:
                    gr.Examples(examples=[[q] for q in examples], inputs=[box], label="Example questions")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.HTML(sources_html(None), elem_id="sources")
        with gr.Accordion("Settings", open=False):
            backend = gr.Dropdown([b for b in llm_choices() if b != "fake"], value=settings.llm.backend if settings.llm.backend != "fake" else "extractive", label="Answerer / LLM backend")
            top_k = gr.Slider(1, 20, value=settings.retrieval.top_k, step=1, label="Passages retrieved (top_k)")
            collection = gr.Textbox(value=settings.store.collection, label="Collection searched")
        with gr.Accordion("Add documents", open=False):
            files = gr.File(file_count="multiple", file_types=supported_endings(), label=" ".join(supported_endings()))
            add = gr.Button("Index uploaded files", elem_id="upload")
            upload_status = gr.Markdown()

        inputs = [box, chatbot, backend, top_k, collection]
        outputs = [chatbot, sources, status]
        send.click(app.respond, inputs, outputs, api_name="chat").then(lambda: "", None, box)
        box.submit(app.respond, inputs, outputs, api_name=False).then(lambda: "", None, box)

        def do_upload(f, progress=gr.Progress()):
            return app.upload(f, progress)

        add.click(do_upload, [files], [upload_status, status], api_name="upload")
    demo.chat_app = app  # for tests and callers that need the engine
    return demo


def main(settings: Settings | None = None, host: str | None = None, port: int | None = None, share: bool = False) -> int:
    settings = settings or Settings.load()
    host = host or settings.ui.host
    port = port or settings.ui.port
    user, password = settings.ui.user, settings.ui.password
    try:
        demo = build_app(settings)
    except RagError as exc:
        print(f"rag ui: error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"Chat UI: http://{host}:{port}", flush=True)
    demo.queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, share=share, auth=(user, password) if user and password else None,
        max_file_size=f"{int(settings.ingest.max_file_mb)}mb", ssr_mode=False, quiet=True, css=CSS, footer_links=["api"],
        allowed_paths=[str(Path(settings.ingest.corpus_dir).resolve())],  # cited files open from the source cards
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
