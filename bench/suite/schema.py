"""The suite schema: one pydantic model per YAML section, unknown keys rejected.

Types are strict: ``steps: "800"``, ``steps: true`` or ``seeds: ["0"]`` are errors, not silently
converted; an integer is accepted where a float is expected (``gpu: 1``).  Registry names
(datasets, losses, regularizers, metrics) are checked at their fields, so a typo fails at the edge
with the list of valid names.  Paths are checked by :mod:`bench.suite.load`, which knows the suite
file's directory.  The sections live in modules by job: :mod:`~bench.suite.dataset`,
:mod:`~bench.suite.method` (loss, regularizer, augment), :mod:`~bench.suite.optimizer`,
:mod:`~bench.suite.settings` (training, evaluation, resources), :mod:`~bench.suite.search`,
:mod:`~bench.suite.tracking`; this module holds the architectures section and the whole suite,
with the checks that span sections.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Optional

from pydantic import Field, field_validator, model_validator

from bench.methods import head_problem, pair_problem
from bench.suite.bounds import at_most
from bench.suite.dataset import DatasetCfg
from bench.suite.method import LossCfg, MethodCfg, RegularizerCfg
from bench.suite.optimizer import OptimizerCfg
from bench.suite.search import SearchCfg
from bench.suite.section import Section, named
from bench.suite.settings import EvaluationCfg, ResourcesCfg, TrainingCfg
from bench.suite.tracking import TrackingCfg


class ArchitecturesCfg(Section):
    """Either a frozen catalogue (``catalogue``, optional ``ids`` or ``first``) or a sample from a
    declared space (``space``, ``n``, ``seed``, optional ``knobs`` overriding choices)."""

    catalogue: Optional[str] = None
    ids: Optional[list[str]] = None
    first: Optional[int] = Field(None, ge=1)
    space: Optional[str] = None
    n: Optional[Annotated[int, at_most("architectures.n")]] = Field(None, ge=1)
    seed: int = 0
    knobs: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self):
        if (self.catalogue is None) == (self.space is None):
            raise ValueError("give exactly one of `catalogue` (a JSON-lines file) or `space` (with `n`, `seed`)")
        if self.catalogue is not None and (self.n is not None or self.knobs):
            raise ValueError("`n` and `knobs` apply to `space`, not to `catalogue`")
        if self.space is not None and (self.ids is not None or self.first is not None):
            raise ValueError("`ids` and `first` apply to `catalogue`, not to `space`")
        if self.space is not None and self.n is None:
            raise ValueError("`space` needs `n`, the number of architectures to sample")
        return self


NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Suite(Section):
    name: str
    version: str
    description: str = ""
    dataset: DatasetCfg
    architectures: ArchitecturesCfg
    losses: Optional[list[LossCfg]] = None
    regularizers: Optional[list[RegularizerCfg]] = None
    methods: Optional[list[MethodCfg]] = None
    optimizer: list[OptimizerCfg] = Field(default_factory=lambda: [OptimizerCfg()], min_length=1)
    training: TrainingCfg
    evaluation: EvaluationCfg
    seeds: list[int] = Field(default_factory=lambda: [0], min_length=1)
    resources: ResourcesCfg = ResourcesCfg()
    retries: Annotated[int, at_most("retries")] = Field(2, ge=0, description="retries of a trial that raises before it is recorded as error")
    results: Optional[str] = None
    search: Optional[SearchCfg] = Field(None, description="hyperparameter search per grid cell (bench.suite.search)")
    plugins: list[str] = Field(default_factory=list, description="plugin files, folders or modules (bench.plugins); "
                               "imported before the rest is validated")
    tracking: TrackingCfg = Field(TrackingCfg(), description="live tracking besides TensorBoard (bench.sweep.tracking)")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        """An integer (``version: 1``) is text without loss; a float is not (``1.10`` reads as 1.1)."""
        if isinstance(value, float) or isinstance(value, bool):
            raise ValueError('quote the version, e.g. version: "1.10" (a YAML number loses digits: 1.10 reads as 1.1)')
        return str(value) if isinstance(value, int) else value

    @field_validator("name")
    @classmethod
    def _name_ok(cls, name: str) -> str:
        if not NAME_PATTERN.match(name):
            raise ValueError("use letters, digits, '_', '.', '-' (it names the results folder)")
        return name

    @field_validator("optimizer", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value

    @field_validator("losses", "regularizers", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return [named(v) for v in value] if isinstance(value, list) else value

    @field_validator("seeds")
    @classmethod
    def _unique_seeds(cls, seeds: list[int]) -> list[int]:
        if len(set(seeds)) != len(seeds):
            raise ValueError(f"seeds repeat: {seeds}")
        return seeds

    @model_validator(mode="after")
    def _methods_given_once(self):
        if self.methods is not None and (self.losses is not None or self.regularizers is not None):
            raise ValueError("give either `methods` or `losses` (× `regularizers`), not both")
        if self.methods is None and not self.losses:
            raise ValueError("give `losses` (and optionally `regularizers`) or `methods`")
        if self.dataset.kind != "image" and any(m.augment for m in self.methods or []):
            raise ValueError(f"`augment` (DiffAugment) transforms images; dataset {self.dataset.name!r} is "
                             f"{self.dataset.kind}: remove `augment` from its methods")
        if self.methods is None:
            problems = {pair_problem(loss.name, reg.name) for loss in self.losses for reg in self.regularizers or []}
            problems.discard(None)
            if problems:
                raise ValueError("losses × regularizers has pairs that make no sense: " + "; ".join(sorted(problems))
                                 + ". Use `methods:` to list the pairs you want")
        tricks = {head_problem(m.regularizer.name, self.dataset.name, self.dataset.kind, self.training.pac or 1)
                  for m in self.method_list()} - {None}
        if tricks:
            raise ValueError("; ".join(sorted(tricks)))
        return self

    def method_list(self) -> list[MethodCfg]:
        if self.methods is not None:
            return list(self.methods)
        regs = self.regularizers or [RegularizerCfg(name="none")]
        return [MethodCfg(loss=loss, regularizer=reg) for loss in self.losses for reg in regs]
