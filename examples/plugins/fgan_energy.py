"""A bench plugin: the Pearson χ² f-GAN loss and the energy distance, two methods bench lacks.

Use it from a suite (``plugins: [fgan_energy.py]``) or the command line
(``bench validate SUITE --plugin examples/plugins/fgan_energy.py``); see docs/plugins.md.

**Loss** ``pearson_chi2`` — f-GAN (Nowozin, Cseke & Tomioka 2016, *f-GAN: Training Generative
Neural Samplers using Variational Divergence Minimization*, arXiv 1606.00709, eq. 6 and Table 2).
D estimates the variational lower bound of an f-divergence,
``F(T) = E_P[g_f(V(x))] − E_Q[f*(g_f(V(x)))]``; for the Pearson χ² divergence the output
activation is ``g_f(v) = v`` and the Fenchel conjugate ``f*(t) = t²/4 + t``, so with
``d_r = V(x)``, ``d_f = V(G(z))`` (logits, shape (B,)):

    L_D = −E d_r + E (d_f²/4 + d_f)        (D maximises F)
    L_G = −E d_f                           (the paper's §3.2 alternative G step, as in NS-GAN)

**Metric** ``energy`` (images: on the extractor's features) and ``energy_points`` (2-D points) —
the energy distance (Székely & Rizzo 2013, *Energy statistics: A class of statistics based on
distances*, J. Stat. Planning and Inference 143(8)):

    E(X, Y) = 2 E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ ≥ 0,   = 0 iff X and Y have one distribution,

estimated with V-statistics on at most ``MAX_SAMPLES`` of each set; lower is better.  For
points the real sample is drawn from the mixture (its centres and std) with a fixed seed, so the
value depends on the generated points only.
"""

from __future__ import annotations

import numpy as np
import torch

from bench.losses import LOSSES, Loss
from bench.metrics import METRICS, Metric

__version__ = "1.0"

MAX_SAMPLES = 2000
REAL_POINTS_SEED = 0


def pearson_d(*, d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    return -d_real.mean() + (d_fake.pow(2) / 4 + d_fake).mean()


def pearson_g(*, d_real, d_fake: torch.Tensor) -> torch.Tensor:
    return -d_fake.mean()


LOSSES.add("pearson_chi2", Loss(
    pearson_d, pearson_g,
    formula="L_D = -E d_r + E (d_f²/4 + d_f); L_G = -E d_f  (f* (t) = t²/4 + t, g_f(v) = v)",
    paper="Nowozin, Cseke & Tomioka 2016, f-GAN (arXiv 1606.00709), Pearson χ², Table 2"))


def mean_distance(a: np.ndarray, b: np.ndarray) -> float:
    """E‖a − b‖ over all pairs of rows of ``a`` (n, d) and ``b`` (m, d), in float64."""
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return float(np.sqrt(np.maximum(sq, 0.0)).mean())


def energy_distance(x: np.ndarray, y: np.ndarray) -> float:
    """2 E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ (V-statistics) of the samples ``x`` (n, d) and ``y`` (m, d)."""
    x, y = np.asarray(x, np.float64)[:MAX_SAMPLES], np.asarray(y, np.float64)[:MAX_SAMPLES]
    return 2.0 * mean_distance(x, y) - mean_distance(x, x) - mean_distance(y, y)


def energy_features(ctx) -> float:
    return energy_distance(ctx.features, ctx.reference.features)


def energy_points(ctx) -> float:
    mixture = ctx.reference.mixture
    centers = np.asarray(mixture["centers"], np.float64)
    rng = np.random.default_rng(REAL_POINTS_SEED)
    n = min(len(ctx.points), MAX_SAMPLES)
    real = centers[rng.integers(0, len(centers), n)] + mixture["std"] * rng.standard_normal((n, centers.shape[1]))
    return energy_distance(ctx.points, real)


METRICS.add("energy", Metric(energy_features, False, "image", "energy distance of generated and real features",
                             "Székely & Rizzo 2013, Energy statistics"))
METRICS.add("energy_points", Metric(energy_points, False, "points", "energy distance of generated and real points",
                                    "Székely & Rizzo 2013, Energy statistics"))
