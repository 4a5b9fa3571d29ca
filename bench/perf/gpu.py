"""GPU figures (measured only when ``--device cuda`` and a GPU is present):

- ``gpu_steps_per_s_alone``: G updates per second of one quickstart trial (the Trainer, its
  defaults) alone on the GPU, averaged over the suite's architectures (first method);
- ``gpu_steps_per_s_packed_k<k>``: total G updates per second of k such trials trained at once
  in k processes on the same GPU — what fractional ``resources.gpu = 1/k`` gives under Ray —
  and ``gpu_packing_gain_k<k>`` = packed / alone;
- ``gpu_speedup_<option>``: bare-loop step time in fp32 / with the option (``bf16`` autocast,
  ``channels_last``, ``cudnn_benchmark``), and ``gpu_rel_error_<option>``: the largest relative
  difference of G's outputs and D's logits on fixed inputs against fp32 defaults.  An option is
  worth turning on by default only if its speedup is > 1 and its error ≤ :data:`TOLERANCE`.
"""

from __future__ import annotations

import statistics
import time

import torch

PACKING = (2, 4, 8)
OPTIONS = ("bf16", "channels_last", "cudnn_benchmark")
TOLERANCE = 1e-3  # relative, on one forward pass; float32 re-association differences are ~1e-6
NOT_MEASURED = "not measured (no GPU)"


def _trainer_rate(config: dict, data: torch.Tensor, steps: int, device: str = "cuda") -> float:
    from bench.perf.overhead import trainer_loop

    trainer_loop(config, data, device, 5)
    return steps / trainer_loop(config, data, device, steps)


def _packed_worker(args) -> tuple[float, float, int]:
    suite_path, index, steps, barrier = args
    from bench.perf.overhead import trainer_loop
    from bench.perf.workload import load_workload

    torch.set_num_threads(1)
    w = load_workload(suite_path)
    trainer_loop(w.config(index), w.dataset.x, "cuda", 5)
    barrier.wait()
    start = time.perf_counter()
    seconds = trainer_loop(w.config(index), w.dataset.x, "cuda", steps)
    return start, start + seconds, steps


def packed_rate(suite_path, indices: list[int], steps: int) -> float:
    """Total G updates per second of ``len(indices)`` trials trained at once in separate processes."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(len(indices))
        with ctx.Pool(len(indices)) as pool:
            spans = pool.map(_packed_worker, [(str(suite_path), i, steps, barrier) for i in indices])
    wall = max(end for _, end, _ in spans) - min(start for start, _, _ in spans)
    return sum(n for _, _, n in spans) / wall


def _forward_outputs(config: dict, data: torch.Tensor, *, autocast, channels_last: bool) -> torch.Tensor:
    from bench.arch import build_pair, sample_latent
    from bench.arch.spec import ArchSpec
    from bench.losses import LOSSES

    spec = ArchSpec.from_dict(config["arch"])
    loss = LOSSES.get(config["loss"]["name"])
    G, D = build_pair(spec, tuple(data.shape[1:]), loss.output_dim(config["loss"].get("params", {})), config["seed"])
    G, D = G.cuda().eval(), D.cuda().eval()
    x = data[:256].cuda()
    if channels_last:
        G, D, x = G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last), \
            x.contiguous(memory_format=torch.channels_last)
    z = sample_latent(spec, 256, device="cuda", generator=torch.Generator("cuda").manual_seed(0))
    with torch.no_grad(), torch.autocast("cuda", dtype=autocast, enabled=autocast is not None):
        return torch.cat([G(z).float().flatten(), D(x).float().flatten()])


def option_figures(config: dict, data: torch.Tensor, steps: int, repeats: int) -> dict:
    from bench.perf.overhead import bare_loop

    def run(option: str | None) -> float:
        previous = torch.backends.cudnn.benchmark
        torch.backends.cudnn.benchmark = option == "cudnn_benchmark"
        try:
            return bare_loop(config, data, "cuda", steps, autocast=torch.bfloat16 if option == "bf16" else None,
                             channels_last=option == "channels_last")
        finally:
            torch.backends.cudnn.benchmark = previous

    out = {}
    for option in (None, *OPTIONS):
        run(option)  # warm-up (and cudnn autotuning)
    base = statistics.median(run(None) for _ in range(repeats))
    ref = _forward_outputs(config, data, autocast=None, channels_last=False)
    for option in OPTIONS:
        out[f"gpu_speedup_{option}"] = base / statistics.median(run(option) for _ in range(repeats))
        previous = torch.backends.cudnn.benchmark
        torch.backends.cudnn.benchmark = option == "cudnn_benchmark"
        try:
            got = _forward_outputs(config, data, autocast=torch.bfloat16 if option == "bf16" else None,
                                   channels_last=option == "channels_last")
        finally:
            torch.backends.cudnn.benchmark = previous
        out[f"gpu_rel_error_{option}"] = float((got - ref).abs().max() / ref.abs().max().clamp_min(1e-12))
    return out


def figure_names(packing=PACKING) -> list[str]:
    return ["gpu_steps_per_s_alone", *(f"gpu_steps_per_s_packed_k{k}" for k in packing),
            *(f"gpu_packing_gain_k{k}" for k in packing), *(f"gpu_speedup_{o}" for o in OPTIONS),
            *(f"gpu_rel_error_{o}" for o in OPTIONS)]


def measure_gpu(workload, *, steps: int = 200, repeats: int = 3, packing=PACKING) -> dict:
    """Every GPU figure (see module doc); ``{name: NOT_MEASURED}`` without a GPU."""
    if not torch.cuda.is_available():
        return {name: NOT_MEASURED for name in figure_names(packing)}
    first = [i for i, t in enumerate(workload.trials) if t.method == workload.trials[0].method]
    alone = statistics.mean(_trainer_rate(workload.config(i), workload.dataset.x, steps) for i in first)
    out = {"gpu_steps_per_s_alone": alone}
    for k in packing:
        rate = packed_rate(workload.suite_path, [first[j % len(first)] for j in range(k)], steps)
        out[f"gpu_steps_per_s_packed_k{k}"] = rate
        out[f"gpu_packing_gain_k{k}"] = rate / alone
    out.update(option_figures(workload.config(0), workload.dataset.x, steps, repeats))
    out["gpu_option_tolerance"] = TOLERANCE
    return out
