"""One row per trial: its configuration, status, final and best value of every metric, stability.

* *final* value of a metric: the value at the trial's largest evaluation step (NaN if that
  evaluation produced none, e.g. after divergence);
* *best* value: the best finite value over all of the trial's evaluations (min or max by the
  metric's direction; NaN for a metric without a direction, such as ``variance_ratio``);
* *spread*: the population standard deviation of the last ``last_k`` finite evaluations, a
  measure of how much the metric still moves at the end of training;
* *status*: ``error`` if any row says error, else ``diverged`` if any row says diverged, else ``ok``;
* *finished*: a failed trial, or an ``ok`` trial whose last step reached its budget (the
  ``steps`` column; the trainer always evaluates at the budget step).  A trial still in flight
  is unfinished even when no trial of the sweep has reached its budget yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bench.report.columns import higher_is_better, is_ranked, method_labels
from bench.layout import GRID_FILE
from bench.store.location import Location
from bench.store.schema import STATUS_ERROR, STATUS_OK, STATUSES

STATUS_ORDER = {status: severity for severity, status in enumerate(STATUSES)}


def trial_table(rows: pd.DataFrame, metrics: list[str], *, last_k: int = 3) -> pd.DataFrame:
    """Per-trial table (index ``trial_id``) with the last row's non-metric columns, ``status``,
    ``max_step``, ``n_evals``, ``finished``, and ``final_<m>``, ``best_<m>``, ``spread_<m>`` for
    every metric ``m``."""
    rows = rows.sort_values(["trial_id", "step"], kind="stable").copy()
    for m in metrics:
        rows[m] = rows[m].astype(float).where(np.isfinite(rows[m].astype(float)))
    by_trial = rows.groupby("trial_id", sort=True)
    last = by_trial.tail(1).set_index("trial_id")
    table = last.drop(columns=[c for c in metrics + ["status", "step"] if c in last.columns])
    table["method"] = method_labels(last)
    severity = rows["status"].map(STATUS_ORDER).fillna(STATUS_ORDER[STATUS_ERROR])
    inverse = {v: k for k, v in STATUS_ORDER.items()}
    table["status"] = severity.groupby(rows["trial_id"]).max().map(inverse)
    table["max_step"] = by_trial["step"].max()
    table["n_evals"] = by_trial["step"].size()
    for m in metrics:
        table[f"final_{m}"] = last[m]
        if not is_ranked(m):
            table[f"best_{m}"] = np.nan
        else:
            table[f"best_{m}"] = by_trial[m].max() if higher_is_better(m) else by_trial[m].min()
        finite = rows[["trial_id", m]].dropna()
        tail = finite.groupby("trial_id").tail(last_k).groupby("trial_id")[m]
        table[f"spread_{m}"] = tail.std(ddof=0).where(tail.size() >= 2)
    table["finished"] = _finished(table)
    return table


def _finished(table: pd.DataFrame) -> pd.Series:
    failed = table["status"] != STATUS_OK
    if "steps" in table.columns and table["steps"].notna().all():
        target = table["steps"].astype(float)
    else:
        target = pd.Series(float(table["max_step"].max()), index=table.index)
    return failed | (table["max_step"].astype(float) >= target)


@dataclass(frozen=True)
class Progress:
    """How much of a sweep is there: trials planned (``grid.json``, None if absent), trials with
    rows, finished ones, and the ids planned but without any row."""

    expected: int | None
    with_rows: int
    finished: int
    missing_ids: tuple[str, ...]
    unfinished_ids: tuple[str, ...]

    def describe(self) -> str:
        planned = f" of {self.expected} planned" if self.expected is not None else ""
        text = f"{self.finished} trials finished, {self.with_rows} with results{planned}"
        if self.unfinished_ids:
            text += f"; {len(self.unfinished_ids)} still running or interrupted (not ranked)"
        if self.missing_ids:
            text += f"; {len(self.missing_ids)} planned trials have no results yet"
        return text


def progress(results_dir: str | Path | Location, trials: pd.DataFrame) -> Progress:
    """Compare the trials with rows against ``results_dir/grid.json`` (a JSON list of objects
    with a ``trial_id``, written by ``bench run``) when that file exists."""
    expected, missing = None, ()
    planned = planned_ids(results_dir)
    if planned is not None:
        expected = len(planned)
        missing = tuple(sorted(set(planned) - set(trials.index)))
    unfinished = tuple(sorted(trials.index[~trials["finished"]]))
    return Progress(expected, len(trials), int(trials["finished"].sum()), missing, unfinished)


def planned_ids(results_dir: str | Path | Location) -> list[str] | None:
    """The trial ids of ``results_dir/grid.json``, or None when there is no such file."""
    location = Location.of(results_dir)
    if not location.exists(GRID_FILE):
        return None
    return _planned_ids(location.read_text(GRID_FILE), location.path(GRID_FILE))


def _planned_ids(text: str, path: str) -> list[str]:
    data = json.loads(text)
    if isinstance(data, dict) and "trials" in data:
        data = data["trials"]
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of {{'trial_id': ...}} objects")
    ids = []
    for item in data:
        if isinstance(item, dict) and "trial_id" in item:
            ids.append(str(item["trial_id"]))
        elif isinstance(item, str):
            ids.append(item)
        else:
            raise ValueError(f"{path}: entry without a trial_id: {item!r}")
    return ids
