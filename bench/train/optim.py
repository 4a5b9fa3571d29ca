"""Optimizers of a trial: one registry (``OPTIMIZERS``) of builders, separate lr for G and D
(TTUR, Heusel et al. 2017).

An entry's ``build(parameters, *, lr, **hyper)`` makes the torch optimizer; its keyword
parameters after ``lr`` are the optimizer's own parameters, by their own names (RMSprop's
smoothing constant is ``alpha``), with their defaults — read from the signature, as a loss's
parameters are.  A suite sets them in the ``optimizer`` section beside ``lr_g``/``lr_d``.

Trial ids of suites written before the registry must not change, so an entry may say in which
field of the trial's optimizer config a parameter is stored (``stored_as``: Adam's betas in
``beta1``/``beta2``, RMSprop's ``alpha`` in ``beta2``) and which fields keep a fixed value
(``fixed``: RMSprop's config always carried ``beta1: 0.5``).  Other parameters go in the config's
``params`` mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import torch

from bench.losses.base import keyword_defaults
from bench.registry import Registry

if TYPE_CHECKING:
    from bench.suite.trial import OptimizerConfig

BUILD_ARGS = ("parameters", "lr")


@dataclass(frozen=True)
class OptimizerEntry:
    build: Callable[..., torch.optim.Optimizer]
    description: str
    paper: str
    stored_as: dict = field(default_factory=dict)  # parameter → optimizer-config field (old trial ids)
    fixed: dict = field(default_factory=dict)  # optimizer-config field → its fixed value (old trial ids)
    aliases: dict = field(default_factory=dict)  # another spelling a suite may use → parameter

    def params(self) -> dict:
        """``{parameter: default}`` read from ``build``'s signature."""
        return keyword_defaults(self.build, BUILD_ARGS)

    def config_fields(self, hyper: dict) -> dict:
        """The optimizer-config fields for parameter values ``hyper`` (defaults filled in)."""
        values = {**self.params(), **hyper}
        out, rest = dict(self.fixed), {}
        for name, value in values.items():
            if name in self.stored_as:
                out[self.stored_as[name]] = value
            else:
                rest[name] = value
        if rest:
            out["params"] = rest
        return out

    def hyper(self, opt_cfg: dict) -> dict:
        """The parameter values, by their own names, in a trial's optimizer config."""
        params = opt_cfg.get("params") or {}
        return {name: opt_cfg[self.stored_as[name]] if name in self.stored_as else params.get(name, default)
                for name, default in self.params().items()}

    def make(self, parameters, lr: float, opt_cfg: dict) -> torch.optim.Optimizer:
        return self.build(parameters, lr=lr, **self.hyper(opt_cfg))

    def describe(self) -> dict:
        return {"description": self.description, "paper": self.paper, "params": self.params()}


OPTIMIZERS: Registry[OptimizerEntry] = Registry("optimizer")


def _adam(parameters, *, lr: float, beta1: float = 0.5, beta2: float = 0.999) -> torch.optim.Optimizer:
    return torch.optim.Adam(parameters, lr=lr, betas=(beta1, beta2))


def _rmsprop(parameters, *, lr: float, alpha: float = 0.99) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(parameters, lr=lr, alpha=alpha)


def _sgd(parameters, *, lr: float, momentum: float = 0.0) -> torch.optim.Optimizer:
    return torch.optim.SGD(parameters, lr=lr, momentum=momentum)


OPTIMIZERS.add("adam", OptimizerEntry(
    _adam, "Adam: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − lr·m̂/(√v̂ + ε)",
    "Kingma & Ba 2015, arXiv 1412.6980 (β1 = 0.5: Radford et al. 2016, DCGAN)",
    stored_as={"beta1": "beta1", "beta2": "beta2"}))
OPTIMIZERS.add("rmsprop", OptimizerEntry(
    _rmsprop, "RMSprop: v ← α·v + (1−α)·g², θ ← θ − lr·g/(√v + ε)",
    "Tieleman & Hinton 2012 (lecture 6.5); used by WGAN, Arjovsky et al. 2017",
    stored_as={"alpha": "beta2"}, fixed={"beta1": 0.5}, aliases={"beta2": "alpha"}))
OPTIMIZERS.add("sgd", OptimizerEntry(
    _sgd, "gradient descent: b ← μ·b + g, θ ← θ − lr·b (μ = 0: plain θ ← θ − lr·g)",
    "Robbins & Monro 1951; fixed-step gradient descent of Mescheder et al. 2018 (Dirac-GAN, μ = 0)"))


def make_optimizer(opt: OptimizerConfig, parameters, lr: float) -> torch.optim.Optimizer:
    """The optimizer a trial's optimizer config names, over ``parameters`` at learning rate ``lr``."""
    return OPTIMIZERS.get(opt.name).make(parameters, lr, opt.to_dict())


@torch.no_grad()
def update_ema(ema: torch.nn.Module, model: torch.nn.Module, decay: float) -> None:
    """θ_ema ← decay·θ_ema + (1 − decay)·θ; buffers (BatchNorm statistics) are copied."""
    for p_ema, p in zip(ema.parameters(), model.parameters()):
        p_ema.lerp_(p, 1.0 - decay)
    for b_ema, b in zip(ema.buffers(), model.buffers()):
        b_ema.copy_(b)
