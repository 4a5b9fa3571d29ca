"""The typed config of one trial, from the grid (:mod:`bench.suite.grid`) to the trainer: frozen
dataclasses, one per section, with the suite's defaults already resolved when the suite was loaded.

``TrialConfig.to_dict()`` is the canonical serialisation: the plain dict whose canonical JSON is
hashed into the trial id (:attr:`TrialConfig.trial_id`) and stored as ``config_json``.  Switches
that are off are left out of it (``pac`` 1, no ``augment``, no plugins, no ``search`` point,
unset options), so the ids of suites written before a switch existed do not change.
``TrialConfig.from_dict`` rebuilds the config where a dict arrives (Ray Tune hands the trainable
one; ``grid.json``); an unknown key is an error, so a section cannot drift from its serialisation
unnoticed.  Parameters of losses, regularizers and optimizers are free-form (a plugin's entry
names its own) and stay mappings, frozen (:class:`FrozenMap`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from bench.arch.spec import ArchSpec, content_id


class FrozenMap(dict):
    """A dict that cannot be changed after it is made (JSON, ``**`` and pickling see a dict)."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("a trial config is frozen; build a changed copy with TrialConfig.from_dict")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))

    def __reduce__(self):
        return FrozenMap, (dict(self),)

    def __copy__(self) -> "FrozenMap":
        return self

    def __deepcopy__(self, memo: dict) -> "FrozenMap":
        return self


