"""Scale benchmark on a large real corpus: the Python 3.11 documentation (~530 HTML files).

    .venv/bin/python bench/scale.py                 # installs python3.11-doc if missing; ~25 min on 2 cores
    .venv/bin/python bench/scale.py --fractions 8   # only the 1/8 stage (quick look)

What it measures, side by side in one run (absolute times drift on shared machines):

* Growth: the HTML files are shuffled (seed 0) and ingested in stages 1/8, 1/4,
  1/2 and all of the corpus into one store (each stage a fresh process that
  adds only the new files). Per stage: chunks added, seconds, chunks/s, peak
  RSS of ingest, and then warm ask() p50/p95 on 20 Python questions plus the
  serving process's peak RSS.
* Ingest vs the physical limit: the model alone on the very chunk texts the
  store holds, with the best batch size (probed on a sample), under both
  runtimes: our default onnxruntime graph (the limit our ingest can reach)
  and sentence-transformers ``encode`` on torch (the usual reference). Ours =
  all stage ingests summed (so it includes re-hashing the earlier stages'
  files four times).
* Ingest vs the llama-index starter: ``SimpleDirectoryReader`` +
  ``VectorStoreIndex.from_documents`` with the same model (as the starter
  runs it: sentence-transformers on torch), on the 1/8 stage's files, against
  our 1/8 stage (same files, fresh store), and against our ingest of those
  files with ``embedding_runtime = "torch"`` (what the runtime alone buys).
  Only 1/8 because the starter embeds raw HTML and would take most of an hour
  on the whole corpus.
* Re-ingest of the unchanged full corpus, and cold ``rag ask`` on it.

Model loading is excluded from every ingest and encode timing (it is the same
for all three). Each measurement runs in its own process so peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = Path("/usr/share/doc/python3.11/html")

QUESTIONS = [
    "What does str.removeprefix do?", "How do I create a virtual environment with venv?",
    "What is the global interpreter lock?", "Which module provides a double-ended queue?",
    "What does functools.lru_cache do?", "How do I parse command-line arguments?",
    "What does the with statement do?", "What is a coroutine?", "How do I read a CSV file?",
    "What does asyncio.gather do?", "Which exception is raised on division by zero?",
    "How do I format a date with strftime?", "What is the difference between a list and a tuple?",
    "What does the walrus operator do?", "How do dataclasses generate __init__?", "What is pickle used for?",
    "How do I run a subprocess and capture its output?", "What does zip return?",
    "What is a generator expression?", "What does sys.path contain?",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_corpus() -> list[Path]:
    if not CORPUS.is_dir():
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        print("installing python3.11-doc (the scale corpus) with apt-get ...", file=sys.stderr)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "python3.11-doc"], check=False, stdout=subprocess.DEVNULL)
        if not CORPUS.is_dir():
            subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, stdout=subprocess.DEVNULL)
            subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "python3.11-doc"], check=True, stdout=subprocess.DEVNULL)
    files = sorted(CORPUS.rglob("*.html"))
    random.Random(0).shuffle(files)
    return files


def link_tree(dst: Path, files: list[Path]) -> None:
    """A folder of symlinks to ``files`` keeping their relative paths (so sources stay stable across stages)."""
    for f in files:
        link = dst / f.relative_to(CORPUS)
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(f)


# -- measurements, each run in a child process ------------------------------------

def child_ingest(corpus: str, store: str, runtime: str = "onnx") -> dict:
    from rag.api import Engine
    from rag.settings import Settings

    settings = Settings.load(store_dir=store, corpus_dir=corpus, show_progress=False, embedding_runtime=runtime)
    with Engine(settings, writer=True) as engine:
        engine.embedder  # model load is not ingest work
        report = engine.ingest()
    return {"seconds": report.seconds, "added": report.chunks_added, "total": report.chunks_total,
            "files": report.files_read, "unchanged": report.files_unchanged, "rss_mb": peak_rss_mb()}


def child_serve(store: str) -> dict:
    from rag.api import Engine
    from rag.settings import Settings

    settings = Settings.load(store_dir=store, show_progress=False)
    with Engine(settings) as engine:
        t = time.perf_counter()
        first = engine.ask(QUESTIONS[0])
        first_s = time.perf_counter() - t
        passes = []
        for _ in range(2):  # pass 1: unseen questions; pass 2: the same again (sentence-vector cache warm)
            lat = []
            for q in QUESTIONS:
                t = time.perf_counter()
                engine.ask(q)
                lat.append(time.perf_counter() - t)
            passes.append(lat)
        sources = sorted({c.source for c in first.citations})
    out = {"first_ask_s": first_s, "rss_mb": peak_rss_mb(), "first_answer_sources": sources}
    for name, lat in zip(("new", "repeat"), passes):
        lat.sort()
        out[f"{name}_p50_ms"] = statistics.median(lat) * 1000
        out[f"{name}_p95_ms"] = lat[int(0.95 * (len(lat) - 1))] * 1000
    return out


def child_encode(texts_file: str, runtime: str) -> dict:
    """The model alone on the chunk texts: the best batch size on a sample, then all texts once."""
    texts = json.loads(Path(texts_file).read_text())
    if runtime == "torch":
        from rag.embedders import offline_environment, resolve_model
        from rag.embedders import BUNDLED_EMBEDDING

        offline_environment()
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(resolve_model(BUNDLED_EMBEDDING), device="cpu")
        sizes = (8, 16, 32, 64, 128)

        def encode(batch: list[str], bs: int) -> None:
            model.encode(batch, batch_size=bs, normalize_embeddings=True)
    else:
        from rag.embedders import get_embedder
        from rag.embedders import BUNDLED_EMBEDDING
        from rag.settings import Settings

        embedder = get_embedder(BUNDLED_EMBEDDING, 0, "onnx", str(Settings.load().embedding.cache_dir))
        sizes = (1, 2, 4, 8, 16)

        def encode(batch: list[str], bs: int) -> None:
            embedder.encode(batch, bs)  # sorts by length, as sentence-transformers' encode does
    sample = random.Random(1).sample(texts, min(384, len(texts)))
    encode(sample[:32], sizes[0])
    probe = {}
    for bs in sizes:
        t = time.perf_counter()
        encode(sample, bs)
        probe[bs] = len(sample) / (time.perf_counter() - t)
    best = max(probe, key=probe.get)
    t = time.perf_counter()
    encode(texts, best)
    seconds = time.perf_counter() - t
    return {"runtime": runtime, "seconds": seconds, "chunks": len(texts), "batch_size": best, "probe": probe, "rss_mb": peak_rss_mb()}


def child_llamaindex(corpus: str) -> dict:
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from rag.embedders import offline_environment, resolve_model
    from rag.embedders import BUNDLED_EMBEDDING

    offline_environment()
    LlamaSettings.llm = None
    LlamaSettings.embed_model = HuggingFaceEmbedding(model_name=resolve_model(BUNDLED_EMBEDDING), device="cpu")
    LlamaSettings.embed_model.get_text_embedding("warm up")
    t = time.perf_counter()
    documents = SimpleDirectoryReader(corpus, recursive=True).load_data(show_progress=False)
    index = VectorStoreIndex.from_documents(documents)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "chunks": len(index.docstore.docs), "rss_mb": peak_rss_mb()}


CHILDREN = {"ingest": child_ingest, "serve": child_serve, "encode": child_encode, "llamaindex": child_llamaindex}


def run_child(name: str, *args: str) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run([sys.executable, __file__, "--child", name, *args], capture_output=True, text=True, env=env, cwd=str(ROOT))
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cold_ask(store: Path) -> float:
    env = {**os.environ, "RAG_STORE_DIR": str(store), "HF_HUB_OFFLINE": "1"}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rag", "ask", "What does functools.lru_cache do?"], check=True, capture_output=True, env=env, cwd=str(ROOT))
    return time.perf_counter() - t


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fractions", default="8,4,2,1", help="stages as denominators, e.g. 8,4,2,1")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(ROOT / "reports" / "bench-scale.json"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](*args.child[1:])))
        return

    files = ensure_corpus()
    text_mb = None
    tmp = Path(tempfile.mkdtemp(prefix="rag-scale-"))
    corpus, store = tmp / "corpus", tmp / "store"
    stages, results = [], {}
    try:
        for denominator in [int(d) for d in args.fractions.split(",")]:
            subset = files[: len(files) // denominator]
            link_tree(corpus, subset)
            ingest = run_child("ingest", str(corpus), str(store))
            serve = run_child("serve", str(store))
            stages.append({"fraction": f"1/{denominator}" if denominator > 1 else "all", "files": len(subset), **{f"ingest_{k}": v for k, v in ingest.items()},
                           **{f"serve_{k}": v for k, v in serve.items()}})
            print(json.dumps(stages[-1]), file=sys.stderr)
            if len(stages) == 1:  # llama-index starter, and our ingest on torch, on exactly these files
                results["llamaindex"] = run_child("llamaindex", str(corpus))
                results["ours_first_stage"] = ingest
                torch_store = tmp / "store-torch"
                results["ours_first_stage_torch"] = run_child("ingest", str(corpus), str(torch_store), "torch")
                shutil.rmtree(torch_store, ignore_errors=True)
                print(json.dumps({k: results[k] for k in ("llamaindex", "ours_first_stage_torch")}), file=sys.stderr)
        results["reingest"] = run_child("ingest", str(corpus), str(store))
        results["cold_ask_s"] = cold_ask(store)
        from rag.settings import Settings
        from rag.store import ChromaStore

        reader = ChromaStore(Settings.load(store_dir=store), Settings().embedding.model)
        _, docs, _ = reader.all_documents()
        reader.close()
        text_mb = sum(len(d.encode()) for d in docs) / 1e6
        texts_file = tmp / "texts.json"
        texts_file.write_text(json.dumps(docs))
        results["encode"] = run_child("encode", str(texts_file), "onnx")
        results["encode_torch"] = run_child("encode", str(texts_file), "torch")
        results["store_mb"] = du_mb(store)
        results["chunk_text_mb"] = text_mb
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["stages"] = stages
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2))
    print_tables(results)


def print_tables(r: dict) -> None:
    stages = r["stages"]
    ours_s = sum(s["ingest_seconds"] for s in stages)
    ours_chunks = sum(s["ingest_added"] for s in stages)
    enc, enc_torch = r["encode"], r["encode_torch"]
    li, first, first_torch = r["llamaindex"], r["ours_first_stage"], r["ours_first_stage_torch"]
    print("| stage | files | chunks | ingest s (this stage) | chunks/s | ingest peak RSS | ask p50 / p95 new q. | ask p50 / p95 repeat | serve peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in stages:
        print(f"| {s['fraction']} | {s['files']} | {s['ingest_total']} | {s['ingest_seconds']:.0f} | {s['ingest_added'] / max(s['ingest_seconds'], 1e-9):.1f} | "
              f"{s['ingest_rss_mb']:.0f} MB | {s['serve_new_p50_ms']:.0f} / {s['serve_new_p95_ms']:.0f} ms | "
              f"{s['serve_repeat_p50_ms']:.0f} / {s['serve_repeat_p95_ms']:.0f} ms | {s['serve_rss_mb']:.0f} MB |")
    print()
    print("| measure | ours | reference | ratio |\n|---|---|---|---|")
    for label, e in (("onnxruntime graph alone", enc), ("sentence-transformers `encode` alone (torch)", enc_torch)):
        print(f"| ingest, whole corpus vs {label}, batch {e['batch_size']} | {ours_chunks / ours_s:.1f} chunks/s ({ours_s:.0f} s) | "
              f"{e['chunks'] / e['seconds']:.1f} chunks/s ({e['seconds']:.0f} s) | {ours_s / e['seconds']:.2f}x the time |")
    print(f"| ingest, 1/8 stage vs llama-index starter, same files | {first['seconds']:.0f} s ({first['added']} chunks) | "
          f"{li['seconds']:.0f} s ({li['chunks']} chunks) | {li['seconds'] / first['seconds']:.2f}x faster |")
    print(f"| same, our ingest with `embedding_runtime = \"torch\"` | {first_torch['seconds']:.0f} s ({first_torch['added']} chunks) | "
          f"{li['seconds']:.0f} s | {li['seconds'] / first_torch['seconds']:.2f}x faster |")
    print(f"| re-ingest unchanged corpus | {r['reingest']['seconds']:.1f} s, {r['reingest']['added']} chunks embedded | | |")
    print(f"| cold `rag ask` on the whole corpus | {r['cold_ask_s']:.1f} s | | |")
    print(f"| store on disk / chunk text | {r['store_mb']:.0f} MB / {r['chunk_text_mb']:.1f} MB | | |")


if __name__ == "__main__":
    main()
