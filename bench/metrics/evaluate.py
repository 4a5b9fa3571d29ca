"""Run registered metrics on generated samples against a :class:`RealReference`.

One :class:`EvalContext` per call, so the extractor runs once however many metrics read its
features.  Non-finite samples (a diverged generator) give NaN for every metric: divergence is a
recorded outcome, not a crash.
"""

from __future__ import annotations

import math

import torch

from bench.metrics import METRICS
from bench.metrics.context import EvalContext, RealReference

DEFAULT_METRICS = {
    "image": ["fid", "kid", "is", "precision", "recall", "density", "coverage", "variance_ratio",
              "top_class_fraction"],
    "points": ["modes", "hq_fraction", "mode_kl"],
}


def metrics_for(data_kind: str) -> list[str]:
    """All registered metric names that apply to ``data_kind`` ("image" or "points")."""
    return [name for name, metric in METRICS.items() if metric.data_kind == data_kind]


def check_metrics(names: list[str], data_kind: str, resolution: int | None = None) -> None:
    """Raise ValueError naming the valid metrics when any of ``names`` is unknown or does not
    apply to ``data_kind``, or when ``resolution`` (image side in pixels) is below a metric's
    ``min_resolution``."""
    if data_kind not in DEFAULT_METRICS:
        raise ValueError(f"unknown data kind {data_kind!r}; valid: {', '.join(DEFAULT_METRICS)}")
    valid = metrics_for(data_kind)
    bad = [name for name in names if name not in valid]
    if bad:
        raise ValueError(f"metric(s) {', '.join(map(repr, bad))} not available for {data_kind} data; "
                         f"valid: {', '.join(valid)}")
    if resolution is None:
        return
    small = [name for name in names if resolution < METRICS.get(name).min_resolution]
    if small:
        needs = ", ".join(f"{name!r} needs ≥ {METRICS.get(name).min_resolution}" for name in small)
        raise ValueError(f"images of {resolution}×{resolution} pixels are too small: {needs}")


def evaluate(samples: torch.Tensor, reference: RealReference, metrics: list[str], *, seed: int,
             discriminator: torch.nn.Module | None = None) -> dict[str, float]:
    """``{metric name: value}`` for generated ``samples`` ((N, C, H, W) in [−1, 1] or (N, d)).

    ``N`` must equal ``reference.num_samples`` (the count written to every row); ``seed`` drives
    every random choice inside the metrics (KID subsets, SWD patches and directions);
    ``discriminator`` is the trial's D, for the metrics that read it (``equilibrium_distance``)."""
    check_metrics(metrics, reference.data_kind, samples.shape[-1] if samples.ndim == 4 else None)
    if reference.num_samples and samples.shape[0] != reference.num_samples:
        raise ValueError(f"got {samples.shape[0]} samples, the reference is for num_samples={reference.num_samples}")
    samples = samples.detach().cpu().float()
    if not torch.isfinite(samples).all():
        return {name: math.nan for name in metrics}
    ctx = EvalContext(samples, reference, seed=seed, discriminator=discriminator)
    return {name: float(METRICS.get(name).compute(ctx)) for name in metrics}
