#!/usr/bin/env bash
# Install what the tests need and run them, both tiers, on two workers (the fast tier alone:
# python -m pytest -m "not slow").
# pytest's exit 5 ("no tests collected") is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh test
# The HTML report test renders report.html in headless Chromium (Debian's package).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing Debian's chromium for the report rendering test" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "bench: chromium is missing; the report rendering test will fail (apt-get install chromium)" >&2
  fi
fi
status=0
# Two workers (CI has 2 cores; BENCH_TEST_WORKERS changes it, 0 runs in this process); each test
# file stays on one worker (--dist loadfile), so module fixtures are built once.  The 15 slowest
# tests are listed, to keep the suite's time in view.
python -m pytest -n "${BENCH_TEST_WORKERS:-2}" --dist loadfile --durations=15 "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "bench: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
