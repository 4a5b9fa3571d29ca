"""End to end through Ray Tune: `bench run` on a tiny suite writes one row per (trial, step) with
the config columns, and `bench report` ranks the methods.  (An image sweep's FID/KID/IS and
`arch_*` columns: tests/replications/test_bogonet.py.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.store import load_results
from tests.tiny import SMALL_MLP, write_mlp_catalogue

pytestmark = pytest.mark.slow  # bench run in a subprocess (Ray)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep")
    write_mlp_catalogue(folder, SMALL_MLP)
    suite = folder / "tiny.yaml"
    suite.write_text(f"""
name: tiny
version: 3
dataset: {{name: ring8}}
architectures: {{catalogue: mlp.jsonl}}
losses: [ns, hinge]
regularizers: [none]
training: {{steps: 60, batch_size: 64, log_every: 20}}
evaluation: {{every: 30, num_samples: 500}}
seeds: [0, 1]
results: {folder / 'out'}
""")
    proc = subprocess.run([sys.executable, "-m", "bench.cli.main", "run", str(suite), "--num-cpus", "2"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder / "out", proc.stdout


def test_rows_one_per_trial_and_step_with_config_columns(swept):
    out, stdout = swept
    rows = load_results(out)
    grid = json.loads((out / "grid.json").read_text())
    assert len(grid) == 4
    assert sorted(rows.groupby("trial_id")["step"].apply(list).tolist()) == [[30, 60]] * 4
    assert not rows.duplicated(["trial_id", "step"]).any()
    assert set(rows["trial_id"]) == {g["trial_id"] for g in grid}
    assert set(rows["method"]) == {"ns+none", "hinge+none"}
    assert set(rows["status"]) == {"ok"}
    assert rows["modes"].between(0, 8).all() and rows["hq_fraction"].between(0, 1).all()
    assert (rows["suite"] == "tiny").all() and (rows["suite_version"] == "3").all()
    assert rows["git_commit"].str.len().min() >= 7 and rows["versions"].str.contains('"torch"').all()
    assert (rows["num_samples"] == 500).all() and (rows["dataset"] == "ring8").all()
    assert rows["wall_s"].gt(0).all() and rows["d_loss"].notna().all()
    assert "4 trials: 4 ok" in stdout and "bench report" in stdout


def test_report_ranks_the_methods_of_the_sweep(swept, tmp_path):
    out, _ = swept
    proc = subprocess.run([sys.executable, "-m", "bench.cli.main", "report", str(out), "--metric", "modes",
                           "--out", str(tmp_path / "report")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    board = (tmp_path / "report" / "leaderboard.csv").read_text()
    assert "ns+none" in board and "hinge+none" in board
    for name in ("leaderboard.md", "report.html"):
        assert (tmp_path / "report" / name).stat().st_size > 500
    assert list((tmp_path / "report").rglob("*.png")) and list((tmp_path / "report").rglob("*.svg"))
    assert "ns+none" in proc.stdout and "leaderboard.md" in proc.stdout


def test_same_suite_and_seed_give_the_same_numbers(swept, tmp_path):
    """Reproducible: rerunning one trial's config in-process gives the numbers the sweep wrote."""
    from bench.data import load_dataset
    from bench.metrics.evaluate import evaluate
    from bench.metrics.reference import build_reference
    from bench.train import Trainer

    out, _ = swept
    rows = load_results(out)
    trial = json.loads((out / "grid.json").read_text())[0]
    dataset = load_dataset({"name": "ring8"})
    reference = build_reference(dataset, trial["config"]["evaluation"], cache_dir=tmp_path)
    trainer = Trainer(trial["config"], dataset.x)
    metrics = trial["config"]["evaluation"]["metrics"]
    trainer.run(lambda s: evaluate(s, reference, metrics, seed=trial["config"]["seed"]))
    mine = rows[rows.trial_id == trial["trial_id"]].sort_values("step")
    assert mine["modes"].tolist() == [r["modes"] for r in trainer.history]
    assert mine["d_loss"].tolist() == pytest.approx([r["d_loss"] for r in trainer.history], rel=1e-6)
