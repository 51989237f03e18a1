"""What the per-question change check costs, and what a process pays after another one wrote, in one run.

    .venv/bin/python bench/change_check.py

Every question first asks the store whether the collection changed (``ChromaStore.change_key()``: the
collection's write token and the chunk count, two small requests), so that several ``rag serve``
processes on one Chroma server never answer from a lexical index older than the last write. Before, the
check was the chunk count alone, which misses a replaced file or an add plus a delete made elsewhere.

Measured on the seed corpus, for a Chroma server (a real ``chroma run`` on loopback) and the embedded
store: p50 of ``count()`` (the old check) and of ``change_key()`` (the new one) over 300 calls, their
difference (the added cost per question), warm ``Engine.ask`` p50 on 10 questions x 3 rounds, and the
first question after a write by another engine (rebuilds the BM25 index from the store).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = ["How many prisoners were released in December?", "Who is Ales Bialiatski?", "When did Keith Kellogg visit Minsk?",
             "Who is Sviatlana Tsikhanovskaya?", "Where were the released prisoners taken?", "What is potash?",
             "Which think tank does Lesia Rudnik direct?", "Who is John Coale?", "What sanctions were lifted?",
             "How many prisoners were released in September?"]


def p50_ms(fn, n: int) -> float:
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def measure(settings, corpus: Path) -> dict[str, float]:
    from rag.api import Engine

    with Engine(settings, writer=True) as engine, Engine(settings, writer=True) as other:
        if engine.store.count() == 0:
            engine.ingest(corpus)
        store = engine.store
        out = {"count": p50_ms(store.count, 300), "change_key": p50_ms(store.change_key, 300)}
        for q in QUESTIONS:
            engine.ask(q)
        times = []
        for _ in range(3):
            for q in QUESTIONS:
                t = time.perf_counter()
                engine.ask(q)
                times.append(time.perf_counter() - t)
        out["ask"] = statistics.median(times) * 1000
        (corpus / "bench-note.txt").write_text("The Lida glassworks produced 8,240 green bottles on 2 February.\n")
        other.ingest(corpus)  # another engine (as another process would) writes
        t = time.perf_counter()
        engine.ask(QUESTIONS[0])
        out["first ask after a write elsewhere"] = (time.perf_counter() - t) * 1000
        out["chunks"] = store.count()
        (corpus / "bench-note.txt").unlink()
    return out


def main() -> None:
    from rag.settings import Settings
    from tests.conftest import free_port, venv_bin, wait_for_port

    tmp = Path(tempfile.mkdtemp(prefix="rag-change-check-"))
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    port = free_port()
    chroma = subprocess.Popen([venv_bin("chroma"), "run", "--path", str(tmp / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    try:
        wait_for_port(port, 90, chroma)
        base = Settings.load(env={}, store_dir=tmp / "store", corpus_dir=corpus, show_progress=False)
        rows = {"Chroma server (chroma run, loopback)": measure(base.replace(chroma_url=f"http://127.0.0.1:{port}"), corpus),
                "embedded store": measure(base, corpus)}
    finally:
        chroma.terminate()
        chroma.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)
    print("| store | chunks | count() p50 | change_key() p50 | added per question | ask() p50 | first ask after a write elsewhere |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['chunks']:.0f} | {r['count']:.2f} ms | {r['change_key']:.2f} ms | {r['change_key'] - r['count']:.2f} ms "
              f"| {r['ask']:.1f} ms | {r['first ask after a write elsewhere']:.0f} ms |")


if __name__ == "__main__":
    main()
