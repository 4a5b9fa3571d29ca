"""How close a training step comes to the machine's limit.

    flops_per_step   = FLOPs of one G update and its share of the round's D updates
                       (``n_disc`` D steps + ``n_gen`` G steps, divided by ``n_gen``), counted by
                       ``torch.utils.flop_counter.FlopCounterMode`` through the real ``Trainer``
                       (matmuls and convolutions, forward and backward, penalties' double
                       backward included; element-wise work is not counted, as in every FLOP
                       counter of this kind)
    achieved_flops   = flops_per_step / seconds per step (the bare loop's best of ``repeats``)
    matmul_flops     = 2·N³ / seconds of one fp32 N×N matmul (N = 1024; best of ``repeats``),
                       measured in the same run with the same torch threads
    flops_fraction   = achieved_flops / matmul_flops

Best-of-repeats (timeit's rule) for both, so machine load moves numerator and denominator alike.
The fraction says how far a GAN step of this size is from dense-matmul speed.  What bounds it is
measured by :func:`step_profile` (``torch.profiler`` over the bare loop of the first trial):

    flop_ops_time_share     = time in the FLOP-counted ops (convolutions and matmuls, forward and
                              backward, their callees included) / the step's time
    flop_ops_flops_fraction = FLOPs / time in those ops / matmul_flops   (how fast the
                              convolutions themselves run, against a large matmul)

so the gap splits into time outside the counted ops (element-wise layers, normalization,
resampling, the optimizer, autograd and dispatch) and the low speed of small convolutions.
"""

from __future__ import annotations

import statistics
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from bench.perf.timing import sync

MATMUL_N = 1024


class _GlobalOnly:
    """Stands in for FlopCounterMode's module tracker: every FLOP is attributed to 'Global' only."""

    parents = frozenset({"Global"})

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False


class StepFlopCounter(FlopCounterMode):
    """``FlopCounterMode`` without per-module attribution. Its module tracker registers backward
    hooks that fail inside ``autograd.grad(create_graph=True)`` ("A leaf node was passed to
    _will_engine_execute_node…", torch 2.14), which the gradient penalties call; the total count is
    unaffected by attribution."""

    def __init__(self) -> None:
        super().__init__(display=False)
        self.mod_tracker = _GlobalOnly()


def matmul_flops(device: str, *, n: int = MATMUL_N, repeats: int = 5) -> float:
    """FLOP/s of an fp32 ``n × n`` matmul on ``device`` (best of ``repeats``, after a warm-up)."""
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(repeats):
        sync(device)
        start = time.perf_counter()
        torch.mm(a, b)
        sync(device)
        best = min(best, time.perf_counter() - start)
    return 2.0 * n**3 / best


def flops_per_step(config: dict, data: torch.Tensor, device: str) -> float:
    """FLOPs per G update of ``config``'s trainer: one full round counted, divided by ``n_gen``."""
    from bench.train import Trainer

    trainer = Trainer(config, data, device=device)
    n_disc, n_gen = int(config["optimizer"]["n_disc"]), int(config["optimizer"]["n_gen"])
    with StepFlopCounter() as counter:
        for _ in range(n_disc):
            trainer.d_step(track_grad=False)
        for _ in range(n_gen):
            trainer.g_step(track_grad=False)
    return counter.get_total_flops() / n_gen


def step_limit_figures(workload, device: str, *, steps: int, repeats: int, most: int | None = None) -> dict:
    """``flops_per_step``, ``achieved_flops``, ``matmul_flops`` and ``flops_fraction`` (means over
    the suite's distinct architectures × methods, at most ``most`` of them; their min and max too)."""
    from bench.perf.overhead import bare_loop

    configs = _distinct_configs(workload)[:most]
    peak = matmul_flops(device, repeats=repeats)
    per_step, achieved = [], []
    for config in configs:
        flops = flops_per_step(config, workload.dataset.x, device)
        bare_loop(config, workload.dataset.x, device, 2)  # warm-up
        seconds = min(bare_loop(config, workload.dataset.x, device, steps) for _ in range(repeats)) / steps
        per_step.append(flops)
        achieved.append(flops / seconds)
    fractions = [a / peak for a in achieved]
    profiled = step_profile(configs[0], workload.dataset.x, device, steps=steps, peak=peak) if device == "cpu" else {}
    return {**profiled,
        "flops_per_step_mean": statistics.mean(per_step),
        "achieved_flops_mean": statistics.mean(achieved),
        "matmul_flops": peak,
        "matmul_n": MATMUL_N,
        "flops_fraction": statistics.mean(fractions),
        "flops_fraction_min": min(fractions),
        "flops_fraction_max": max(fractions),
        "flops_configs": len(configs),
    }


FLOP_OPS = ("aten::convolution", "aten::convolution_backward", "aten::addmm", "aten::mm", "aten::bmm", "aten::baddbmm")


def step_profile(config: dict, data: torch.Tensor, device: str, *, steps: int, peak: float) -> dict:
    """``flop_ops_time_share``, ``flop_ops_flops_fraction`` and the step's top ops by self time
    (see the module docstring), from ``torch.profiler`` over ``steps`` bare-loop rounds."""
    from torch.profiler import ProfilerActivity, profile

    from bench.perf.overhead import bare_loop

    bare_loop(config, data, device, 2)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        bare_loop(config, data, device, steps)
    events = prof.key_averages()
    total = sum(e.self_cpu_time_total for e in events)
    in_flop_ops = sum(e.cpu_time_total for e in events if e.key in FLOP_OPS)
    top = sorted(events, key=lambda e: -e.self_cpu_time_total)[:6]
    flops = flops_per_step(config, data, device) * steps
    return {
        "flop_ops_time_share": min(1.0, in_flop_ops / total),
        "flop_ops_flops_fraction": flops / (in_flop_ops * 1e-6) / peak,
        "profile_top_ops": ", ".join(f"{e.key} {e.self_cpu_time_total / total:.0%}" for e in top),
    }


def _distinct_configs(workload) -> list[dict]:
    """One trial config per distinct (architecture, loss, regularizer) the bare loop can time
    (the penalty at every D step, no EMA; any registered optimizer); seeds and repeats of a method are dropped."""
    seen, out = set(), []
    for trial in workload.trials:
        c = trial.config
        key = (c["arch"]["id"] if "id" in c["arch"] else repr(c["arch"]), c["loss"]["name"], c["regularizer"]["name"])
        timeable = int(c["regularizer"].get("every", 1)) == 1 and float(c["training"].get("ema", 0.0)) == 0
        if key not in seen and timeable:
            seen.add(key)
            out.append(c)
    if not out:
        raise ValueError("no trial of the suite can be timed by the bare loop (penalty every D step, no EMA)")
    return out