def freeze(value: Any) -> Any:
    """Mappings → :class:`FrozenMap`, lists → tuples, all the way down."""
    if isinstance(value, Mapping):
        return FrozenMap({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The plain JSON form of a frozen value: dicts and lists."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value


def _take(cls, record: Mapping, section: str) -> dict:
    """``record``'s entries as keyword arguments of ``cls``; an unknown key raises."""
    unknown = sorted(set(record) - {f.name for f in dataclasses.fields(cls)})
    if unknown:
        raise ValueError(f"trial config `{section}` has unknown keys {unknown}")
    return dict(record)


def _set_fields(obj) -> dict:
    """The fields of ``obj`` that are set (not None), in declaration order, as JSON values."""
    return {f.name: thaw(getattr(obj, f.name)) for f in dataclasses.fields(obj) if getattr(obj, f.name) is not None}


@dataclass(frozen=True)
class DatasetConfig:
    """The suite's ``dataset`` section; ``resolution`` is filled in for image datasets."""

    name: str
    resolution: Optional[int] = None
    path: Optional[str] = None
    download: Optional[bool] = None
    channels: Optional[int] = None
    train: Optional[bool] = None
    size: Optional[int] = None

    def to_dict(self) -> dict:
        return _set_fields(self)

    @classmethod
    def from_dict(cls, record: Mapping) -> "DatasetConfig":
        return cls(**_take(cls, record, "dataset"))


@dataclass(frozen=True)
class LossConfig:
    name: str
    params: FrozenMap = field(default_factory=FrozenMap)

    def to_dict(self) -> dict:
        return {"name": self.name, "params": thaw(self.params)}

    @classmethod
    def from_dict(cls, record: Mapping) -> "LossConfig":
        args = _take(cls, record, "loss")
        return cls(args["name"], freeze(args.get("params", {})))


@dataclass(frozen=True)
class RegularizerConfig:
    """``weight`` is λ (the entry's default resolved), ``every`` the lazy-regularization interval k."""

    name: str
    weight: float
    every: int = 1
    params: FrozenMap = field(default_factory=FrozenMap)

    def to_dict(self) -> dict:
        return {"name": self.name, "weight": self.weight, "every": self.every, "params": thaw(self.params)}

    @classmethod
    def from_dict(cls, record: Mapping) -> "RegularizerConfig":
        args = _take(cls, record, "regularizer")
        return cls(args["name"], args["weight"], args.get("every", 1), freeze(args.get("params", {})))


@dataclass(frozen=True)
class OptimizerConfig:
    """Learning rates (TTUR) and steps per round, plus the entry's own parameters in ``stored``:
    the fields its registry entry stores them in (``beta1``/``beta2``, ``params``;
    :meth:`bench.train.optim.OptimizerEntry.config_fields`)."""

    name: str
    lr_g: float
    lr_d: float
    n_disc: int
    n_gen: int
    stored: FrozenMap = field(default_factory=FrozenMap)

    COMMON = ("name", "lr_g", "lr_d", "n_disc", "n_gen")

    def to_dict(self) -> dict:
        return {**{k: getattr(self, k) for k in self.COMMON}, **thaw(self.stored)}

    @classmethod
    def from_dict(cls, record: Mapping) -> "OptimizerConfig":
        common = {k: record[k] for k in cls.COMMON}
        return cls(**common, stored=freeze({k: v for k, v in record.items() if k not in cls.COMMON}))


@dataclass(frozen=True)
class FailAt:
    """A test hook: trials (all, or those with one of ``seeds``) raise on reaching ``step``."""

    step: int
    seeds: Optional[tuple[int, ...]] = None

    def hits(self, step: int, seed: int) -> bool:
        return step == self.step and seed in (self.seeds or (seed,))

    @classmethod
    def from_dict(cls, record: Mapping) -> "FailAt":
        args = _take(cls, record, "training.fail_at")
        return cls(args["step"], freeze(args.get("seeds")))


@dataclass(frozen=True)
class TrainingConfig:
    """``steps`` is the budget in G updates; ``pac`` 1 is no packing (left out of the dict)."""

    steps: int
    batch_size: int
    log_every: int
    divergence_threshold: float
    ema: float = 0.0
    pac: int = 1
    checkpoint_every: Optional[int] = None
    fail_at: Optional[FailAt] = None

    ORDER = ("steps", "batch_size", "ema", "log_every", "divergence_threshold", "pac", "checkpoint_every", "fail_at")

    def to_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.ORDER if getattr(self, k) is not None}
        if self.pac == 1:
            del out["pac"]
        if self.fail_at is not None:
            out["fail_at"] = _set_fields(self.fail_at)
        return out

    @classmethod
    def from_dict(cls, record: Mapping) -> "TrainingConfig":
        args = _take(cls, record, "training")
        args["pac"] = args.get("pac") or 1
        if args.get("fail_at") is not None:
            args["fail_at"] = FailAt.from_dict(args["fail_at"])
        return cls(**args)


@dataclass(frozen=True)
class EvaluationConfig:
    """The ``evaluation`` section with the defaults filled in (sample count sized for the dataset,
    default metrics for its kind; :func:`bench.suite.grid.evaluation_config`).  The sample grids
    (``samples``) change no number and stay out: a trial gets them from the sweep's shared inputs."""

    every: int
    num_samples: int
    metrics: tuple[str, ...]
    feature_extractor: str = "auto"
    num_real: Optional[int] = None
    inception_path: Optional[str] = None
    resize_mode: Optional[str] = None
    prdc_k: Optional[int] = None

    ORDER = ("every", "num_samples", "num_real", "metrics", "feature_extractor", "inception_path", "resize_mode", "prdc_k")

    def to_dict(self) -> dict:
        return {k: thaw(getattr(self, k)) for k in self.ORDER if getattr(self, k) is not None}

    @classmethod
    def from_dict(cls, record: Mapping) -> "EvaluationConfig":
        args = _take(cls, record, "evaluation")
        return cls(**{**args, "metrics": tuple(args["metrics"])})


@dataclass(frozen=True)
class SearchPoint:
    """A sampled point of a hyperparameter search: its cell's study, its index there, the sampler,
    and the cell's method label (bench.suite.cells.apply_params)."""

    study: str
    sample: int
    sampler: str
    method: str

    @classmethod
    def from_dict(cls, record: Mapping) -> "SearchPoint":
        return cls(**_take(cls, record, "search"))


@dataclass(frozen=True)
class TrialConfig:
    """Everything that changes a trial's numbers.  ``dataset`` may be None for a trainer built
    directly on a tensor (the trainer never reads it)."""

    dataset: Optional[DatasetConfig]
    arch: ArchSpec
    loss: LossConfig
    regularizer: RegularizerConfig
    optimizer: OptimizerConfig
    training: TrainingConfig
    evaluation: EvaluationConfig
    seed: int
    plugins: FrozenMap = field(default_factory=FrozenMap)  # plugin name → sha256 (bench.suite.grid.plugin_identity)
    augment: tuple[str, ...] = ()  # the DiffAugment policy
    search: Optional[SearchPoint] = None

    def to_dict(self) -> dict:
        """The canonical dict (see the module docstring)."""
        out = {"dataset": self.dataset.to_dict()} if self.dataset is not None else {}
        out.update({"arch": thaw(self.arch.to_dict()), "loss": self.loss.to_dict(), "regularizer": self.regularizer.to_dict(),
                    "optimizer": self.optimizer.to_dict(), "training": self.training.to_dict(),
                    "evaluation": self.evaluation.to_dict(), "seed": self.seed})
        if self.plugins:
            out["plugins"] = thaw(self.plugins)
        if self.augment:
            out["augment"] = list(self.augment)
        if self.search is not None:
            out["search"] = dataclasses.asdict(self.search)
        return out

    @property
    def trial_id(self) -> str:
        """``t-`` + the first 12 hex digits of the SHA-1 of the canonical JSON of :meth:`to_dict`."""
        return content_id(self.to_dict(), prefix="t-", length=12)

    @classmethod
    def from_dict(cls, record: Mapping) -> "TrialConfig":
        _take(cls, record, "trial")
        return cls(
            dataset=DatasetConfig.from_dict(record["dataset"]) if record.get("dataset") is not None else None,
            arch=ArchSpec.from_dict(record["arch"]),
            loss=LossConfig.from_dict(record["loss"]),
            regularizer=RegularizerConfig.from_dict(record["regularizer"]),
            optimizer=OptimizerConfig.from_dict(record["optimizer"]),
            training=TrainingConfig.from_dict(record["training"]),
            evaluation=EvaluationConfig.from_dict(record["evaluation"]),
            seed=record["seed"],
            plugins=freeze(record.get("plugins") or {}),
            augment=tuple(record.get("augment") or ()),
            search=SearchPoint.from_dict(record["search"]) if record.get("search") else None,
        )

    @classmethod
    def of(cls, config: "TrialConfig | Mapping") -> "TrialConfig":
        """``config`` itself, or the config a dict serialises (:meth:`from_dict`)."""
        return config if isinstance(config, TrialConfig) else cls.from_dict(config)
