"""What the HTTP API costs over a direct ``Engine.ask()``, and how it holds up under concurrent clients, in one run.

    .venv/bin/python bench/serve.py            # prints both measurements as Markdown
    .venv/bin/python bench/serve.py overhead   # only the first (or: concurrency)

1. Overhead: a `rag serve` process on one copy of the seed store and an in-process
   ``Engine`` on another copy answer the same 30 eval questions (each new to both
   processes), alternately, question by question; the API side is the official
   ``openai`` client (non-streamed, one kept-alive connection). Reported: p50/p95 of
   each side, p50 of the per-question difference, and, per API request, the client's
   time minus the ``Engine.ask()`` time the server reports for that same request
   (the API's own cost, free of the engine's run-to-run variance).
2. Concurrency: 20 client threads ask while a 3-file upload is being ingested
   through ``POST /v1/documents``; reported: errors, answers finished before the
   ingest ended, latency under load, and whether the store then holds exactly the
   chunks the files produce (no duplicates, nothing lost).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = 30
WARMUP = ["Who is Ales Bialiatski?", "When did Keith Kellogg visit Minsk?", "What is potash?"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def start_server(store: Path, corpus: Path, port: int, log: Path) -> subprocess.Popen:
    from tests.conftest import wait_for_port

    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update({"RAG_STORE_DIR": str(store), "RAG_CORPUS_DIR": str(corpus), "RAG_SHOW_PROGRESS": "false"})
    proc = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--port", str(port)], cwd=str(ROOT), env=env,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    wait_for_port(port, 180, proc)
    return proc


def overhead(tmp: Path, seeded: Path) -> None:
    from openai import OpenAI

    from eval.dataset import load_questions
    from rag.api import Engine
    from rag.settings import Settings
    from tests.conftest import free_port

    for name in ("api-store", "direct-store"):
        shutil.copytree(seeded, tmp / name)
    port = free_port()
    proc = start_server(tmp / "api-store", ROOT / "seeds", port, tmp / "overhead.log")
    try:
        client = OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="unused", max_retries=0, timeout=120)
        questions = [q.question for q in load_questions(ROOT / "eval" / "questions.jsonl") if not q.history][:QUESTIONS]
        with Engine(Settings.load(store_dir=tmp / "direct-store", corpus_dir=ROOT / "seeds", show_progress=False)) as engine:
            for q in WARMUP:
                engine.ask(q)
                client.chat.completions.create(model="documents", messages=[{"role": "user", "content": q}])
            direct, api, own = [], [], []
            for q in questions:
                t = time.perf_counter()
                engine.ask(q)
                direct.append(time.perf_counter() - t)
                t = time.perf_counter()
                r = client.chat.completions.create(model="documents", messages=[{"role": "user", "content": q}])
                api.append(time.perf_counter() - t)
                own.append(api[-1] - r.model_extra["seconds"])
    finally:
        proc.terminate()
        proc.wait(30)
    diff = [a - d for a, d in zip(api, direct)]
    print(f"| measure ({len(questions)} questions, alternating, same run) | p50 | p95 |\n|---|---|---|")
    print(f"| direct `Engine.ask()` | {pct(direct, .5) * 1000:.1f} ms | {pct(direct, .95) * 1000:.1f} ms |")
    print(f"| `POST /v1/chat/completions` (openai client) | {pct(api, .5) * 1000:.1f} ms | {pct(api, .95) * 1000:.1f} ms |")
    print(f"| per-question difference (API - direct) | {statistics.median(diff) * 1000:.1f} ms | {pct(diff, .95) * 1000:.1f} ms |")
    print(f"| per request: client time - server's `Engine.ask()` time | {pct(own, .5) * 1000:.1f} ms | {pct(own, .95) * 1000:.1f} ms |\n")


def concurrency(tmp: Path, seeded: Path) -> None:
    import httpx
    from openai import OpenAI

    from rag.settings import Settings
    from tests.conftest import free_port
    from tests.test_robustness import expected_chunks, stored_chunks

    corpus, store = tmp / "corpus", tmp / "store"
    shutil.copytree(ROOT / "seeds", corpus)
    shutil.copytree(seeded, store)
    files = []
    for i in range(3):
        facts = [f"Depot {i} in Vitebsk district stores {1000 + i} tonnes of grain for the winter season, inspectors said in report {i}."]
        filler = [f"Inspection note {i}.{j}: the warehouse roof, scales, ledgers and fire equipment at site {i} were checked on visit {j} and found in order."
                  for j in range(450)]
        files.append((f"depot-report-{i}.txt", " ".join(facts + filler).encode()))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(store, corpus, port, tmp / "concurrency.log")
    try:
        upload: dict = {}

        def do_upload() -> None:
            t = time.perf_counter()
            upload["response"] = httpx.post(f"{base}/v1/documents", files=[("files", f) for f in files], timeout=600)
            upload["seconds"], upload["done"] = time.perf_counter() - t, time.monotonic()

        uploader = threading.Thread(target=do_upload)
        uploader.start()
        deadline = time.monotonic() + 60
        while len(list((corpus / "uploads").glob("depot-*.txt"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        questions = ["How many prisoners were released in December?", "Who is Ales Bialiatski?",
                     "When did Keith Kellogg visit Minsk?", "Where were the released prisoners taken?"] * 5
        out: list = [None] * len(questions)

        def do_ask(i: int) -> None:
            client = OpenAI(base_url=f"{base}/v1", api_key="unused", max_retries=0, timeout=300)
            t = time.perf_counter()
            try:
                r = client.chat.completions.create(model="documents", messages=[{"role": "user", "content": questions[i]}])
                ok = bool(r.model_extra["citations"]) and "[1]" in r.choices[0].message.content
                out[i] = (ok, time.perf_counter() - t, time.monotonic(), None)
            except Exception as exc:  # noqa: BLE001
                out[i] = (False, time.perf_counter() - t, time.monotonic(), exc)

        sent_during = "done" not in upload
        threads = [threading.Thread(target=do_ask, args=(i,)) for i in range(len(questions))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        uploader.join(600)
    finally:
        proc.terminate()
        proc.wait(30)
    settings = Settings.load(store_dir=store, corpus_dir=corpus, show_progress=False)
    stored, expected = stored_chunks(settings), expected_chunks(corpus, settings)
    latencies = [o[1] for o in out]
    print("| concurrency (20 client threads during a 3-file upload through the API) | value |\n|---|---|")
    print(f"| questions sent while the ingest ran | {sent_during} |")
    print(f"| answered with citations / errors | {sum(o[0] for o in out)} / {sum(o[3] is not None for o in out)} |")
    print(f"| answers finished before the ingest ended | {sum(o[2] < upload['done'] for o in out)} |")
    print(f"| answer latency under load p50 / max | {pct(latencies, .5):.2f} s / {max(latencies):.2f} s |")
    print(f"| upload: status, files indexed, seconds | {upload['response'].status_code}, {len(upload['response'].json()['indexed'])}, {upload['seconds']:.1f} s |")
    print(f"| store afterwards: chunks stored / expected, exact match | {len(stored)} / {len(expected)}, {stored == expected} |")


def main() -> None:
    from rag.api import Engine
    from rag.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="rag-bench-serve-"))
    seeded = tmp / "seeded"
    with Engine(Settings.load(store_dir=seeded, corpus_dir=ROOT / "seeds", show_progress=False), writer=True) as engine:
        engine.ingest()
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    which = sys.argv[1:] or ["overhead", "concurrency"]
    try:
        if "overhead" in which:
            overhead(tmp, seeded)
        if "concurrency" in which:
            concurrency(tmp, seeded)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
