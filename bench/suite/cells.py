"""From a grid cell (architecture × method × optimizer entry × seed) to its search space and its
sampled trials: which parameters of the ``search:`` section apply to the cell, the cell's method
label, the trial config of a sampled point, and the objective (the columns its rows carry:
:func:`bench.sweep.columns.search_columns`).
The section itself is :mod:`bench.suite.search`; running the search is :mod:`bench.sweep.search`."""

from __future__ import annotations

import copy
from typing import Any

from bench.suite.labels import method_label
from bench.suite.search import BETA_MAX, METHOD_PARAMS, PARAMS, ParamSpec, SearchCfg


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
