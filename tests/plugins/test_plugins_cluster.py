"""Plugins on a two-node Ray cluster (ray.cluster_utils.Cluster): a plugin loss, dataset and
optimizer from a temporary folder that is on no worker's sys.path reach every worker through
the job's runtime_env (py_modules), and every trial trains with them."""

from __future__ import annotations

import json
import sys

import pytest

from bench.store import load_results
from bench.suite import load_suite
from tests.plugin_helpers import RING4_SGD, copy_example, mlp_catalogue

@pytest.mark.slow
def test_a_two_node_sweep_trains_every_trial_with_the_plugins(tmp_path):
    import ray
    from ray.cluster_utils import Cluster

    from bench.sweep.runner import run_sweep

    plugins = tmp_path / "plugins"
    copy_example(plugins)
    (plugins / "ring4_sgd.py").write_text(RING4_SGD)
    assert not any(str(plugins) in p for p in sys.path)
    mlp_catalogue(tmp_path)
    (tmp_path / "suite.yaml").write_text(f"""
name: plug-cluster
version: "1"
plugins: [plugins/fgan_energy.py, plugins/ring4_sgd.py]
dataset: {{name: ring4, size: 500}}
architectures: {{catalogue: mlp.jsonl}}
losses: [pearson_chi2]
optimizer: {{name: sgd_momentum, lr_g: 0.01, lr_d: 0.01}}
training: {{steps: 20, batch_size: 32, log_every: 10}}
evaluation: {{every: 10, num_samples: 100, metrics: [modes, energy_points]}}
seeds: [0, 1, 2]
results: {tmp_path / 'out'}
""")
    loaded = load_suite(tmp_path / "suite.yaml")
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    cluster.add_node(num_cpus=2)
    try:
        outcome = run_sweep(loaded, address=cluster.address, cpus_per_trial=1)
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()
    assert outcome.counts == {"ok": 3}
    rows = load_results(tmp_path / "out")
    assert rows.groupby("trial_id")["step"].apply(list).tolist() == [[10, 20]] * 3
    assert set(rows["loss"]) == {"pearson_chi2"} and set(rows["dataset"]) == {"ring4"} and set(rows["optimizer"]) == {"sgd_momentum"}
    assert rows["modes"].between(0, 4).all() and rows["energy_points"].gt(0).all()
    used = {json.dumps(json.loads(p), sort_keys=True) for p in rows["plugins"]}
    assert len(used) == 1 and set(json.loads(used.pop())) == {"fgan_energy", "ring4_sgd"}
    assert (rows["opt_params"] == '{"momentum":0.9}').all()
