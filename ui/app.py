"""Gradio chat window: streamed, cited answers with a linked sources panel, upload and settings.

Everything goes through one ``rag.api.Engine`` (the same ``ask_stream`` the
Python API offers); the UI holds no retrieval logic. Safe by default: binds
127.0.0.1, no share link, analytics off, optional login from the ``ui`` settings
(RAG_UI_USER / RAG_UI_PASSWORD). Document text is untrusted: it is HTML-escaped everywhere
it is shown, so a document containing <script> is displayed, never run.
"""

import html
import json
import re
import shutil
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from rag import feedback
from rag.api import Engine
from rag.conversation import normalise_history
from rag.embedders import offline_environment
from rag.errors import RagError, UserError
from rag.export import conversation_markdown
from rag.ingest.formats import supported_endings
from rag.settings import Settings, llm_choices
from rag.types import Answer, Citation
from rag.uploads import safe_name  # noqa: F401  (re-exported; the upload rules live in rag/uploads.py)
from rag.watch import Watcher, changed

#: Columns of the documents table; a click on a row (its last cell reads "🗑 delete") asks to delete that document.
DOC_HEADERS = ["source", "title", "chunks", "indexed (UTC)", ""]
DELETE_CELL = "🗑 delete"
VERDICT_SHOWN = {"up": "👍 thumbs up", "down": "👎 thumbs down", "cleared": "rating withdrawn"}
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


def plain_text(content: str) -> str:
    """A chat message back as text: ``answer_markdown`` undone (markers as ``[n]``, HTML entities decoded)."""
    return html.unescape(re.sub(r"\[\[(\d+)\]\]\(#src-\d+\)", r"[\1]", content))


