"""llama-index integration: our retriever and query engine inside real llama-index pipelines (real seed store,
real MiniLM), and any llama-index LLM class as our LLM backend (its output still checked citation by citation)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata, MockLLM

from rag.api import Engine
from rag.errors import UserError
from rag.integrations.llama_index import RagQueryEngine, RagRetriever
from rag.settings import Settings
from rag.types import Answer, Filters

from .test_llm import llama_server  # noqa: F401  (fixture: python -m llama_cpp.server on loopback)

DECEMBER = "How many prisoners were released in December?"
EURO_PRAVDA = "european-pravda-trumps-deal-with-belarus.txt"
PISM = "pism-kellogg-visits-belarus.txt"


class ScriptedLLM(CustomLLM):
    """A llama-index LLM that always says ``reply`` (the router's selector and the LLM-seam tests use it)."""

    reply: str = ""
    max_tokens: int = 200

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(num_output=self.max_tokens, model_name="scripted")

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self.reply)

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def gen():
            text = ""
            for word in self.reply.split(" "):
                delta = word if not text else " " + word
                text += delta
                yield CompletionResponse(text=text, delta=delta)

        return gen()


def test_retriever_returns_nodes_with_metadata_and_scores(engine):
    nodes = RagRetriever(engine, top_k=5).retrieve(DECEMBER)
    assert len(nodes) == 5
    assert [n.score for n in nodes] == sorted((n.score for n in nodes), reverse=True)
    _, docs, _ = engine.store.all_documents()
    for n in nodes:
        assert n.node.get_content() in docs  # the exact stored passage
        assert {"source", "title", "heading", "page", "location"} <= set(n.node.metadata)
    assert nodes[0].node.metadata["source"] == EURO_PRAVDA and "123" in nodes[0].node.get_content()
    only = RagRetriever(engine, top_k=3, filters=Filters(sources=(PISM,))).retrieve(DECEMBER)
    assert only and {n.node.metadata["source"] for n in only} == {PISM}
    assert asyncio.run(RagRetriever(engine, top_k=2).aretrieve(DECEMBER))[0].node.node_id == nodes[0].node.node_id


def test_retriever_inside_a_retriever_query_engine(engine):
    """llama-index's own RetrieverQueryEngine and response synthesizer over our retriever (MockLLM echoes its prompt)."""
    from llama_index.core.query_engine import RetrieverQueryEngine

    query_engine = RetrieverQueryEngine.from_args(RagRetriever(engine, top_k=3), llm=MockLLM())
    response = query_engine.query(DECEMBER)
    assert [n.node.metadata["source"] for n in response.source_nodes][0] == EURO_PRAVDA
    text = str(response)
    assert "123 political prisoners" in text  # our passage reached the LLM's context ...
    assert f"source: {EURO_PRAVDA}" in text and "dense_score" not in text  # ... with its metadata, minus bookkeeping


def test_query_engine_answer_is_our_cited_answer(engine):
    response = RagQueryEngine(engine).query(DECEMBER)
    expected = engine.ask(DECEMBER)
    assert str(response) == expected.text and "[1]" in str(response)
    assert response.metadata["answered"] and not response.metadata["conflict"]
    assert isinstance(response.metadata["answer"], Answer)
    first = response.source_nodes[0]
    assert first.node.metadata["marker"] == 1 and first.node.metadata["source"] == EURO_PRAVDA
    assert first.node.get_content() == expected.citations[0].text and first.node.metadata["highlights"]
    assert len(response.source_nodes) == len(expected.citations)

    refused = RagQueryEngine(engine, top_k=3).query("What is the boiling point of tungsten?")
    assert not refused.metadata["answered"] and refused.source_nodes == []
    assert asyncio.run(RagQueryEngine(engine).aquery(DECEMBER)).response == expected.text


def test_query_engine_inside_a_router_with_query_engine_tools(engine):
    """A RouterQueryEngine (LLM selector) picks our engine as one of two tools; the response is our cited answer."""
    from llama_index.core.query_engine import RouterQueryEngine
    from llama_index.core.selectors import LLMSingleSelector
    from llama_index.core.tools import QueryEngineTool

    selector_llm = ScriptedLLM(reply='[{"choice": 2, "reason": "the question is about prisoner releases in Belarus"}]')
    recipes = RagQueryEngine(engine, filters=Filters(sources=("no-such-document.txt",)))  # a second, useless tool
    router = RouterQueryEngine(
        selector=LLMSingleSelector.from_defaults(llm=selector_llm),
        query_engine_tools=[
            QueryEngineTool.from_defaults(recipes, name="recipes", description="Cooking recipes."),
            QueryEngineTool.from_defaults(RagQueryEngine(engine), name="belarus_documents",
                                          description="Articles about the 2025 U.S.-Belarus prisoner releases."),
        ],
        llm=selector_llm,
    )
    response = router.query(DECEMBER)
    assert response.metadata["selector_result"].ind == 1
    assert response.metadata["answered"] and "123" in str(response)
    assert response.source_nodes[0].node.metadata["source"] == EURO_PRAVDA

    tool = QueryEngineTool.from_defaults(RagQueryEngine(engine), name="belarus_documents", description="...")
    output = tool.call(DECEMBER)  # what an agent calls
    assert "123" in output.content and output.raw_output.metadata["answered"]


