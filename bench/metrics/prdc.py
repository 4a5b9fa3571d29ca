"""Precision/recall (Kynkäänniemi et al. 2019) and density/coverage (Naeem et al. 2020) on
features, with k-nearest-neighbour balls (default k = 5, the prdc package's recommendation).

Notation: real features Rᵢ (i = 1…N), fake features Fⱼ (j = 1…M), NN_k(x, S) the distance from x
to its k-th nearest neighbour in S \\ {x}, B(x, r) the open ball.

- precision = (1/M) Σⱼ 1[∃i: Fⱼ ∈ B(Rᵢ, NN_k(Rᵢ, R))]
- recall    = (1/N) Σᵢ 1[∃j: Rᵢ ∈ B(Fⱼ, NN_k(Fⱼ, F))]
- density   = (1/(kM)) Σⱼ Σᵢ 1[Fⱼ ∈ B(Rᵢ, NN_k(Rᵢ, R))]
- coverage  = (1/N) Σᵢ 1[minⱼ ‖Rᵢ − Fⱼ‖ < NN_k(Rᵢ, R)]

Identical to the ``prdc`` package's ``compute_prdc`` (strict '<', radius = (k+1)-th smallest
distance including the point itself), computed in row chunks so memory stays O(chunk · M).
The values depend on N, M and k, which are part of the reference key.
"""

from __future__ import annotations

import numpy as np

DEFAULT_K = 5


def pairwise_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances (len(a), len(b)) in float64, clipped at 0 against round-off."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    return np.sqrt(np.clip(sq, 0.0, None))


def knn_radii(features: np.ndarray, k: int = DEFAULT_K, chunk: int = 2048) -> np.ndarray:
    """Distance of every point to its k-th nearest neighbour in the same set (self excluded)."""
    feats = np.asarray(features, np.float64)
    if len(feats) <= k:
        raise ValueError(f"k-NN radii need more than k={k} points, got {len(feats)}")
    out = np.empty(len(feats))
    for start in range(0, len(feats), chunk):
        d = pairwise_distances(feats[start : start + chunk], feats)
        out[start : start + chunk] = np.partition(d, k, axis=1)[:, k]
    return out


def prdc(real: np.ndarray, fake: np.ndarray, k: int = DEFAULT_K, *, real_radii: np.ndarray | None = None,
         chunk: int = 2048) -> dict[str, float]:
    """Precision, recall, density and coverage of ``fake`` against ``real`` (see module doc).
    ``real_radii`` may be passed precomputed (the reference caches them)."""
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    r_rad = knn_radii(real, k, chunk) if real_radii is None else np.asarray(real_radii, np.float64)
    f_rad = knn_radii(fake, k, chunk)
    in_real_ball_any = np.zeros(len(fake), dtype=bool)
    in_real_ball_count = np.zeros(len(fake))
    recalled = np.empty(len(real), dtype=bool)
    covered = np.empty(len(real), dtype=bool)
    for start in range(0, len(real), chunk):
        d = pairwise_distances(real[start : start + chunk], fake)  # (chunk, M)
        inside = d < r_rad[start : start + chunk, None]
        in_real_ball_any |= inside.any(axis=0)
        in_real_ball_count += inside.sum(axis=0)
        recalled[start : start + chunk] = (d < f_rad[None, :]).any(axis=1)
        covered[start : start + chunk] = d.min(axis=1) < r_rad[start : start + chunk]
    return {
        "precision": float(in_real_ball_any.mean()),
        "recall": float(recalled.mean()),
        "density": float(in_real_ball_count.mean() / k),
        "coverage": float(covered.mean()),
    }
