"""Shared fixtures: every test gets its own store folder and settings.

Building the seed store costs a few seconds (real embedding model, real
Chroma), so it is built once per session and copied into each test's
temporary folder by ``seeded``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT))

from rag.settings import Settings  # noqa: E402

def pytest_addoption(parser):
    parser.addoption("--all", action="store_true", help="run every test: the fast suite plus slow, llm and browser tests (CI)")


def pytest_configure(config):
    """A plain ``pytest`` leaves out slow, llm and browser tests (pyproject's addopts); ``--all`` runs everything."""
    global MODEL_CACHE, FRESH_CACHE
    if config.getoption("--all"):
        config.option.markexpr = ""
        MODEL_CACHE, FRESH_CACHE = Path(tempfile.mkdtemp(prefix="rag-test-cache-")), True

#: One model cache (the exported ONNX graph) for the whole session. ``pytest --all`` (CI) starts it empty, so
#: every full run exercises the export; the fast suite reuses one across runs (graphs are hash-checked anyway).
MODEL_CACHE = Path(tempfile.gettempdir()) / "rag-test-model-cache"
FRESH_CACHE = False


@pytest.fixture(scope="session", autouse=True)
def model_cache():
    yield MODEL_CACHE
    if FRESH_CACHE:
        shutil.rmtree(MODEL_CACHE, ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No RAG_* variable or rag.toml from the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAG_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(SEEDS))
    monkeypatch.setenv("RAG_SHOW_PROGRESS", "false")
    monkeypatch.setenv("RAG_CACHE_DIR", str(MODEL_CACHE))
    yield


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.load(store_dir=tmp_path / "store", corpus_dir=SEEDS, show_progress=False)


@pytest.fixture
def plumbing(settings) -> Settings:
    """Settings for tests of ingest plumbing (ids, hashes, skips): the deterministic fake embedder, no model.

    Retrieval- and answer-quality tests use ``settings``/``seeded`` (the real MiniLM) instead."""
    return settings.replace(embedding_runtime="fake", embedding_model="fake-hash-embedder")


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory) -> Path:
    from rag.api import Engine

    store = tmp_path_factory.mktemp("seeded") / "store"
    with Engine(Settings.load(env={}, store_dir=store, corpus_dir=SEEDS, show_progress=False, cache_dir=MODEL_CACHE), writer=True) as engine:
        engine.ingest()
    _forget_chroma_clients()
    return store


@pytest.fixture
def seeded(seeded_store, tmp_path) -> Settings:
    """Settings pointing at a private copy of the ingested seed store."""
    store = tmp_path / "seeded-store"
    shutil.copytree(seeded_store, store)
    return Settings.load(store_dir=store, corpus_dir=SEEDS, show_progress=False)


@pytest.fixture
def engine(seeded):
    from rag.api import Engine

    with Engine(seeded) as e:
        yield e


def _forget_chroma_clients() -> None:
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@contextlib.contextmanager
def serve(cmd: list[str], port: int, timeout: float = 120.0, env: dict | None = None, log: Path | None = None):
    """Run a loopback server for the duration of a block; stop it afterwards.

    Output goes to ``log`` (a file, never a pipe: a full pipe would stall the server) or is discarded."""
    with open(log, "w") if log else open(os.devnull, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))
        try:
            wait_for_port(port, timeout, proc)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def venv_bin(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=full_env, timeout=timeout, cwd=str(ROOT))


# -- the chat app, running as a real server on loopback --------------------------------

XSS_DOC = ("Security bulletin about the Minsk summit.\n\n"
           "The summit communique was signed by the delegates on Friday <script>window.__pwned = 1</script> "
           "and a note <img src=x onerror=\"window.__pwned = 2\"> was attached to the communique for the delegates.\n")


@pytest.fixture
def app_server(tmp_path, seeded_store):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "xss-bulletin.txt").write_text(XSS_DOC, encoding="utf-8")
    store = tmp_path / "store"
    shutil.copytree(seeded_store, store)
    port = free_port()
    feedback = tmp_path / "feedback.jsonl"
    env = {**os.environ, "RAG_STORE_DIR": str(store), "RAG_CORPUS_DIR": str(corpus), "RAG_SHOW_PROGRESS": "false", "RAG_MAX_FILE_MB": "1",
           "RAG_FEEDBACK__LOG": str(feedback)}
    cmd = [sys.executable, "-m", "rag", "ui", "--port", str(port)]
    with serve(cmd, port, 180, env=env, log=tmp_path / "ui.log") as proc:
        yield {"url": f"http://127.0.0.1:{port}/", "corpus": corpus, "proc": proc, "store": store, "feedback": feedback,
               "log": tmp_path / "ui.log"}


def _client(url):
    from gradio_client import Client

    return Client(url, verbose=False)


def _text(message):
    content = message["content"]
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def ingested(settings: Settings, folder: Path, files: dict[str, str]) -> Settings:
    """Settings whose corpus is ``files`` (name -> text) written to ``folder``, ingested with ``settings``' model."""
    from rag.api import Engine

    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = settings.replace(corpus_dir=folder)
    with Engine(settings, writer=True) as engine:
        engine.ingest(folder)
    return settings
