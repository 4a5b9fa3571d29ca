"""The example plugin (a loss and a metric bench lacks), copied to a folder outside the repository
and off the workers' sys.path, trains through Ray Tune on ring8 and on digits; the rows carry
the plugin's name and hash; `bench report --plugin` ranks it on the plugin's metric."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from bench.store import load_results
from tests.plugin_helpers import copy_example, ring8_suite

def bench(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench.cli.main", *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd)


@pytest.mark.slow
def test_ring8_sweep_trains_the_plugin_and_the_report_ranks_it(tmp_path):
    plugin = copy_example(tmp_path / "mine")
    suite = ring8_suite(tmp_path, "mine/fgan_energy.py", metrics=("energy_points", "modes"), steps=20)
    proc = bench("run", str(suite), "--num-cpus", "2", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = load_results(tmp_path / "out")
    assert set(rows["method"]) == {"ns+none", "pearson_chi2+none"} and set(rows["status"]) == {"ok"}
    assert rows["energy_points"].map(math.isfinite).all() and rows["energy_points"].gt(0).all()
    mine = rows[rows["loss"] == "pearson_chi2"]
    sha = json.loads((tmp_path / "out" / "plugins.json").read_text())[0]["sha256"]
    assert (mine["plugins"] == json.dumps({"fgan_energy": sha}, separators=(",", ":"))).all()
    assert (rows[rows["loss"] == "ns"]["plugins"] == json.dumps({"fgan_energy": sha}, separators=(",", ":"))).all()

    report = bench("report", str(tmp_path / "out"), "--metric", "energy_points", "--plugin", str(plugin),
                   "--no-figures", "--out", str(tmp_path / "report"))
    assert report.returncode == 0, report.stdout + report.stderr
    board = (tmp_path / "report" / "leaderboard.csv").read_text()
    assert "pearson_chi2+none" in board and "ns+none" in board and "energy_points" in report.stdout


@pytest.mark.slow
def test_digits_sweep_trains_the_plugin_loss_with_the_plugin_metric(tmp_path):
    copy_example(tmp_path / "mine")
    (tmp_path / "img.yaml").write_text(f"""
name: plug-img
version: "1"
plugins: [mine/fgan_energy.py]
dataset: {{name: digits, resolution: 8}}
architectures: {{space: bogonet-small, n: 1, seed: 0}}
losses: [pearson_chi2]
training: {{steps: 4, batch_size: 16, log_every: 2}}
evaluation: {{every: 2, num_samples: 50, num_real: 200, metrics: [fid, energy]}}
results: {tmp_path / 'out'}
""")
    proc = bench("run", str(tmp_path / "img.yaml"), "--num-cpus", "1", "--cache", str(tmp_path / "cache"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = load_results(tmp_path / "out").sort_values("step")
    assert rows["step"].tolist() == [2, 4] and set(rows["status"]) == {"ok"} and set(rows["loss"]) == {"pearson_chi2"}
    assert all(math.isfinite(v) and v > 0 for v in rows["energy"]) and all(math.isfinite(v) for v in rows["fid"])
    assert rows["plugins"].str.contains('"fgan_energy":').all()