def sources_html(answer: Answer | None, link=None) -> str:
    """The sources panel; ``link(source)`` gives the URL the app serves a source file at (or None)."""
    if answer is None:
        return "<p>Sources of the latest answer appear here.</p>"
    # The wrapper names the question it answers, so a reader (or a browser test) can tell this panel from the last one.
    wrapper = f"<div class='answer-sources' data-question=\"{html.escape(answer.question, quote=True)}\">{{}}</div>"
    if not answer.answered:
        return wrapper.format("<p class='refusal'>The documents don't contain an answer to this question, so nothing is cited.</p>")
    parts = []
    if answer.conflict:
        parts.append("<p><b>The sources disagree</b>; both sides are shown below.</p>")
    if answer.dropped:
        dropped = "".join(f"<li>{html.escape(s)}</li>" for s in answer.dropped)
        parts.append(f"<details><summary>{len(answer.dropped)} unsupported generated sentence(s) removed</summary><ul>{dropped}</ul></details>")
    for c in answer.citations:
        parts.append(_card(c, link(c.source) if link else None))
    return wrapper.format("\n".join(parts))


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

    def __init__(self, settings: Settings, engine: Engine | None = None, engine_for: Callable[[str], Engine] | None = None,
                 any_folder: bool = False) -> None:
        self.engine = engine or Engine(settings, writer=True, purpose="rag ui")
        self.engine_for = engine_for
        self.any_folder = any_folder  # the watch switch may watch any folder (a loopback-only window), else the corpus folder's
        self.lock = threading.Lock()  # one question at a time through the shared engine
        self.watcher: Watcher | None = None  # one per window process, shared by its sessions
        self._watch_lock = threading.Lock()
        self._exports: Path | None = None  # folder of the exported conversations (made on the first export)

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

    def respond(self, message: str, history: list[dict], backend: str, top_k: float, collection: str, answers: list[dict] | None = None):
        """Stream the answer into the chat; ``answers`` (the session's state) gets one record per answer, for the
        thumbs (``rate``) and the export (``export``): ``feedback.answer_record`` plus its id, place and collection."""
        history = list(history or [])
        answers = list(answers or [])
        message = (message or "").strip()
        if not message:
            yield history, sources_html(None), "", answers
            return
        history.append({"role": "user", "content": html.escape(message, quote=False)})
        history.append({"role": "assistant", "content": "…"})
        yield history, "<p>Searching the documents…</p>", "", answers
        try:
            with self.lock:
                if self.engine_for is None:  # the window's own engine: the panel is its settings
                    self.engine.reconfigure(llm=backend, top_k=int(top_k), collection=collection or self.settings.store.collection)
                    engine = self.engine
                else:  # an engine `rag serve` shares with the HTTP API: the dropdown picks this answer's backend only
                    engine = self.engine_for(collection or self.settings.store.collection)
                turns = [{"role": m["role"], "content": plain_text(m["content"])} for m in normalise_history(history[:-2])]
                streamed = ""
                final: Answer | None = None
                for item in engine.ask_stream(message, history=turns, top_k=int(top_k), backend=backend):
                    if isinstance(item, Answer):
                        final = item
                    else:
                        streamed += item
                        history[-1] = {"role": "assistant", "content": answer_markdown(streamed)}
                        yield history, "<p>Writing the answer…</p>", "", answers
            assert final is not None
            text = final.text if final.answered else f"*{final.text}*"
            history[-1] = {"role": "assistant", "content": answer_markdown(text)}
            answers.append({**feedback.answer_record(final, message, turns), "id": uuid.uuid4().hex,
                            "message_index": len(history) - 1, "collection": engine.settings.store.collection})
            yield history, sources_html(final, self.file_link), self.status(), answers
        except RagError as exc:
            history[-1] = {"role": "assistant", "content": f"⚠ {html.escape(str(exc), quote=False)}"}
            yield history, sources_html(None), self.status(), answers

    # -- feedback and export -------------------------------------------------
    def rate(self, answers: list[dict] | None, index: Any, liked: Any, comment: str = "") -> str:
        """Log a thumb on the answer at chat message ``index`` (``liked``: True up, False down, "" withdrawn)."""
        if isinstance(index, (list, tuple)):
            index = index[0] if index else None
        record = next((a for a in answers or [] if a.get("message_index") == index), None)
        if record is None:
            return "Only answers to questions can be rated."
        verdict = "up" if liked is True else "down" if liked is False else feedback.CLEARED
        try:
            feedback.log(self.settings.feedback.log, record, verdict, comment=comment, collection=record.get("collection", ""),
                         answer_id=record["id"], face="ui")
        except RagError as exc:
            return f"⚠ {html.escape(str(exc), quote=False)}"
        noted = " with your comment" if comment.strip() and verdict != feedback.CLEARED else ""
        return f"Feedback {VERDICT_SHOWN[verdict]} logged{noted} for “{html.escape(_clip(record['question'], 80), quote=False)}”."

    def export(self, answers: list[dict] | None) -> str | None:
        """The conversation so far as a Markdown file (one per conversation, rewritten after each answer), or None."""
        if not answers:
            return None
        if self._exports is None:
            self._exports = Path(tempfile.mkdtemp(prefix="rag-export-"))  # Gradio serves a copy from its own cache
        path = self._exports / f"conversation-{answers[0]['id'][:8]}.md"
        path.write_text(conversation_markdown(answers, collection=answers[-1].get("collection", "")), encoding="utf-8")
        return str(path)

    # -- documents table and watch switch ------------------------------------
    def document_rows(self) -> list[list[Any]]:
        try:
            docs = self.engine.documents()
        except RagError:
            return []
        return [[d["source"], d["title"], d["chunks"], (d.get("ingested_at") or "")[:16].replace("T", " "), DELETE_CELL] for d in docs]

    def ask_delete(self, row: list[Any] | None) -> tuple[str, str]:
        """(source picked for deletion, the confirmation text) for a clicked row of the documents table."""
        if not row or not row[0]:
            return "", ""
        source = str(row[0])
        try:
            doc = next((d for d in self.engine.documents() if d["source"] == source), None)
        except RagError as exc:
            return "", f"⚠ {html.escape(str(exc), quote=False)}"
        if doc is None:
            return "", f"{html.escape(source, quote=False)} is no longer in the store."
        root = Path(self.settings.ingest.corpus_dir).resolve()
        inside = doc.get("corpus") == str(root) and (root / source).is_file()  # as Engine.remove_document decides
        also = " and its file in the corpus folder" if inside else f" (its file stays in {html.escape(doc.get('corpus') or '?', quote=False)})"
        return source, f"Delete **{html.escape(source, quote=False)}**: its {doc['chunks']} chunks{also}?"

    def delete_document(self, source: str) -> str:
        if not source:
            return "Click a document in the table first."
        try:
            with self.lock:  # not in the middle of an answer citing it
                done = self.engine.remove_document(source)
        except RagError as exc:
            return f"⚠ {html.escape(str(exc), quote=False)}"
        return (f"Deleted {html.escape(source, quote=False)}: {done['chunks_removed']} chunks"
                + (" and its file." if done["file_removed"] else "."))

    def watch_folder(self, folder: str | None) -> Path:
        """The folder the switch would watch: the entered one (default the corpus folder), checked."""
        root = Path(self.settings.ingest.corpus_dir).expanduser().resolve()
        path = Path(folder.strip()).expanduser().resolve() if folder and folder.strip() else root
        if not path.is_dir():
            raise UserError(f"{path} is not an existing folder")
        if not self.any_folder and path != root and root not in path.parents:
            raise UserError(f"this window is reachable from other machines, so it watches only the corpus folder {root} "
                            "and folders inside it (run `rag watch PATH` on the machine for others)")
        return path

    def set_watch(self, on: bool, folder: str | None) -> tuple[bool, str]:
        """Start (``on``) or stop watching; (watching now, status line)."""
        with self._watch_lock:
            if self.watcher is not None:
                self.watcher.stop(timeout=120)
                self.watcher = None
            if on:
                try:
                    self.watcher = Watcher(self.engine, self.watch_folder(folder)).start()
                except RagError as exc:
                    return False, f"⚠ {html.escape(str(exc), quote=False)}"
        return self.watcher is not None, self.watch_status()

    def watch_status(self) -> str:
        w = self.watcher
        if w is None:
            return "Not watching a folder."
        line = f"Watching `{w.root}`"
        if w.indexing or w.pending:
            line += " · indexing…"
        if w.last_error is not None:
            line += f" · ⚠ last pass failed: {html.escape(str(w.last_error), quote=False)}"
        elif w.last_report is not None:
            report = w.last_report
            line += f" · {w.passes} pass{'es' if w.passes != 1 else ''}; last: " + (report.summary() if changed(report) else "no changes")
        return line

    def close(self) -> None:
        """Stop watching (a running pass finishes first) and remove the exported files."""
        self.set_watch(False, None)
        if self._exports is not None:
            shutil.rmtree(self._exports, ignore_errors=True)

    def store_key(self) -> str:
        """Changes with every write to the store, by anyone (an API upload under `rag serve`, another process):
        the window polls it to keep its documents table and corpus line current without a reload."""
        try:
            return repr(self.engine.store.change_key())
        except Exception:  # a store being rebuilt or unreachable: try again at the next tick
            return ""

    def watch_passes(self) -> int:
        w = self.watcher
        return -1 if w is None else w.passes

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


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _path_of(f: Any) -> str:
    return getattr(f, "name", None) or getattr(f, "path", None) or str(f)