# -- any llama-index LLM as our LLM backend ---------------------------------------------------------

def test_llamaindex_backend_builds_the_class_from_settings_and_checks_its_output(seeded):
    s = seeded.replace(llm="llamaindex", llm__class_path="tests.test_llama_index:ScriptedLLM",
                       llm__kwargs={"reply": "On 13 December, 123 political prisoners were released [1]. "
                                             "The moon is made of green cheese [1]."})
    with Engine(s) as e:
        a = e.ask(DECEMBER)
        llm = e.answerer.llm
        assert llm.name == "llamaindex" and type(llm.client).__name__ == "ScriptedLLM"
        assert llm.client.max_tokens == s.llm.max_tokens  # filled from llm.max_tokens: the class has the field
        assert a.answered and a.answerer == "llamaindex" and "123" in a.text
        assert a.dropped == ["The moon is made of green cheese."]  # verification still applies
        assert all(supported for supported, _, _ in e.check_citations(a))
        streamed = list(e.ask_stream(DECEMBER))
        assert isinstance(streamed[-1], Answer) and streamed[-1].text == a.text and len(streamed) > 2


def test_llamaindex_backend_with_llama_index_mock_llm(seeded):
    s = seeded.replace(llm="llamaindex", llm__class_path="llama_index.core.llms.mock:MockLLM", llm__kwargs={"max_tokens": 12})
    with Engine(s) as e:
        a = e.ask(DECEMBER)
        assert e.answerer.llm.client.max_tokens == 12  # llm.kwargs win over llm.max_tokens
    # MockLLM says "text text text ...": nothing of it survives verification; the checked extractive answer is returned
    assert a.answerer == "llamaindex+extractive" and a.answered and "123" in a.text and "text text" not in a.text


def test_llamaindex_settings_from_toml_and_env(tmp_path):
    toml = tmp_path / "llm.toml"  # not ./rag.toml, which every Settings.load() below would read
    toml.write_text('[llm]\nbackend = "llamaindex"\nclass_path = "llama_index.llms.openai_like:OpenAILike"\n'
                    '[llm.kwargs]\nmodel = "smollm2"\napi_base = "http://127.0.0.1:9/v1"\nis_chat_model = true\napi_key = "sk-secret"\n')
    s = Settings.load(toml, env={})
    assert s.llm.backend == "llamaindex" and s.llm.kwargs["is_chat_model"] is True and s.llm.kwargs["model"] == "smollm2"
    assert s.public()["llm.kwargs"]["api_key"] == "***"  # `rag info` does not print it
    env = Settings.load(env={"RAG_LLM": "llamaindex", "RAG_LLM__CLASS_PATH": "a.b:C", "RAG_LLM__KWARGS": '{"temperature": 0.2}'})
    assert env.llm.kwargs == {"temperature": 0.2} and env.llm.class_path == "a.b:C"
    with pytest.raises(UserError, match="llm.kwargs must be a JSON object"):
        Settings.load(env={"RAG_LLM__KWARGS": "temperature=0.2"})

    from rag.llms import make_llm

    llm = make_llm(s)  # builds OpenAILike; no request is made
    assert llm.client.model == "smollm2" and llm.client.api_base == "http://127.0.0.1:9/v1"
    assert llm.client.timeout == s.llm.timeout and llm.client.context_window == s.llm.context_size  # filled in
    with pytest.raises(UserError, match="needs a class: set llm.class_path"):
        make_llm(Settings.load(env={"RAG_LLM": "llamaindex"}))
    with pytest.raises(UserError, match="cannot be imported"):
        make_llm(Settings.load(env={"RAG_LLM": "llamaindex", "RAG_LLM__CLASS_PATH": "llama_index.llms.nope:Nope"}))
    with pytest.raises(UserError, match="cannot build ScriptedLLM"):
        make_llm(Settings.load(env={"RAG_LLM": "llamaindex", "RAG_LLM__CLASS_PATH": "tests.test_llama_index:ScriptedLLM",
                                    "RAG_LLM__KWARGS": '{"max_tokens": "many"}'}))


@pytest.mark.llm
def test_llamaindex_backend_openai_like_against_a_real_llama_cpp_server(seeded, llama_server):  # noqa: F811
    s = seeded.replace(llm="llamaindex", llm__class_path="llama_index.llms.openai_like:OpenAILike", llm_max_tokens=80,
                       llm__kwargs={"model": "smollm2", "api_base": llama_server, "is_chat_model": True, "api_key": "not-needed"})
    with Engine(s) as e:
        a = e.ask(DECEMBER)
        items = list(e.ask_stream("Who is Ales Bialiatski?"))
        checks = e.check_citations(a)
    assert isinstance(a, Answer) and a.tokens > 0 and a.answerer.startswith("llamaindex")
    assert all(supported for supported, _, _ in checks)  # whatever the small model said, what is shown is supported
    assert isinstance(items[-1], Answer) and any(isinstance(i, str) and i for i in items[:-1])
