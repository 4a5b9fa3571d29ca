"""The suite schema: one pydantic model per YAML section, unknown keys rejected.

Types are strict: ``steps: "800"``, ``steps: true`` or ``seeds: ["0"]`` are errors, not silently
converted; an integer is accepted where a float is expected (``gpu: 1``).  Registry names (datasets, losses, regularizers, metrics) are checked here, so a typo fails at
the edge with the list of valid names.  Paths are checked by :mod:`bench.suite.load`, which
knows the suite file's directory.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bench.data import DATASETS
from bench.diffaugment import check_policy
from bench.losses import LOSSES
from bench.methods import check_params, head_problem, pair_problem
from bench.regularizers import REGULARIZERS
from bench.suite.optimizer import OptimizerCfg
from bench.suite.bounds import at_most
from bench.suite.search import SearchCfg
from bench.suite.tracking import TrackingCfg


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def _registered(registry, name: str) -> str:
    try:
        return registry.canonical(name)
    except KeyError as exc:
        raise ValueError(str(exc)) from None


def _named(value: Any) -> Any:
    """Shorthand: a bare string ``ns`` means ``{name: ns}``."""
    return {"name": value} if isinstance(value, str) else value


class DatasetCfg(Section):
    name: str
    resolution: Optional[int] = Field(None, ge=4, le=1024)
    path: Optional[str] = None
    download: bool = False
    channels: Optional[Literal[1, 3]] = None
    train: Optional[bool] = None
    size: Optional[Annotated[int, at_most("dataset.size")]] = Field(None, ge=100)

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        return _registered(DATASETS, name)

    @field_validator("channels", mode="before")
    @classmethod
    def _not_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):  # True == 1 would pass the Literal
            raise ValueError("Input should be 1 or 3")
        return value

    @model_validator(mode="after")
    def _fits(self):
        entry = DATASETS.get(self.name)
        if entry.needs_path and not self.path:
            raise ValueError(f"dataset {self.name!r} needs `path:` ({entry.description})")
        if not entry.needs_path and self.path is not None:
            readers = ", ".join(n for n in DATASETS.names() if DATASETS.get(n).needs_path)
            raise ValueError(f"dataset {self.name!r} is embedded and takes no `path:` (only {readers} read one)")
        if entry.kind == "points" and self.resolution is not None:
            raise ValueError(f"dataset {self.name!r} is 2-D points: `resolution` does not apply")
        for option in ("download", "channels", "train", "size"):
            if getattr(self, option) not in (None, False) and option not in entry.options():
                takers = [n for n in DATASETS.names() if option in DATASETS.get(n).options()]
                raise ValueError(f"`{option}` applies to {', '.join(takers) or 'no dataset'} only "
                                 f"(dataset {self.name!r} takes {', '.join(entry.options()) or 'no options'})")
        return self

    @property
    def kind(self) -> str:
        return DATASETS.get(self.name).kind

    def loader_args(self) -> dict:
        entry = DATASETS.get(self.name)
        args = self.model_dump(exclude_none=True, exclude=set() if "download" in entry.options() else {"download"})
        if entry.kind == "image" and "resolution" not in args:
            args["resolution"] = entry.default_resolution
        return args


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


class LossCfg(Section):
    name: str
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        return _registered(LOSSES, name)

    @model_validator(mode="after")
    def _params_ok(self):
        check_params("loss", self.name, self.params)
        return self


class RegularizerCfg(Section):
    name: str
    weight: Optional[float] = Field(None, ge=0)
    every: int = Field(1, ge=1)
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        return _registered(REGULARIZERS, name)

    @model_validator(mode="after")
    def _params_ok(self):
        check_params("regularizer", self.name, self.params)
        entry = REGULARIZERS.get(self.name)
        if entry.auxiliary is not None and self.every != 1:
            raise ValueError(f"regularizer {self.name!r} adds its head's terms on every step; `every` does not apply")
        if not entry.weighted:  # none, clip: nothing to weight or to make lazy
            given = [f"{k}: {getattr(self, k)}" for k, unset in (("weight", 0.0), ("every", 1))
                     if k in self.model_fields_set and getattr(self, k) not in (None, unset)]
            if given:
                raise ValueError(f"regularizer {self.name!r} adds no penalty to D's loss, so {', '.join(given)} "
                                 f"would do nothing; remove it" + (" (the clip value goes in params: {c: ...})"
                                                                   if self.name == "clip" else ""))
        return self

    @property
    def resolved_weight(self) -> float:
        return REGULARIZERS.get(self.name).default_weight if self.weight is None else self.weight


class MethodCfg(Section):
    loss: LossCfg
    regularizer: RegularizerCfg = RegularizerCfg(name="none")
    augment: list[str] = Field(default_factory=list, description="DiffAugment policy, e.g. [translation, cutout]")

    _shorthand = field_validator("loss", "regularizer", mode="before")(lambda v: _named(v))

    @field_validator("augment")
    @classmethod
    def _known_augment(cls, policy: list[str]) -> list[str]:
        return list(check_policy(policy))

    @model_validator(mode="after")
    def _pair_ok(self):
        problem = pair_problem(self.loss.name, self.regularizer.name)
        if problem:
            raise ValueError(problem)
        return self




class FailAtCfg(Section):
    """A test hook: trials (all, or those with one of ``seeds``) raise on reaching ``step``."""

    step: int = Field(..., ge=1)
    seeds: Optional[list[int]] = None


class TrainingCfg(Section):
    steps: Annotated[int, at_most("training.steps")] = Field(..., ge=1, description="generator updates")
    batch_size: Annotated[int, at_most("training.batch_size")] = Field(64, ge=1)
    ema: float = Field(0.0, ge=0, lt=1, description="EMA decay of G's weights; 0 disables")
    log_every: int = Field(100, ge=1)
    divergence_threshold: float = Field(1e6, gt=0, description="|loss| above this counts as diverged")
    pac: Optional[int] = Field(None, ge=1, le=64, description="PacGAN: D judges packs of m samples; default 1 (off)")
    checkpoint_every: Optional[int] = Field(None, ge=1, description="G steps between checkpoints; default: every evaluation")
    fail_at: Optional[FailAtCfg] = Field(None, description="for testing only: trials raise on purpose at a step")


class EvaluationCfg(Section):
    every: int = Field(..., ge=1)
    num_samples: Optional[Annotated[int, at_most("evaluation.num_samples")]] = Field(None, ge=10, description="generated samples per evaluation; default sized for the dataset")
    num_real: Optional[Annotated[int, at_most("evaluation.num_real")]] = Field(None, ge=10, description="real samples of the cached statistics")
    metrics: Optional[list[str]] = None
    feature_extractor: str = Field("auto", description="auto | classifier[:<dataset>] | inception[:fid-helper|:clean-fid]")
    inception_path: Optional[str] = Field(None, description="a FID Inception TorchScript file (clean-fid's inception-2015-12-05.pt)")
    resize_mode: Optional[Literal["tf-bilinear", "clean"]] = None
    prdc_k: Optional[int] = Field(None, ge=1, description="k of the k-NN manifolds (precision/recall/density/coverage)")
    samples: int = Field(64, ge=0, le=1024, description="images in the sample grid saved at every evaluation "
                         "(2-D data: any value above 0 saves the scatter of the evaluation's points); 0: none. "
                         "Not part of trial ids: it changes no number")


class ResourcesCfg(Section):
    cpu: float = Field(1.0, gt=0)
    gpu: float = Field(0.0, ge=0, description="a fraction below 1 packs trials on a GPU; 1 or more must be whole")
    max_concurrent: Optional[int] = Field(None, ge=1)

    @field_validator("gpu")
    @classmethod
    def _ray_gpu(cls, gpu: float) -> float:
        problem = gpu_share_problem(gpu)
        if problem:
            raise ValueError(problem)
        return gpu


def gpu_share_problem(gpu: float) -> str | None:
    """Ray Tune accepts a GPU share below 1 (packing) or a whole number of GPUs, nothing between."""
    if gpu > 1 and gpu != int(gpu):
        return (f"Ray accepts a GPU share below 1 or a whole number of GPUs (got {gpu:g}); "
                f"use {int(gpu)} or {int(gpu) + 1}, or a share such as 0.5")
    return None


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
        return [_named(v) for v in value] if isinstance(value, list) else value

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

