"""Fused trials (prototype): k trials of one architecture trained as one batched model.

HFTA (Wang et al., MLSys 2021, arXiv 2102.02344) fuses many small training jobs into one so that
an accelerator is not left idle by networks too small to fill it.  Here the k generators (and the
k discriminators) are stacked with ``torch.func.stack_module_state`` and run as
``vmap(functional_call(template, member parameters, member batch))``: member i sees only its own
parameters, buffers and batch, so for the fused D loss

    L = Σ_i L_D(D_i(x_i), D_i(G_i(z_i))) + λ·Σ_i penalty_i

the gradient with respect to member i's parameters is exactly member i's own.  Adam and RMSprop
are element-wise, so one optimizer over the stacked parameters is k optimizers (same step count).
Batch norm keeps per-member running statistics (the stacked buffers are updated inside vmap).

A penalty is computed once over the k·B stacked samples; penalties supported are the ones that
are a mean over samples of a per-sample term (so k·mean over k·B = Σ_i mean_i) and whose random
draws are per sample (gp's interpolation factors): see :data:`FUSABLE_REGULARIZERS`.  Refused,
with the reason: spectral normalization (its power iteration writes with ``out=``, which vmap
cannot batch), auto-encoder losses (EBGAN; BEGAN also keeps k_t across steps), DRAGAN (its perturbation scale is the std of the whole batch, which would mix
members) and consistency regularization (one augmentation draw per batch).  Members may differ
only in their seed in this prototype.
"""

from __future__ import annotations

import copy
from dataclasses import fields
from typing import Mapping

import torch
from torch import nn
from torch.func import functional_call, stack_module_state, vmap

from bench.arch import build_pair
from bench.losses import LOSSES
from bench.regularizers import REGULARIZERS, lazy_weight
from bench.suite.trial import TrialConfig
from bench.train.optim import make_optimizer, update_ema

FUSABLE_REGULARIZERS = frozenset({"none", "gp", "gp_one_sided", "r1", "r2", "clip"})
_REFUSED_REGULARIZERS = {
    "dragan": "its perturbation scale is the std of the whole batch, which would mix the members",
    "cr": "it draws one augmentation per batch, which would be shared by the members",
}


