import pytest

from rag.errors import UserError
from rag.settings import EMBEDDING_RUNTIMES, LLM_BACKENDS, Settings


def test_defaults_toml_then_env_precedence(tmp_path):
    toml = tmp_path / "conf" / "rag.toml"
    toml.parent.mkdir()
    toml.write_text('top_k = 3\ncollection = "fromtoml"\nchunk_size = 100\n')
    s = Settings.load(toml, env={"RAG_TOP_K": "9", "RAG_VERIFY_CITATIONS": "false"})
    assert s.top_k == 9  # env beats TOML
    assert s.collection == "fromtoml"  # TOML beats default
    assert s.chunk_size == 100
    assert s.verify_citations is False
    assert Settings.load(env={}).top_k == Settings().top_k


def test_rag_config_env_points_at_toml(tmp_path):
    toml = tmp_path / "other.toml"
    toml.write_text("[rag]\nllm = \"fake\"\n")
    assert Settings.load(env={"RAG_CONFIG": str(toml)}).llm == "fake"


@pytest.mark.parametrize("env, needle", [
    ({"RAG_TOP_K": "many"}, "top_k"),
    ({"RAG_LLM": "gpt5"}, "valid names: extractive"),
    ({"RAG_CHUNK_OVERLAP": "500"}, "chunk_overlap"),
    ({"RAG_CHROMA_URL": "localhost:8000"}, "http://"),
    ({"RAG_EMBEDDING_RUNTIME": "tensorflow"}, "valid names: onnx, torch"),
])
def test_bad_settings_name_the_value_and_fix(env, needle):
    with pytest.raises(UserError, match=needle):
        Settings.load(env=env)


def test_unknown_toml_key_is_an_error(tmp_path):
    toml = tmp_path / "rag.toml"
    toml.write_text("topk = 3\n")
    with pytest.raises(UserError, match="unknown setting"):
        Settings.load(toml, env={})


def test_broken_toml_is_a_clear_error(tmp_path):
    toml = tmp_path / "rag.toml"
    toml.write_text("top_k = = 3\n")
    with pytest.raises(UserError, match="not valid TOML"):
        Settings.load(toml, env={})


@pytest.mark.parametrize("backend", ["extractive", "fake", "openai"])
def test_every_lightweight_backend_builds(backend):
    from rag.answerers import make_answerer

    s = Settings.load(env={}, llm=backend, llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    answerer = make_answerer(s)
    assert answerer.name == backend


def test_backend_list_is_what_settings_accept():
    assert set(LLM_BACKENDS) == {"extractive", "llamacpp", "openai", "fake"}
    assert set(EMBEDDING_RUNTIMES) == {"onnx", "torch"}
