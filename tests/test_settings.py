import pytest

from rag.errors import UserError
from rag.settings import Settings


def test_defaults_toml_then_env_precedence(tmp_path):
    toml = tmp_path / "conf" / "rag.toml"
    toml.parent.mkdir()
    toml.write_text('top_k = 3\ncollection = "fromtoml"\nchunk_size = 100\n')
    s = Settings.load(toml, env={"RAG_TOP_K": "9", "RAG_VERIFY_CITATIONS": "false"})
    assert s.retrieval.top_k == 9  # env beats TOML
    assert s.store.collection == "fromtoml"  # TOML beats default
    assert s.chunking.size == 100
    assert s.answer.verify_citations is False
    assert Settings.load(env={}).retrieval.top_k == Settings().retrieval.top_k


def test_rag_config_env_points_at_toml(tmp_path):
    toml = tmp_path / "other.toml"
    toml.write_text("[rag]\nllm = \"fake\"\n")
    assert Settings.load(env={"RAG_CONFIG": str(toml)}).llm.backend == "fake"


@pytest.mark.parametrize("env, needle", [
    ({"RAG_TOP_K": "many"}, "top_k"),
    ({"RAG_LLM": "gpt5"}, "valid names: extractive"),
    ({"RAG_CHUNK_OVERLAP": "500"}, "chunk_overlap"),
    ({"RAG_CHROMA_URL": "localhost:8000"}, "http://"),
    ({"RAG_EMBEDDING_RUNTIME": "tensorflow"}, "valid names: onnx, torch"),
    ({"RAG_SCORING__REQUIRED_TYPES": "number,nmber"}, "unknown answer type 'nmber'; valid: number"),
])
def test_bad_settings_name_the_value_and_fix(env, needle):
    with pytest.raises(UserError, match=needle):
        Settings.load(env=env)


def test_answer_types_from_an_environment_variable():
    assert Settings.load(env={"RAG_SCORING__REQUIRED_TYPES": "number, date"}).scoring.required_types == ("number", "date")
    assert Settings.load(env={"RAG_SCORING__REQUIRED_TYPES": '["person"]'}).scoring.required_types == ("person",)


def test_unknown_toml_key_is_an_error(tmp_path):
    toml = tmp_path / "rag.toml"
    toml.write_text("topk = 3\n")
    with pytest.raises(UserError, match="unknown setting 'topk'.*did you mean 'top_k'"):
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


def test_nested_sections_from_toml_and_env_and_flat_aliases_agree(tmp_path):
    toml = tmp_path / "rag.toml"
    toml.write_text('[llm]\nbackend = "openai"\nbase_url = "http://127.0.0.1:9/v1"\n[chunking]\nsize = 90\n')
    s = Settings.load(toml, env={"RAG_LLM__MODEL": "m1", "RAG_RETRIEVAL__TOP_K": "4", "RAG_UI_USER": "ann"})
    assert (s.llm.backend, s.llm.base_url, s.llm.model) == ("openai", "http://127.0.0.1:9/v1", "m1")
    assert (s.chunking.size, s.retrieval.top_k, s.ui.user) == (90, 4, "ann")
    assert Settings.load(env={"RAG_LLM_MODEL": "m2"}).llm.model == Settings.load(env={"RAG_LLM__MODEL": "m2"}).llm.model == "m2"


@pytest.mark.parametrize("source, needle", [
    ({"env": {"RAG_LLM__TIMEOUT": "soon"}}, "llm.timeout='soon' is not valid.*RAG_LLM__TIMEOUT"),
    ({"env": {"RAG_RETRIEVAL__TOP_K": "0"}}, "top_k"),
    ({"toml": "[llm]\nmodle = 'x'\n"}, "unknown setting 'llm.modle'.*did you mean 'llm.model'"),
    ({"toml": "[retreival]\ntop_k = 3\n"}, "unknown setting 'retreival'"),
    ({"toml": "chunk_sise = 3\n"}, "did you mean 'chunk_size'"),
])
def test_misspelt_keys_and_wrong_types_are_one_line_errors_naming_the_fix(tmp_path, source, needle):
    toml = None
    if "toml" in source:
        toml = tmp_path / "rag.toml"
        toml.write_text(source["toml"])
    with pytest.raises(UserError, match=needle) as info:
        Settings.load(toml, env=source.get("env", {}))
    assert "\n" not in str(info.value)


def test_replace_validates_and_reference_documents_every_field():
    s = Settings.load(env={})
    assert s.replace(llm_model="x").llm.model == "x" and s.replace(llm__model="y").llm.model == "y"
    with pytest.raises(UserError, match="chunk_overlap"):
        s.replace(chunk_overlap=500)
    rows = Settings.reference()
    assert {name for name, *_ in rows} == set(s.public())
    assert all(description for *_, description in rows), "every setting needs a description"
    assert ("llm.backend", "extractive", "llm", rows[[r[0] for r in rows].index("llm.backend")][3]) in rows


def test_readme_settings_table_is_generated_from_the_descriptions():
    from pathlib import Path

    from rag.settings import markdown_table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- settings-table:start -->\n", 1)[1].split("\n<!-- settings-table:end -->", 1)[0]
    assert block == markdown_table(), "README settings table is stale: regenerate it with rag.settings.markdown_table()"


def test_the_default_cache_folder_is_under_the_home_folder_not_a_folder_named_tilde():
    """The default ``embedding.cache_dir`` ("~/.cache/rag-cited") is expanded like a configured one: code reading it
    from fresh settings (the eval's corpus copies, the ONNX export) must not write into a folder named "~"."""
    from pathlib import Path

    cache = Settings.load(env={}).embedding.cache_dir
    assert "~" not in cache.parts and cache == Path("~/.cache/rag-cited").expanduser(), cache
    assert Settings.load(env={"RAG_CACHE_DIR": "~/elsewhere"}).embedding.cache_dir == Path("~/elsewhere").expanduser()
