"""``dirac``: the Dirac-GAN's data (Mescheder, Geiger & Nowozin 2018, Definition 2.1), a point mass
at 0 in R^1.

Every sample is exactly 0, so a training batch carries no sampling noise and bench's losses and
penalties see the paper's closed-form objective.  For the metrics the distribution is a mixture
with one mode at 0 and standard deviation 0 (``meta``), which is what it is.
"""

from __future__ import annotations

import numpy as np
import torch

from bench.data import DATASETS, Dataset, DatasetEntry


def load_dirac(size: int = 1000) -> Dataset:
    """``size`` copies of the point 0 ∈ R^1, shape (size, 1)."""
    if type(size) is not int or size < 1:
        raise ValueError(f"'size' must be a positive integer; got {size!r}")
    return Dataset("dirac", "points", torch.zeros(size, 1), meta={"centers": np.zeros((1, 1)), "std": 0.0},
                   key={"name": "dirac", "size": size})


DATASETS.add("dirac", DatasetEntry(load_dirac, "points", "point mass at 0 in R^1 (the Dirac-GAN's data)",
                                   num_samples=1, point_dim=1))
