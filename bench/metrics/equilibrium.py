"""Distance to the Dirac-GAN's equilibrium, and the stability verdict of a trajectory.

Dirac-GAN (Mescheder, Geiger & Nowozin 2018, §2): data a point mass at x*, G(z) = θ, D(x) = ψ·x;
the unique equilibrium is θ = x*, ψ = 0.  The metrics read G's point from the generated samples
(θ = their mean; all samples are θ) and D's slope at the data from D itself, ψ = ∇ₓD(x*) (exact
for the linear D, and for any D the slope that must vanish at an equilibrium), so they need the
trained discriminator in the evaluation context:

* ``equilibrium_distance`` = √(‖θ − x*‖² + ‖ψ‖²), lower is better;
* ``dirac_theta``, ``dirac_psi``: θ and ψ of one-dimensional data (bench's sign: D high on real,
  ψ_bench = −ψ_paper), recorded for the (θ, ψ) trajectory, never ranked.

:func:`equilibrium_verdict` classifies a trajectory of distances r₁ … r_n (one per evaluation)
from its last quarter, relative to the first evaluation r₁ (see the function for the rule).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch

from bench.metrics import METRICS, Metric
from bench.store.schema import STATUS_DIVERGED

PAPER = "Mescheder, Geiger & Nowozin 2018, Which Training Methods for GANs do actually Converge? (§2, Dirac-GAN)"

TAIL_FRACTION = 0.25  # the verdict reads the last quarter of the evaluations
CONVERGED_RATIO = 1e-3  # converged: the tail stays within 1/1000 of the starting distance
CONTRACTING_RATIO = 0.5  # contracting: within half the starting distance, not yet converged
DIVERGED_RATIO = 10.0  # diverged: the tail reaches 10 × the starting distance
VERDICTS = ("converged", "contracting", "cycles", "diverged")


def data_point(ctx) -> np.ndarray:
    """x*: the single mode of a point-mass dataset (``dirac``); ``ValueError`` for other data."""
    mixture = ctx.reference.mixture
    if mixture is None or len(mixture["centers"]) != 1 or float(mixture["std"]) != 0.0:
        raise ValueError("the equilibrium metrics need point-mass data (one mode, std 0: the 'dirac' dataset)")
    return np.asarray(mixture["centers"][0], dtype=np.float64)


def discriminator_slope(ctx, point: np.ndarray) -> np.ndarray:
    """ψ = ∇ₓD(x) at ``point`` (float64, the data's shape), from the context's discriminator."""
    discriminator = ctx.discriminator
    if discriminator is None:
        raise ValueError("the equilibrium metrics need the trained discriminator in the evaluation context")
    device = next(discriminator.parameters()).device
    with torch.inference_mode(False), torch.enable_grad():
        x = torch.tensor(point[None], dtype=torch.float32, device=device, requires_grad=True)
        (grad,) = torch.autograd.grad(discriminator(x).sum(), x)
    return grad[0].detach().cpu().double().numpy()


def _theta_psi(ctx) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    point = data_point(ctx)
    return ctx.points.mean(axis=0), discriminator_slope(ctx, point), point


def equilibrium_distance(ctx) -> float:
    """√(‖θ − x*‖² + ‖ψ‖²) with θ the generated point and ψ = ∇ₓD(x*)."""
    theta, psi, point = _theta_psi(ctx)
    return float(np.sqrt(((theta - point) ** 2).sum() + (psi**2).sum()))


def _scalar(values: np.ndarray, name: str) -> float:
    if values.size != 1:
        raise ValueError(f"{name} is defined for one-dimensional data; got {values.size} dimensions")
    return float(values.reshape(()))


def dirac_theta(ctx) -> float:
    return _scalar(_theta_psi(ctx)[0], "dirac_theta")


def dirac_psi(ctx) -> float:
    return _scalar(_theta_psi(ctx)[1], "dirac_psi")


def equilibrium_verdict(distances: Sequence[float], status: str = "ok") -> str:
    """``converged`` / ``contracting`` / ``cycles`` / ``diverged`` for distances r₁ … r_n to the
    equilibrium, one per evaluation in step order.

    With r_ref = r₁ and T the last ⌈n/4⌉ evaluations: *diverged* if the trial's ``status`` is
    ``diverged``, any r is non-finite, or max_T r > 10·r_ref; *converged* if max_T r ≤ 10⁻³·r_ref;
    *contracting* if max_T r < ½·r_ref (closer, but not converged within the budget); otherwise
    *cycles* (the iterates stay at a distance comparable to where they started).
    """
    r = np.asarray(distances, dtype=np.float64)
    if r.size == 0:
        raise ValueError("no evaluations to judge")
    if status == STATUS_DIVERGED or not np.isfinite(r).all():
        return STATUS_DIVERGED
    reference = r[0]
    tail_max = r[-math.ceil(r.size * TAIL_FRACTION):].max()
    if tail_max > DIVERGED_RATIO * reference:
        return STATUS_DIVERGED
    if tail_max <= CONVERGED_RATIO * reference:
        return "converged"
    return "contracting" if tail_max < CONTRACTING_RATIO * reference else "cycles"


METRICS.add("equilibrium_distance", Metric(
    equilibrium_distance, False, "points", "Dirac-GAN: √(‖θ − x*‖² + ‖∇D(x*)‖²), distance to the equilibrium", PAPER))
METRICS.add("dirac_theta", Metric(dirac_theta, None, "points", "Dirac-GAN: G's point θ (1-D data)", PAPER))
METRICS.add("dirac_psi", Metric(
    dirac_psi, None, "points", "Dirac-GAN: D's slope ψ = ∇D(x*) (1-D data; D high on real)", PAPER))
