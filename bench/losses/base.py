"""The :class:`Loss` record and the ``LOSSES`` registry.

A loss is two pure functions of D's outputs with keyword-only arguments,
``discriminator(*, d_real, d_fake, **params)`` and ``generator(*, d_real, d_fake, **params)``,
each returning a scalar tensor to *minimise*.  Both functions of one loss accept the same
parameter names (the generator ignores discriminator-only ones such as ``label_smoothing``), so
the trainer passes the suite's ``params`` dict unchanged to both.

``d_real``/``d_fake`` have shape ``(B,)`` for ``d_output="logit"`` and ``(B, k)`` for
``d_output="embedding"`` (the MMD family; ``k = output_dim(params)``).  In the generator step
``d_real`` is ``None`` unless ``g_needs_real`` (relativistic and MMD losses), so the trainer can
skip a forward pass of D on real data where it is not needed.

``d_output="autoencoder"`` (BEGAN, EBGAN): D is the auto-encoder head of
:mod:`bench.arch.autoencoder` and ``d_real``/``d_fake`` are its :class:`AEOutput` tuples
(residual x − x̂, embedding (B, k)).

A loss with a ``state`` factory keeps state across steps (BEGAN's k_t): the trainer builds
``state(params, device)`` once, passes ``state.inputs()`` (keyword arguments named in
``state_args``, not suite parameters) to both functions, calls ``state.after_d_step(d_real=,
d_fake=)`` after every D update, adds ``state.row()`` (diagnostic columns, reset per
evaluation) to each result row, and saves/loads ``state.state_dict()`` in its checkpoints.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Optional

import torch

from bench.registry import Registry

LossFn = Callable[..., torch.Tensor]

# Keyword arguments every loss function takes that are data, not parameters.
DATA_ARGS = ("d_real", "d_fake")


def keyword_params(fn: Callable, exclude: tuple[str, ...]) -> tuple[str, ...]:
    """Names of ``fn``'s keyword parameters other than ``exclude``, in signature order."""
    return tuple(
        name
        for name, p in inspect.signature(fn).parameters.items()
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and name not in exclude
    )


def keyword_defaults(fn: Callable, exclude: tuple[str, ...]) -> dict:
    """``{name: default}`` of ``fn``'s keyword parameters other than ``exclude`` (``None`` when
    the parameter has no default); plain data for ``bench list`` and the docs."""
    out = {}
    for name, p in inspect.signature(fn).parameters.items():
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and name not in exclude:
            default = None if p.default is p.empty else p.default
            plain = (int, float, str, bool, type(None))
            if isinstance(default, tuple) and all(isinstance(v, plain) for v in default):
                default = list(default)
            out[name] = default if isinstance(default, (*plain, list)) else repr(default)
    return out


@dataclass(frozen=True)
class Loss:
    discriminator: LossFn
    generator: LossFn
    formula: str
    paper: str
    d_output: str = "logit"  # "logit": (B,); "embedding": (B, k); "autoencoder": AEOutput
    g_needs_real: bool = False
    validate: Optional[Callable[[dict], None]] = None  # value checks; raises ValueError
    state: Optional[Callable[..., Any]] = None  # (params, device) → a loss state (see module doc)
    state_args: tuple[str, ...] = ()  # keyword arguments the state supplies (not suite parameters)
    embedding_default: int = 16  # embedding_dim when the suite does not set it

    def output_dim(self, params: dict) -> int:
        """Size of D's output this loss needs: 1 for a logit, ``embedding_dim`` else (for the
        auto-encoder head: its code size)."""
        return 1 if self.d_output == "logit" else int(params.get("embedding_dim", self.embedding_default))

    def param_names(self) -> tuple[str, ...]:
        """The parameter names a suite may set for this loss (read from the D function's signature)."""
        return keyword_params(self.discriminator, DATA_ARGS + self.state_args)

    def describe(self) -> dict:
        return {"formula": self.formula, "paper": self.paper, "d_output": self.d_output,
                "g_needs_real": self.g_needs_real, "params": keyword_defaults(self.discriminator, DATA_ARGS)}


LOSSES: Registry[Loss] = Registry("loss")


def check_probability(params: dict, name: str, low: float = 0.0, high: float = 1.0) -> None:
    """Raise ValueError unless ``low <= params[name] < high`` (when present)."""
    if name in params:
        value = params[name]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not (low <= value < high):
            raise ValueError(f"parameter {name!r} must be a number in [{low}, {high}); got {value!r}")
