"""What a metric sees: generated samples, the real-data reference, and lazily computed features."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

import numpy as np
import torch


@dataclass
class RealReference:
    """Everything about the real data a metric needs, computed once per sweep and cached.

    ``key`` holds what changes a metric's value (dataset, split, extractor, its hash, resolution,
    resize mode, real and generated sample counts, k of the k-NN metrics); all but the generated
    sample count form the cache key of the statistics.  For points data ``extractor`` is None
    and ``mixture`` holds the mode centres and standard deviation.
    """

    key: dict
    extractor: Optional[torch.nn.Module] = None
    features: Optional[np.ndarray] = None  # (N, D) float64
    mu: Optional[np.ndarray] = None
    sigma: Optional[np.ndarray] = None
    mixture: Optional[dict] = None  # {"centers": (M, 2) array, "std": float}
    radii: Optional[np.ndarray] = None  # (N,) k-NN radii of the real features (precision/density/coverage)
    images: Optional[torch.Tensor] = None  # real images in [−1, 1] for pixel metrics (swd)

    @property
    def feature_extractor(self) -> str:
        return self.key.get("feature_extractor", "none")

    @property
    def num_samples(self) -> int:
        """Number of generated samples every evaluation against this reference uses."""
        return int(self.key.get("num_samples", 0))

    @property
    def data_kind(self) -> str:
        return "points" if self.mixture is not None else "image"

    def row_fields(self) -> dict:
        """The columns every metric row carries: ``feature_extractor``, ``num_samples`` and the
        resolved settings of the real statistics that change metric values — ``resize_mode``
        (``"none"`` for native-resolution extractors), ``num_real`` and ``prdc_k`` (None for 2-D
        mixtures, whose reference is the analytic mode layout)."""
        return {"feature_extractor": self.feature_extractor, "num_samples": self.num_samples,
                "resize_mode": self.key.get("resize_mode"), "num_real": self.key.get("num_real"),
                "prdc_k": self.key.get("prdc_k")}


@dataclass
class EvalContext:
    """Generated samples (in [−1, 1] for images) plus the reference; features are computed once.
    ``discriminator`` is the trial's D when the caller has one (the Dirac-GAN's parameter-space
    metrics read it, :mod:`bench.metrics.equilibrium`); sample metrics never look at it."""

    samples: torch.Tensor
    reference: RealReference
    seed: int = 0
    batch_size: int = 500
    discriminator: Optional[torch.nn.Module] = None
    _cache: dict = field(default_factory=dict)

    @cached_property
    def rng(self) -> np.random.Generator:
        return np.random.default_rng(self.seed)

    def _extract(self) -> tuple[np.ndarray, Optional[np.ndarray]]:
        if "features" not in self._cache:
            self._cache["features"], self._cache["probs"] = extract(self.reference.extractor, self.samples, self.batch_size)
        return self._cache["features"], self._cache["probs"]

    @property
    def features(self) -> np.ndarray:
        return self._extract()[0]

    @property
    def probs(self) -> Optional[np.ndarray]:
        return self._extract()[1]

    @cached_property
    def points(self) -> np.ndarray:
        return self.samples.detach().cpu().double().numpy().reshape(self.samples.shape[0], -1)


@torch.inference_mode()
def extract(extractor: torch.nn.Module, images: torch.Tensor, batch_size: int = 500):
    """Run ``extractor`` (returning ``(features, probs)``) over ``images`` in batches → float64 numpy."""
    extractor.eval()
    device = next(extractor.parameters()).device
    feats, probs = [], []
    for start in range(0, images.shape[0], batch_size):
        f, p = extractor(images[start : start + batch_size].to(device))
        feats.append(f.double().cpu())
        if p is not None:
            probs.append(p.double().cpu())
    return torch.cat(feats).numpy(), (torch.cat(probs).numpy() if probs else None)
