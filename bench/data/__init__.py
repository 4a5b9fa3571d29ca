"""Datasets: one registry of name → loader, all usable offline.

``load_dataset(cfg)`` returns a :class:`Dataset` whose ``x`` is a float32 tensor in [−1, 1]
(images ``(N, C, H, W)`` at the configured resolution) or the raw points ``(N, d)`` (d = 2 for the
mixtures, 1 for the Dirac-GAN's point mass).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
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
        """Shape of one sample: (C, H, W) or (d,)."""
        return tuple(self.x.shape[1:])


@dataclass(frozen=True)
class DatasetEntry:
    """What the rest of bench knows about a dataset without loading it.

    ``load(**options)`` returns a :class:`Dataset`; its keyword parameters are the dataset's
    options (read from the signature, as a loss's parameters are).  ``channels`` is the image
    channel count (0 for points; a ``channels`` option of the loader overrides it),
    ``num_samples``/``num_real`` the default generated and real sample counts of an evaluation,
    ``extractor`` the feature extractor ``auto`` picks (``"auto"``: Inception when its weights
    are available, else bench's classifier when the data have labels), ``path_problem(folder)``
    says why a data folder cannot be read (or returns None), ``point_dim`` the dimension d of a
    points dataset's samples.
    """

    load: Callable[..., Dataset]
    kind: str
    description: str
    needs_path: bool = False
    default_resolution: int = 0
    channels: int = 0
    num_samples: int = 5000
    num_real: int = 10000
    extractor: str = "auto"
    path_problem: Optional[Callable[[Path], Optional[str]]] = None
    help: str = ""  # how to obtain the data, appended to path errors
    point_dim: int = 2

    def options(self) -> dict:
        """``{option: default}`` of the loader (``None``: required, e.g. ``path``)."""
        from bench.losses.base import keyword_defaults

        return keyword_defaults(self.load, ())

    def shape(self, cfg: dict) -> tuple[int, ...]:
        """Shape of one sample, (C, H, W) or (d,), under the ``dataset`` section ``cfg``."""
        if self.kind == "points":
            return (self.point_dim,)
        resolution = int(cfg.get("resolution") or self.default_resolution)
        return (int(cfg.get("channels") or self.channels), resolution, resolution)

    def describe(self) -> dict:
        return {"description": self.description, "kind": self.kind, "channels": self.channels,
                "default_resolution": self.default_resolution, "needs_path": self.needs_path,
                "num_samples": self.num_samples, "num_real": self.num_real if self.kind == "image" else None,
                "extractor": self.extractor if self.kind == "image" else None, "params": self.options()}


DATASETS: Registry[DatasetEntry] = Registry("dataset")

from bench.data import images as _images  # noqa: E402,F401  (fills DATASETS)
from bench.data import mixtures as _mixtures  # noqa: E402,F401
from bench.data import dirac as _dirac  # noqa: E402,F401


def sample_shape(cfg: dict) -> tuple[int, ...]:
    """Shape of one sample, (C, H, W) or (d,), from a ``dataset`` section without loading the data."""
    return DATASETS.get(cfg["name"]).shape(cfg)


def load_dataset(cfg: dict) -> Dataset:
    """Load the dataset described by a suite's ``dataset`` section (a plain dict)."""
    entry = DATASETS.get(cfg["name"])
    params = {k: v for k, v in cfg.items() if k != "name" and v is not None}
    return entry.load(**params)
