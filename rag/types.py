"""Plain values passed between layers: passages, citations, answers, reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Passage:
    """A stored chunk of a document, as retrieved for a question."""

    id: str
    text: str
    source: str
    title: str = ""
    author: str = ""
    date: str = ""
    publisher: str = ""
    heading: str = ""  # heading path: "Title › Section › Subsection"
    page: int = 0  # page the passage starts on (0: no pages)
    headings: tuple[str, ...] = ()  # heading lines inside the passage text
    pages: tuple[tuple[int, int], ...] = ()  # (character offset, page) wherever the page changes inside the text

    def page_at(self, offset: int) -> int:
        """The page a character of the text is on (0 when the source has no pages)."""
        page = self.page
        for start, number in self.pages:
            if start > offset:
                break
            page = number
        return page
    score: float = 0.0
    dense_score: float = 0.0
    lexical_score: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)  # as stored

    def meta(self) -> dict[str, str]:
        return {"title": self.title, "author": self.author, "date": self.date, "publisher": self.publisher}

    @property
    def location(self) -> str:
        """Where in the source, as ``Citation.location``."""
        return location(self.title, self.heading, self.page)


def location(title: str, heading: str, page: int) -> str:
    """The heading path below the title and the page, e.g. "Errors › KeyError, p. 3"."""
    parts = heading.split(" › ")
    inner = " › ".join(parts[1:] if parts and parts[0] == title else parts)
    return ", ".join(x for x in (inner, f"p. {page}" if page else "") if x)


@dataclass(frozen=True)
class Filters:
    """Which passages a search may return: from these sources only, and with these metadata values."""

    sources: tuple[str, ...] = ()
    where: tuple[tuple[str, Any], ...] = ()  # (metadata key, required value) pairs

    def accepts(self, passage: Passage) -> bool:
        return self.accepts_metadata({**passage.metadata, "source": passage.source})

    def accepts_metadata(self, meta: dict[str, Any]) -> bool:
        """The same test on a stored chunk's metadata (its ``source`` key included)."""
        if self.sources and meta.get("source") not in self.sources:
            return False
        return all(meta.get(key) == value for key, value in self.where)

    def chroma_where(self) -> dict[str, Any] | None:
        """The filter as a Chroma ``where`` clause, so a nearest-neighbour query searches only the accepted chunks."""
        clauses: list[dict[str, Any]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        clauses += [{key: {"$eq": value}} for key, value in self.where]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer.

    ``text`` is the passage exactly as stored; ``highlights`` are the
    sentences of that passage that the answer rests on (for the UI to mark).
    """

    marker: int
    source: str
    title: str
    text: str
    score: float
    author: str = ""
    date: str = ""
    publisher: str = ""
    chunk_id: str = ""
    highlights: tuple[str, ...] = ()
    heading: str = ""  # heading path of the passage: "Title › Section › Subsection"
    page: int = 0  # page number in the source (PDF), 0 when the format has no pages

    @property
    def location(self) -> str:
        """Where in the source: the heading path below the title and the page, e.g. "Errors › KeyError, p. 3"."""
        return location(self.title, self.heading, self.page)


@dataclass(frozen=True)
class Answer:
    """What ``ask()`` returns.

    ``answered`` is False when the documents do not contain the answer; then
    ``text`` says so and ``citations`` is empty. ``conflict`` is True when the
    cited sources disagree on the asked fact and the text shows both sides.
    ``dropped`` lists generated sentences removed by citation verification.
    """

    text: str
    citations: list[Citation]
    answered: bool
    question: str = ""
    conflict: bool = False
    dropped: list[str] = field(default_factory=list)
    answerer: str = "extractive"
    standalone_question: str = ""
    passages: list[Citation] = field(default_factory=list)
    seconds: float = 0.0
    tokens: int = 0
    confidence: float = 0.0  # evidence score of the best sentence (the extractive answerer refuses below scoring.min_evidence)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("citations", "passages"):
            for item, cite in zip(data[key], getattr(self, key)):
                item["highlights"] = list(item["highlights"])
                item["location"] = cite.location
        return data


@dataclass
class IngestReport:
    """Summary of one ingest run (printed by the CLI on one line)."""

    files_read: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, problem): read, but something looks lost
    chunks_added: int = 0
    chunks_updated: int = 0
    chunks_removed: int = 0
    chunks_total: int = 0
    seconds: float = 0.0

    def summary(self, verbose: bool = False) -> str:
        """One line; skipped files are named when there are few (or ``verbose``), else grouped by reason."""
        skipped = ""
        if self.skipped:
            if verbose or len(self.skipped) <= 5:
                reasons = "; ".join(f"{name}: {why}" for name, why in self.skipped)
            else:
                reasons = "; ".join(_grouped(self.skipped)) + "; --verbose lists them"
            skipped = f" ({reasons})"
        warned = ""
        if self.warnings:
            shown = self.warnings if verbose else self.warnings[:5]
            more = f", and {len(self.warnings) - len(shown)} more" if len(shown) < len(self.warnings) else ""
            warned = f"; {len(self.warnings)} warning(s): " + "; ".join(f"{name}: {why}" for name, why in shown) + more
        return (
            f"{self.files_read} files read, {self.files_unchanged} unchanged, "
            f"{len(self.skipped)} skipped{skipped}, {self.files_removed} removed; "
            f"chunks +{self.chunks_added} ~{self.chunks_updated} -{self.chunks_removed} "
            f"(total {self.chunks_total}) in {self.seconds:.1f}s{warned}"
        )


def _grouped(skipped: list[tuple[str, str]]) -> list[str]:
    """'98 .png, 57 .svg, 8 .css unsupported type', '2 empty file', ... (largest groups first)."""
    from collections import Counter

    by_reason: dict[str, Counter] = {}
    for name, why in skipped:
        if why.startswith("unsupported type"):
            by_reason.setdefault("unsupported type", Counter())[why.removeprefix("unsupported type").strip() or "(none)"] += 1
        else:
            by_reason.setdefault(why, Counter())[""] += 1
    out = []
    for reason, counts in sorted(by_reason.items(), key=lambda kv: -sum(kv[1].values())):
        if reason == "unsupported type":
            parts = [f"{n} {suffix}" for suffix, n in counts.most_common(6)]
            rest = sum(counts.values()) - sum(n for _, n in counts.most_common(6))
            out.append(", ".join(parts) + (f", {rest} other" if rest else "") + " unsupported type")
        else:
            out.append(f"{sum(counts.values())} {reason}")
    return out
