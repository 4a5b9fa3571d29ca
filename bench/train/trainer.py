"""The training loop of one trial: plain PyTorch, no framework.

One *round* is ``n_disc`` D steps followed by ``n_gen`` G steps; ``step`` counts G updates and
the budget ``training.steps`` is in G updates.  D's loss is ``loss.discriminator + λ·k·penalty``
on every k-th D step (lazy regularization, Karras et al. 2020 scale λ by k), followed by the
regularizer's ``after_d_step`` hook (weight clipping).  Losses are accumulated on the device and
read only at logging time (every ``log_every`` steps), where divergence — a non-finite loss or
``|loss| > divergence_threshold`` — stops the trial with status ``diverged``.  Evaluation every
``evaluation.every`` steps and at the end hands a generator to ``evaluate_fn``.  A loss with its
own state (BEGAN's k_t, ``Loss.state``) gets ``state.inputs()`` in both loss calls, an
``after_d_step`` hook after each D update, its ``row()`` columns in every result row, and its
``state_dict()`` in the checkpoint, so a resumed trial continues bit-identically.
Every D evaluation (losses and penalties) goes through ``D_in``, the one place where D's input is
transformed (DiffAugment, PacGAN packing: :mod:`bench.train.d_input`); a regularizer with an
auxiliary head (InfoGAN, SS-GAN: :mod:`bench.regularizers.auxiliary`) adds ``λ·d_term`` to D's
loss and ``λ·g_term`` to G's, and may write codes into z.
"""

from __future__ import annotations

import copy
import math
import time
from typing import Callable, Mapping, Optional

import torch

from bench.arch import build_pair, sample_latent
from bench.losses import LOSSES
from bench.methods import latent_problem
from bench.regularizers import REGULARIZERS, lazy_weight
from bench.regularizers.auxiliary import attach_head
from bench.store.schema import STATUS_DIVERGED, STATUS_OK
from bench.suite.trial import TrialConfig
from bench.train.d_input import DiscriminatorInput, packed_shape
from bench.train.optim import make_optimizer, update_ema
from bench.train.seeding import rng_state, seed_everything, set_rng_state

EVAL_SEED_OFFSET = 1_000_003  # evaluation latents come from their own generator, never the training RNG

EvaluateFn = Callable[[torch.Tensor], dict]


class DeliberateFailure(RuntimeError):
    """Raised at ``training.fail_at`` steps: a hook for testing retries and error rows."""


