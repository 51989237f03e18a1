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
one corpus folder (several ``rag serve`` on one collection, a ``rag watch``)
must still take turns: an ingest reads the folder and the store's list of its
files, then writes, and two at once could index a file another is still
copying in, or put back chunks of a file deleted meanwhile. ``CorpusLock``
holds an exclusive flock on ``<folder>/.rag-ingest.lock`` for one ingest,
upload or delete (``Engine._writing``), and removes the file when done, so the
user's folder keeps no trace of it.
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


def _holder(path: Path) -> str:
    """The holder a lock file names, as ' (pid N: purpose)', or '' when it names no one."""
    try:
        info = json.loads(path.read_text() or "{}")
        return f" (pid {info['pid']}: {info['purpose']})" if info else ""
    except (OSError, ValueError, KeyError):
        return ""


class StoreLock:
    def __init__(self, store_dir: Path, timeout: float) -> None:
        self.path = Path(store_dir) / ".rag.lock"
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
                    raise StoreLockedError(
                        f"the store {self.path.parent} is in use by another process{holder}; waited {self.timeout:.0f}s. "
                        "Wait for it to finish, stop it, raise RAG_LOCK_TIMEOUT, or use a Chroma server (RAG_CHROMA_URL) for concurrent access"
                    ) from None
                time.sleep(0.1)

    def _holder(self) -> str:
        return _holder(self.path)

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


class CorpusLock:
    """An exclusive flock on ``<folder>/.rag-ingest.lock`` for one write; the file is removed on release.

    Each acquire opens its own file description, so engines and threads of one process take turns too. The
    file is removed while still locked; a waiter that then gets the lock on the removed file sees that the
    path no longer names it and starts over on the new one."""

    NAME = ".rag-ingest.lock"

    def __init__(self, folder: Path, timeout: float) -> None:
        self.path = Path(folder) / self.NAME
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self, purpose: str) -> None:
        """Wait up to ``timeout`` s (``StoreLockedError`` then); ``OSError`` when the file cannot be made."""
        deadline = time.monotonic() + self.timeout
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise StoreLockedError(
                                f"the folder {self.path.parent} is being indexed by another process{_holder(self.path)}; "
                                f"waited {self.timeout:.0f}s. Try again when it is done, or raise RAG_STORE__CORPUS_LOCK_TIMEOUT") from None
                        time.sleep(0.1)
                try:
                    current = os.stat(self.path).st_ino == os.fstat(fd).st_ino
                except FileNotFoundError:
                    current = False
                if current:
                    os.ftruncate(fd, 0)
                    os.write(fd, json.dumps({"pid": os.getpid(), "purpose": purpose, "argv": " ".join(sys.argv[:3])}).encode())
                    self._fd = fd
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the holder before us removed this file on release: lock the new one

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink()
        except OSError:
            pass
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
