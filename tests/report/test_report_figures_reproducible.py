"""The report's figures are the same bytes from the same rows, whatever the process: no figure
draws from numpy's global random state (seaborn's stripplot jitter did) or depends on the order of
str hashes (scikit-posthocs' critical-difference bars did).  Two processes with different
``PYTHONHASHSEED`` and different global numpy states write the same PNG files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # two report processes

SCRIPT = """
import hashlib, json, sys
import numpy as np
np.random.seed(int(sys.argv[3]))  # a different global numpy state in each process
from bench.report import build_report
summary = build_report(sys.argv[1], sys.argv[2], metric="fid", n_boot=20)
figures = sorted(p for p in summary.files if p.startswith("figures/") and p.endswith(".png"))
print(json.dumps({p: hashlib.sha256(summary.files[p].read_bytes()).hexdigest() for p in figures}))
"""


def test_figures_do_not_depend_on_hash_seed_or_global_numpy_state(tmp_path):
    from tests.report_synth import write_suite

    results = tmp_path / "results"
    write_suite(results, {"ns+none": 0.0, "wgan+gp": -8.0, "hinge+none": -2.0, "ns+r1": -9.0, "lsgan+none": 3.0})
    digests = []
    for run, hash_seed in enumerate(("1", "2")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
        proc = subprocess.run([sys.executable, "-c", SCRIPT, str(results), str(tmp_path / f"report{run}"), str(run)],
                              capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        digests.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert {"figures/distribution.png", "figures/critical_difference.png"} <= set(digests[0])
    assert digests[0] == digests[1]
