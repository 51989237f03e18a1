"""One typed settings object: defaults, then an optional TOML file, then ``RAG_*`` env.

``Settings.load()`` is the only place that reads the environment; everything
else receives a ``Settings`` instance in its constructor. The TOML file is
``$RAG_CONFIG`` if set, else ``rag.toml`` in the working directory if present;
keys are the field names below (top level or under a ``[rag]`` table).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from .errors import UserError

#: Names accepted by ``llm`` (the answerer backend).
LLM_BACKENDS = ("extractive", "llamacpp", "openai", "fake")
#: Names accepted by ``embedding_runtime``.
EMBEDDING_RUNTIMES = ("onnx", "torch")

BUNDLED_EMBEDDING = "bundled:all-MiniLM-L6-v2"
BUNDLED_GGUF = "bundled:SmolLM2-135M-Instruct"
DEFAULT_CACHE_DIR = Path("~/.cache/rag-cited")


@dataclass(frozen=True)
class Settings:
    """Every knob of the engine. Field docs double as README reference."""

    corpus_dir: Path = Path("seeds")  # folder indexed by default
    store_dir: Path = Path(".rag/store")  # embedded Chroma folder
    chroma_url: str = ""  # e.g. http://127.0.0.1:8000 -> use a Chroma server instead
    collection: str = "documents"
    embedding_model: str = BUNDLED_EMBEDDING  # or any sentence-transformers name/path
    embedding_runtime: str = "onnx"  # onnx (exported once, ~1.9x faster) | torch (sentence-transformers)
    embedding_batch_size: int = 0  # 0 = the runtime's fastest on a 2-core CPU (onnx 2, torch 16; bench/scale.py)
    cache_dir: Path = DEFAULT_CACHE_DIR  # derived files (the exported ONNX graph)
    chunk_size: int = 140  # words per chunk (sentence-aligned)
    chunk_overlap: int = 30  # words of overlap, as whole sentences
    top_k: int = 6  # passages retrieved per question
    llm: str = "extractive"  # extractive | llamacpp | openai | fake
    llm_model: str = ""  # GGUF path for llamacpp (default bundled), model name for openai
    llm_base_url: str = ""  # OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1
    llm_api_key_env: str = "RAG_LLM_API_KEY"  # name of the env var holding the key
    llm_timeout: float = 60.0  # seconds per LLM request
    llm_max_retries: int = 1
    llm_max_tokens: int = 200
    llm_context_size: int = 4096
    verify_citations: bool = True  # check every generated sentence against its citation
    min_evidence: float = 0.29  # refusal threshold of the extractive answerer (calibrated by eval)
    support_threshold: float = 0.5  # sentence-support threshold of citation verification
    lock_timeout: float = 10.0  # seconds to wait for another writer before giving up
    max_question_chars: int = 2000
    max_file_mb: float = 25.0  # files larger than this are skipped with a reason
    show_progress: bool = True

    @classmethod
    def load(cls, path: str | Path | None = None, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        toml_path = Path(path) if path else (Path(env["RAG_CONFIG"]) if env.get("RAG_CONFIG") else None)
        if toml_path is None and Path("rag.toml").is_file():
            toml_path = Path("rag.toml")
        if toml_path is not None:
            values.update(_read_toml(toml_path))
        for f in fields(cls):
            key = "RAG_" + f.name.upper()
            if key in env:
                values[f.name] = env[key]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Settings":
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise UserError(f"unknown setting(s) {', '.join(unknown)}; valid settings: {', '.join(known)}")
        typed = {name: _coerce(name, known[name].type, value) for name, value in values.items()}
        settings = cls(**typed)
        settings.validate()
        return settings

    def replace(self, **changes: Any) -> "Settings":
        settings = dataclasses.replace(self, **{k: _coerce(k, _field_type(k), v) for k, v in changes.items()})
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.llm not in LLM_BACKENDS:
            raise UserError(f"unknown llm backend {self.llm!r} (setting RAG_LLM); valid names: {', '.join(LLM_BACKENDS)}")
        if self.embedding_runtime not in EMBEDDING_RUNTIMES:
            raise UserError(f"unknown embedding runtime {self.embedding_runtime!r} (setting RAG_EMBEDDING_RUNTIME); valid names: {', '.join(EMBEDDING_RUNTIMES)}")
        if self.embedding_batch_size < 0:
            raise UserError(f"embedding_batch_size={self.embedding_batch_size} must be >= 0 (0 picks the runtime's fastest)")
        if self.chunk_size < 20:
            raise UserError(f"chunk_size={self.chunk_size} is too small; use at least 20 words")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise UserError(f"chunk_overlap={self.chunk_overlap} must be >= 0 and smaller than chunk_size={self.chunk_size}")
        if not 1 <= self.top_k <= 100:
            raise UserError(f"top_k={self.top_k} must be between 1 and 100")
        if self.chroma_url and not self.chroma_url.startswith(("http://", "https://")):
            raise UserError(f"chroma_url={self.chroma_url!r} must start with http:// or https://")
        if not self.collection or len(self.collection) < 3:
            raise UserError(f"collection={self.collection!r} must be at least 3 characters")

    @property
    def api_key(self) -> str:
        return os.environ.get(self.llm_api_key_env, "")

    def public(self) -> dict[str, Any]:
        """Settings as plain values, for display (never includes secrets)."""
        return {f.name: str(getattr(self, f.name)) if isinstance(getattr(self, f.name), Path) else getattr(self, f.name) for f in fields(self)}


def _field_type(name: str) -> str:
    for f in fields(Settings):
        if f.name == name:
            return f.type  # type: ignore[return-value]
    raise UserError(f"unknown setting {name!r}; valid settings: {', '.join(f.name for f in fields(Settings))}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"config file {path} does not exist (set RAG_CONFIG to an existing TOML file)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"config file {path} is not valid TOML: {exc}") from None
    return dict(data.get("rag", data))


def _coerce(name: str, type_name: Any, value: Any) -> Any:
    type_name = str(type_name)
    try:
        if type_name == "Path":
            return Path(value).expanduser()
        if type_name == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(text)
        if type_name == "int":
            return int(value)
        if type_name == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise UserError(f"setting {name}={value!r} is not a valid {type_name}") from None
