"""Which documents a question set is asked about, and its fixed dev/test split.

A set in ``eval/sets/<name>/`` comes with ``corpus.txt``: a header naming the
Debian package and the folder it installs (``# apt package: python3.11-doc;
root: /usr/share/doc/python3.11/html``) and one page per line. The pages are
copied (never committed) to ``<cache>/eval-corpora/<name>/`` keeping their
relative paths, so gold ``sources`` match what the store records. The default
set (eval/questions.jsonl) is asked about ``ingest.corpus_dir`` (seeds/).

The split is by a hash of the question id: stable across runs and machines,
independent of file order, about half dev and half test. Tune on dev; the CI
gate reads test.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from rag.errors import UserError


def split_of(question_id: str) -> str:
    return "dev" if hashlib.sha1(question_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def set_name(set_path: Path) -> str:
    return Path(set_path).parent.name if (Path(set_path).parent / "corpus.txt").is_file() else "seeds"


def corpus_folder(set_path: Path, default: Path, cache: Path) -> Path:
    """The folder of documents the set's questions are about (built from corpus.txt when there is one)."""
    manifest = Path(set_path).parent / "corpus.txt"
    if not manifest.is_file():
        return default
    lines = manifest.read_text(encoding="utf-8").splitlines()
    header = " ".join(line for line in lines if line.startswith("#"))
    root_match = re.search(r"root:\s*(\S+)", header)
    package = re.search(r"apt package:\s*([\w.+-]+)", header)
    if not root_match:
        raise UserError(f"{manifest} has no '# ... root: /path' header line")
    root = Path(root_match.group(1))
    pages = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    missing = [p for p in pages if not (root / p).is_file()]
    if missing:
        hint = f"install it with `apt-get install {package.group(1)}`" if package else "install the documents"
        raise UserError(f"{len(missing)} page(s) of {manifest} are missing under {root} (first: {missing[0]}); {hint}")
    target = cache / "eval-corpora" / set_name(set_path)
    wanted = set(pages)
    for page in pages:
        dest = target / page
        if not dest.is_file() or dest.stat().st_size != (root / page).stat().st_size:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / page, dest)
    for stale in [p for p in target.rglob("*") if p.is_file() and p.relative_to(target).as_posix() not in wanted]:
        stale.unlink()
    return target
