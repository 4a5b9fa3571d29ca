"""Which columns of the result rows are metrics, which are the configuration axes a suite varied.

* **Metrics** are the columns registered in :data:`bench.metrics.METRICS`; the registry says
  whether higher is better.  Unregistered numeric columns (losses, timings) are never ranked, and
  neither are registered diagnostics without a direction (``variance_ratio``, target ≈ 1): the
  report shows their values but gives them no rank, best value or success threshold.
* **Config axes** are the columns whose declared role is ``config`` (bench.store.schema: the
  schema, not this module, says which columns are settings; identities, provenance such as
  ``attempt`` and volatile columns never split a method) that are constant within each trial, vary
  *within* some method and are not a property of the architecture (``arch_*`` columns, or
  ``z_dim`` when the latent size is an architecture knob).  In a grid
  suite each distinct axis value is a separate method in the leaderboard ("ns+none n_disc=5").
* A **hyperparameter search** (Lucic et al. 2018, arXiv 1711.10337) is recognised by a
  ``search_trial`` column or by many distinct configurations per method; there the method stays
  loss × regularizer and the configurations are the samples of the budget curve.
"""

from __future__ import annotations

import pandas as pd

from bench.metrics import METRICS
from bench.store.schema import column_role

SEARCH_MIN_CONFIGS = 10  # distinct configurations per method from which a sweep counts as a search


def metric_columns(rows: pd.DataFrame) -> list[str]:
    """Registered metrics present in ``rows`` with at least one finite value, in column order."""
    found = []
    for col in rows.columns:
        if col in METRICS and pd.api.types.is_numeric_dtype(rows[col]) and rows[col].notna().any():
            found.append(col)
    return found


def higher_is_better(metric: str) -> bool:
    """Direction of a registered metric (raises ``UnknownNameError`` listing valid metrics, and
    ``ValueError`` for a metric without a direction)."""
    higher = METRICS.get(metric).higher_is_better
    if higher is None:
        ranked = [name for name, m in METRICS.items() if m.ranked]
        raise ValueError(f"{metric!r} has a target value, not a direction, so methods are not ranked on it; "
                         f"rank on one of: {', '.join(ranked)}")
    return higher


def is_ranked(metric: str) -> bool:
    """True when the registered ``metric`` has a direction (see the module docstring)."""
    return METRICS.get(metric).ranked


def method_labels(rows: pd.DataFrame) -> pd.Series:
    """The method label of each row: its ``method`` value, else the label of its loss and
    regularizer columns (:func:`bench.suite.labels.row_method`)."""
    if "method" in rows.columns and rows["method"].notna().all():
        return rows["method"].astype(str)
    from bench.suite.labels import row_method

    computed = pd.Series([row_method(row) for row in rows.to_dict("records")], index=rows.index, dtype=object)
    return (rows["method"].where(rows["method"].notna(), computed) if "method" in rows.columns else computed).astype(str)


def config_axes(rows: pd.DataFrame) -> list[str]:
    """Columns constant within every trial that take two or more non-null values within some
    method and are not determined by the architecture (see the module docstring).  A column that
    is null for some trials only (schema drift between versions) does not split methods."""
    metrics = set(metric_columns(rows))
    candidates = [c for c in rows.columns if column_role(c) == "config" and c not in metrics and not c.startswith("arch_")]
    if not candidates:
        return []
    frame = rows[["trial_id", "arch_id"] + candidates].copy()
    frame["_method"] = method_labels(rows)
    per_trial_unique = frame.groupby("trial_id")[candidates].nunique(dropna=False).max()
    constant = [c for c in candidates if per_trial_unique[c] <= 1]
    if not constant:
        return []
    trials = frame.drop_duplicates("trial_id")
    within_method = trials.groupby("_method")[constant].nunique().max()
    within_arch = trials.groupby("arch_id")[constant].nunique().max()
    return [c for c in constant if within_method[c] > 1 and within_arch[c] > 1]


def config_keys(trials: pd.DataFrame, axes: list[str]) -> pd.Series:
    """A readable key per trial of its axis values, e.g. ``"lr_d=0.0002,n_disc=5"`` ("" if none)."""
    if not axes:
        return pd.Series("", index=trials.index)
    parts = [trials[a].map(lambda v, a=a: f"{a}={_fmt(v)}") for a in axes]
    key = parts[0]
    for part in parts[1:]:
        key = key + "," + part
    return key


def is_search(rows: pd.DataFrame, axes: list[str]) -> bool:
    """True for a hyperparameter search: a ``search_trial`` column, or some method with at least
    :data:`SEARCH_MIN_CONFIGS` distinct configurations of the axes."""
    if "search_trial" in rows.columns:
        return True
    if not axes:
        return False
    trials = rows.drop_duplicates("trial_id")
    keys = config_keys(trials, axes)
    per_method = keys.groupby(method_labels(trials)).nunique()
    return bool(per_method.max() >= SEARCH_MIN_CONFIGS)


def _fmt(value) -> str:
    if isinstance(value, float):
        return "nan" if value != value else f"{value:g}"
    return str(value)