class FusedModules(nn.Module):
    """k modules of one architecture as one module over stacked inputs (k·B, …) → (k·B, …)."""

    def __init__(self, modules: list[nn.Module]):
        super().__init__()
        self.k = len(modules)
        params, buffers = stack_module_state(modules)
        self._names = list(params)
        self._buffer_names = list(buffers)
        for name, value in params.items():
            self.register_parameter(_attr(name), nn.Parameter(value.detach().clone()))
        for name, value in buffers.items():
            self.register_buffer(_attr(name), value.clone())
        self._template = [copy.deepcopy(modules[0]).to("meta")]  # a list: not a registered submodule

    def _stacked(self) -> tuple[dict, dict]:
        return ({n: getattr(self, _attr(n)) for n in self._names},
                {n: getattr(self, _attr(n)) for n in self._buffer_names})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        template = self._template[0]
        template.train(self.training)
        members = x.reshape(self.k, x.shape[0] // self.k, *x.shape[1:])
        params, buffers = self._stacked()
        out = vmap(lambda p, b, xi: functional_call(template, (p, b), (xi,)), randomness="error")(params, buffers, members)
        return out.reshape(x.shape[0], *out.shape[2:])

    def member_state_dict(self, i: int) -> dict[str, torch.Tensor]:
        """Member i's parameters and buffers under the names of the unfused module."""
        params, buffers = self._stacked()
        return {name: value[i].detach().clone() for name, value in {**params, **buffers}.items()}


def _attr(name: str) -> str:
    return name.replace(".", "__")


def check_fusable(configs: list[TrialConfig | Mapping]) -> list[TrialConfig]:
    """The trial configs (dicts read with ``TrialConfig.from_dict``); raise ``ValueError`` saying
    why they cannot be fused (see the module docstring)."""
    if not configs:
        raise ValueError("fusing needs at least one trial")
    trials = [TrialConfig.of(c) for c in configs]
    first = trials[0]
    for c in trials[1:]:
        differing = sorted(f.name for f in fields(TrialConfig) if f.name != "seed" and getattr(first, f.name) != getattr(c, f.name))
        if differing:
            raise ValueError(f"fused trials may differ only in their seed in this prototype; they differ in {differing}")
    loss = LOSSES.get(first.loss.name)
    if loss.d_output == "autoencoder" or loss.state is not None:
        raise ValueError(f"loss {first.loss.name!r} cannot be fused in this prototype: its D is an auto-encoder "
                         "(a structured output, not one tensor per sample) or it keeps state across steps")
    name = first.regularizer.name
    if name in _REFUSED_REGULARIZERS:
        raise ValueError(f"regularizer {name!r} cannot be fused: {_REFUSED_REGULARIZERS[name]}")
    if name not in FUSABLE_REGULARIZERS:
        raise ValueError(f"regularizer {name!r} is not known to be fusable; fusable: {', '.join(sorted(FUSABLE_REGULARIZERS))}")
    if "sn" in first.arch.knobs.values():
        raise ValueError("spectral normalization cannot be fused: its power iteration writes with out=, which vmap cannot batch")
    return trials


class FusedTrainer:
    """The D and G updates of k trials at once; batches come from the caller, stacked (k, B, …)."""

    def __init__(self, configs: list[TrialConfig | Mapping], data_shape: tuple, *, device: str | torch.device = "cpu"):
        trials = check_fusable(configs)
        c = trials[0]
        self.k, self.device = len(trials), torch.device(device)
        self.spec = c.arch
        self.loss, self.loss_params = LOSSES.get(c.loss.name), c.loss.params
        reg = c.regularizer
        self.regularizer, self.reg_params = REGULARIZERS.get(reg.name), reg.params
        self.reg_weight, self.reg_every = float(reg.weight), int(reg.every)
        pairs = [build_pair(self.spec, tuple(data_shape), self.loss.output_dim(self.loss_params), t.seed) for t in trials]
        self.G = FusedModules([g for g, _ in pairs]).to(self.device)
        self.D = FusedModules([d for _, d in pairs]).to(self.device)
        o = c.optimizer
        self.opt_g = make_optimizer(o, self.G.parameters(), o.lr_g)
        self.opt_d = make_optimizer(o, self.D.parameters(), o.lr_d)
        self.ema_decay = float(c.training.ema)
        self.G_ema = copy.deepcopy(self.G).requires_grad_(False) if self.ema_decay > 0 else None
        self.d_steps = 0

    def _members(self, out: torch.Tensor) -> list[torch.Tensor]:
        return list(out.reshape(self.k, out.shape[0] // self.k, *out.shape[1:]))

    def d_step(self, real: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """One D update of every member from real batches (k, B, …) and latents (k, B, z_dim);
        returns the members' D losses (k,)."""
        real, z = real.flatten(0, 1), z.flatten(0, 1)
        with torch.no_grad():
            fake = self.G(z)
        losses = torch.stack([self.loss.discriminator(d_real=r, d_fake=f, **self.loss_params)
                              for r, f in zip(self._members(self.D(real)), self._members(self.D(fake)))])
        total = losses.sum()
        weight = lazy_weight(self.reg_weight, self.reg_every, self.d_steps)
        if self.regularizer.penalty is not None and weight > 0:
            penalty = self.regularizer.penalty(discriminator=self.D, real=real, fake=fake, **self.reg_params)
            total = total + weight * self.k * penalty  # a mean over k·B samples times k = Σ_i member means
        self.opt_d.zero_grad(set_to_none=True)
        total.backward()
        self.opt_d.step()
        if self.regularizer.after_d_step is not None:
            self.regularizer.after_d_step(self.D, **self.reg_params)
        self.d_steps += 1
        return losses.detach()

    def g_step(self, z: torch.Tensor, real: torch.Tensor | None = None) -> torch.Tensor:
        """One G update of every member; ``real`` (k, B, …) only for losses that need D(x)."""
        self.D.requires_grad_(False)
        d_reals: list = [None] * self.k
        if self.loss.g_needs_real:
            with torch.no_grad():
                d_reals = self._members(self.D(real.flatten(0, 1)))
        d_fakes = self._members(self.D(self.G(z.flatten(0, 1))))
        losses = torch.stack([self.loss.generator(d_real=r, d_fake=f, **self.loss_params) for r, f in zip(d_reals, d_fakes)])
        self.opt_g.zero_grad(set_to_none=True)
        losses.sum().backward()
        self.opt_g.step()
        self.D.requires_grad_(True)
        if self.G_ema is not None:
            update_ema(self.G_ema, self.G, self.ema_decay)
        return losses.detach()
