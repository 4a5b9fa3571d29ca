"""The ``search:`` section of a suite: a hyperparameter search over optimizer settings, the
penalty weight λ and a few method parameters (BEGAN's γ, λ_k; the clipping bound c), run per grid cell (architecture × method × optimizer entry × seed) with an
Optuna sampler (Lucic et al. 2018, *Are GANs Created Equal?*, arXiv 1711.10337, §5: a fixed
budget of sampled settings per model, compared by the best score reached within the budget).

Pure data here (no Optuna import): the schema, the per-cell space, and how a sampled point
becomes a trial config.  Running the search is :mod:`bench.sweep.search`.
"""

from __future__ import annotations

import copy
import math
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from bench.suite.bounds import at_most

# What a search may set: parameter → (kind, where in the trial config, valid bounds (lo, hi, hi inclusive)).
PARAMS: dict[str, tuple[str, tuple[str, ...], tuple[float, float, bool]]] = {
    "lr": ("float", ("optimizer.lr_g", "optimizer.lr_d"), (0.0, math.inf, False)),
    "lr_g": ("float", ("optimizer.lr_g",), (0.0, math.inf, False)),
    "lr_d": ("float", ("optimizer.lr_d",), (0.0, math.inf, False)),
    "beta1": ("float", ("optimizer.beta1",), (0.0, 1.0, True)),
    "beta2": ("float", ("optimizer.beta2",), (0.0, 1.0, True)),
    "n_disc": ("int", ("optimizer.n_disc",), (1, math.inf, False)),
    "n_gen": ("int", ("optimizer.n_gen",), (1, math.inf, False)),
    "weight": ("float", ("regularizer.weight",), (0.0, math.inf, False)),
    # method parameters (Lucic et al. 2018 search them per model): set only in the cells whose
    # loss / regularizer named in METHOD_PARAMS takes them
    "gamma": ("float", ("loss.params.gamma",), (0.0, 1.0, True)),
    "lambda_k": ("float", ("loss.params.lambda_k",), (0.0, 1.0, False)),
    "clip": ("float", ("regularizer.params.c",), (0.0, math.inf, False)),
}
METHOD_PARAMS = {"gamma": ("loss", ("began",)), "lambda_k": ("loss", ("began",)), "clip": ("regularizer", ("clip",))}
"""Searched parameter → (section, the registered names it applies to): BEGAN's γ and λ_k, the
weight-clipping bound c of WGAN (``clip``)."""
BETA_MAX = 1.0 - 1e-6  # Adam needs β < 1; a sampled β at the upper end 1 is clipped to this
SAMPLERS = ("random", "tpe", "qmc")
DEFAULT_TPE_BATCH = 4


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("Input should be a number")
    return value


Number = Annotated[Union[int, float], BeforeValidator(_number)]  # one clear error, not one per union member


class ParamSpec(_Section):
    """A float or int range (``low``, ``high``, optional ``log``, int ``step``) or ``choices``."""

    low: Optional[Number] = None
    high: Optional[Number] = None
    log: bool = False
    step: Optional[int] = Field(None, ge=1, description="int ranges only")
    choices: Optional[list[Number]] = Field(None, min_length=1)

    @model_validator(mode="after")
    def _shape(self):
        ranged = self.low is not None or self.high is not None
        if self.choices is not None:
            if ranged or self.log or self.step is not None:
                raise ValueError("give either `choices` or a range (`low`, `high`, `log`, `step`), not both")
            if len(set(self.choices)) != len(self.choices):
                raise ValueError(f"choices repeat: {self.choices}")
            return self
        if self.low is None or self.high is None:
            raise ValueError("a range needs both `low` and `high` (or give `choices`)")
        if not self.low < self.high:
            raise ValueError(f"`low` must be below `high` (got low={self.low}, high={self.high}); "
                             "for a fixed value use `choices: [value]`")
        if self.log and self.low <= 0:
            raise ValueError(f"a `log` range needs low > 0 (got low={self.low})")
        if self.log and self.step is not None:
            raise ValueError("`step` does not combine with `log`")
        return self

    def values(self) -> list[Number]:
        return list(self.choices) if self.choices is not None else [self.low, self.high]


