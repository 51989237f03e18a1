"""Per-backend benchmark on the seeds: latency, accuracy and refusal, with and without citation verification.

    .venv/bin/python bench/backends.py                  # all backends, all eval questions (~25 min on 2 cores)
    .venv/bin/python bench/backends.py --limit 20       # first 20 questions only (quick look)

Backends: ``extractive`` (no model), ``llamacpp`` (the bundled SmolLM2-135M
GGUF in-process) and ``openai`` (the same GGUF behind ``python -m
llama_cpp.server`` on 127.0.0.1, reached through the OpenAI-compatible
client). Each generative backend runs the eval questions twice, with
``verify_citations`` on and off, in the same process and store, so the gain
from verification is measured side by side. Every answer is a real model
call; nothing is cached between the two passes.

Columns: answer accuracy and refusal accuracy as scored by eval/metrics.py;
"unsupported sentences" is the share of answer sentences our support check
(verify.py) cannot find in the cited passage; "dropped" counts sentences
verification removed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def llama_server(port: int) -> subprocess.Popen:
    from rag.llms.llamacpp import bundled_gguf

    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf()), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--model_alias", "smollm2"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="use only the first N eval questions")
    parser.add_argument("--backends", default="extractive,llamacpp,openai")
    parser.add_argument("--out", default=str(ROOT / "reports" / "bench-backends.json"))
    args = parser.parse_args()

    from eval.dataset import load_questions
    from eval.metrics import aggregate
    from eval.run import evaluate
    from rag.api import Engine
    from rag.settings import Settings
    from tests.conftest import free_port, wait_for_port

    questions = load_questions(ROOT / "eval" / "questions.jsonl")
    if args.limit:
        questions = questions[: args.limit]
    store = Path(tempfile.mkdtemp(prefix="rag-bench-")) / "store"
    base = Settings.load(env={}, store_dir=store, corpus_dir=ROOT / "seeds", show_progress=False)
    with Engine(base, writer=True) as engine:
        engine.ingest()

    rows = []
    server = None
    try:
        for backend in args.backends.split(","):
            settings = base.replace(llm=backend)
            if backend == "openai":
                port = free_port()
                server = llama_server(port)
                wait_for_port(port, 120, server)
                settings = settings.replace(llm_base_url=f"http://127.0.0.1:{port}/v1", llm_model="smollm2")
            modes = [True] if backend == "extractive" else [True, False]
            for verify in modes:
                with Engine(settings.replace(verify_citations=verify)) as engine:
                    results = evaluate(engine, questions, progress=True)
                overall = aggregate(results)
                unsupported = 1 - overall.get("citation_recall", 0.0)
                rows.append({"backend": backend, "verify": verify if backend != "extractive" else None, **overall,
                             "unsupported_sentences": unsupported,
                             "dropped": sum(len(r["dropped"]) for r in results), "questions": len(results)})
                print(json.dumps(rows[-1]), file=sys.stderr)
            if server is not None:
                server.terminate()
                server.wait(30)
                server = None
    finally:
        if server is not None:
            server.kill()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=2))
    print(f"{len(questions)} eval questions on the seeds, one run, 2 CPU cores\n")
    print("| backend | citation check | answer accuracy | refusal accuracy | false refusals | unsupported sentences | dropped | p50 latency | p95 latency |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        check = "n/a (quotes)" if r["verify"] is None else ("on" if r["verify"] else "off")
        print(f"| {r['backend']} | {check} | {r['answer_correct']:.2f} | {r['refusal_accuracy']:.2f} | {r['false_refusal_rate']:.2f} | "
              f"{r['unsupported_sentences']:.2f} | {r['dropped']} | {r['latency_p50_ms'] / 1000:.2f} s | {r['latency_p95_ms'] / 1000:.2f} s |")


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
