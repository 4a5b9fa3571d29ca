"""Metrics for 2-D Gaussian mixtures (PacGAN / VEEGAN protocol).

A generated point is *high quality* if it lies within 3 standard deviations of its nearest mode;
a mode is *covered* if it is the nearest mode of at least one high-quality point.
``mode_kl`` is KL(p ‖ u) = Σₘ pₘ log(M pₘ) (0 log 0 = 0) between the histogram p of the
high-quality points over their nearest modes and the uniform distribution u over the M modes:
0 when the high-quality samples are spread evenly, log M when they all sit on one mode, NaN when
no sample is high quality (the histogram is undefined; ``hq_fraction`` is then 0).
"""

from __future__ import annotations

import numpy as np

from bench.metrics import METRICS, Metric


def _nearest(ctx):
    centers = np.asarray(ctx.reference.mixture["centers"], dtype=np.float64)
    dist = np.linalg.norm(ctx.points[:, None, :] - centers[None, :, :], axis=2)
    nearest = dist.argmin(axis=1)
    high_quality = dist[np.arange(len(nearest)), nearest] <= 3.0 * ctx.reference.mixture["std"]
    return nearest, high_quality, len(centers)


def modes_covered(ctx) -> float:
    nearest, hq, _ = _nearest(ctx)
    return float(len(np.unique(nearest[hq])))


def hq_fraction(ctx) -> float:
    _, hq, _ = _nearest(ctx)
    return float(hq.mean())


def mode_kl(ctx) -> float:
    nearest, hq, n_modes = _nearest(ctx)
    if not hq.any():
        return float("nan")
    p = np.bincount(nearest[hq], minlength=n_modes) / hq.sum()
    nz = p > 0
    return float((p[nz] * np.log(n_modes * p[nz])).sum())


METRICS.add("modes", Metric(modes_covered, True, "points", "modes with ≥1 high-quality sample", "Srivastava et al. 2017 (VEEGAN)"))
METRICS.add("hq_fraction", Metric(hq_fraction, True, "points", "fraction of samples within 3σ of a mode", "Srivastava et al. 2017 (VEEGAN)"))
METRICS.add("mode_kl", Metric(mode_kl, False, "points", "KL(mode histogram of high-quality samples || uniform)", "Lin et al. 2018 (PacGAN)"))
