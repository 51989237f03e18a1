#!/usr/bin/env bash
# Install the project into .venv (created if missing). Idempotent; safe to re-run.
#   scripts/install.sh          engine + chat UI + eval + LLM backends
#   scripts/install.sh --test   the same plus test tools, Debian's chromium for browser tests and
#                               LibreOffice Writer (headless) to print the PDFs the format tests read
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
PIP=".venv/bin/python -m pip --disable-pip-version-check"
$PIP install -q --upgrade pip
# The CPU build of torch 2.13.0 lies on this machine's disk; an unpinned torch would pull a multi-GB CUDA build.
$PIP install -q "torch==2.13.0"
EXTRAS="all"
if [ "${1:-}" = "--test" ]; then
  EXTRAS="all,test"
fi
# llama-cpp-python (extra "local") compiles from source the first time (~6 min); pip caches the wheel afterwards.
$PIP install -q -e ".[${EXTRAS}]"
if [ "${1:-}" = "--test" ] && { [ ! -x /usr/bin/chromium ] || ! command -v soffice >/dev/null; }; then
  if command -v apt-get >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    # libreoffice-writer-nogui without recommends: ~250 MB, ~40 s
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null \
      && $SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null
  else
    echo "install.sh: chromium or soffice not found and apt-get unavailable; browser and PDF-layout tests will be skipped" >&2
  fi
fi
echo "install.sh: ready (.venv)"
