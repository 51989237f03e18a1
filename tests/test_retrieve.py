"""Retrieval stages: candidates -> rerank -> filters -> distinct passages (real MiniLM, real Chroma)."""

from __future__ import annotations

import sys
import textwrap

from rag.types import Filters

DECEMBER = "How many prisoners were released in December?"


def test_filters_limit_passages_to_the_named_sources_and_metadata(engine):
    everything = engine.ask(DECEMBER)
    assert len({p.source for p in everything.passages}) > 1
    only = "pism-kellogg-visits-belarus.txt"
    a = engine.ask(DECEMBER, filters=Filters(sources=(only,)))
    assert a.passages and {p.source for p in a.passages} == {only}
    b = engine.ask(DECEMBER, filters=Filters(where=(("publisher", "PISM"),)))
    assert b.passages and {p.source for p in b.passages} == {only}


def test_a_reranker_named_by_dotted_path_reorders_the_candidates(engine, tmp_path, monkeypatch):
    (tmp_path / "reverse_rerank.py").write_text(textwrap.dedent('''
        class Reverse:
            def __init__(self, settings):
                pass

            def rerank(self, question, candidates):
                return list(reversed(candidates))
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    fused = engine.retriever.search(DECEMBER, 3)
    engine.reconfigure(reranker="reverse_rerank:Reverse")
    try:
        reranked = engine.retriever.search(DECEMBER, 3)
        assert [p.id for p in reranked] != [p.id for p in fused]
        assert fused[0].id not in {p.id for p in reranked}  # the best fused candidate is now last of many, cut by top_k
    finally:
        sys.modules.pop("reverse_rerank", None)


def test_a_narrow_filter_still_gets_top_k_passages_from_its_sources(plumbing, tmp_path):
    """Filters search only the accepted chunks: a question that forty other files answer better still gets
    ``top_k`` passages from the one file asked for (filtering the whole store's best candidates left none)."""
    from rag.api import Engine

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(40):
        (corpus / f"harbour-{i:02d}.txt").write_text(
            f"Harbour report {i}\n\nThe harbour of Vitebsk released {i + 3} fishing boats in December after the storm. "
            f"The harbour master counted the boats released in December twice.\n", encoding="utf-8")
    (corpus / "orchard.txt").write_text("Orchard notes\n\n" + "\n\n".join(
        f"Row {i} of the orchard grew apples of a kind the gardener had grafted in spring. " * 3 for i in range(8)), encoding="utf-8")
    with Engine(plumbing.replace(chunk_size=40, chunk_overlap=0), writer=True) as engine:
        engine.ingest(corpus)
        question = "How many fishing boats were released in December?"
        assert "orchard.txt" not in {p.source for p in engine.search(question, top_k=40)}
        only = engine.search(question, top_k=4, filters=Filters(sources=("orchard.txt",)))
        assert len(only) == 4 and {p.source for p in only} == {"orchard.txt"}
        by_meta = engine.search(question, top_k=4, filters=Filters(where=(("source", "harbour-07.txt"),)))
        assert by_meta and {p.source for p in by_meta} == {"harbour-07.txt"}
        assert engine.search(question, top_k=4, filters=Filters(sources=("no-such-file.txt",))) == []


def test_dense_search_compares_every_stored_vector_itself(engine, monkeypatch):
    """Chroma's HNSW search is approximate: which of the nearest chunks it returns may differ from one process to the
    next, and so would answers. Up to ``retrieval.exact_dense`` chunks the retriever compares every stored vector
    itself: the order Chroma gives when asked for every chunk, and Chroma's search is not called."""
    import numpy as np

    retriever = engine.retriever
    index = retriever.lexical()
    vector = retriever.embed_query(DECEMBER)
    everything = engine.store.query(vector, len(index.ids))  # asked for all, HNSW returns all: its exact order
    sims = retriever.vectors(index) @ (vector / np.linalg.norm(vector))
    ours = [index.ids[i] for i in np.argsort(-sims, kind="stable")[:10]]
    assert ours == [h.id for h in everything[:10]]
    called = []
    monkeypatch.setattr(engine.store, "query", lambda *args, **kwargs: called.append(args) or [])
    assert retriever.search(DECEMBER, 4) and not called
    engine.reconfigure(**{"retrieval.exact_dense": 0})  # above the limit: Chroma's index answers
    try:
        engine.retriever.search(DECEMBER, 4)
        assert called
    finally:
        engine.reconfigure(**{"retrieval.exact_dense": 200_000})