def build_app(settings: Settings, engine: Engine | None = None, engine_for: Callable[[str], Engine] | None = None,
              any_folder: bool = False):
    """The chat window as Gradio Blocks (``engine``/``engine_for``/``any_folder``: see ``ChatApp``)."""
    offline_environment()
    import gradio as gr

    app = ChatApp(settings, engine=engine, engine_for=engine_for, any_folder=any_folder)
    app.ensure_indexed()
    examples = example_questions(app.engine)
    with gr.Blocks(title="Document Q&A", analytics_enabled=False) as demo:
        gr.Markdown("## Ask the documents\nEvery answer cites its sources; click a marker to see the passage.")
        status = gr.Markdown(app.status(), elem_id="status")
        answers = gr.State([])  # this conversation's answers with their citations (thumbs, export)
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Chat", height=480, elem_id="chat", allow_tags=False, sanitize_html=True,
                                     feedback_options=("Like", "Dislike"))
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask a question about the documents…", show_label=False, scale=5, elem_id="question")
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                with gr.Row():
                    comment = gr.Textbox(placeholder="Optional comment, sent with your next 👍 / 👎 on an answer", show_label=False,
                                         scale=4, elem_id="feedback-comment", max_length=feedback.MAX_COMMENT_CHARS)
                    export = gr.DownloadButton("Export conversation (.md)", value=None, interactive=False, scale=2, elem_id="export")
                feedback_status = gr.Markdown(elem_id="feedback-status")
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
        with gr.Accordion("Stored documents", open=False, elem_id="documents"):
            docs = gr.Dataframe(app.document_rows(), headers=DOC_HEADERS, type="array", interactive=False, wrap=True,
                                datatype=["str", "str", "number", "str", "str"], elem_id="docs-table",
                                column_widths=["30%", "40%", "8%", "13%", "9%"],
                                label="Click a row to delete that document")
            picked = gr.State("")
            with gr.Row(visible=False, elem_id="delete-confirm") as confirm:
                confirm_text = gr.Markdown()
                delete = gr.Button("Delete", variant="stop", scale=0, elem_id="delete-doc")
                cancel = gr.Button("Cancel", scale=0, elem_id="delete-cancel")
            docs_status = gr.Markdown(elem_id="docs-status")
            with gr.Row():
                folder = gr.Textbox(value=str(Path(settings.ingest.corpus_dir).expanduser().resolve()), label="Folder to watch",
                                    scale=4, elem_id="watch-folder")
                watching = gr.Checkbox(value=False, label="Watch this folder (index new, changed and deleted files)", scale=2,
                                       elem_id="watch-switch")
            watch_status = gr.Markdown(app.watch_status(), elem_id="watch-status")
        shown_passes = gr.State(-1)
        timer = gr.Timer(2.0, active=False)
        shown_store = gr.State("")
        store_timer = gr.Timer(settings.ui.refresh_seconds, active=settings.ui.refresh_seconds > 0)

        inputs = [box, chatbot, backend, top_k, collection, answers]
        outputs = [chatbot, sources, status, answers]

        def export_button(items):
            path = app.export(items)
            return gr.DownloadButton(value=path, interactive=path is not None)

        for event in (send.click(app.respond, inputs, outputs, api_name="chat"), box.submit(app.respond, inputs, outputs, api_name=False)):
            event.then(lambda: "", None, box, api_name=False).then(export_button, [answers], [export], api_name=False)

        def rate(items, note, like: gr.LikeData):
            return app.rate(items, like.index, like.liked, note), ""

        chatbot.like(rate, [answers, comment], [feedback_status, comment], api_name=False)
        chatbot.clear(lambda: ([], gr.DownloadButton(value=None, interactive=False), ""), None, [answers, export, feedback_status],
                      api_name=False)

        def do_upload(f, progress=gr.Progress()):
            return app.upload(f, progress)

        add.click(do_upload, [files], [upload_status, status], api_name="upload").then(app.document_rows, None, docs, api_name=False)

        def pick(evt: gr.SelectData):
            source, text = app.ask_delete(evt.row_value)
            return source, text, gr.Row(visible=bool(source)), "" if source else text

        docs.select(pick, None, [picked, confirm_text, confirm, docs_status], api_name=False)
        cancel.click(lambda: ("", gr.Row(visible=False)), None, [picked, confirm], api_name=False)

        def do_delete(source):
            message = app.delete_document(source)
            return message, app.document_rows(), app.status(), "", gr.Row(visible=False)

        delete.click(do_delete, [picked], [docs_status, docs, status, picked, confirm], api_name=False)

        def switch(on, path):
            now, line = app.set_watch(on, path)
            return now, line, gr.Timer(active=now)

        watching.input(switch, [watching, folder], [watching, watch_status, timer], api_name=False)

        def poll(seen):
            passes = app.watch_passes()
            if passes == seen:
                return app.watch_status(), gr.skip(), gr.skip(), seen
            return app.watch_status(), app.document_rows(), app.status(), passes

        timer.tick(poll, [shown_passes], [watch_status, docs, status, shown_passes], api_name=False)

        def refresh(seen):
            key = app.store_key()
            if not key or key == seen:
                return gr.skip(), gr.skip(), seen
            return app.document_rows(), app.status(), key

        store_timer.tick(refresh, [shown_store], [docs, status, shown_store], api_name=False, show_progress="hidden")

        def on_load():
            on = app.watcher is not None
            return app.document_rows(), on, app.watch_status(), gr.Timer(active=on), app.store_key()

        demo.load(on_load, None, [docs, watching, watch_status, timer, shown_store], api_name=False)
    demo.chat_app = app  # for tests and callers that need the engine
    return demo


def main(settings: Settings | None = None, host: str | None = None, port: int | None = None, share: bool = False) -> int:
    settings = settings or Settings.load()
    host = host or settings.ui.host
    port = port or settings.ui.port
    user, password = settings.ui.user, settings.ui.password
    from rag.server import is_loopback

    try:
        demo = build_app(settings, any_folder=is_loopback(host) and not share)
    except RagError as exc:
        print(f"rag ui: error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"Chat UI: http://{host}:{port}", flush=True)
    demo.queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, share=share, auth=(user, password) if user and password else None,
        max_file_size=f"{int(settings.ingest.max_file_mb)}mb", ssr_mode=False, quiet=True, css=CSS, footer_links=["api"],
        allowed_paths=[str(Path(settings.ingest.corpus_dir).resolve())],  # cited files open from the source cards
    )
    demo.chat_app.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
