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
from dataclasses import dataclass

import torch

from bench.arch import build_pair, sample_latent
from bench.perf.timing import interleaved, summary, sync
from bench.store.schema import STATUS_OK


@dataclass
class BareGAN:
    """What the bare loop updates: G and D built as the trainer builds them, their optimizers,
    the loss and regularizer with their params, and the training data on the device."""

    spec: object  # bench.arch.spec.ArchSpec
    G: torch.nn.Module
    D: torch.nn.Module
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    loss: object  # a bench.losses entry
    loss_params: dict
    regularizer: object  # a bench.regularizers entry
    reg_params: dict
    weight: float
    data: torch.Tensor
    batch: int
    n_disc: int
    device: str

    def real(self) -> torch.Tensor:
        return self.data[torch.randint(self.data.shape[0], (self.batch,), device=self.device)]

    def fake(self) -> torch.Tensor:
        return self.G(sample_latent(self.spec, self.batch, device=self.device))


def bare_gan(config: dict, data: torch.Tensor, device: str, *, channels_last: bool = False) -> BareGAN:
    """The networks and optimizers of ``config`` on ``device`` (seeded with the trial's seed);
    ``ValueError`` for lazy regularization or EMA, which the bare loop does not do."""
    from bench.arch.spec import ArchSpec
    from bench.losses import LOSSES
    from bench.regularizers import REGULARIZERS
    from bench.suite.trial import OptimizerConfig
    from bench.train.optim import make_optimizer

    o, train, reg_cfg = config["optimizer"], config["training"], config["regularizer"]
    if int(reg_cfg.get("every", 1)) != 1 or float(train.get("ema", 0.0)) > 0:
        raise ValueError("the bare loop times the penalty at every D step and no EMA; "
                         f"got regularizer every {reg_cfg.get('every')}, ema {train.get('ema')}")
    torch.manual_seed(config["seed"])
    spec = ArchSpec.from_dict(config["arch"])
    loss, lp = LOSSES.get(config["loss"]["name"]), config["loss"].get("params", {})
    G, D = build_pair(spec, tuple(data.shape[1:]), loss.output_dim(lp), config["seed"], loss.d_output)
    G, D, data = G.to(device), D.to(device), data.to(device)
    if channels_last and data.dim() == 4:
        G, D = G.to(memory_format=torch.channels_last), D.to(memory_format=torch.channels_last)
        data = data.contiguous(memory_format=torch.channels_last)
    return BareGAN(spec, G, D, make_optimizer(OptimizerConfig.from_dict(o), G.parameters(), o["lr_g"]),
                   make_optimizer(OptimizerConfig.from_dict(o), D.parameters(), o["lr_d"]),
                   loss, lp, REGULARIZERS.get(reg_cfg["name"]), reg_cfg.get("params", {}), float(reg_cfg["weight"]),
                   data, train["batch_size"], o["n_disc"], device)


def bare_d_step(gan: BareGAN) -> None:
    """One D update: ``d_loss + weight · penalty`` (when the regularizer has one), then its
    after-step hook (e.g. weight clipping)."""
    reg, rp = gan.regularizer, gan.reg_params
    x = gan.real()
    with torch.no_grad():
        fake = gan.fake()
    d_loss = gan.loss.discriminator(d_real=gan.D(x), d_fake=gan.D(fake), **gan.loss_params)
    if reg.penalty is not None and gan.weight > 0:
        d_loss = d_loss + gan.weight * reg.penalty(discriminator=gan.D, real=x, fake=fake, **rp)
    gan.opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    gan.opt_d.step()
    if reg.after_d_step is not None:
        reg.after_d_step(gan.D, **rp)


def bare_g_step(gan: BareGAN) -> None:
    """One G update through a frozen D (D's output on real data too, for losses that need it)."""
    gan.D.requires_grad_(False)
    d_real = None
    if gan.loss.g_needs_real:
        with torch.no_grad():
            d_real = gan.D(gan.real())
    g_loss = gan.loss.generator(d_real=d_real, d_fake=gan.D(gan.fake()), **gan.loss_params)
    gan.opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    gan.opt_g.step()
    gan.D.requires_grad_(True)


def bare_loop(config: dict, data: torch.Tensor, device: str, steps: int, *, autocast: torch.dtype | None = None,
              channels_last: bool = False) -> float:
    """Seconds for ``steps`` G updates (each after ``n_disc`` D updates) of a minimal GAN loop;
    networks built as the trainer does.  ``autocast`` (e.g. ``torch.bfloat16``) and
    ``channels_last`` are the GPU options measured by :mod:`bench.perf.gpu`."""
    gan = bare_gan(config, data, device, channels_last=channels_last)
    amp = torch.autocast(torch.device(device).type, dtype=autocast, enabled=autocast is not None)
    sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        with amp:
            for _ in range(gan.n_disc):
                bare_d_step(gan)
            bare_g_step(gan)
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
