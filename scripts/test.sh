#!/usr/bin/env bash
# Install what the tests need and run them, both tiers (the fast tier alone: python -m pytest -m "not slow").
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
python -m pytest --durations=15 "$@" || status=$?  # the 15 slowest tests, to keep the suite's time in view
if [ "$status" -eq 5 ]; then
  echo "bench: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
