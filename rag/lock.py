"""Inter-process lock for the embedded Chroma folder.

Chroma's embedded (persistent) client is not safe for two processes writing
at once (chroma-core/chroma#421). Writers (ingest, the chat app, which ingests
uploads) take an exclusive ``flock`` on ``<store>/.rag.lock``; readers
(``rag ask``) take a shared one. A process that cannot get the lock within
``timeout`` seconds stops with a message naming the holder and the fix. The
kernel drops a flock when its process dies, so a crash (even kill -9) never
leaves a stale lock behind. In server mode the Chroma server serialises
writes itself and no file lock is used.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from pathlib import Path

from .errors import StoreLockedError


class StoreLock:
    def __init__(self, store_dir: Path, timeout: float) -> None:
        self.path = Path(store_dir) / ".rag.lock"
        self.timeout = timeout
        self._handle = None
        self.mode: str | None = None

    def acquire(self, exclusive: bool, purpose: str) -> None:
        if self._handle is not None:
            if self.mode == "exclusive" or not exclusive:
                return
            self.release()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        flag = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(handle, flag | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    handle.close()
                    raise StoreLockedError(
                        f"the store {self.path.parent} is in use by another process{holder}; waited {self.timeout:.0f}s. "
                        "Wait for it to finish, stop it, raise RAG_LOCK_TIMEOUT, or use a Chroma server (RAG_CHROMA_URL) for concurrent access"
                    ) from None
                time.sleep(0.1)
        if exclusive:
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps({"pid": os.getpid(), "purpose": purpose, "argv": " ".join(sys.argv[:3])}))
            handle.flush()
        self._handle = handle
        self.mode = "exclusive" if exclusive else "shared"

    def _holder(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
            return f" (pid {info['pid']}: {info['purpose']})" if info else ""
        except (OSError, ValueError, KeyError):
            return ""

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
            self.mode = None
