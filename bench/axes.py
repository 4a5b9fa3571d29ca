"""The axes of bench, each one registry: name → (module, registry attribute, the columns
``bench list`` shows).  A plugin adds to any of them with the registry's own ``add``/``register``."""

from __future__ import annotations

import importlib

from bench.registry import Registry

AXES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "losses": ("bench.losses", "LOSSES", ("d_output", "params", "formula", "paper")),
    "regularizers": ("bench.regularizers", "REGULARIZERS", ("default_weight", "params", "formula", "paper")),
    "metrics": ("bench.metrics", "METRICS", ("direction", "data_kind", "description", "paper")),
    "datasets": ("bench.data", "DATASETS", ("kind", "channels", "default_resolution", "num_samples", "extractor",
                                             "params", "description")),
    "spaces": ("bench.arch.space", "SPACES", ("family", "combinations", "description", "paper")),
    "families": ("bench.arch.family", "FAMILIES", ("data_kind", "knobs")),
    "extractors": ("bench.metrics.features", "FEATURE_EXTRACTORS", ("class_probabilities", "description")),
    "optimizers": ("bench.train.optim", "OPTIMIZERS", ("params", "description", "paper")),
}


def registry(axis: str) -> Registry:
    """The registry of ``axis`` (a key of :data:`AXES`)."""
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}; valid: {', '.join(AXES)}")
    module, attribute, _ = AXES[axis]
    return getattr(importlib.import_module(module), attribute)


def describe(axis: str) -> list[dict]:
    """Every entry of ``axis`` as plain data (:meth:`bench.registry.Registry.describe`), in registration order."""
    reg = registry(axis)
    return [reg.describe(name) for name in reg.names()]
