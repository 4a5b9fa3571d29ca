"""Trainer overhead: N training steps through :class:`bench.train.Trainer` versus a bare,
hand-written PyTorch loop doing the same updates (same G, D, loss, regularizer, optimizer,
batch size, initial weights), timed back to back in interleaved repeats.

    overhead_ratio = median over rounds r of (trainer seconds_r / bare loop seconds_r)

Each round times both loops back to back (order alternating), so a change in machine load
between rounds cancels out of the round's ratio; many short rounds beat few long ones on a
shared machine.

The trainer runs at its defaults with what the Ray trainable does around it: loss accumulation
on the device, divergence checks and gradient norms every ``log_every`` steps, at every
evaluation its Parquet row file rewritten in full (:func:`bench.store.write_trial_rows`, with the
trial's config columns), and on the checkpoint schedule a verified checkpoint
(:func:`bench.sweep.checkpoints.write_checkpoint`: ``torch.save`` of the full state, SHA-256
manifest).  Sample generation and metrics at evaluations are excluded here — they are
``eval_seconds`` — and so is handing the checkpoint to Ray Tune (``trial_overhead_seconds``).

The bare loop builds the trial's optimizer from the registry (bench.train.optim) and applies
the penalty at every D step with no EMA; :func:`bare_loop` refuses a config with lazy
regularization or EMA (the comparison would not be like with like).
"""

from __future__ import annotations

import tempfile
import time

import torch

from bench.perf.timing import interleaved, summary, sync
from bench.store.schema import STATUS_OK


def bare_loop(config: dict, data: torch.Tensor, device: str, steps: int, *, autocast: torch.dtype | None = None,
              channels_last: bool = False) -> float:
    """Seconds for ``steps`` G updates of a minimal GAN loop; networks built as the trainer does.
    ``autocast`` (e.g. ``torch.bfloat16``) and ``channels_last`` are the GPU options measured by
    :mod:`bench.perf.gpu`."""
    from bench.train.optim import make_optimizer
    from bench.arch import build_pair, sample_latent
    from bench.arch.spec import ArchSpec
    from bench.losses import LOSSES
    from bench.regularizers import REGULARIZERS

    o, train, reg_cfg = config["optimizer"], config["training"], config["regularizer"]
    if int(reg_cfg.get("every", 1)) != 1 or float(train.get("ema", 0.0)) > 0:
        raise ValueError("the bare loop times the penalty at every D step and no EMA; "
                         f"got regularizer every {reg_cfg.get('every')}, ema {train.get('ema')}")
    torch.manual_seed(config["seed"])
    spec = ArchSpec.from_dict(config["arch"])
    loss, lp = LOSSES.get(config["loss"]["name"]), config["loss"].get("params", {})
    reg, rp, weight = REGULARIZERS.get(reg_cfg["name"]), reg_cfg.get("params", {}), float(reg_cfg["weight"])
    G, D = build_pair(spec, tuple(data.shape[1:]), loss.output_dim(lp), config["seed"], loss.d_output)
    G, D, data = G.to(device), D.to(device), data.to(device)
    if channels_last and data.dim() == 4:
        G, D = G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last)
        data = data.contiguous(memory_format=torch.channels_last)
    amp = torch.autocast(torch.device(device).type, dtype=autocast, enabled=autocast is not None)
    opt_g = make_optimizer(o, G.parameters(), o["lr_g"])
    opt_d = make_optimizer(o, D.parameters(), o["lr_d"])
    batch = config["training"]["batch_size"]

    def real():
        return data[torch.randint(data.shape[0], (batch,), device=device)]

    def one_round():
        for _ in range(o["n_disc"]):
            x = real()
            with torch.no_grad():
                fake = G(sample_latent(spec, batch, device=device))
            d_loss = loss.discriminator(d_real=D(x), d_fake=D(fake), **lp)
            if reg.penalty is not None and weight > 0:
                d_loss = d_loss + weight * reg.penalty(discriminator=D, real=x, fake=fake, **rp)
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
            if reg.after_d_step is not None:
                reg.after_d_step(D, **rp)
        D.requires_grad_(False)
        d_real = None
        if loss.g_needs_real:
            with torch.no_grad():
                d_real = D(real())
        g_loss = loss.generator(d_real=d_real, d_fake=D(G(sample_latent(spec, batch, device=device))), **lp)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        D.requires_grad_(True)

    sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        with amp:
            one_round()
    sync(device)
    return time.perf_counter() - start


def trainer_loop(config: dict, data: torch.Tensor, device: str, steps: int) -> float:
    """Seconds for ``steps`` G updates through the Trainer with its default bookkeeping, the
    trainable's row writes at evaluations and its verified checkpoints on their schedule; time
    spent generating evaluation samples is subtracted."""
    from bench.perf.workload import with_steps
    from bench.store import write_trial_rows
    from bench.sweep.checkpoints import write_checkpoint
    from bench.sweep.columns import config_columns
    from bench.train import Trainer

    cfg = with_steps(config, steps)
    trainer = Trainer(cfg, data, device=device)
    base = config_columns("t-perf", cfg, suite="perf", suite_version="1", data_shape=tuple(data.shape[1:]))
    generating = [0.0]
    generate = trainer.generate

    def timed_generate(*args, **kwargs):
        t0 = time.perf_counter()
        out = generate(*args, **kwargs)
        generating[0] += time.perf_counter() - t0
        return out

    trainer.generate = timed_generate
    with tempfile.TemporaryDirectory() as folder:
        def write_rows(t, row):
            write_trial_rows(folder, "t-perf", [{**base, "error": None, **r} for r in t.history])

        def checkpoint(t):
            with tempfile.TemporaryDirectory(dir=folder) as target:
                write_checkpoint(t.state_dict(), target)

        sync(device)
        start = time.perf_counter()
        trainer.run(lambda samples: {}, write_rows, on_checkpoint=checkpoint)
        sync(device)
        total = time.perf_counter() - start
    if trainer.status != STATUS_OK:
        raise RuntimeError(f"trainer status {trainer.status!r} during the overhead benchmark")
    return total - generating[0]


def measure_overhead(config: dict, data: torch.Tensor, *, device: str = "cpu", steps: int = 200,
                     repeats: int = 5) -> dict:
    """``overhead_ratio`` (median of the per-round ratios trainer / bare), its spread (min, max of
    those ratios) and the median per-step seconds of both."""
    bare_loop(config, data, device, 5)  # warm-up: allocator, kernels, lazy imports
    trainer_loop(config, data, device, 5)
    times = interleaved({"trainer": lambda: trainer_loop(config, data, device, steps),
                         "bare": lambda: bare_loop(config, data, device, steps)}, repeats)
    ratios = [t / b for t, b in zip(times["trainer"], times["bare"])]
    tr, br, rr = summary(times["trainer"]), summary(times["bare"]), summary(ratios)
    return {
        "overhead_ratio": rr["median"],
        "overhead_ratio_min": rr["min"],
        "overhead_ratio_max": rr["max"],
        "overhead_ratio_best": tr["min"] / br["min"],  # least-disturbed run of each (timeit's rule)
        "overhead_trainer_step_seconds": tr["median"] / steps,
        "overhead_bare_step_seconds": br["median"] / steps,
        "overhead_steps": steps,
        "overhead_repeats": repeats,
    }
