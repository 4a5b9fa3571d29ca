"""Behaviour checks: minutes of real training each, whose outcome (mode coverage, code accuracy,
convergence) could fail. They are benchmarks, not part of the test suite CI runs: run them with
``bash scripts/behaviour.sh`` (``python -m pytest benchmarks``). Same set-up as the tests: one
thread per process and the session fixtures of the metrics tests."""

from __future__ import annotations

import torch

torch.set_num_threads(1)

pytest_plugins = ["tests.metrics_fixtures"]
