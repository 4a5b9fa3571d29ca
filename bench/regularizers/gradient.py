"""Gradient penalties: WGAN-GP (two- and one-sided), DRAGAN, R1 and R2.

All need a D with one logit per sample, ``(B,)``; ``∇D(x)`` is the gradient with respect to the
input, flattened per sample.  Each function returns the *unweighted* penalty; the trainer
multiplies by the suite's ``weight`` (λ, or γ for R1/R2).
"""

from __future__ import annotations

import torch

from bench.regularizers.base import (
    REGULARIZERS,
    Regularizer,
    check_positive,
    gradient_norm,
    squared_gradient_norm,
)

LOGIT_ONLY = ("logit",)


def interpolates(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """x̂ = εx + (1 − ε)G(z), ε ~ U[0, 1) per sample (both inputs detached)."""
    real, fake = real.detach(), fake.detach()
    eps = torch.rand((real.shape[0],) + (1,) * (real.dim() - 1), device=real.device, dtype=real.dtype)
    return eps * real + (1 - eps) * fake


# --- WGAN-GP (Gulrajani et al. 2017, eq. 3) -----------------------------------------------------
def gp_penalty(*, discriminator, real, fake):
    """E[(‖∇D(x̂)‖ − 1)²] on random interpolates x̂ between real and fake samples (two-sided)."""
    return ((gradient_norm(discriminator, interpolates(real, fake)) - 1.0) ** 2).mean()


REGULARIZERS.add(
    "gp",
    Regularizer(
        gp_penalty,
        formula="λ E[(‖∇D(x̂)‖₂ - 1)²], x̂ = εx + (1-ε)G(z), ε~U[0,1]",
        paper="Gulrajani et al. 2017, Improved Training of Wasserstein GANs",
        default_weight=10.0,
        d_outputs=LOGIT_ONLY,
    ),
    aliases=("wgan_gp",),
)


# --- one-sided GP (Gulrajani et al. 2017 App.; Petzka et al. 2018, WGAN-LP) --------------------
def gp_one_sided_penalty(*, discriminator, real, fake):
    """E[max(0, ‖∇D(x̂)‖ − 1)²]: penalises only gradient norms above 1 (the Lipschitz bound)."""
    norms = gradient_norm(discriminator, interpolates(real, fake))
    return (torch.relu(norms - 1.0) ** 2).mean()


REGULARIZERS.add(
    "gp_one_sided",
    Regularizer(
        gp_one_sided_penalty,
        formula="λ E[max(0, ‖∇D(x̂)‖₂ - 1)²], x̂ as in gp",
        paper="Gulrajani et al. 2017 (one-sided variant); Petzka, Fischer & Lukovnikov 2018 (WGAN-LP)",
        default_weight=10.0,
        d_outputs=LOGIT_ONLY,
    ),
    aliases=("wgan_lp", "lp"),
)


# --- DRAGAN (Kodali et al. 2017) ----------------------------------------------------------------
def perturb_real(real: torch.Tensor, c: float, noise: str) -> torch.Tensor:
    """x + δ with δ symmetric around 0, scaled by the batch's (population) std σ over all elements:
    uniform: δ = c·σ·U[−1, 1) elementwise; normal: δ = c·σ·N(0, 1)."""
    real = real.detach()
    scale = c * real.std(correction=0)
    if noise == "uniform":
        return real + scale * (2.0 * torch.rand_like(real) - 1.0)
    return real + scale * torch.randn_like(real)


def dragan_penalty(*, discriminator, real, fake, c: float = 0.5, noise: str = "uniform", k: float = 1.0):
    """E[(‖∇D(x + δ)‖ − k)²] on perturbations of *real* data only (``fake`` is unused); DRAGAN,
    Kodali et al. 2017 (arXiv 1705.07215), the *local* constraint around the data.

    ``real`` is (B, …) and δ has its shape (:func:`perturb_real`): centred, as in the paper, with
    σ the batch's std; ``noise="normal"`` is the paper's Gaussian form δ ~ c·σ·N(0, 1), and the
    default ``noise="uniform"``, ``c=0.5`` gives δ = σ·(U[0, 1) − ½), compare_gan's
    ``dragan_penalty`` (``compare_gan/gans/penalty_lib.py``; (‖∇‖ − 1)² at the noisy points, no
    interpolation).  The one-sided ``x + 0.5·σ·U[0, 1)`` of the authors' first code is not
    offered.  x + δ is not clipped to the data range (2-D points are unbounded).
    """
    perturbed = perturb_real(real, c, noise)
    return ((gradient_norm(discriminator, perturbed) - k) ** 2).mean()


def _dragan_validate(params: dict) -> None:
    check_positive(params, "c")
    check_positive(params, "k", allow_zero=True)
    if params.get("noise", "uniform") not in ("uniform", "normal"):
        raise ValueError(f"parameter 'noise' must be 'uniform' or 'normal'; got {params['noise']!r}")


REGULARIZERS.add(
    "dragan",
    Regularizer(
        dragan_penalty,
        formula="λ E[(‖∇D(x+δ)‖₂ - k)²], δ = c·std(x)·U[-1,1) (centred), c=0.5, k=1",
        paper="Kodali et al. 2017, On Convergence and Stability of GANs (arXiv 1705.07215)",
        default_weight=10.0,
        d_outputs=LOGIT_ONLY,
        validate=_dragan_validate,
    ),
)


# --- R1 / R2 (Mescheder, Geiger & Nowozin 2018, eq. 9-10) ---------------------------------------
def r1_penalty(*, discriminator, real, fake):
    """½ E_x ‖∇D(x)‖² on real data.  Convention: the ½ is inside, so ``weight = γ`` gives the
    paper's R1 = γ/2 · E‖∇D(x)‖²."""
    return 0.5 * squared_gradient_norm(discriminator, real).mean()


def r2_penalty(*, discriminator, real, fake):
    """½ E_z ‖∇D(G(z))‖² on generated data (detached); ``weight = γ`` as for R1."""
    return 0.5 * squared_gradient_norm(discriminator, fake).mean()


REGULARIZERS.add(
    "r1",
    Regularizer(
        r1_penalty,
        formula="γ/2 E_x ‖∇D(x)‖²  (penalty returns ½E‖∇D‖², weight = γ)",
        paper="Mescheder, Geiger & Nowozin 2018, Which Training Methods for GANs do actually Converge?",
        default_weight=10.0,
        d_outputs=LOGIT_ONLY,
    ),
)
REGULARIZERS.add(
    "r2",
    Regularizer(
        r2_penalty,
        formula="γ/2 E_z ‖∇D(G(z))‖²  (penalty returns ½E‖∇D‖², weight = γ)",
        paper="Mescheder, Geiger & Nowozin 2018, Which Training Methods for GANs do actually Converge?",
        default_weight=10.0,
        d_outputs=LOGIT_ONLY,
    ),
)
