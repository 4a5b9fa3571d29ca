"""``bench perf``: measure every figure, print ``name: value`` lines and write them as JSON.

Quick mode (``--quick``) runs the same code with fewer steps, repeats and trials (for tests and a
first look); its figures are noisier.  Throughput of the quickstart sweep is **estimated** from
the measured per-step, per-evaluation and per-trial costs (see :func:`sweep_estimate`), not
measured by running the sweep.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from pathlib import Path

import torch

from bench.perf import cost
from bench.perf.flops import step_limit_figures
from bench.perf.fused import fused_figures
from bench.perf.evaluation import evaluations_per_trial, frechet_timing, measure_evaluation
from bench.perf.gpu import measure_gpu
from bench.perf.machine import machine_info
from bench.perf.overhead import bare_loop, measure_overhead, trainer_loop
from bench.perf.ray_trials import measure_trial_overhead
from bench.perf.workload import cpu_threads, load_workload

SETTINGS = {  # quick / full
    "overhead_steps": (20, 200), "overhead_repeats": (3, 7), "survey_steps": (5, 40),
    "eval_repeats": (1, 3), "ray_trials": (6, 12), "frechet_dim": (256, 2048),
    "gpu_steps": (50, 300), "flops_configs": (2, None), "flops_repeats": (2, 5), "fused_steps": (2, 20),
}


def _setting(name: str, quick: bool):
    return SETTINGS[name][0 if quick else 1]


def step_survey(workload, device: str, steps: int, quick: bool) -> list[float]:
    """Seconds per G update through the Trainer for the suite's trials (quick: one per method)."""
    indices = range(len(workload.trials))
    if quick:
        seen, indices = set(), []
        for i, t in enumerate(workload.trials):
            if t.method not in seen:
                seen.add(t.method)
                indices.append(i)
    return [trainer_loop(workload.config(i), workload.dataset.x, device, steps) / steps for i in indices]


def threads_figures(workload, device: str, steps: int) -> dict:
    """Bare-loop step time with one thread and with every core: how much a trial gains from more
    threads, against running one single-threaded trial per core."""
    if device != "cpu":
        return {}
    before, cores = torch.get_num_threads(), os.cpu_count() or 1
    try:
        torch.set_num_threads(1)
        one = bare_loop(workload.config(0), workload.dataset.x, device, steps)
        torch.set_num_threads(cores)
        every = bare_loop(workload.config(0), workload.dataset.x, device, steps)
    finally:
        torch.set_num_threads(before)
    return {"threads_speedup_all_cores": one / every, "threads_cores": cores}


def sweep_estimate(workload, step_seconds: list[float], ev: dict, trial_overhead: float, slots: int) -> dict:
    """Quickstart sweep throughput, estimated: each trial costs its steps × the mean measured
    step time, its evaluations × the measured evaluation time, plus Ray's per-trial overhead;
    ``slots`` trials run at once (cores / the suite's cpu per trial)."""
    config = workload.config(0)
    passes = 2 if float(config["training"].get("ema") or 0) > 0 else 1
    trial = (int(config["training"]["steps"]) * statistics.mean(step_seconds)
             + evaluations_per_trial(config) * passes * ev["eval_seconds"] + trial_overhead)
    return {"sweep_trial_seconds_estimated": trial, "sweep_slots": slots,
            "sweep_trials_per_hour_estimated": cost.trials_per_hour(trial, slots),
            "sweep_hours_estimated": len(workload.trials) / cost.trials_per_hour(trial, slots)}


def measured_costs(fig: dict, device: str) -> cost.Measured:
    n = fig["eval_num_samples"]
    step = fig["step_seconds_mean"]
    gain = fig.get("gpu_packing_gain_k4", 1.0)
    if device == "cuda" and isinstance(fig.get("gpu_steps_per_s_alone"), float):
        step = 1.0 / fig["gpu_steps_per_s_alone"]
    return cost.Measured(step_seconds=step, gen_seconds_per_sample=fig["eval_generation_seconds"] / n,
                         feature_seconds_per_sample=fig["eval_features_seconds"] / n,
                         distance_seconds=fig["eval_distance_seconds"], distance_samples=n,
                         trial_overhead_seconds=fig["trial_overhead_seconds"],
                         packing_gain=gain if isinstance(gain, float) else 1.0)


