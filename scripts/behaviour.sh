#!/usr/bin/env bash
# The behaviour checks under benchmarks/ (PacGAN2 vs GAN mode coverage on ring8, InfoGAN's code
# accuracy on digits, BEGAN's convergence on digits, the Dirac-GAN replication suite through
# `bench run`): real training, several minutes each on a 2-core CPU, so they are not part of the
# test suite. Installs what the tests need, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh test
python -m pytest benchmarks -ra "$@"
