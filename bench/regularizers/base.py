"""The :class:`Regularizer` record, the ``REGULARIZERS`` registry and shared gradient helpers.

The trainer computes ``d_loss + weight · penalty(discriminator=D, real=x, fake=G(z), **params)``;
a penalty never knows which loss it is paired with and returns the *unweighted* scalar.  A
regularizer may instead (or also) define ``after_d_step(discriminator, **params)``, run after
every optimizer step of D (weight clipping).  Penalties detach ``real`` and ``fake`` themselves,
so they give gradients to D's parameters only, never to G.  Randomness (interpolation
coefficients, perturbations, augmentations) comes from torch's global generator, which the
trainer seeds per trial.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import torch

from bench.losses.base import keyword_defaults, keyword_params
from bench.registry import Registry

PENALTY_DATA_ARGS = ("discriminator", "real", "fake")
AUX_DATA_ARGS = ("discriminator", "real", "fake", "codes")


@dataclass(frozen=True)
class Regularizer:
    penalty: Optional[Callable[..., torch.Tensor]]
    formula: str
    paper: str
    default_weight: float = 0.0
    after_d_step: Optional[Callable[..., None]] = None
    d_outputs: tuple[str, ...] = ("logit", "embedding", "autoencoder")  # D outputs it is defined for
    validate: Optional[Callable[[dict], None]] = None  # value checks; raises ValueError
    auxiliary: Optional[Any] = None  # a head on D's trunk with terms for D's and G's losses (bench.regularizers.auxiliary)

    @property
    def weighted(self) -> bool:
        """True when the suite's weight λ does something (a penalty or an auxiliary head's terms)."""
        return self.penalty is not None or self.auxiliary is not None

    def param_names(self) -> tuple[str, ...]:
        """Parameter names a suite may set (from the signatures of ``penalty`` and ``after_d_step``)."""
        names: list[str] = []
        if self.penalty is not None:
            names += keyword_params(self.penalty, PENALTY_DATA_ARGS)
        if self.after_d_step is not None:
            names += [n for n in keyword_params(self.after_d_step, ("discriminator",)) if n not in names]
        if self.auxiliary is not None:
            for fn in (self.auxiliary.d_term, self.auxiliary.g_term):
                names += [n for n in keyword_params(fn, AUX_DATA_ARGS) if n not in names]
        return tuple(names)

    def describe(self) -> dict:
        params = {} if self.penalty is None else keyword_defaults(self.penalty, PENALTY_DATA_ARGS)
        if self.after_d_step is not None:
            params.update({k: v for k, v in keyword_defaults(self.after_d_step, ("discriminator",)).items()
                           if k not in params})
        return {"formula": self.formula, "paper": self.paper, "default_weight": self.default_weight,
                "d_outputs": list(self.d_outputs), "params": params}


REGULARIZERS: Registry[Regularizer] = Registry("regularizer")


def lazy_weight(weight: float, every: int, d_step: int) -> float:
    """Weight of the penalty at D step ``d_step`` (0-based) under lazy regularization.

    With ``every = k`` the penalty is computed only on every k-th D step and scaled by k, so its
    average strength matches ``every = 1`` (StyleGAN2, Karras et al. 2020, §3.1 / App. B).
    Returns 0.0 on the steps where the penalty is skipped.  StyleGAN2 also rescales Adam's
    learning rate and betas by ``k/(k+1)`` on D; bench does not — the optimizer is the suite's.
    """
    if every < 1:
        raise ValueError(f"'every' must be a positive integer; got {every!r}")
    return float(weight) * every if d_step % every == 0 else 0.0


def scalar_output(discriminator, inputs: torch.Tensor) -> torch.Tensor:
    out = discriminator(inputs)
    if out.dim() != 1:
        raise ValueError(
            f"this penalty needs D to return one logit per sample (B,); got shape {tuple(out.shape)} "
            "(gradient penalties are not defined for embedding outputs)"
        )
    return out


def input_gradients(discriminator, inputs: torch.Tensor) -> torch.Tensor:
    """∇ₓ D(x) per sample, flattened to (B, n), with a graph so a penalty can be back-propagated
    into D.  ``inputs`` is detached first: no gradient reaches whatever produced it (e.g. G)."""
    inputs = inputs.detach().requires_grad_(True)
    out = scalar_output(discriminator, inputs)
    (grad,) = torch.autograd.grad(out.sum(), inputs, create_graph=True)
    return grad.flatten(1)


def gradient_norm(discriminator, inputs: torch.Tensor) -> torch.Tensor:
    """‖∇ₓ D(x)‖₂ per sample, (B,); √(Σg² + 1e-12) so the norm is differentiable at 0."""
    return (input_gradients(discriminator, inputs).pow(2).sum(1) + 1e-12).sqrt()


def squared_gradient_norm(discriminator, inputs: torch.Tensor) -> torch.Tensor:
    """‖∇ₓ D(x)‖₂² per sample, (B,)."""
    return input_gradients(discriminator, inputs).pow(2).sum(1)


def check_positive(params: dict, name: str, allow_zero: bool = False) -> None:
    if name in params:
        value = params[name]
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = ok and (value >= 0 if allow_zero else value > 0)
        if not ok:
            bound = "≥ 0" if allow_zero else "> 0"
            raise ValueError(f"parameter {name!r} must be a number {bound}; got {value!r}")
