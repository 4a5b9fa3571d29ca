"""2-D Gaussian mixtures with the standard constants of the mode-collapse literature
(PacGAN's code, VEEGAN's protocol):

- ``ring8``: 8 modes at (cos 2πk/8, sin 2πk/8), std 0.01;
- ``grid25``: 25 modes at {−4, −2, 0, 2, 4}², std 0.05.

Points are drawn with equal mode probabilities from a seeded generator (``size`` points, default
100,000), so the training pool is the same for every trial.
"""

from __future__ import annotations

import numpy as np
import torch

from bench.data import DATASETS, Dataset, DatasetEntry


def ring_centers(n_modes: int = 8, radius: float = 1.0) -> np.ndarray:
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def grid_centers(side: int = 5, spacing: float = 2.0) -> np.ndarray:
    coords = (np.arange(side) - (side - 1) / 2) * spacing
    return np.array([(x, y) for x in coords for y in coords], dtype=np.float64)


def sample_mixture(centers: np.ndarray, std: float, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(centers), size=size)
    points = centers[labels] + std * rng.standard_normal((size, centers.shape[1]))
    return points, labels


def _mixture(name: str, centers: np.ndarray, std: float, size: int, seed: int) -> Dataset:
    points, labels = sample_mixture(centers, std, size, seed)
    return Dataset(name, "points", torch.as_tensor(points, dtype=torch.float32), torch.as_tensor(labels), len(centers),
                   meta={"centers": centers, "std": std},
                   key={"name": name, "size": size, "seed": seed, "std": std})


def load_ring8(size: int = 100_000, seed: int = 0) -> Dataset:
    return _mixture("ring8", ring_centers(8), 0.01, size, seed)


def load_grid25(size: int = 100_000, seed: int = 0) -> Dataset:
    return _mixture("grid25", grid_centers(5), 0.05, size, seed)


DATASETS.add("ring8", DatasetEntry(load_ring8, "points", "8 Gaussians on the unit circle, std 0.01", num_samples=2500))
DATASETS.add("grid25", DatasetEntry(load_grid25, "points", "25 Gaussians on {-4,-2,0,2,4}², std 0.05", num_samples=2500))
