"""The method label, the one name of a loss × regularizer (× DiffAugment) method everywhere: the
trial grid, the ``method`` column of every result row, the report's leaderboard.

``loss(params)+regularizer(params)[+diffaug(policy)]``; a regularizer's ``weight`` appears only
when it is not the entry's default, ``every`` only when it is not 1; floats print with ``:g``.
"""

from __future__ import annotations

import json
import math
from typing import Mapping

from bench.regularizers import REGULARIZERS


def _params_text(params: Mapping) -> str:
    text = lambda v: f"{v:g}" if isinstance(v, float) else str(v)  # noqa: E731
    return "(" + ",".join(f"{k}={text(v)}" for k, v in sorted(params.items())) + ")" if params else ""


def method_label(loss: Mapping, regularizer: Mapping, augment: list | tuple = ()) -> str:
    """``loss(params)+regularizer(params)[+diffaug(policy)]``, e.g. ``ns+none``, ``wgan+gp``,
    ``ns(label_smoothing=0.1)+r1(weight=1)``, ``hinge+none+diffaug(translation,cutout)``.
    A ``weight`` of None (not known) is left out of the label."""
    reg_params = dict(regularizer.get("params", {}))
    weight = regularizer.get("weight")
    if regularizer["name"] != "none" and weight is not None and weight != REGULARIZERS.get(regularizer["name"]).default_weight:
        reg_params["weight"] = weight
    if regularizer.get("every", 1) != 1:
        reg_params["every"] = regularizer["every"]
    label = f"{loss['name']}{_params_text(loss.get('params', {}))}+{regularizer['name']}{_params_text(reg_params)}"
    return label + (f"+diffaug({','.join(augment)})" if augment else "")


def trial_method(config: Mapping) -> str:
    """The method label of a trial config; a sampled point of a hyperparameter search carries its
    cell's label (``config["search"]["method"]``, λ left out when it is searched)."""
    if config.get("search"):
        return config["search"]["method"]
    return method_label(config["loss"], config["regularizer"], config.get("augment", ()))


def row_method(row: Mapping) -> str:
    """The label of a result row from its ``loss``/``regularizer`` columns, for rows without a
    ``method`` value: ``loss_params``, ``reg_weight``, ``reg_every``, ``reg_params`` and ``augment``
    enter where the row has them (a missing or NaN weight, or an unregistered regularizer's, is
    left out)."""
    def present(name: str):
        value = row.get(name)
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else value

    reg_name = str(present("regularizer") or "none")
    weight = present("reg_weight") if reg_name in REGULARIZERS else None
    loss = {"name": str(row["loss"]), "params": json.loads(present("loss_params") or "{}")}
    regularizer = {"name": reg_name, "weight": None if weight is None else float(weight),
                   "every": int(present("reg_every") or 1), "params": json.loads(present("reg_params") or "{}")}
    augment = [p for p in str(present("augment") or "").split(",") if p]
    return method_label(loss, regularizer, augment)
