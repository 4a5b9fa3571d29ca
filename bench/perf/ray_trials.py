"""Ray Tune's per-trial cost: trivial trials (one ``tune.report``) run through a Tuner exactly
as ``bench run`` configures it (function trainable with resources, ``reuse_actors=True``, grid
search over trial configs, a storage folder), one trial at a time.

    trial_overhead_seconds = (wall(n_large) − wall(n_small)) / (n_large − n_small)

the slope of ``Tuner.fit`` wall time in the number of trials, so the fixed start-up of a Tuner
(``tuner_fixed_seconds``, the intercept) and of Ray (``ray_init_seconds``) are separate figures.
It is the time a worker slot spends per trial on scheduling, actor reuse, reporting and
experiment-state bookkeeping rather than training.
"""

from __future__ import annotations

import os
import tempfile
import time


def _trivial(config: dict) -> None:
    from ray import tune

    tune.report({"value": float(config["i"])})


def _fit(n: int, storage: str, name: str) -> float:
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
    return wall


def measure_trial_overhead(n_small: int = 2, n_large: int = 10, num_cpus: int | None = None) -> dict:
    """Per-trial and fixed costs of Ray Tune (see module doc); starts and stops its own local Ray."""
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    os.environ.setdefault("TUNE_GLOBAL_CHECKPOINT_S", "2")  # as bench run sets it
    os.environ.setdefault("TUNE_WARN_EXCESSIVE_EXPERIMENT_CHECKPOINT_SYNC_THRESHOLD_S", "0")
    import ray

    if ray.is_initialized():
        raise RuntimeError("bench perf starts its own local Ray; call it without a running Ray in this process")
    start = time.perf_counter()
    ray.init(address="local", include_dashboard=False, num_cpus=num_cpus or min(os.cpu_count() or 1, 2),
             logging_level="ERROR", log_to_driver=False)
    ray_init = time.perf_counter() - start
    try:
        with tempfile.TemporaryDirectory() as storage:
            _fit(1, storage, "warmup")
            small = _fit(n_small, storage, "small")
            large = _fit(n_large, storage, "large")
    finally:
        ray.shutdown()
    per_trial = (large - small) / (n_large - n_small)
    return {"trial_overhead_seconds": per_trial, "tuner_fixed_seconds": max(small - n_small * per_trial, 0.0),
            "ray_init_seconds": ray_init, "trial_overhead_trials": n_large}
