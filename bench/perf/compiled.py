"""``torch.compile`` of G and D (opt-in: ``bench perf --compile``), measured against eager mode:

    compile_seconds          = first compiled round − first eager round (tracing + code generation)
    compile_speedup          = eager seconds per round / compiled seconds per round (best of repeats)
    compile_break_even_steps = compile_seconds / (eager − compiled seconds per round); inf if not faster
    compile_rel_difference   = largest relative difference of G's and D's parameters after the same
                               rounds from the same initial state (compiled kernels reorder float sums)

Measured on the first trial of the suite without a gradient penalty: ``torch.compile``'s
AOTAutograd does not support double backward ("torch.compile with aot_autograd does not currently
support double backward", torch 2.14), which R1, R2, GP and DRAGAN need.
"""

from __future__ import annotations

import time

import torch

from bench.perf.timing import sync


def _rounds(trainer, device: str, rounds: int) -> float:
    sync(device)
    start = time.perf_counter()
    for _ in range(rounds):
        trainer.d_step(track_grad=False)
        trainer.g_step(track_grad=False)
    sync(device)
    return time.perf_counter() - start


def _trainer(config: dict, data: torch.Tensor, device: str, backend: str | None):
    from bench.train import Trainer

    trainer = Trainer(config, data, device=device)
    if backend is not None:
        trainer.G, trainer.D = torch.compile(trainer.G, backend=backend), torch.compile(trainer.D, backend=backend)
    return trainer


def _parameters(trainer) -> dict[str, torch.Tensor]:
    out = {}
    for net in ("G", "D"):
        for name, value in getattr(trainer, net).state_dict().items():
            out[f"{net}.{name.replace('_orig_mod.', '')}"] = value
    return out


def compile_figures(workload, device: str, *, steps: int, repeats: int, backend: str = "inductor") -> dict:
    config = next((t.config for t in workload.trials if t.config["regularizer"]["name"] in ("none", "clip")), None)
    if config is None:
        return {"compile_speedup": "not measured (every trial of the suite has a gradient penalty)"}
    data = workload.dataset.x
    runs = {}
    for mode, chosen in (("eager", None), ("compiled", backend)):
        torch.manual_seed(int(config["seed"]))
        trainer = _trainer(config, data, device, chosen)
        first = _rounds(trainer, device, 1)
        per_round = min(_rounds(trainer, device, steps) for _ in range(repeats)) / steps
        runs[mode] = (first, per_round, _parameters(trainer))
    (e_first, e_round, e_params), (c_first, c_round, c_params) = runs["eager"], runs["compiled"]
    saved = e_round - c_round
    rel = max(((c_params[k] - v).abs().max() / v.abs().max().clamp_min(1e-12)).item()
              for k, v in e_params.items() if v.is_floating_point())
    return {
        "compile_backend": backend,
        "compile_seconds": c_first - e_first,
        "compile_speedup": e_round / c_round,
        "compile_break_even_steps": (c_first - e_first) / saved if saved > 0 else float("inf"),
        "compile_rel_difference": rel,
    }
