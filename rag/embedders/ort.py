"""onnxruntime embedder: the same sentence-transformers model, exported once, run faster.

Why: on a 2-core CPU the embedding forward pass is nearly all of ingest time
and most of a new question's latency. onnxruntime runs MiniLM's graph about
1.9x faster than torch (bench/scale.py: 61.7 vs 31.9 chunks/s), and a
process that finds the exported graph in the cache imports neither torch nor
sentence-transformers, which takes about 5 s off a cold ``rag ask``.

How: the first use loads the model with sentence-transformers, exports the
transformer plus pooling and L2 normalisation with ``torch.onnx`` (needs the
``onnx`` package, nothing downloaded), checks that onnxruntime's vectors equal
torch's on probe sentences of mixed lengths (cosine >= 0.9999), and writes the
graph under ``cache_dir/onnx/`` with a JSON record holding its SHA-256. Later
processes trust the graph only if that hash still matches; otherwise they
export again. The cache key is the model's weights (the pinned hash for the
bundled model, file sizes and mtimes for others) plus ``EXPORT_VERSION``.

Limits: only models made of Transformer + Pooling (mean or CLS) [+ Normalize]
and shipping a ``tokenizer.json``; anything else raises ``OnnxUnsupported`` and
the factory falls back to the torch runtime with a note.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from .base import BUNDLED_EMBEDDING, BUNDLED_SHA256, DEFAULT_CACHE_DIR, Embedder, resolve_model, sha256_file

EXPORT_VERSION = 2  # bump when the exported graph's inputs/outputs change
MIN_PROBE_COSINE = 0.9999
PROBES = [
    "Ales Bialiatski was released on 13 September 2025.",
    "x",
    "The potash company Belaruskali was removed from the sanctions list in exchange for the release of 52 prisoners, "
    "among them journalists, activists and foreign citizens; the talks were led by John Coale.",
    "Déjà vu — Лукашенко 卢卡申科 😀",
    "def f(x):\n    return {k: v for k, v in x.items() if v}  # code",
]


class OnnxUnsupported(Exception):
    """This model cannot run under onnxruntime here (the reason is the message)."""


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OnnxUnsupported(f"{path.name} is missing or unreadable ({type(exc).__name__})") from None


def model_layout(model_dir: Path) -> dict:
    """What the exported graph must reproduce: pooling, max length, lower-casing."""
    modules = _read_json(model_dir / "modules.json")
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if not kinds or kinds[0] != "Transformer" or "Pooling" not in kinds or set(kinds) - {"Transformer", "Pooling", "Normalize"}:
        raise OnnxUnsupported(f"module pipeline {kinds} is not Transformer + Pooling [+ Normalize]")
    pooling_dir = model_dir / next(m.get("path", "") for m in modules if m.get("type", "").endswith("Pooling"))
    pooling = _read_json(pooling_dir / "config.json")
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True]
    mode = {("pooling_mode_mean_tokens",): "mean", ("pooling_mode_cls_token",): "cls"}.get(tuple(modes))
    if mode is None:
        raise OnnxUnsupported(f"pooling {modes} is not mean or cls alone")
    config_file = model_dir / modules[0].get("path", "") / "sentence_bert_config.json"
    config = _read_json(config_file) if config_file.exists() else {}
    if not (model_dir / "tokenizer.json").is_file():
        raise OnnxUnsupported("the model has no tokenizer.json")
    return {"pooling": mode, "max_seq_length": int(config.get("max_seq_length") or 256), "lower": bool(config.get("do_lower_case")),
            "transformer_dir": str(model_dir / modules[0].get("path", ""))}


def weights_key(model_name: str, model_dir: Path) -> str:
    if model_name == BUNDLED_EMBEDDING:
        identity = "|".join(BUNDLED_SHA256.values())
    else:
        identity = "|".join(f"{p.relative_to(model_dir)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
                            for p in sorted(model_dir.rglob("*")) if p.is_file())
    return hashlib.sha256(f"{EXPORT_VERSION}|{model_dir.resolve()}|{identity}".encode()).hexdigest()[:24]


class OnnxEmbedder(Embedder):
    preferred_batch_size = 2  # onnxruntime on 2 cores, length-sorted: 1-2 fastest, 4 ~6 % and 16 ~20 % slower

    #: How this runtime's graph is derived from the float export (``derive_graph``); None = the float graph itself.
    recipe: dict | None = None
    #: Non-empty when this runtime's vectors differ from the model's own (stores built with it are kept apart).
    vector_tag = ""

    def __init__(self, model_name: str, batch_size: int = 0, cache_dir: Path = DEFAULT_CACHE_DIR, *, recipe: dict | None = None) -> None:
        super().__init__(model_name, batch_size)
        try:
            import onnxruntime
            import tokenizers
        except ImportError as exc:
            raise OnnxUnsupported(f"{exc.name} is not installed") from None
        model_dir = Path(resolve_model(model_name, verify=False))  # the export (below) loads the weights verified
        if not model_dir.is_dir():
            raise OnnxUnsupported(f"model {model_name!r} is not a folder on disk")
        self.layout = model_layout(model_dir)
        self.tokenizer = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.layout["max_seq_length"])
        pad_token = self.tokenizer.padding["pad_token"] if self.tokenizer.padding else "[PAD]"
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id(pad_token) or 0, pad_token=pad_token)
        folder = Path(cache_dir).expanduser() / "onnx"
        record_path = folder / f"{weights_key(model_name, model_dir)}.json"
        graph = self._cached_graph(record_path)
        if graph is None:
            graph = export_graph(model_name, self.layout, record_path)
        self.float_graph_path = graph
        recipe = recipe if recipe is not None else self.recipe
        if recipe:
            graph = self._derived_graph(graph, record_path, recipe)
        self.session = self._session(graph)
        self.graph_path = graph
        self.dimension = int(self._encode(["x"], None).shape[1])

    @staticmethod
    def _session(graph: Path):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        options.intra_op_num_threads = os.cpu_count() or 1
        # Worker threads sleep instead of spinning between runs. On a CPU shared with other work (a laptop, a server
        # with an ingest running) a spinning pool waits for cores the other work holds: a 10-word query took
        # 20.5-24 ms with spinning and 9.6-12.6 ms without (2 cores, load ~1.5); idle, 4.5-5.0 vs 4.9-5.3 ms, and
        # ingest-sized batches 25.3-25.9 vs 24.9-25.4 chunks/s.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])

    def _derived_graph(self, source: Path, record_path: Path, recipe: dict) -> Path:
        """The graph ``recipe`` derives from the float graph ``source``, cached beside it as ``<key>.<name>-<sha>.onnx``
        with its own record ``<key>.<name>.json``; trusted only while its hash, its source's hash and the recipe
        all still match (else derived again, and the old file is pruned)."""
        derived_record = record_path.with_name(f"{record_path.stem}.{recipe['name']}.json")
        source_sha = json.loads(record_path.read_text(encoding="utf-8"))["sha256"]
        graph = self._cached_graph(derived_record, expect={"source_sha256": source_sha, "recipe": recipe})
        if graph is None:
            graph = derive_graph(source, source_sha, recipe, derived_record, self)
        return graph

    def _run(self, session, texts: Sequence[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch([t.strip().lower() if self.layout["lower"] else t.strip() for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    @staticmethod
    def _cached_graph(record_path: Path, expect: dict | None = None) -> Path | None:
        """The cached graph if its record exists, holds ``expect`` and its hash still matches."""
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
            graph = record_path.parent / record["file"]
            if any(record.get(key) != value for key, value in (expect or {}).items()):
                return None
            if sha256_file(graph) == record["sha256"]:
                return graph
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def _encode(self, texts: Sequence[str], batch_size: int | None) -> np.ndarray:
        size = batch_size or self.batch_size
        out = [self._run(self.session, texts[start:start + size]) for start in range(0, len(texts), size)]
        return np.concatenate(out).astype(np.float32, copy=False)


def _prune(folder: Path) -> None:
    """Delete records of older export versions and every settled graph no record names (replaced or orphaned)."""
    named: set[str] = set()
    for record_file in folder.glob("*.json"):
        try:
            record = json.loads(record_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and record.get("export_version") == EXPORT_VERSION:
            named.add(str(record.get("file")))
        elif isinstance(record, dict) and "sha256" in record:
            record_file.unlink(missing_ok=True)
    for graph in folder.glob("*.onnx"):
        try:  # a graph younger than a minute may belong to an export whose record is not written yet
            if graph.name not in named and time.time() - graph.stat().st_mtime > 60:
                graph.unlink(missing_ok=True)
        except OSError:
            pass


def export_graph(model_name: str, layout: dict, record_path: Path) -> Path:
    """Export with torch, check against sentence-transformers, write graph + record atomically."""
    try:
        import onnx  # noqa: F401  (torch.onnx's exporter needs it)
        import torch
    except ImportError as exc:
        raise OnnxUnsupported(f"exporting needs {exc.name}, which is not installed") from None
    import onnxruntime

    from .sentence_transformers import load_sentence_transformer

    model = load_sentence_transformer(model_name)
    transformer = model[0].auto_model
    try:  # eager attention exports to plain MatMul/Softmax, which runs ~1.2x faster here than the SDPA graph
        from transformers import AutoModel

        transformer = AutoModel.from_pretrained(layout["transformer_dir"], attn_implementation="eager")
    except Exception:  # pragma: no cover - architectures without an eager path keep the default
        pass
    transformer.eval()
    pooling = layout["pooling"]

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask):
            hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            if pooling == "cls":
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    record_path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=record_path.parent, prefix=".export-", suffix=".onnx")
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        example = model.tokenize(PROBES[:2])
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled().eval(), (example["input_ids"], example["attention_mask"]), str(tmp),
                input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}},
                opset_version=17, dynamo=False,
            )
        session = onnxruntime.InferenceSession(str(tmp), providers=["CPUExecutionProvider"])
        features = model.tokenize(PROBES)
        got = session.run(None, {"input_ids": features["input_ids"].numpy().astype(np.int64),
                                 "attention_mask": features["attention_mask"].numpy().astype(np.int64)})[0]
        want = model.encode(PROBES, normalize_embeddings=True, convert_to_numpy=True)
        cosine = float((got * want).sum(1).min())
        if cosine < MIN_PROBE_COSINE:
            raise OnnxUnsupported(f"the exported graph disagrees with torch (cosine {cosine:.5f})")
        graph = _write_atomically(tmp, record_path, record_path.stem, {
            "model": model_name, "probe_min_cosine": cosine, "export_version": EXPORT_VERSION,
            "torch": torch.__version__, "onnxruntime": onnxruntime.__version__, **layout})
        _prune(record_path.parent)
        return graph
    except OnnxUnsupported:
        raise
    except Exception as exc:  # the exporter's failures are many and version-specific
        raise OnnxUnsupported(f"export failed ({type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''})") from None
    finally:
        tmp.unlink(missing_ok=True)


def _write_atomically(tmp: Path, record_path: Path, stem: str, record: dict) -> Path:
    """Move the checked graph ``tmp`` to ``<stem>-<sha12>.onnx`` and then write its record (last: a record only
    ever names a complete graph)."""
    digest = sha256_file(tmp)
    graph = record_path.with_name(f"{stem}-{digest[:12]}.onnx")
    os.replace(tmp, graph)
    handle, tmp_record = tempfile.mkstemp(dir=record_path.parent, prefix=".record-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"file": graph.name, "sha256": digest, **record}, out, indent=1)
    os.replace(tmp_record, record_path)
    return graph


def derive_graph(source: Path, source_sha256: str, recipe: dict, record_path: Path, embedder: OnnxEmbedder) -> Path:
    """Make the graph ``recipe`` describes from the float graph ``source``, check it, cache it beside the source.

    A recipe (a JSON-able dict; its hash is part of the cache file name) has:

    * ``name``: part of the file names (``<key>.<name>.json``, ``<key>.<name>-<sha12>.onnx``);
    * ``optimize``: first fuse the float graph with onnxruntime's BERT optimizer (``onnxruntime.transformers``:
      Attention, SkipLayerNormalization, BiasGelu, EmbedLayerNormalization; vectors unchanged);
    * ``quantize``: ``None`` or the arguments of ``onnxruntime.quantization.quantize_dynamic``: ``weight_type``
      (``"QInt8"`` | ``"QUInt8"``), ``per_channel``, ``reduce_range``, ``op_types`` (default: every supported op,
      which includes the word-embedding Gather);
    * ``min_probe_cosine``: the derived graph's vectors must reach this cosine to the float graph's on ``PROBES``,
      else ``OnnxUnsupported``.

    Nothing is downloaded: both tools ship inside the onnxruntime wheel and work on the file.
    """
    import logging

    import onnx

    record_path.parent.mkdir(parents=True, exist_ok=True)
    stem = record_path.stem
    handles = [tempfile.mkstemp(dir=record_path.parent, prefix=f".derive-{i}-", suffix=".onnx") for i in range(2)]
    for handle, _ in handles:
        os.close(handle)
    optimized, tmp = (Path(name) for _, name in handles)
    root = logging.getLogger()
    level = root.level
    try:
        root.setLevel(logging.ERROR)  # quantize_dynamic warns on the root logger ("consider pre-processing")
        current = source
        if recipe.get("optimize"):
            from onnxruntime.transformers.optimizer import optimize_model

            config = _read_json(Path(embedder.layout["transformer_dir"]) / "config.json")
            if config.get("model_type") != "bert":
                raise OnnxUnsupported(f"the BERT graph optimizer does not apply to model_type {config.get('model_type')!r}")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fused = optimize_model(str(source), model_type="bert", num_heads=int(config["num_attention_heads"]),
                                       hidden_size=int(config["hidden_size"]), opt_level=0, use_gpu=False)
            fused.save_model_to_file(str(optimized))
            current = optimized
        quantize = recipe.get("quantize")
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(
                str(current), str(tmp), weight_type=getattr(QuantType, quantize.get("weight_type", "QInt8")),
                per_channel=bool(quantize.get("per_channel")), reduce_range=bool(quantize.get("reduce_range")),
                op_types_to_quantize=quantize.get("op_types") or None,
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # fused contrib ops have no inferred types
            )
        else:
            os.replace(current, tmp)
        got = embedder._run(embedder._session(tmp), PROBES)
        want = embedder._run(embedder._session(source), PROBES)
        cosine = float((got * want).sum(1).min())
        floor = float(recipe.get("min_probe_cosine", MIN_PROBE_COSINE))
        if cosine < floor:
            raise OnnxUnsupported(f"the {recipe.get('name', 'derived')} graph disagrees with the float graph (cosine {cosine:.5f} < {floor})")
        import onnxruntime

        graph = _write_atomically(tmp, record_path, stem, {
            "source_sha256": source_sha256, "recipe": recipe, "probe_min_cosine": cosine,
            "export_version": EXPORT_VERSION, "onnxruntime": onnxruntime.__version__})
        _prune(record_path.parent)
        return graph
    except OnnxUnsupported:
        raise
    except Exception as exc:  # the optimizer's and quantizer's failures are many and version-specific
        raise OnnxUnsupported(f"deriving the {recipe.get('name', 'derived')} graph failed ({type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''})") from None
    finally:
        root.setLevel(level)
        optimized.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)


#: The ``onnx-int8`` recipe (see ``derive_graph``), chosen by bench/quantize.py.
INT8_RECIPE = {
    "name": "int8",
    "optimize": False,
    "quantize": {"weight_type": "QInt8", "per_channel": True, "reduce_range": True, "op_types": []},
    "min_probe_cosine": 0.95,
}


class OnnxInt8Embedder(OnnxEmbedder):
    """The float graph with dynamically quantised int8 weights: faster, vectors close to (not equal to) the model's."""

    recipe = INT8_RECIPE
    vector_tag = "onnx-int8"
