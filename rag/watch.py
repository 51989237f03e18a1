"""Keep the index in step with a folder: new, changed, renamed and deleted files are indexed within seconds.

``Watcher(engine, path, debounce=1.0).start()`` watches ``path`` (watchdog:
inotify on Linux, FSEvents, ReadDirectoryChangesW; polling where those are
unavailable) and, once the folder has been quiet for ``debounce`` seconds,
runs the engine's ordinary incremental ingest of the whole folder. Correctness
comes from the pipeline, not from interpreting events: it skips unchanged files
by hash, re-chunks changed ones and removes vanished ones, so a rename, an
editor's save through a temporary file (write ``.x.swp``, rename it over ``x``)
or a burst of events all end in the same state as a fresh ``rag ingest``.
Events only decide *when* to run:

* Events on hidden names (any path part starting with ``.``), editor and
  download temporaries (``~``, ``#``, ``.swp``, ``.swx``, ``.tmp``, ``.part``,
  ``.crdownload``) and the store's own folder are ignored; so are read-only
  events (open, close without write), directory "modified" events (a listing
  updates the folder's access time; entries report their own events), and a
  file "modified" event whose file still has the size, mtime and inode seen
  before the last pass (reading a file updates its access time, which inotify
  reports as a modification): otherwise the ingest's own reads would wake it.
* Debounce: a pass starts only after ``debounce`` s without a relevant event, so
  a file being written is read once, after its writer is done. A folder that
  never goes quiet is still indexed every ``max_delay`` s.
* An event during a pass marks the folder dirty again, so the next pass picks
  up what the running one may have missed (a file deleted or edited under it).
* A pass runs in the watcher's thread; questions keep being answered meanwhile
  (``Engine.ingest`` only holds its own lock).
* When the folder's last document is deleted, its chunks are removed too
  (``Engine.ingest`` refuses a folder without documents).

``on_indexed(report)`` is called after every pass with its ``IngestReport``;
``on_error(exc)`` when a pass fails (the watcher keeps watching).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

from .errors import RagError, UserError
from .types import IngestReport

log = logging.getLogger(__name__)

#: Names never worth a pass: editor swap/backup files, downloads in progress, temporaries.
IGNORED_PREFIXES = (".", "#", "~")
IGNORED_SUFFIXES = ("~", "#", ".swp", ".swx", ".swo", ".tmp", ".temp", ".part", ".crdownload")
#: Events that mean something changed (watchdog also reports opens and closes without writing).
CHANGE_EVENTS = {"created", "deleted", "modified", "moved", "closed"}


def ignored(name: str) -> bool:
    return name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES)


class Watcher:
    """Watch ``path`` (default ``ingest.corpus_dir``) and index its changes through ``engine``."""

    def __init__(self, engine, path: str | Path | None = None, *, debounce: float = 1.0,
                 on_indexed: Callable[[IngestReport], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 initial: bool = True, max_delay: float | None = None, poll: bool = False) -> None:
        self.engine = engine
        self.root = Path(path if path is not None else engine.settings.ingest.corpus_dir).expanduser().resolve()
        self.debounce = float(debounce)
        self.max_delay = float(max_delay) if max_delay is not None else max(10.0, 10 * self.debounce)
        self.on_indexed = on_indexed
        self.on_error = on_error
        self.initial = initial  # index once at start, catching up with changes made while nothing watched
        self.poll = poll
        self.passes = 0  # ingest passes run
        self.last_report: IngestReport | None = None
        self.last_error: BaseException | None = None
        self.indexing = False
        self._cond = threading.Condition()
        self._dirty = False
        self._last_event = 0.0
        self._first_event = 0.0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._observer = None
        self._seen: dict[str, tuple[int, int, int]] = {}  # path -> (mtime_ns, size, inode) before the last pass
        store_dir = getattr(getattr(engine.settings, "store", None), "dir", None)
        self._store_dir = Path(store_dir).expanduser().resolve() if store_dir and not engine.settings.store.chroma_url else None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> "Watcher":
        if not self.root.is_dir():
            raise UserError(f"cannot watch {self.root}: it is not an existing folder; pass a folder to `rag watch PATH` or set RAG_CORPUS_DIR")
        from .documents import open_for_writing

        open_for_writing(self.engine)  # the store lock now, in the caller's thread (not racing the first pass)
        self._observer = self._make_observer()
        self._thread = threading.Thread(target=self._loop, name="rag-watch", daemon=True)
        with self._cond:
            self._stopping = False
            if self.initial:
                self._mark(time.monotonic() - self.debounce)  # due at once
        self._thread.start()
        return self

    def _make_observer(self):
        from watchdog.events import FileSystemEventHandler

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                watcher._event(event)

        if not self.poll:
            from watchdog.observers import Observer

            try:
                observer = Observer()
                observer.schedule(Handler(), str(self.root), recursive=True)
                observer.start()
                return observer
            except OSError as exc:  # e.g. inotify watch limit reached: poll instead
                log.warning("rag watch: native file events unavailable (%s); polling every second instead", exc)
        from watchdog.observers.polling import PollingObserver

        observer = PollingObserver(timeout=1)
        observer.schedule(Handler(), str(self.root), recursive=True)
        observer.start()
        return observer

    def stop(self, timeout: float | None = None) -> None:
        """Stop watching; waits for a running pass to finish (at most ``timeout`` s)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout)
            self._observer = None
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> "Watcher":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def pending(self) -> bool:
        """Changes seen but not indexed yet."""
        return self._dirty

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until nothing is pending or being indexed; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._dirty or self.indexing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.1))
        return True

    # -- events --------------------------------------------------------------
    def relevant(self, path: str | Path) -> bool:
        """Does a change at ``path`` (absolute) matter to the index?"""
        p = Path(path)
        if self._store_dir is not None and (p == self._store_dir or self._store_dir in p.parents):
            return False
        try:
            parts = p.relative_to(self.root).parts
        except ValueError:
            return p == self.root
        return not any(ignored(part) for part in parts)

    def _event(self, event) -> None:
        kind = event.event_type
        if kind not in CHANGE_EVENTS:
            return
        if kind in ("modified", "closed"):
            if event.is_directory or not self.relevant(event.src_path) or self._unchanged(event.src_path):
                return
        else:
            paths = [event.src_path, getattr(event, "dest_path", "") or ""]
            if not any(self.relevant(p) for p in paths if p):
                return
        with self._cond:
            self._mark(time.monotonic())

    def _unchanged(self, path: str) -> bool:
        """The file looks as it did before the last pass (an access-time update, not a write)."""
        try:
            st = os.stat(path)
        except OSError:
            return False
        return self._seen.get(os.fsdecode(path)) == (st.st_mtime_ns, st.st_size, st.st_ino)

    def _scan(self) -> None:
        """Record every file's (mtime, size, inode) as a pass starts."""
        seen: dict[str, tuple[int, int, int]] = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [d for d in dirnames if not ignored(d)]
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                seen[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
        self._seen = seen

    def _mark(self, now: float) -> None:
        if not self._dirty:
            self._first_event = now
        self._dirty = True
        self._last_event = now
        self._cond.notify_all()

    # -- passes --------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._dirty and not self._stopping:
                    self._cond.wait()
                while not self._stopping:
                    now = time.monotonic()
                    quiet, waited = now - self._last_event, now - self._first_event
                    if quiet >= self.debounce or waited >= self.max_delay:
                        break
                    self._cond.wait(min(self.debounce - quiet, self.max_delay - waited))
                if self._stopping:
                    return
                self._dirty = False  # an event from now on asks for another pass
                self.indexing = True
            try:
                self._pass()
            finally:
                with self._cond:
                    self.indexing = False
                    self._cond.notify_all()

    def _pass(self) -> None:
        from .documents import remove_corpus
        from .ingest.formats import format_of
        from .ingest.pipeline import list_files

        try:
            self._scan()
            if not self.root.is_dir():
                raise UserError(f"the watched folder {self.root} is gone; its documents stay indexed until it is back or they are removed with `rag rm`")
            if not any(format_of(f.name) for f in list_files(self.root)):
                started = time.perf_counter()
                removed = remove_corpus(self.engine, self.root)
                report = IngestReport(chunks_removed=removed, files_removed=1 if removed else 0,
                                      chunks_total=self.engine.store.count(), seconds=time.perf_counter() - started)
            else:
                report = self.engine.ingest(self.root, progress=_quiet)
        except Exception as exc:  # keep watching: the next change (or the fix) triggers another pass
            self.last_error = exc
            if not isinstance(exc, RagError):
                log.exception("rag watch: indexing %s failed", self.root)
            if self.on_error is not None:
                self.on_error(exc)
            return
        self.passes += 1
        self.last_report = report
        self.last_error = None
        if self.on_indexed is not None:
            try:
                self.on_indexed(report)
            except Exception:  # a faulty callback must not stop the watcher
                log.exception("rag watch: on_indexed callback failed")


def _quiet(done: int, total: int, name: str) -> None:
    """Progress callback that draws nothing (a progress argument also keeps ingest's own bar off)."""


def changed(report: IngestReport) -> bool:
    return bool(report.files_read or report.files_removed or report.chunks_added or report.chunks_removed or report.skipped)


def run_watch(settings, path: Path | None, *, debounce: float = 1.0) -> int:
    """``rag watch``: index the folder, then keep indexing its changes until Ctrl-C (or SIGTERM)."""
    import signal
    import sys

    from .api import Engine

    stop = threading.Event()

    def on_indexed(report: IngestReport) -> None:
        if changed(report):
            print(f"{time.strftime('%H:%M:%S')} {report.summary()}", flush=True)

    def on_error(exc: BaseException) -> None:
        print(f"{time.strftime('%H:%M:%S')} rag watch: error: {exc}", file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with Engine(settings, writer=True, purpose="rag watch") as engine:
            watcher = Watcher(engine, path, debounce=debounce, on_indexed=on_indexed, on_error=on_error).start()
            print(f"watching {watcher.root} (store {engine.store.location}); Ctrl-C stops", flush=True)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
            print("stopping (a running pass finishes first)", file=sys.stderr, flush=True)
            watcher.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
