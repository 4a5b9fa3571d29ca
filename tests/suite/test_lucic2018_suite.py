"""suites/lucic2018.yaml: Lucic et al.'s loss set with compare_gan's method-specific ranges —
each searched parameter reaches exactly the cells whose method takes it — and a scaled-down copy
runs end to end through `bench run` (Ray) and `bench report`."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from bench.suite import load_suite
from bench.suite.cells import apply_params, cell_params
from tests.conftest import REPO

SUITE = REPO / "suites" / "lucic2018.yaml"


def cells():
    loaded = load_suite(SUITE)
    return loaded, {t.method: t.config for t in loaded.trials}


def test_method_parameters_reach_only_their_methods():
    loaded, by_method = cells()
    search = loaded.suite.search
    assert set(by_method) == {"mm+none", "ns+none", "wgan+clip", "wgan+gp", "ls+none", "ns+dragan", "began+none"}
    params = {m: set(cell_params(search, c)) for m, c in by_method.items()}
    assert params["began+none"] == {"lr", "beta1", "n_disc", "gamma", "lambda_k"}
    assert params["wgan+clip"] == {"lr", "beta1", "n_disc", "clip"}
    assert params["wgan+gp"] == params["ns+dragan"] == {"lr", "beta1", "n_disc", "weight"}
    assert params["ns+none"] == {"lr", "beta1", "n_disc"}
    began = apply_params(by_method["began+none"], {"lr": 1e-3, "gamma": 0.7, "lambda_k": 1e-3}, {"study": "s"})
    assert began["loss"]["params"]["gamma"] == 0.7 and began["loss"]["params"]["lambda_k"] == 1e-3
    assert began["optimizer"]["lr_g"] == began["optimizer"]["lr_d"] == 1e-3
    clip = apply_params(by_method["wgan+clip"], {"clip": 0.05}, {"study": "s"})
    assert clip["regularizer"]["params"]["c"] == 0.05
    assert "c" not in by_method["wgan+clip"]["regularizer"].get("params", {})  # the cell itself is untouched


@pytest.mark.slow
def test_scaled_down_copy_runs_and_reports(tmp_path):
    mapping = yaml.safe_load(SUITE.read_text())
    mapping["name"] = "lucic2018-tiny"
    mapping["architectures"]["knobs"].update(g_filters=4, d_filters=4, z_dim=8)
    mapping["training"] = {"steps": 20, "batch_size": 16}
    mapping["evaluation"] = {"every": 20, "num_samples": 200, "metrics": ["fid"]}
    mapping["search"]["budget"] = 1
    suite = tmp_path / "lucic2018-tiny.yaml"
    suite.write_text(yaml.safe_dump(mapping, sort_keys=False))
    out, cache = tmp_path / "out", tmp_path / "cache"
    run = subprocess.run([sys.executable, "-m", "bench.cli.main", "run", str(suite), "--results", str(out),
                          "--num-cpus", "2", "--cache", str(cache)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    from bench.store import load_results

    rows = load_results(out)
    assert sorted(rows["method"].unique()) == sorted(
        ["mm+none", "ns+none", "wgan+clip", "wgan+gp", "ls+none", "ns+dragan", "began+none"])
    began = rows[rows["loss"] == "began"]
    assert began["m_global"].notna().all() and (began["arch_d_params"] > rows[rows["loss"] == "ns"]["arch_d_params"].iloc[0]).all()
    assert rows["fid"].notna().all()
    report = subprocess.run([sys.executable, "-m", "bench.cli.main", "report", str(out), "--out", str(tmp_path / "rep")],
                            capture_output=True, text=True, timeout=600)
    assert report.returncode == 0, report.stdout[-3000:] + report.stderr[-3000:]
