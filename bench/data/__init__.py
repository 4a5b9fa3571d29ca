"""Datasets: one registry of name → loader, all usable offline.

``load_dataset(cfg)`` returns a :class:`Dataset` whose ``x`` is a float32 tensor in [−1, 1]
(images ``(N, C, H, W)`` at the configured resolution) or the raw points ``(N, 2)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import torch

from bench.registry import Registry


@dataclass
class Dataset:
    name: str
    kind: str  # "image" or "points"
    x: torch.Tensor
    labels: Optional[torch.Tensor] = None
    num_classes: int = 0
    meta: dict = field(default_factory=dict)
    key: dict = field(default_factory=dict)  # what identifies the data, for cache keys

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of one sample: (C, H, W) or (2,)."""
        return tuple(self.x.shape[1:])


@dataclass(frozen=True)
class DatasetEntry:
    load: Callable[..., Dataset]
    kind: str
    description: str
    needs_path: bool = False
    default_resolution: int = 0


DATASETS: Registry[DatasetEntry] = Registry("dataset")

from bench.data import images as _images  # noqa: E402,F401  (fills DATASETS)
from bench.data import mixtures as _mixtures  # noqa: E402,F401


IMAGE_CHANNELS = {"digits": 1, "mnist5k": 1, "cifar10": 3}


def sample_shape(cfg: dict) -> tuple[int, ...]:
    """Shape of one sample, (C, H, W) or (2,), from a ``dataset`` section without loading the data."""
    entry = DATASETS.get(cfg["name"])
    if entry.kind == "points":
        return (2,)
    resolution = int(cfg.get("resolution") or entry.default_resolution)
    channels = int(cfg.get("channels") or IMAGE_CHANNELS.get(DATASETS.canonical(cfg["name"]), 3))
    return (channels, resolution, resolution)


def load_dataset(cfg: dict) -> Dataset:
    """Load the dataset described by a suite's ``dataset`` section (a plain dict)."""
    entry = DATASETS.get(cfg["name"])
    params = {k: v for k, v in cfg.items() if k != "name" and v is not None}
    return entry.load(**params)