class Trainer:
    """Everything one trial trains: G, D, optimizers, EMA, counters and the row history."""

    def __init__(self, config: TrialConfig | Mapping, data: torch.Tensor, *, device: str | torch.device = "cpu",
                 labels: Optional[torch.Tensor] = None):
        """``config``: the trial's :class:`~bench.suite.trial.TrialConfig` (a dict is read with
        ``TrialConfig.from_dict``)."""
        self.trial, self.device = TrialConfig.of(config), torch.device(device)
        seed_everything(self.trial.seed)
        self.spec = self.trial.arch
        self.loss, self.loss_params = LOSSES.get(self.trial.loss.name), self.trial.loss.params
        reg = self.trial.regularizer
        self.regularizer, self.reg_params, self.reg_weight, self.reg_every = (
            REGULARIZERS.get(reg.name), reg.params, float(reg.weight), int(reg.every))
        self.data, self.labels, self._codes = data.to(self.device), labels, None
        self.pac = int(self.trial.training.pac)
        self._build_networks(tuple(data.shape[1:]))
        self._build_optimizers()
        self._reset_counters()

    def _build_networks(self, data_shape: tuple) -> None:
        """G and D (D reads packs of ``pac`` samples), a loss's own state across steps (BEGAN's
        k_t), the view every D evaluation goes through, an auxiliary head on D's trunk
        (InfoGAN's Q, SS-GAN's rotation classifier) and the EMA copy of G."""
        seed = self.trial.seed
        self.G, self.D = build_pair(self.spec, data_shape, self.loss.output_dim(self.loss_params), seed,
                                    self.loss.d_output, d_shape=packed_shape(data_shape, self.pac))
        self.loss_state = self.loss.state(self.loss_params, self.device) if self.loss.state is not None else None
        self.D_in = DiscriminatorInput(self.D, pac=self.pac, policy=self.trial.augment)
        self.aux = self.regularizer.auxiliary
        if self.aux is not None:
            problem = latent_problem(self.trial.regularizer.name, self.reg_params, self.spec.z_dim)
            if problem:
                raise ValueError(problem)
            attach_head(self.D, self.aux.head_size(self.reg_params), seed)
        self.G.to(self.device)
        self.D.to(self.device)
        self.ema_decay = float(self.trial.training.ema)
        self.G_ema = copy.deepcopy(self.G).requires_grad_(False) if self.ema_decay > 0 else None

    def _build_optimizers(self) -> None:
        opt = self.trial.optimizer
        self.opt_g = make_optimizer(opt, self.G.parameters(), opt.lr_g)
        self.opt_d = make_optimizer(opt, self.D.parameters(), opt.lr_d)

    def _reset_counters(self) -> None:
        self.step = 0
        self.d_steps = 0
        self.round_g_steps = 0  # G steps done in the current round (a checkpoint can fall mid-round)
        self.elapsed = 0.0
        self.history: list[dict] = []
        self.status = STATUS_OK
        self._acc = torch.zeros(4, device=self.device)  # Σ d_loss, #d, Σ g_loss, #g since the last evaluation
        self._grad_norms = torch.full((2,), float("nan"), device=self.device)
        self._rng = rng_state(self.device)  # installed when run() starts, so trainers do not share global RNG state

    # --- one update each -------------------------------------------------------------------
    def _batch(self) -> torch.Tensor:
        idx = torch.randint(self.data.shape[0], (self.trial.training.batch_size * self.pac,), device=self.device)
        return self.data[idx]

    def _latent(self, batch: Optional[int] = None, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """z for G (a training batch by default); an auxiliary head with codes writes them into z
        and keeps them in ``_codes`` for its loss terms."""
        batch = batch or self.trial.training.batch_size * self.pac
        z = sample_latent(self.spec, batch, device=self.device, generator=generator)
        if self.aux is not None and self.aux.sample_codes is not None:
            z, self._codes = self.aux.sample_codes(z, generator=generator, **self.reg_params)
        return z

    def d_step(self, track_grad: bool) -> None:
        real = self._batch()
        with torch.no_grad():
            fake = self.G(self._latent())
        d_real, d_fake = self.D_in(real), self.D_in(fake)
        loss = self.loss.discriminator(d_real=d_real, d_fake=d_fake, **self.loss_params, **self._state_inputs())
        weight = lazy_weight(self.reg_weight, self.reg_every, self.d_steps)
        if self.regularizer.penalty is not None and weight > 0:
            penalty = self.regularizer.penalty(discriminator=self.D_in, real=real, fake=fake, **self.reg_params)
            loss = loss + weight * penalty
        if self.aux is not None:
            loss = loss + self.reg_weight * self.aux.d_term(self.D, real=real, fake=fake, codes=self._codes, **self.reg_params)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        if track_grad:
            self._grad_norms[0] = _grad_norm(self.D)
        self.opt_d.step()
        if self.regularizer.after_d_step is not None:
            self.regularizer.after_d_step(self.D, **self.reg_params)
        if self.loss_state is not None:
            self.loss_state.after_d_step(d_real=d_real, d_fake=d_fake)
        self.d_steps += 1
        self._acc[0] += loss.detach()
        self._acc[1] += 1

    def g_step(self, track_grad: bool) -> None:
        self.D.requires_grad_(False)
        d_real = None
        if self.loss.g_needs_real:
            with torch.no_grad():
                d_real = self.D_in(self._batch())
        fake = self.G(self._latent())
        loss = self.loss.generator(d_real=d_real, d_fake=self.D_in(fake), **self.loss_params, **self._state_inputs())
        if self.aux is not None:
            loss = loss + self.reg_weight * self.aux.g_term(self.D, fake=fake, codes=self._codes, **self.reg_params)
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        if track_grad:
            self._grad_norms[1] = _grad_norm(self.G)
        self.opt_g.step()
        self.D.requires_grad_(True)
        if self.G_ema is not None:
            update_ema(self.G_ema, self.G, self.ema_decay)
        self._acc[2] += loss.detach()
        self._acc[3] += 1

    def _state_inputs(self) -> dict:
        return self.loss_state.inputs() if self.loss_state is not None else {}

    # --- the loop --------------------------------------------------------------------------
    def run(
        self,
        evaluate_fn: EvaluateFn,
        on_evaluation: Callable[["Trainer", dict], None] = lambda trainer, row: None,
        on_checkpoint: Optional[Callable[["Trainer"], None]] = None,
    ) -> str:
        """Train to the step budget (or divergence); returns the final status."""
        train, opt = self.trial.training, self.trial.optimizer
        steps, log_every = int(train.steps), int(train.log_every)
        eval_every = int(self.trial.evaluation.every)
        started = time.perf_counter() - self.elapsed
        set_rng_state(self._rng, self.device)
        while self.step < steps and self.status == STATUS_OK:
            if self.round_g_steps == 0:
                for i in range(opt.n_disc):
                    self.d_step(track_grad=(self.step + 1) % log_every == 0 and i == 0)
            while self.round_g_steps < opt.n_gen and self.step < steps:
                self.g_step(track_grad=(self.step + 1) % log_every == 0)
                self.step += 1
                self.round_g_steps += 1
                if train.fail_at is not None and train.fail_at.hits(self.step, self.trial.seed):
                    raise DeliberateFailure(f"training.fail_at: deliberate failure at step {self.step} (a test hook)")
                if self.step % log_every == 0 and self._diverged(train.divergence_threshold):
                    self.status = STATUS_DIVERGED
                if self.status != STATUS_OK or self.step % eval_every == 0 or self.step == steps:
                    self.elapsed = time.perf_counter() - started
                    row = self.evaluate(evaluate_fn)
                    self.history.append(row)
                    on_evaluation(self, row)
                if on_checkpoint is not None and self.checkpoint_due():
                    self.elapsed = time.perf_counter() - started
                    on_checkpoint(self)
                if self.status != STATUS_OK:
                    break
            if self.round_g_steps >= opt.n_gen:
                self.round_g_steps = 0
        return self.status

    def checkpoint_due(self) -> bool:
        """True at the steps where a checkpoint is taken: every ``checkpoint_every`` steps (default:
        every evaluation) and at the end, while the trial is healthy."""
        every = int(self.trial.training.checkpoint_every or self.trial.evaluation.every)
        return self.status == STATUS_OK and (self.step % every == 0 or self.step == int(self.trial.training.steps))

    def _diverged(self, threshold: float) -> bool:
        acc = self._acc.tolist()
        means = [acc[0] / max(acc[1], 1), acc[2] / max(acc[3], 1)]
        return not all(math.isfinite(m) and abs(m) <= threshold for m in means)

    def evaluate(self, evaluate_fn: EvaluateFn) -> dict:
        """A result row for the current step: losses since the last evaluation, gradient norms and
        the metrics of G (and of its EMA as ``ema_<metric>``).  Resets the loss accumulators."""
        acc, grads = self._acc.tolist(), self._grad_norms.tolist()
        row = {
            "step": self.step,
            "status": self.status,
            "d_loss": acc[0] / acc[1] if acc[1] else float("nan"),
            "g_loss": acc[2] / acc[3] if acc[3] else float("nan"),
            "d_grad_norm": grads[0],
            "g_grad_norm": grads[1],
        }
        if self.status == STATUS_OK:
            row.update(evaluate_fn(self.generate(self.G)))
            if self.aux is not None and self.aux.metrics is not None:
                row.update(self.aux.metrics(self.D, data=self.data, labels=self.labels, **self.reg_params))
            if self.G_ema is not None:
                row.update({f"ema_{k}": v for k, v in evaluate_fn(self.generate(self.G_ema)).items()})
        if self.loss_state is not None:
            row.update(self.loss_state.row())
        row["wall_s"] = self.elapsed
        self._acc.zero_()
        return row

    @torch.inference_mode()
    def generate(self, generator: torch.nn.Module, num: Optional[int] = None, batch: int = 1000) -> torch.Tensor:
        """``num`` samples (default: the evaluation's) from fixed evaluation latents, G in eval mode."""
        num = num or int(self.trial.evaluation.num_samples)
        rng = torch.Generator(device=self.device).manual_seed(self.trial.seed + EVAL_SEED_OFFSET)
        was_training = generator.training
        generator.eval()
        out = [generator(self._latent(min(batch, num - i), generator=rng)).float() for i in range(0, num, batch)]
        generator.train(was_training)
        return torch.cat(out)

    # --- checkpointing -----------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {
            "G": self.G.state_dict(), "D": self.D.state_dict(),
            "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
            "G_ema": self.G_ema.state_dict() if self.G_ema is not None else None,
            "step": self.step, "d_steps": self.d_steps, "round_g_steps": self.round_g_steps,
            "elapsed": self.elapsed, "status": self.status,
            "history": self.history, "acc": self._acc.cpu(), "grad_norms": self._grad_norms.cpu(),
            "rng": rng_state(self.device),
            "loss_state": self.loss_state.state_dict() if self.loss_state is not None else None,
        }

    def load_state_dict(self, state: dict) -> None:
        self.G.load_state_dict(state["G"])
        self.D.load_state_dict(state["D"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        if self.G_ema is not None:
            self.G_ema.load_state_dict(state["G_ema"])
        self.step, self.d_steps, self.elapsed = state["step"], state["d_steps"], state["elapsed"]
        self.round_g_steps = int(state.get("round_g_steps", 0))
        self.status, self.history = state["status"], list(state["history"])
        self._acc = state["acc"].to(self.device)
        self._grad_norms = state["grad_norms"].to(self.device)
        self._rng = state["rng"]
        if self.loss_state is not None:
            self.loss_state.load_state_dict(state["loss_state"])


def _grad_norm(module: torch.nn.Module) -> torch.Tensor:
    grads = [p.grad.detach().norm() for p in module.parameters() if p.grad is not None]
    return torch.linalg.vector_norm(torch.stack(grads)) if grads else torch.tensor(float("nan"))
