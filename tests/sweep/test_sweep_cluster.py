"""A two-node Ray cluster on one machine (ray.cluster_utils.Cluster): the sweep joins it by address
with per-trial CPU and GPU shares from the CLI-level overrides; the worker node is removed
mid-sweep and the sweep still completes with every trial's rows present."""

from __future__ import annotations

import json
import threading
import time

import pytest

from bench.store import load_results
from bench.suite import load_suite
from tests.tiny import write_mlp_catalogue

pytestmark = pytest.mark.slow  # a two-node Ray cluster

SUITE = """
name: clustered
version: 1
dataset: {{name: ring8}}
architectures: {{catalogue: mlp.jsonl}}
losses: [ns, hinge]
training: {{steps: 160, batch_size: 32, log_every: 10, checkpoint_every: 20}}
evaluation: {{every: 40, num_samples: 200}}
seeds: [0, 1, 2]
retries: 3
results: {results}
"""


def test_removing_a_worker_node_mid_sweep_loses_no_trial(tmp_path):
    import ray
    from ray.cluster_utils import Cluster

    from bench.sweep.runner import run_sweep

    write_mlp_catalogue(tmp_path)
    (tmp_path / "suite.yaml").write_text(SUITE.format(results=tmp_path / "out"))
    loaded = load_suite(tmp_path / "suite.yaml")
    rows_dir = tmp_path / "out" / "rows"

    # GPUs are declared, not real: a 0.5 share schedules two trials per "GPU" (they train on the CPU here).
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "num_gpus": 1, "include_dashboard": False})
    worker = cluster.add_node(num_cpus=2, num_gpus=1)
    removed = {}

    def remove_worker_when_rows_appear():
        deadline = time.time() + 120
        while not list(rows_dir.glob("*.parquet")) and time.time() < deadline:
            time.sleep(0.05)
        removed["trials_with_rows"] = len(list(rows_dir.glob("*.parquet")))
        cluster.remove_node(worker, allow_graceful=False)
        removed["at"] = time.time()

    remover = threading.Thread(target=remove_worker_when_rows_appear, daemon=True)
    try:
        remover.start()
        outcome = run_sweep(loaded, address=cluster.address, cpus_per_trial=1, gpus_per_trial=0.5)
        remover.join(timeout=5)
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()

    assert "at" in removed, "the worker node was never removed"
    assert removed["trials_with_rows"] < 6, "the sweep was over before the node went away"
    assert outcome.counts == {"ok": 6}
    rows = load_results(tmp_path / "out")
    grid = json.loads((tmp_path / "out" / "grid.json").read_text())
    assert set(rows.trial_id) == {g["trial_id"] for g in grid}
    assert rows.groupby("trial_id")["step"].apply(list).tolist() == [[40, 80, 120, 160]] * 6
    assert not rows.duplicated(["trial_id", "step"]).any()
    logs = "".join(p.read_text() for p in (tmp_path / "out" / "logs").glob("*.log"))
    assert " attempt 2: started" in logs, "no trial was restarted after the node removal"
