"""bench perf: the quick benchmark prints and writes every figure; the study cost model scales as
its formula says.  No timing thresholds: the figures depend on the machine."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
from dataclasses import replace

import pytest

from bench.perf.cost import Measured, Study, eval_seconds, study_cost, trials_per_hour
from tests.conftest import REPO

POSITIVE = [
    "overhead_ratio", "overhead_ratio_min", "overhead_ratio_max", "overhead_trainer_step_seconds",
    "overhead_bare_step_seconds", "step_seconds_mean", "eval_seconds", "eval_generation_seconds",
    "eval_features_seconds", "eval_distance_seconds", "reference_cold_seconds", "reference_warm_seconds",
    "eval_metric_fid_seconds", "eval_metric_kid_seconds", "frechet_eigh_seconds", "frechet_sqrtm_seconds",
    "trial_overhead_seconds", "ray_init_seconds", "sweep_trial_seconds_estimated", "sweep_trials_per_hour_estimated",
    "study_cpu_hours", "study_trials", "cpu_cores", "threads_speedup_all_cores",
    "flops_per_step_mean", "achieved_flops_mean", "matmul_flops", "flops_fraction",
    "fused_steps_per_s_k1", "fused_steps_per_s_k8", "fused_gain_k8", "fused_vs_separate_k1", "fused_vs_separate_k8",
    "eval_samples_seconds", "eval_samples_fraction",
]
GPU = ["gpu_steps_per_s_alone", "gpu_steps_per_s_packed_k4", "gpu_packing_gain_k4", "gpu_speedup_bf16",
       "gpu_speedup_channels_last", "gpu_speedup_cudnn_benchmark", "gpu_rel_error_bf16"]
MACHINE = ["cpu", "gpu", "version_torch", "version_ray", "version_numpy"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("perf") / "perf.json"
    env = {**os.environ, "PYTHONPATH": str(REPO), "BENCH_CACHE": str(out.parent / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "bench.cli.main", "perf", "--quick", "--out", str(out)], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        stdout, _ = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, stdout
    return stdout, json.loads(out.read_text())


@pytest.mark.slow
def test_quick_perf_prints_and_writes_every_figure(quick_run):
    stdout, fig = quick_run
    lines = dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line and not line.startswith("bench:"))
    for name in POSITIVE:
        assert name in fig and name in lines, name
        assert isinstance(fig[name], (int, float)) and math.isfinite(fig[name]) and fig[name] > 0, (name, fig[name])
        assert math.isclose(float(lines[name]), fig[name], rel_tol=1e-5), name
    for name in GPU + MACHINE:
        assert name in fig and name in lines, name
    if fig["gpu"] == "none":
        assert all(fig[name].startswith("not measured") for name in GPU)
    assert fig["eval_num_samples"] == 1000  # the quickstart's default sample count (digits)
    assert fig["overhead_ratio_min"] <= fig["overhead_ratio_max"]
    parts = fig["eval_generation_seconds"] + fig["eval_features_seconds"] + fig["eval_distance_seconds"]
    assert math.isclose(parts, fig["eval_seconds"], rel_tol=1e-9)
    assert fig["fused_gain_k1"] == 1.0
    assert fig["flops_fraction_min"] <= fig["flops_fraction"] <= fig["flops_fraction_max"]
    assert fig["frechet_rel_difference"] < 1e-8  # eigendecomposition FID = sqrtm FID


MEASURED = Measured(step_seconds=0.02, gen_seconds_per_sample=1e-4, feature_seconds_per_sample=5e-5,
                    distance_seconds=0.3, distance_samples=1000, trial_overhead_seconds=0.2)


def test_cost_is_linear_in_architectures_methods_seeds():
    base = study_cost(MEASURED, Study())
    assert base["trials"] == 150 * 5 * 3
    for field in ("architectures", "methods", "seeds"):
        doubled = study_cost(MEASURED, replace(Study(), **{field: getattr(Study(), field) * 2}))
        assert math.isclose(doubled["device_hours"], 2 * base["device_hours"], rel_tol=1e-12), field


def test_cost_parts_steps_packing_and_samples():
    s = Study(architectures=2, methods=1, seeds=1, steps=1000, eval_every=300, eval_samples=1000)
    c = study_cost(MEASURED, s)
    assert s.evaluations == 4
    assert math.isclose(c["trial_train_seconds"], 1000 * 0.02)
    assert math.isclose(c["trial_eval_seconds"], 4 * (1000 * 1.5e-4 + 0.3))
    assert math.isclose(c["device_hours"], 2 * (20 + 4 * 0.45 + 0.2) / 3600)
    packed = study_cost(replace(MEASURED, packing_gain=2.5), s)
    assert math.isclose(packed["device_hours"], c["device_hours"] / 2.5)
    ema = study_cost(MEASURED, replace(s, eval_passes=2))
    assert math.isclose(ema["trial_eval_seconds"], 2 * c["trial_eval_seconds"])
    one, ten = eval_seconds(MEASURED, 1000), eval_seconds(MEASURED, 10_000)
    assert 10 * one < ten <= 100 * one  # between linear and quadratic in the sample count
    assert math.isclose(trials_per_hour(36.0, 2), 200.0)


def test_default_study_is_the_shipped_bogonet150_suite():
    """The study cost in docs/performance.md is computed for what `suites/bogonet150.yaml` actually runs."""
    from bench.suite import load_suite

    loaded = load_suite(str(REPO / "suites" / "bogonet150.yaml"))
    suite, study = loaded.suite, Study()
    assert study.trials == len(loaded.trials)
    assert (study.steps, study.eval_every) == (suite.training.steps, loaded.evaluation.every)
    assert study.eval_samples == loaded.evaluation.num_samples and study.seeds == len(suite.seeds)
