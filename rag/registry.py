"""Named implementations of a seam: built-in names, dotted paths and plugin entry points.

Each seam (LLM backends, embedding runtimes, answerers, rerankers) owns one
``Registry``; it is the only list of that seam's names, so settings validation,
error messages, ``rag --help`` and the chat window's choices all read it.

A name resolves to a class in this order:

1. a built-in name (``"openai"``), stored as ``"module:attr"`` and imported on
   first use, so a heavy SDK loads only when its backend is chosen;
2. a name registered at run time with ``register()``;
3. a ``rag.<seam>`` entry point of an installed package, the way simonw/llm
   plugins register themselves (``[project.entry-points."rag.llms"]
   mybackend = "mypkg.backend:MyLLM"``);
4. a dotted path ``package.module:Class`` (or ``package.module.Class``).

An unknown name is a ``UserError`` that lists the valid names.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from .errors import UserError


def import_object(path: str) -> Any:
    """``"package.module:attr"`` or ``"package.module.attr"`` -> the object."""
    module_name, sep, attr = path.partition(":")
    if not sep:
        module_name, _, attr = path.rpartition(".")
    if not module_name or not attr:
        raise ImportError(f"{path!r} is not a dotted path like package.module:Class")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def looks_dotted(name: str) -> bool:
    return ":" in name or ("." in name and not name.startswith("."))


class Registry:
    def __init__(self, seam: str, setting: str, builtins: dict[str, str], group: str | None = None) -> None:
        self.seam = seam  # "LLM backend", for messages
        self.setting = setting  # the setting that names it, for messages ("llm.backend (RAG_LLM)")
        self.group = group  # entry-point group, e.g. "rag.llms"
        self._targets: dict[str, Any] = dict(builtins)

    def register(self, name: str, target: Any) -> None:
        """Add a name at run time; ``target`` is a class or a ``"module:attr"`` string."""
        self._targets[name] = target

    def _entry_points(self) -> dict[str, Any]:
        if not self.group:
            return {}
        return {ep.name: ep for ep in entry_points(group=self.group) if ep.name not in self._targets}

    def names(self) -> list[str]:
        """Every name this seam accepts (built-ins and registered first, then installed plugins)."""
        return list(self._targets) + sorted(self._entry_points())

    def known(self, name: str) -> bool:
        return name in self._targets or name in self._entry_points() or looks_dotted(name)

    def check(self, name: str) -> str:
        """``name`` if this seam can resolve it (without importing it), else a ``UserError`` listing the valid names."""
        if not self.known(name):
            raise UserError(f"unknown {self.seam} {name!r} (setting {self.setting}); valid names: {', '.join(self.names())}, "
                            "or a dotted path package.module:Class")
        return name

    def resolve(self, name: str) -> Any:
        """The class (or factory) behind ``name``."""
        self.check(name)
        target = self._targets.get(name)
        try:
            if target is None:
                ep = self._entry_points().get(name)
                return ep.load() if ep is not None else import_object(name)
            return import_object(target) if isinstance(target, str) else target
        except (ImportError, AttributeError) as exc:
            raise UserError(f"{self.seam} {name!r} (setting {self.setting}) cannot be loaded: {exc}") from None
