"""Inter-process lock for the embedded Chroma folder.

Chroma's embedded (persistent) client is not safe for two processes writing
at once (chroma-core/chroma#421). Writers (ingest, the chat app, which ingests
uploads) take an exclusive ``flock`` on ``<store>/.rag.lock``; readers
(``rag ask``) take a shared one. A process that cannot get the lock within
``timeout`` seconds stops with a message naming the holder and the fix. The
kernel drops a flock when its process dies, so a crash (even kill -9) never
leaves a stale lock behind. In server mode the Chroma server serialises
writes itself and no file lock is used.

Within one process the lock is shared: several engines on one store folder
(``rag serve`` keeps one per collection) hold one flock between them, counted,
and released when the last of them lets go; a shared hold is upgraded in place
when one of them needs to write. (Two flocks from one process on two file
handles would otherwise block each other.)

With a Chroma server there is no store lock, but processes that write through
one corpus folder (several ``rag serve`` behind one address, a ``rag watch``)
must still take turns: an ingest reads the folder and the store's list of its
files, then writes, and two at once could index a file another is still
copying in, or put back chunks of a file deleted meanwhile. ``CorpusLock``
takes the same kind of flock on ``<folder>/.rag-ingest.lock`` for the length of
one ingest, upload or delete (``Engine._writing``).
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
import time
from pathlib import Path

from .errors import StoreLockedError


class _Held:
    """The process's one flock on a store folder, shared by every StoreLock on that folder."""

    def __init__(self, handle, mode: str) -> None:
        self.handle = handle
        self.mode = mode
        self.count = 0


_held: dict[str, _Held] = {}
_held_lock = threading.Lock()


class StoreLock:
    NAME = ".rag.lock"

    def __init__(self, store_dir: Path, timeout: float) -> None:
        self.path = Path(store_dir) / self.NAME
        self.timeout = timeout
        self._handle = None
        self._key = ""
        self.mode: str | None = None

    def acquire(self, exclusive: bool, purpose: str) -> None:
        if self._handle is not None:
            if self.mode == "exclusive" or not exclusive:
                return
            self.release()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = str(self.path.resolve())
        with _held_lock:
            held = _held.get(key)
            if held is None:
                held = _Held(self._flock(open(self.path, "a+"), exclusive, close_on_timeout=True), "exclusive" if exclusive else "shared")
            elif exclusive and held.mode == "shared":
                self._flock(held.handle, True, close_on_timeout=False)  # upgrade this process's hold in place
                held.mode = "exclusive"
            if exclusive:
                held.handle.seek(0)
                held.handle.truncate()
                held.handle.write(json.dumps({"pid": os.getpid(), "purpose": purpose, "argv": " ".join(sys.argv[:3])}))
                held.handle.flush()
            held.count += 1
            _held[key] = held
        self._handle = held.handle
        self._key = key
        self.mode = "exclusive" if exclusive else "shared"

    def _flock(self, handle, exclusive: bool, close_on_timeout: bool):
        flag = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(handle, flag | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    if close_on_timeout:
                        handle.close()
                    raise StoreLockedError(self._busy(holder)) from None
                time.sleep(0.1)

    def _busy(self, holder: str) -> str:
        return (f"the store {self.path.parent} is in use by another process{holder}; waited {self.timeout:.0f}s. "
                "Wait for it to finish, stop it, raise RAG_LOCK_TIMEOUT, or use a Chroma server (RAG_CHROMA_URL) for concurrent access")

    def _holder(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
            return f" (pid {info['pid']}: {info['purpose']})" if info else ""
        except (OSError, ValueError, KeyError):
            return ""

    def release(self) -> None:
        if self._handle is None:
            return
        with _held_lock:
            held = _held.get(self._key)
            if held is not None:
                held.count -= 1
                if held.count <= 0:
                    del _held[self._key]
                    fcntl.flock(held.handle, fcntl.LOCK_UN)
                    held.handle.close()
        self._handle = None
        self.mode = None


class CorpusLock(StoreLock):
    """Writers through one corpus folder take turns, across processes (with a Chroma server; see the module docstring)."""

    NAME = ".rag-ingest.lock"

    def _busy(self, holder: str) -> str:
        return (f"the folder {self.path.parent} is being indexed by another process{holder}; waited {self.timeout:.0f}s. "
                "Try again when it is done, or raise RAG_STORE__CORPUS_LOCK_TIMEOUT")
