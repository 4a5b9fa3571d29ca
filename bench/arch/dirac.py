"""The Dirac-GAN family (Mescheder, Geiger & Nowozin 2018, *Which Training Methods for GANs do
actually Converge?*, ICML, arXiv 1801.04406, §2, Definition 2.1): the smallest GAN whose training
dynamics can be solved in closed form.

G: G(z) = θ for every z — one learnable scalar per data dimension, the latent is ignored, so the
   generated distribution is the Dirac δ_θ.  Shape (B, z_dim) → (B, *data_shape).
D: D(x) = ψ·x — linear, no bias, one logit per sample.  Shape (B, *data_shape) → (B,).

With data a Dirac at 0 (the ``dirac`` dataset) the unique equilibrium is (θ, ψ) = (0, 0); the
``equilibrium_distance`` metric measures √(‖θ‖² + ‖ψ‖²).  Sign convention: bench's losses want
D high on real data, the paper's L(θ, ψ) = f(ψθ) + f(0) has D high on generated data, so
ψ_bench = −ψ_paper (θ is the same); the paper's initial point (θ, ψ) = (1, 1) is bench's
``theta0: 1.0, psi0: -1.0``.  Knobs ``theta0`` / ``psi0`` are the initial values (every
dimension), on a grid of halves so that a spec stays a plain hashable record.  Only losses on
one logit per sample fit (D is ψ·x): a D head of more than one output (an MMD embedding, an
auto-encoder code) is refused when the suite is loaded (``Family.one_logit``).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from bench.arch.interface import Family
from bench.arch.knobs import Domain

INITIAL_VALUES = tuple(k / 2 for k in range(-8, 9))  # −4.0, −3.5, …, 4.0

DIRAC_DEFAULTS = {"theta0": 1.0, "psi0": -1.0}
DIRAC_DOMAINS = {
    "theta0": Domain.choice(INITIAL_VALUES, "initial θ of G(z) = θ (every data dimension)"),
    "psi0": Domain.choice(INITIAL_VALUES, "initial ψ of D(x) = ψ·x (every data dimension; bench's sign: ψ_paper = −ψ)"),
}


class DiracGenerator(nn.Module):
    """G(z) = θ: a learnable point of the data space, the same for every latent."""

    def __init__(self, spec, data_shape: tuple[int, ...]):
        super().__init__()
        k = {**DIRAC_DEFAULTS, **spec.knobs}
        self.theta = nn.Parameter(torch.full(tuple(data_shape), float(k["theta0"])))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.theta.expand(z.shape[0], *self.theta.shape)


class DiracDiscriminator(nn.Module):
    """D(x) = ψ·x (inner product over the flattened sample, no bias): one logit per sample."""

    def __init__(self, spec, data_shape: tuple[int, ...], out_dim: int):
        super().__init__()
        if out_dim != 1:
            raise ValueError(f"the dirac discriminator is linear with one logit; a loss asked for {out_dim} outputs")
        k = {**DIRAC_DEFAULTS, **spec.knobs}
        self.psi = nn.Parameter(torch.full((math.prod(data_shape),), float(k["psi0"])))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.flatten(1) @ self.psi


def dirac_counts(spec, data_shape: tuple, d_out_dim: int) -> tuple[int, int]:
    """|G| = |D| = the data dimension: θ and ψ, one scalar each per dimension."""
    return math.prod(data_shape), math.prod(data_shape)


DIRAC = Family(
    DiracGenerator, DiracDiscriminator, "points", DIRAC_DEFAULTS, DIRAC_DOMAINS,
    count_params=dirac_counts, one_logit=True,
    g_layers=lambda G, shape: [("G(z) = θ (z ignored)", G)],
    d_layers=lambda D, shape: [("D(x) = ψ·x (no bias)", D)],
)
