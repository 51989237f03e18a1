"""Adding files to the corpus from outside (the chat window's upload, ``POST /v1/documents``).

One code path for every face: names are sanitised so a file cannot land
outside the upload folder, types and sizes are checked before anything is
copied, and after the ingest a file the pipeline skipped is removed again (an
older file it replaced is put back), so a bad upload changes nothing.
``Engine.add_files`` runs these steps under its ingest lock.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TooLargeError, UserError
from .ingest.formats import format_of, supported_endings
from .types import IngestReport

#: Uploaded files go to this folder inside the corpus folder (their sources read "uploads/<name>").
UPLOAD_DIR = "uploads"


def safe_name(name: str) -> str:
    """A file name that cannot escape the upload folder: '../../etc/x.txt' -> 'x.txt'."""
    base = Path(str(name).replace("\\", "/")).name
    stem, suffix = os.path.splitext(base)
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.UNICODE).strip("._") or "upload"
    return f"{stem[:100]}{suffix.lower()}"


@dataclass
class UploadReport:
    """What became of each uploaded file."""

    indexed: list[str] = field(default_factory=list)  # sources now in the store ("uploads/x.txt")
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, reason): never copied (type, size)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason): copied, not indexable, removed again
    ingest: IngestReport | None = None

    def messages(self) -> list[str]:
        return ([f"✗ {name}: {why}" for name, why in self.refused] + [f"✗ {name}: {why}" for name, why in self.skipped]
                + [f"✓ {Path(s).name} indexed" for s in self.indexed] + ([self.ingest.summary()] if self.ingest else []))


def check_files(files: list[tuple[str, Path]], max_file_mb: float) -> tuple[list[tuple[str, Path]], list[tuple[str, str, type]]]:
    """Split (original name, temporary path) pairs into accepted (safe name, path) and refused (name, reason, error type)."""
    limit = int(max_file_mb * 1e6)
    accepted: list[tuple[str, Path]] = []
    refused: list[tuple[str, str, type]] = []
    for original, path in files:
        name = safe_name(original)
        if format_of(name) is None:
            refused.append((name, f"unsupported type (use {', '.join(supported_endings())})", UserError))
            continue
        size = Path(path).stat().st_size
        if size > limit:
            refused.append((name, f"too large ({size / 1e6:.1f} MB > {max_file_mb:g} MB, setting max_file_mb)", TooLargeError))
            continue
        if size == 0:
            refused.append((name, "empty file", UserError))
            continue
        accepted.append((name, Path(path)))
    return accepted, refused


def refuse_all(refused: list[tuple[str, str, type]]) -> None:
    """Raise one error for a request that must change nothing when any file is refused (413 wins over 400)."""
    if not refused:
        return
    kind = TooLargeError if any(k is TooLargeError for *_, k in refused) else UserError
    raise kind("; ".join(f"{name}: {why}" for name, why, _ in refused) + "; nothing was added")


class Staged:
    """Files copied into ``<corpus>/uploads``; ``settle`` keeps the indexed ones and undoes the rest."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.target = self.root / UPLOAD_DIR
        self.copied: list[tuple[Path, Path | None]] = []  # (destination, backup of the file it replaced)

    def copy(self, accepted: list[tuple[str, Path]]) -> None:
        self.target.mkdir(parents=True, exist_ok=True)
        for name, src in accepted:
            dest = self.target / name
            backup = None
            if dest.exists():
                backup = dest.with_name(f".{dest.name}.previous")  # a dot file: ingest does not read it
                shutil.copyfile(dest, backup)
            shutil.copyfile(src, dest)
            self.copied.append((dest, backup))

    def undo(self) -> None:
        """Put the corpus folder back as it was (the ingest failed as a whole)."""
        for dest, backup in self.copied:
            if backup is not None:
                os.replace(backup, dest)
            else:
                dest.unlink(missing_ok=True)

    def settle(self, report: IngestReport, out: UploadReport) -> None:
        """Record the outcome; remove the files the ingest skipped, or put back the indexed file one replaced."""
        skipped = dict(report.skipped)
        for dest, backup in self.copied:
            source = dest.relative_to(self.root).as_posix()
            if source in skipped:
                out.skipped.append((dest.name, skipped[source]))
                if backup is not None:
                    os.replace(backup, dest)  # the pipeline kept its chunks (an unreadable known file loses nothing)
                else:
                    dest.unlink(missing_ok=True)
            else:
                out.indexed.append(source)
                if backup is not None:
                    backup.unlink(missing_ok=True)
