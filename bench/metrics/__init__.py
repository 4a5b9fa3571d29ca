"""Metrics: one registry of name → :class:`Metric`.

A metric is a function of an :class:`~bench.metrics.context.EvalContext` (generated samples, the
cached real-data reference, features computed lazily and shared between metrics) returning a
float.  Registration says whether higher is better, which data kind it applies to and, for
pixel metrics, the smallest image side they are defined at (checked when a suite is validated).

A diagnostic whose good value is a target rather than an end of the scale (``variance_ratio``,
≈ 1 for a faithful generator, → 0 under collapse, > 1 when over-dispersed) registers
``higher_is_better=None``: it is recorded in every row and shown in the report, but never ranked,
searched on, or used as a trial's summary metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from bench.registry import Registry


@dataclass(frozen=True)
class Metric:
    compute: Callable[..., float]
    higher_is_better: Optional[bool]  # None: a diagnostic with a target value, never ranked
    data_kind: str  # "image" or "points"
    description: str
    reference: str
    min_resolution: int = 0  # smallest image side (pixels) the metric is defined at; 0: any

    @property
    def ranked(self) -> bool:
        """True when the metric has a direction (lower or higher is better)."""
        return self.higher_is_better is not None

    def describe(self) -> dict:
        direction = {True: "higher", False: "lower", None: "target (not ranked)"}[self.higher_is_better]
        return {"description": self.description, "paper": self.reference, "direction": direction,
                "data_kind": self.data_kind, "min_resolution": self.min_resolution}


METRICS: Registry[Metric] = Registry("metric")

# Importing the modules fills the registry.
from bench.metrics import image as _image  # noqa: E402,F401
from bench.metrics import mixture as _mixture  # noqa: E402,F401
from bench.metrics import equilibrium as _equilibrium  # noqa: E402,F401


def ranked_metrics(names: list[str]) -> list[str]:
    """The metrics among ``names`` that have a direction, in order (see the module doc)."""
    return [name for name in names if METRICS.get(name).ranked]


def default_metrics(data_kind: str) -> list[str]:
    """The metrics a suite gets when it lists none (see :data:`bench.metrics.evaluate.DEFAULT_METRICS`)."""
    from bench.metrics.evaluate import DEFAULT_METRICS

    return list(DEFAULT_METRICS[data_kind])
