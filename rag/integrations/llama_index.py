"""The engine inside llama-index pipelines: a retriever and a query engine.

* ``RagRetriever(engine, top_k=None, filters=None)`` is a llama-index ``BaseRetriever``: it returns
  ``NodeWithScore``s from our hybrid retriever (dense + BM25, fused by reciprocal rank), each a
  ``TextNode`` with the stored passage as text and ``source``, ``title``, ``heading``, ``page``,
  ``location`` (plus author/date/publisher and the dense and lexical scores) as metadata; the score is
  the fused score. Plug it into ``RetrieverQueryEngine``, ``QueryFusionRetriever``, a ``RouterRetriever``
  or an agent's ``RetrieverTool``.
* ``RagQueryEngine(engine, top_k=None, filters=None)`` is a ``CustomQueryEngine`` whose response is our
  checked, cited answer: ``response`` is the text with ``[n]`` markers, ``source_nodes`` are the
  citations (node text = the cited passage, metadata ``marker``, ``highlights`` and the fields above),
  and ``metadata`` holds ``answered``, ``conflict``, ``answerer``, ``dropped`` and the ``Answer`` itself.
  Wrap it in a ``QueryEngineTool`` for routers and agents.

Needs ``llama-index-core`` (the ``openai`` or ``eval`` extra installs it).
"""

from __future__ import annotations

from typing import Any, List, Optional

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.response.schema import Response
from llama_index.core.bridge.pydantic import ConfigDict
from llama_index.core.callbacks.base import CallbackManager
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from ..documents import search
from ..types import Answer, Citation, Filters, Passage

#: Metadata that is bookkeeping, not content: kept out of what an LLM or an embedding model sees.
HIDDEN_KEYS = ["dense_score", "lexical_score", "chunk_id", "highlights", "marker", "score"]


def _location(heading: str, title: str, page: int) -> str:
    return Citation(marker=0, source="", title=title, text="", score=0.0, heading=heading, page=page).location


def passage_node(p: Passage) -> NodeWithScore:
    meta = {"source": p.source, "title": p.title, "heading": p.heading, "page": p.page,
            "location": _location(p.heading, p.title, p.page), "author": p.author, "date": p.date,
            "publisher": p.publisher, "dense_score": round(p.dense_score, 4), "lexical_score": round(p.lexical_score, 4)}
    node = TextNode(id_=p.id, text=p.text, metadata=meta, excluded_llm_metadata_keys=list(HIDDEN_KEYS),
                    excluded_embed_metadata_keys=list(HIDDEN_KEYS))
    return NodeWithScore(node=node, score=float(p.score))


def citation_node(c: Citation) -> NodeWithScore:
    meta = {"marker": c.marker, "source": c.source, "title": c.title, "heading": c.heading, "page": c.page,
            "location": c.location, "author": c.author, "date": c.date, "publisher": c.publisher,
            "highlights": list(c.highlights), "chunk_id": c.chunk_id}
    node = TextNode(id_=c.chunk_id or f"citation-{c.marker}", text=c.text, metadata=meta,
                    excluded_llm_metadata_keys=list(HIDDEN_KEYS), excluded_embed_metadata_keys=list(HIDDEN_KEYS))
    return NodeWithScore(node=node, score=float(c.score))


def answer_response(answer: Answer) -> Response:
    return Response(response=answer.text, source_nodes=[citation_node(c) for c in answer.citations],
                    metadata={"answered": answer.answered, "conflict": answer.conflict, "answerer": answer.answerer,
                              "dropped": list(answer.dropped), "standalone_question": answer.standalone_question,
                              "answer": answer})


class RagRetriever(BaseRetriever):
    """Our hybrid retriever as a llama-index retriever."""

    def __init__(self, engine, top_k: int | None = None, filters: Filters | None = None,
                 callback_manager: Optional[CallbackManager] = None, verbose: bool = False) -> None:
        super().__init__(callback_manager=callback_manager, verbose=verbose)
        self.engine = engine
        self.top_k = top_k
        self.filters = filters

    def _retrieve(self, query_bundle: QueryBundle) -> List[NodeWithScore]:
        return [passage_node(p) for p in search(self.engine, query_bundle.query_str, self.top_k, self.filters)]

    async def _aretrieve(self, query_bundle: QueryBundle) -> List[NodeWithScore]:
        import asyncio

        return await asyncio.to_thread(self._retrieve, query_bundle)


class RagQueryEngine(CustomQueryEngine):
    """Our checked, cited answer as a llama-index query engine response."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    engine: Any
    top_k: Optional[int] = None
    filters: Optional[Any] = None

    def __init__(self, engine=None, top_k: int | None = None, filters: Filters | None = None, **kwargs: Any) -> None:
        super().__init__(engine=engine if engine is not None else kwargs.pop("engine"), top_k=top_k, filters=filters, **kwargs)

    def custom_query(self, query_str: str) -> Response:
        return answer_response(self.engine.ask(query_str, top_k=self.top_k, filters=self.filters))

    async def acustom_query(self, query_str: str) -> Response:
        import asyncio

        return await asyncio.to_thread(self.custom_query, query_str)


__all__ = ["RagQueryEngine", "RagRetriever", "answer_response", "citation_node", "passage_node"]
