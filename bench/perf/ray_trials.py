"""Ray Tune's per-trial cost: trivial trials (one ``tune.report``) run through a Tuner exactly
as ``bench run`` configures it (function trainable with resources, ``reuse_actors=True``, grid
search over trial configs, a storage folder), one trial at a time.

    trial_overhead_seconds = median over consecutive trials of (start of trial i+1 − start of trial i)

Each trivial trial stamps its start time; with one trial at a time and a trial body that takes
microseconds, the gap between consecutive starts is what a worker slot spends per trial on
scheduling, actor reuse, reporting and experiment-state bookkeeping rather than training.  The
median over n − 1 gaps is robust to the occasional experiment-state save (a slope between two
Tuner runs of different sizes was not: on a busy 2-core machine it came out negative).  The fixed
start-up of a Tuner (``tuner_fixed_seconds`` = wall − n · per-trial) and of Ray
(``ray_init_seconds``) are separate figures.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time


def _trivial(config: dict) -> None:
    from ray import tune

    tune.report({"value": float(config["i"]), "started": time.time()})


def _fit(n: int, storage: str, name: str) -> tuple[float, list[float]]:
    """Wall seconds of ``Tuner.fit`` over n trivial trials, and each trial's start time."""
    from ray import tune

    trainable = tune.with_resources(_trivial, {"cpu": 1})
    tuner = tune.Tuner(
        trainable,
        param_space={"i": tune.grid_search(list(range(n)))},
        tune_config=tune.TuneConfig(max_concurrent_trials=1, reuse_actors=True),
        run_config=tune.RunConfig(name=name, storage_path=storage, verbose=0),
    )
    start = time.perf_counter()
    results = tuner.fit()
    wall = time.perf_counter() - start
    if results.num_errors:
        raise RuntimeError(f"{results.num_errors} trivial trials failed in the Ray overhead benchmark")
    return wall, sorted(float(r.metrics["started"]) for r in results)


def measure_trial_overhead(n_trials: int = 12, num_cpus: int | None = None) -> dict:
    """Per-trial and fixed costs of Ray Tune (see module doc); starts and stops its own local Ray."""
    if n_trials < 2:
        raise ValueError(f"n_trials must be at least 2 (per-trial cost is a gap between trials), got {n_trials}")
    from bench.sweep.launch import start_ray, tune_environment

    tune_environment()  # as bench run sets it
    import ray

    if ray.is_initialized():
        raise RuntimeError("bench perf starts its own local Ray; call it without a running Ray in this process")
    start = time.perf_counter()
    start_ray(None, num_cpus or min(os.cpu_count() or 1, 2))
    ray_init = time.perf_counter() - start
    try:
        with tempfile.TemporaryDirectory() as storage:
            _fit(1, storage, "warmup")
            wall, starts = _fit(n_trials, storage, "trials")
    finally:
        ray.shutdown()
    per_trial = statistics.median(b - a for a, b in zip(starts, starts[1:]))
    return {"trial_overhead_seconds": per_trial, "tuner_fixed_seconds": max(wall - n_trials * per_trial, 0.0),
            "ray_init_seconds": ray_init, "trial_overhead_trials": n_trials}
