"""One registry per seam: names, dotted paths and entry-point plugins, without editing rag/."""

from __future__ import annotations

import sys
import textwrap

import pytest

from rag.answerers import ANSWERERS
from rag.embedders import EMBEDDERS
from rag.errors import UserError
from rag.llms import LLMS
from rag.rerank import RERANKERS
from rag.settings import Settings, llm_choices

PLUGIN = textwrap.dedent('''
    class EchoLLM:
        """Answers with the first sentence of passage [1], cited."""
        name = "echo"
        tokens_used = 0

        def __init__(self, settings):
            self.settings = settings

        def complete(self, messages, max_tokens=200):
            prompt = messages[-1]["content"]
            first = prompt.split("[1]", 1)[1].split("\\n")[1].split(". ")[0]
            return first.rstrip(".") + " [1]."

        def stream(self, messages, max_tokens=200):
            yield self.complete(messages, max_tokens)
''')


@pytest.fixture
def plugin_package(tmp_path, monkeypatch):
    """A third-party package on sys.path with a `rag.llms` entry point (a real dist-info, read by importlib.metadata)."""
    (tmp_path / "ragecho.py").write_text(PLUGIN)
    info = tmp_path / "ragecho-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ragecho\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[rag.llms]\necho = ragecho:EchoLLM\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("ragecho", None)


def test_every_seam_lists_its_builtin_names():
    assert LLMS.names()[:4] == ["llamacpp", "openai", "llamaindex", "fake"]
    assert EMBEDDERS.names()[:3] == ["onnx", "torch", "fake"]
    assert ANSWERERS.names() == ["extractive", "generative"]
    assert RERANKERS.names()[0] == "none"


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(UserError, match="valid names: llamacpp, openai, llamaindex, fake"):
        LLMS.resolve("gpt5")
    with pytest.raises(UserError, match="cannot be loaded"):
        LLMS.resolve("no_such_package.module:Thing")


def test_an_entry_point_plugin_is_a_valid_backend_everywhere(plugin_package, engine):
    assert "echo" in LLMS.names() and "echo" in llm_choices()
    settings = engine.settings.replace(llm="echo")
    assert settings.llm.backend == "echo"
    engine.reconfigure(llm="echo")
    answer = engine.ask("How many prisoners were released in December?")
    assert answer.answerer.startswith("echo") and answer.answered and answer.citations


def test_a_dotted_path_names_a_backend_without_registering(plugin_package, engine):
    engine.reconfigure(llm="ragecho:EchoLLM")
    answer = engine.ask("How many prisoners were released in December?")
    assert answer.answerer.startswith("echo") and answer.answered


def test_cli_help_lists_the_registered_backends(plugin_package):
    from rag.cli import build_parser

    help_text = " ".join(build_parser()._subparsers._group_actions[0].choices["ask"].format_help().split())
    assert "extractive, llamacpp, openai, llamaindex, fake, echo" in help_text


def test_a_runtime_registered_at_run_time_builds(monkeypatch):
    from rag.embedders.fake import FakeEmbedder

    class Tiny(FakeEmbedder):
        dimension = 8

    EMBEDDERS.register("tiny", Tiny)
    try:
        s = Settings.load(env={}, embedding_runtime="tiny")
        from rag.embedders import get_embedder

        assert get_embedder(s.embedding.model, 0, s.embedding.runtime).encode(["a b"]).shape == (1, 8)
    finally:
        EMBEDDERS._targets.pop("tiny")
