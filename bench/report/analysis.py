"""The report's two analysis stages as typed values: a :class:`Study` (the trials of a results
folder, split into methods) and its :class:`Ranking` (block scores and the rank statistics on
them: Friedman or sign test over architectures, Nemenyi critical difference and p-values,
Conover–Holm p-values; Demšar 2006, JMLR 7)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pandas as pd

from bench.layout import GRID_FILE, ROWS_DIR
from bench.report.columns import config_axes, config_keys, higher_is_better, is_search, metric_columns
from bench.report.ranks import architecture_ranks, block_scores, complete_blocks
from bench.report.significance import TestResult, conover_holm, critical_difference, nemenyi, omnibus_test
from bench.report.trials import Progress, planned_ids, progress, trial_table
from bench.store import load_results
from bench.store.location import Location


@dataclass(frozen=True)
class Study:
    """The trials a report ranks on ``metric``.  ``rows``: the planned result rows (trial × step);
    ``finished``: one row per finished trial (bench.report.trials), with ``method`` (split by the
    config ``axes`` unless a ``search``), ``base_method`` (loss+regularizer) and ``config``;
    ``foreign``: the warning about rows of trials ``grid.json`` does not plan (empty if none)."""

    metric: str
    higher: bool
    rows: pd.DataFrame
    metrics: list[str]
    axes: list[str]
    search: bool
    progress: Progress
    finished: pd.DataFrame
    foreign: list[str]

    @property
    def final(self) -> str:
        """The trial-table column ranked: the metric's value at the last evaluation."""
        return f"final_{self.metric}"


@dataclass(frozen=True)
class Ranking:
    """``scores``: final values, block (architecture × seed) × method; ``complete``: the blocks
    where every method finished; ``per_arch``: ranks averaged over each architecture's seeds (the
    blocks of the test); ``cd``: Nemenyi critical difference at ``alpha`` (NaN without a test);
    ``nemenyi``/``conover_holm``: pairwise p-values (None below 2 methods × 2 architectures)."""

    alpha: float
    scores: pd.DataFrame
    complete: pd.DataFrame
    per_arch: pd.DataFrame
    test: TestResult
    cd: float
    nemenyi: pd.DataFrame | None
    conover_holm: pd.DataFrame | None

    @property
    def n_methods(self) -> int:
        return self.scores.shape[1]


def load_study(location: Location, results_dir, metric: str) -> Study:
    """Read and label the trials of ``location`` (``results_dir`` names it in messages).  Raises
    ``UnknownNameError``/``ValueError`` for a metric that is unregistered, has no direction or no
    values, and ``ValueError`` when no trial has finished."""
    rows, foreign = planned_rows(load_results(location), location)
    metrics = metric_columns(rows)
    higher = higher_is_better(metric)
    if metric not in metrics and metric in rows.columns:  # evaluated, never finite: every trial diverged or failed
        metrics.append(metric)
    if metric not in metrics:
        raise ValueError(f"metric {metric!r} has no values in {results_dir}; available: {', '.join(metrics) or 'none'}")
    axes = config_axes(rows)
    search = is_search(rows, axes)
    trials = label_methods(trial_table(rows, metrics), axes, search)
    prog = progress(location, trials)
    finished = trials[trials["finished"]].copy()
    if finished.empty:
        raise ValueError(f"no finished trial in {results_dir} yet: {prog.describe()}")
    return Study(metric, higher, rows, metrics, axes, search, prog, finished, foreign)


def label_methods(trials: pd.DataFrame, axes: list[str], search: bool) -> pd.DataFrame:
    """Add ``base_method`` and ``config`` (the axis values, or ``search_trial=N`` in a search) and,
    in a grid with axes, split ``method`` by them ("ns+none lr_d=0.0002")."""
    trials["base_method"] = trials["method"]
    trials["config"] = config_keys(trials, axes)
    if search and "search_trial" in trials.columns:
        trials["config"] = "search_trial=" + trials["search_trial"].astype(str)
    if axes and not search:
        trials["method"] = trials["method"] + " " + trials["config"]
    return trials


def rank_methods(study: Study, alpha: float) -> Ranking:
    """Scores per block (a search's cell: its best configuration, else the median over trials),
    the omnibus test over architectures and the post-hoc comparisons at level ``alpha``."""
    scores = block_scores(study.finished, study.final, "method", higher_is_better=study.higher,
                          reduce="min" if study.search else "median")
    complete = complete_blocks(scores)
    per_arch = architecture_ranks(complete)
    test = omnibus_test(per_arch, unit="architectures")
    k = scores.shape[1]
    cd = critical_difference(k, len(per_arch), alpha) if test.test != "none" else float("nan")
    pairwise = k >= 2 and len(per_arch) >= 2
    return Ranking(alpha, scores, complete, per_arch, test, cd,
                   nemenyi(per_arch) if pairwise else None, conover_holm(per_arch) if pairwise else None)


def planned_rows(rows: pd.DataFrame, location: Location) -> tuple[pd.DataFrame, list[str]]:
    """The rows of the trials ``grid.json`` plans (all rows without a grid.json), and a warning
    naming the row files of other trials (another suite's rows copied in): they are not ranked."""
    planned = planned_ids(location)
    if planned is None:
        return rows, []
    foreign = sorted(set(rows["trial_id"].astype(str)) - set(planned))
    if not foreign:
        return rows, []
    files = [f"{ROWS_DIR}/{trial_id}.parquet" for trial_id in foreign]
    listing = ", ".join(files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10 else "")
    kept = rows[rows["trial_id"].astype(str).isin(planned)]
    if kept.empty:
        raise ValueError(f"none of the rows in {location.path(ROWS_DIR)} belong to the trials of "
                         f"{location.path(GRID_FILE)}: {listing}. Remove them, or report the folder they came from")
    warning = (f"Warning: {len(files)} row file(s) hold trials that are not in {GRID_FILE} (rows of another sweep?) "
               f"and are left out: {listing}. Remove them to silence this warning.")
    print(f"bench report: {warning}", file=sys.stderr)
    return kept.reset_index(drop=True), [warning]
