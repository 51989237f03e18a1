"""The plain llama-index starter pipeline, scored on the same questions.

``VectorStoreIndex.from_documents`` with the default ``SentenceSplitter``,
dense-only retrieval, the same embedding model, ``similarity_top_k=2``.
The starter needs an LLM to write answers; with none configured, its
"answer" is the retrieved context itself, so its correctness is an upper
bound of what an LLM on top could reach, it never refuses, and it cites both
retrieved chunks.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from .dataset import Question
from .metrics import aggregate, judge

NOTE = ("llama-index starter (SentenceSplitter defaults, dense only, same embedding model, top_k=2, PDFs read per page as "
        "llama-index-readers-file does); "
        "answer = retrieved context (no LLM), so correctness is an upper bound; it never refuses")


def build_starter_index(settings):
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from rag.embedders import offline_environment, resolve_model

    offline_environment()
    LlamaSettings.llm = None
    LlamaSettings.embed_model = HuggingFaceEmbedding(model_name=resolve_model(settings.embedding.model), device="cpu")
    extractors = {} if ".pdf" in SimpleDirectoryReader.supported_suffix_fn() else {".pdf": _pdf_pages_reader()}
    documents = SimpleDirectoryReader(str(settings.ingest.corpus_dir), recursive=True, exclude_hidden=False,
                                      file_extractor=extractors).load_data(show_progress=False)
    return VectorStoreIndex.from_documents(documents)


def _pdf_pages_reader():
    """What ``pip install llama-index`` reads PDFs with (llama-index-readers-file's ``PDFReader``: pypdf, one document
    per page, ``page_label`` and ``file_name`` in its metadata), for when only llama-index-core is installed: without
    it SimpleDirectoryReader would read a PDF's bytes as text, and the starter would be scored on binary noise."""
    from llama_index.core import Document
    from llama_index.core.readers.base import BaseReader

    class PdfPages(BaseReader):
        def load_data(self, file, extra_info=None, **_):
            from pypdf import PdfReader

            reader = PdfReader(str(file))
            return [Document(text=page.extract_text() or "",
                             metadata={"page_label": reader.page_labels[i], "file_name": Path(file).name, **(extra_info or {})})
                    for i, page in enumerate(reader.pages)]
    return PdfPages()


def run_baseline(settings, questions: list[Question]) -> tuple[dict[str, Any], str]:
    index = build_starter_index(settings)
    root = Path(settings.ingest.corpus_dir).expanduser().resolve()
    retriever = index.as_retriever(similarity_top_k=2)
    rows = []
    for q in questions:
        def retrieve(question: str):
            query = question
            if q.history:
                query = " ".join(m["content"] for m in q.history if m["role"] == "user") + " " + question
            nodes = retriever.retrieve(query)
            return [_relative(n.node.metadata.get("file_path", ""), root) for n in nodes], "\n".join(n.node.get_content() for n in nodes)

        started = time.perf_counter()
        sources, text = retrieve(q.question)
        seconds = time.perf_counter() - started
        correct, why = judge(q, text, True, False)
        rank = next((i + 1 for i, s in enumerate(sources) if s in q.sources), None)
        rows.append({"id": q.id, "category": q.category, "expect": q.expect, "answered": True, "correct": correct, "why": why,
                     "gold_sources": q.sources, "hit": rank is not None, "rr": 1.0 / rank if rank else 0.0,
                     "gold_cited": rank is not None, "sentences": 0, "supported_sentences": 0, "citations_precise": 0,
                     "citations_total": 0, "words": len(text.split()), "seconds": seconds,
                     "paraphrases": [{"correct": judge(q, retrieve(p)[1], True, False)[0]} for p in q.paraphrases]})
    cats = sorted({r["category"] for r in rows})
    return {"overall": aggregate(rows), "categories": {c: aggregate([r for r in rows if r["category"] == c]) for c in cats}}, NOTE


def _relative(file_path: str, root) -> str:
    """A retrieved file as the question set names its sources: its path under the corpus folder."""
    from pathlib import Path

    path = Path(file_path).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name
