"""Throughput of fused trials (:mod:`bench.train.fused`) for k = 1, 2, 4, 8 members.

    fused_steps_per_s_k{k} = k · steps / seconds      (member G updates per second, one process)
    fused_gain_k{k}        = fused_steps_per_s_k{k} / fused_steps_per_s_k1
    fused_vs_separate_k{k} = fused_steps_per_s_k{k} · seconds per step of the unfused bare loop
                             (above 1: k fused trials beat k separate trials run in turn)

Measured on the first trial of the suite that can be fused (members differ in their seed),
best of ``repeats`` (timeit's rule).  A gain above 1 means fusing k trials into one process beats
running them one after another on the same threads.
"""

from __future__ import annotations

import time

import torch

from bench.perf.timing import sync

FUSED_KS = (1, 2, 4, 8)


def fusable_config(workload) -> dict | None:
    """The first trial config of the suite that :func:`bench.train.fused.check_fusable` accepts."""
    from bench.train.fused import check_fusable

    for trial in workload.trials:
        try:
            check_fusable([trial.config])
        except ValueError:
            continue
        return trial.config
    return None


def fused_seconds(config: dict, data: torch.Tensor, device: str, k: int, steps: int) -> float:
    """Seconds for ``steps`` rounds (n_disc D steps + n_gen G steps) of ``k`` fused members."""
    from bench.train.fused import FusedTrainer

    configs = [{**config, "seed": int(config["seed"]) + i} for i in range(k)]
    trainer = FusedTrainer(configs, tuple(data.shape[1:]), device=device)
    data = data.to(device)
    batch, z_dim = int(config["training"]["batch_size"]), int(config["arch"]["z_dim"])
    o = config["optimizer"]

    def draw():
        return data[torch.randint(data.shape[0], (k, batch), device=device)], torch.randn(k, batch, z_dim, device=device)

    sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        for _ in range(int(o["n_disc"])):
            trainer.d_step(*draw())
        for _ in range(int(o["n_gen"])):
            real, z = draw()
            trainer.g_step(z, real)
    sync(device)
    return time.perf_counter() - start


def fused_figures(workload, device: str, *, steps: int, repeats: int) -> dict:
    config = fusable_config(workload)
    if config is None:
        return {f"fused_steps_per_s_k{k}": "not measured (no trial of the suite can be fused)" for k in FUSED_KS}
    from bench.perf.overhead import bare_loop

    data = workload.dataset.x
    bare_loop(config, data, device, 1)
    separate = min(bare_loop(config, data, device, steps) for _ in range(repeats)) / steps
    fig: dict = {}
    for k in FUSED_KS:
        fused_seconds(config, data, device, k, 1)  # warm-up
        best = min(fused_seconds(config, data, device, k, steps) for _ in range(repeats))
        fig[f"fused_steps_per_s_k{k}"] = k * steps / best
    for k in FUSED_KS:
        fig[f"fused_gain_k{k}"] = fig[f"fused_steps_per_s_k{k}"] / fig["fused_steps_per_s_k1"]
        fig[f"fused_vs_separate_k{k}"] = fig[f"fused_steps_per_s_k{k}"] * separate
    fig["fused_arch"] = str(config["arch"].get("id", config["arch"]["family"]))
    return fig
