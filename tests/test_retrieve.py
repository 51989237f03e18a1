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
