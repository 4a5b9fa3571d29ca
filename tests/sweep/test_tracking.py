"""Live tracking through Ray Tune's logger callbacks, read back with each tool's own reader:
TensorBoard's event reader finds every trial's scalars and its sample images, MLflow's client
finds one run per trial with its params and metrics (local SQLite store under the results), and
W&B in offline mode writes its run files without a network call.  Two tiny ring8 sweeps."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.tiny import write_mlp_catalogue

SUITE = """
name: tracked
version: 1
dataset: {{name: ring8}}
architectures: {{catalogue: mlp.jsonl}}
losses: [ns, hinge]
training: {{steps: 40, batch_size: 32, log_every: 10, ema: {ema}}}
evaluation: {{every: 20, num_samples: 300}}
seeds: [0]
results: {results}
"""


def sweep(tmp_path, logger: str, ema: float = 0.0, env: dict | None = None):
    write_mlp_catalogue(tmp_path)
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE.format(results=tmp_path / "out", ema=ema))
    proc = subprocess.run([sys.executable, "-m", "bench.cli.main", "run", str(suite), "--num-cpus", "2",
                           "--logger", logger], capture_output=True, text=True, timeout=400,
                          env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return tmp_path / "out", [g["trial_id"] for g in json.loads((tmp_path / "out" / "grid.json").read_text())]


@pytest.fixture(scope="module")
def mlflow_sweep(tmp_path_factory):
    return sweep(tmp_path_factory.mktemp("mlflow"), "mlflow", ema=0.9)


@pytest.mark.slow
def test_tensorboard_scalars_and_images_and_mlflow_runs_per_trial(mlflow_sweep):
    from mlflow.tracking import MlflowClient
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out, trials = mlflow_sweep
    tmp_path = out.parent
    assert len(trials) == 2
    for trial in trials:
        events = EventAccumulator(str(out / "tune" / trial), size_guidance={"images": 0})
        events.Reload()
        tags = events.Tags()
        assert "ray/tune/modes" in tags["scalars"], tags["scalars"]
        assert [e.step for e in events.Scalars("ray/tune/modes")] == [20, 40]
        assert {"samples/G", "samples/ema"} <= set(tags["images"]), tags["images"]
        images = events.Images("samples/G")
        assert [i.step for i in images] == [20, 40] and images[0].encoded_image_string[:4] == b"\x89PNG"
        assert images[0].width > 50 and images[0].height > 50

    client = MlflowClient(f"sqlite:///{out / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("tracked")
    runs = client.search_runs([experiment.experiment_id])
    assert sorted(r.info.run_name for r in runs) == sorted(trials)
    for run in runs:
        assert run.data.params["loss.name"] in ("ns", "hinge") and run.data.params["trial_id"] == run.info.run_name
        assert run.data.params["arch.z_dim"] == "4" and "modes" in run.data.metrics
        history = client.get_metric_history(run.info.run_id, "modes")
        assert sorted(m.step for m in history) == [20, 40]
    assert not (tmp_path / "mlruns").exists() and not os.path.exists("mlruns")


@pytest.mark.slow
def test_wandb_offline_writes_run_files_without_network(tmp_path):
    # not logged in (no key, an empty netrc) and a base URL nothing listens on: offline mode
    # makes no call, so the sweep succeeds and the runs are offline ones
    (tmp_path / "netrc").write_text("")
    env = {"WANDB_BASE_URL": "http://127.0.0.1:9", "NETRC": str(tmp_path / "netrc"), "WANDB_SILENT": "true"}
    os.environ.pop("WANDB_API_KEY", None)
    out, trials = sweep(tmp_path, "wandb", env=env)
    runs = sorted(p for p in (out / "wandb").rglob("offline-run-*") if p.is_dir())
    assert len(runs) == len(trials) == 2, sorted(str(p) for p in (out / "wandb").rglob("*"))[:20]
    assert not [p for p in (out / "wandb").rglob("run-*") if p.is_dir()], "an online run was made"
    for run in runs:
        assert list(run.glob("*.wandb")), list(run.iterdir())


@pytest.mark.slow
def test_sample_files_per_evaluation_bench_samples_and_the_gallery_of_the_sweep(mlflow_sweep, tmp_path):
    import shutil

    from bench.report import build_report
    from bench.samples import sample_steps

    out, trials = mlflow_sweep
    for trial in trials:  # 2-D data: the scatter of each evaluation, of G and of its EMA
        assert list(sample_steps(out, trial)) == list(sample_steps(out, trial, ema=True)) == [20, 40]
    cli = [sys.executable, "-m", "bench.cli.main", "samples", str(out), trials[0]]
    proc = subprocess.run(cli + ["--n", "500", "--ema", "--out", str(tmp_path / "big.png")], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "big.png").read_bytes()[:4] == b"\x89PNG" and "at step 40 (EMA)" in proc.stdout
    proc = subprocess.run(cli + ["--step", "7", "--out", str(tmp_path / "x.png")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2 and "no checkpoint at step 7; kept: 20, 40" in proc.stderr
    gone = tmp_path / "gone"
    shutil.copytree(out, gone, ignore=shutil.ignore_patterns("checkpoint_*"))
    proc = subprocess.run([*cli[:4], str(gone), trials[0], "--out", str(tmp_path / "y.png")], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "has no checkpoint left" in proc.stderr and not (tmp_path / "y.png").exists()

    summary = build_report(out, tmp_path / "report", metric="modes", n_boot=50)
    assert "figures/gallery.png" in summary.files
    assert summary.files["report.html"].read_text().count('class="gallery-cell"') == 2  # 1 architecture × 2 methods