def run_figures(*, quick: bool = False, device: str = "cpu", suite: str | None = None,
                threads: int | None = None, ray: bool = True, compile: bool = False) -> dict:
    """Every figure as a flat dict (numbers, or strings for machine facts and unmeasured figures)."""
    start = time.perf_counter()
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda: no CUDA device is available to torch")
    workload = load_workload(suite)
    threads = cpu_threads(threads or int(workload.suite.resources.cpu) or 1)
    fig: dict = {"mode": "quick" if quick else "full", "suite": workload.suite.name, **machine_info(device)}
    fig["torch_threads"] = threads
    config = workload.config(0)
    fig.update(measure_overhead(config, workload.dataset.x, device=device,
                                steps=_setting("overhead_steps", quick), repeats=_setting("overhead_repeats", quick)))
    survey = step_survey(workload, device, _setting("survey_steps", quick), quick)
    fig.update({"step_seconds_mean": statistics.mean(survey), "step_seconds_min": min(survey),
                "step_seconds_max": max(survey), "step_survey_trials": len(survey)})
    fig.update(threads_figures(workload, device, _setting("survey_steps", quick)))
    if compile:
        from bench.perf.compiled import compile_figures

        fig.update(compile_figures(workload, device, steps=_setting("survey_steps", quick), repeats=_setting("flops_repeats", quick)))
    fig.update(step_limit_figures(workload, device, steps=_setting("survey_steps", quick),
                                  repeats=_setting("flops_repeats", quick), most=_setting("flops_configs", quick)))
    fig.update(fused_figures(workload, device, steps=_setting("fused_steps", quick), repeats=_setting("flops_repeats", quick)))
    fig.update(measure_evaluation(workload, device=device, repeats=_setting("eval_repeats", quick)))
    frechet_timing(64)  # warm-up of LAPACK
    fig.update(frechet_timing(_setting("frechet_dim", quick)))
    if ray:
        fig.update(measure_trial_overhead(_setting("ray_trials", quick)))
    else:
        fig["trial_overhead_seconds"] = float("nan")
    slots = max(1, int((fig["cpu_cores"] if device == "cpu" else 1) // max(workload.suite.resources.cpu, 1e-9)))
    fig.update(sweep_estimate(workload, survey, fig, fig["trial_overhead_seconds"], slots))
    fig.update(measure_gpu(workload, steps=_setting("gpu_steps", quick)) if device == "cuda" else gpu_unmeasured())
    study = cost.study_cost(measured_costs(fig, device))
    unit = "gpu" if device == "cuda" else "cpu"
    fig.update({f"study_{unit}_hours": study["device_hours"], "study_trials": study["trials"],
                "study_trial_seconds": study["trial_seconds"], "study_eval_share": study["eval_share"]})
    fig.update({f"study_assumption_{k}": v for k, v in study["assumptions"].items()})
    fig["perf_wall_seconds"] = time.perf_counter() - start
    return fig


def gpu_unmeasured() -> dict:
    """The GPU figures' names, each labelled as not measured (and why)."""
    from bench.perf import gpu

    why = "not measured (run with --device cuda)" if torch.cuda.is_available() else gpu.NOT_MEASURED
    return {name: why for name in gpu.figure_names()}


def format_value(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return f"{value:.6g}"
    return str(value)


def print_figures(fig: dict, out=None) -> None:
    for name, value in fig.items():
        print(f"{name}: {format_value(value)}", file=out)


def write_json(fig: dict, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fig, indent=1, allow_nan=True) + "\n")
