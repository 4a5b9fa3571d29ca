#!/usr/bin/env bash
# The main job on the embedded default: install, run suites/quickstart.yaml, print the leaderboard.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bench run suites/quickstart.yaml "$@"
bench report results/quickstart