class SpaceCfg(_Section):
    """The searched parameters; ``lr`` sets both learning rates to one value (as Lucic et al.)."""

    lr: Optional[ParamSpec] = None
    lr_g: Optional[ParamSpec] = None
    lr_d: Optional[ParamSpec] = None
    beta1: Optional[ParamSpec] = None
    beta2: Optional[ParamSpec] = None
    n_disc: Optional[ParamSpec] = None
    n_gen: Optional[ParamSpec] = None
    weight: Optional[ParamSpec] = Field(None, description="λ of the method's regularizer")
    gamma: Optional[ParamSpec] = Field(None, description="BEGAN's γ (loss.params.gamma; BEGAN cells only)")
    lambda_k: Optional[ParamSpec] = Field(None, description="BEGAN's λ_k (loss.params.lambda_k; BEGAN cells only)")
    clip: Optional[ParamSpec] = Field(None, description="weight-clipping bound c (regularizer clip only)")

    @model_validator(mode="after")
    def _valid(self):
        given = self.params()
        if not given:
            raise ValueError(f"the search space is empty; give at least one of {', '.join(PARAMS)}")
        if "lr" in given and ({"lr_g", "lr_d"} & set(given)):
            raise ValueError("give `lr` (both learning rates) or `lr_g`/`lr_d`, not both")
        for name, spec in given.items():
            kind, _, (lo, hi, hi_inclusive) = PARAMS[name]
            for value in spec.values():
                if isinstance(value, bool):
                    raise ValueError(f"{name}: {value!r} is not a number")
                if kind == "int" and float(value) != int(value):
                    raise ValueError(f"{name} is an integer parameter (got {value!r})")
                inside = lo <= value and (value <= hi if hi_inclusive else value < hi)
                if name in ("lr", "lr_g", "lr_d") and value <= 0:
                    inside = False
                if not inside:
                    upper = "∞" if math.isinf(hi) else f"{hi:g}"
                    raise ValueError(f"{name}: {value!r} is outside its valid range "
                                     f"[{lo:g}, {upper}{']' if hi_inclusive else ')'}")
            if name in ("beta1", "beta2") and spec.choices is not None and max(spec.choices) >= 1:
                raise ValueError(f"{name}: a choice must be below 1 (Adam needs β < 1)")
            if kind == "float" and spec.step is not None:
                raise ValueError(f"{name}: `step` applies to integer parameters only")
        return self

    def params(self) -> dict[str, ParamSpec]:
        return {name: spec for name in PARAMS if (spec := getattr(self, name)) is not None}


class ObjectiveCfg(_Section):
    """The score a sampler optimizes: ``metric`` at the trial's final evaluation (``at: final``)
    or its best evaluation (``at: best``); ``mode`` defaults to the metric registry's direction."""

    metric: Optional[str] = None
    mode: Optional[Literal["min", "max"]] = None
    at: Literal["final", "best"] = "final"


class SearchCfg(_Section):
    sampler: Literal["random", "tpe", "qmc"] = "random"
    budget: Annotated[int, at_most("search.budget")] = Field(..., ge=1, description="sampled settings per grid cell")
    seed: int = 0
    batch: Optional[int] = Field(None, ge=1, description="TPE: settings asked per round (default 4); random and QMC ask the whole budget at once")
    objective: ObjectiveCfg = ObjectiveCfg()
    space: SpaceCfg

    def round_size(self) -> int:
        if self.batch is not None:
            return self.batch
        return self.budget if self.sampler != "tpe" else DEFAULT_TPE_BATCH


# ---------------------------------------------------------------------------------------------
# From a grid cell to its search space and its sampled trials.


def cell_params(search: SearchCfg, cell_config: dict) -> dict[str, ParamSpec]:
    """The parameters searched in one cell: ``weight`` only where the method's regularizer adds a
    penalty (not ``none`` or ``clip``), ``beta1``/``beta2`` only for an optimizer that stores them
    (Adam both, RMSprop its α in ``beta2``)."""
    from bench.losses import LOSSES
    from bench.regularizers import REGULARIZERS
    from bench.train.optim import OPTIMIZERS

    params = search.space.params()
    if not REGULARIZERS.get(cell_config["regularizer"]["name"]).weighted:  # none, clip
        params.pop("weight", None)
    names = {"loss": LOSSES.canonical(cell_config["loss"]["name"]),
             "regularizer": REGULARIZERS.canonical(cell_config["regularizer"]["name"])}
    for name, (section, applies_to) in METHOD_PARAMS.items():
        if names[section] not in applies_to:
            params.pop(name, None)
    stored = OPTIMIZERS.get(cell_config["optimizer"]["name"]).stored_as.values()
    for beta in ("beta1", "beta2"):
        if beta not in stored:
            params.pop(beta, None)
    return params


def cell_method(search: SearchCfg, cell_config: dict) -> str:
    """The method label of every trial of a cell: with λ searched, the label has no weight."""
    from bench.regularizers import REGULARIZERS
    from bench.suite.grid import method_label

    reg = dict(cell_config["regularizer"])
    if "weight" in cell_params(search, cell_config):
        reg["weight"] = REGULARIZERS.get(reg["name"]).default_weight
    return method_label(cell_config["loss"], reg, cell_config.get("augment", ()))


def apply_params(cell_config: dict, params: dict[str, Any], meta: dict) -> dict:
    """The trial config of a sampled point: the cell's config with the sampled values in place
    and ``search`` = ``meta`` (study, sample, sampler, method)."""
    config = copy.deepcopy(cell_config)
    for name, value in params.items():
        kind, targets, _ = PARAMS[name]
        value = int(value) if kind == "int" else float(value)
        if name in ("beta1", "beta2"):
            value = min(value, BETA_MAX)
        for target in targets:
            *path, key = target.split(".")
            section = config
            for part in path:
                section = section.setdefault(part, {})
            section[key] = value
    config["search"] = dict(meta)
    return config


def objective_of(search: SearchCfg, metrics: list[str]) -> tuple[str, str]:
    """(metric, 'min' | 'max'): the declared one, else the first evaluation metric with a
    direction; the mode defaults to the registry's direction."""
    from bench.metrics import METRICS, ranked_metrics

    metric = search.objective.metric or ranked_metrics(metrics)[0]
    mode = search.objective.mode or ("max" if METRICS.get(metric).higher_is_better else "min")
    return metric, mode
