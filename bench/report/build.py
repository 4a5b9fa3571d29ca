"""``build_report``: results directory → leaderboard, statistics, figures, Markdown/CSV/HTML."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bench.layout import GRID_FILE, REPORT_DIR, ROWS_DIR
from bench.report import plots
from bench.report.budget import budget_curves
from bench.report.gallery import write_gallery
from bench.report.columns import config_axes, config_keys, higher_is_better, is_search, metric_columns
from bench.report.html import FigureEntry
from bench.report.ranks import architecture_ranks, block_scores, complete_blocks, rank_matrix
from bench.report.render import write_outputs
from bench.report.significance import TestResult, conover_holm, critical_difference, nemenyi, omnibus_test
from bench.report.tables import default_thresholds, leaderboard, metric_table
from bench.report.text import display_table
from bench.report.trials import Progress, planned_ids, progress, trial_table
from bench.store import load_results
from bench.store.location import Location, is_uri
from bench.store.schema import STATUS_DIVERGED


@dataclass
class ReportSummary:
    """What :func:`build_report` found and wrote.  ``leaderboard`` is numeric (one row per method,
    best first), ``display`` the same as strings; ``files`` maps output names to paths."""

    results_dir: Path | str  # a local folder, or the URI of results on a remote filesystem
    out_dir: Path
    metric: str
    higher_is_better: bool
    methods: list[str]
    axes: list[str]
    search: bool
    progress: Progress
    n_blocks: int
    n_complete_blocks: int
    n_architectures: int  # architectures with a complete block: the blocks of the test and of the wins
    test: TestResult
    critical_difference: float
    thresholds: list[float]
    leaderboard: pd.DataFrame
    display: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def n_dropped_blocks(self) -> int:
        return self.n_blocks - self.n_complete_blocks


def build_report(
    results_dir: str | Path | Location,
    out_dir: str | Path | None = None,
    *,
    metric: str = "fid",
    thresholds: list[float] | None = None,
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int = 0,
    figures: bool = True,
) -> ReportSummary:
    """Analyse ``results_dir`` and write the report to ``out_dir`` (default ``results_dir/report``).

    ``results_dir`` may be a local folder or a URI that pyarrow reads (``s3://…``, ``gs://…``); the
    report itself is written locally, so a URI needs ``out_dir``.

    ``metric`` (a registered metric) ranks the methods; ``thresholds`` are its success thresholds
    (default: quartiles of the final values); ``alpha`` is the level of the tests and of the
    critical difference; ``n_boot`` bootstrap resamples from ``numpy.random.default_rng(seed)``.
    Raises ``FileNotFoundError`` without result rows, ``UnknownNameError`` for an unregistered
    metric and ``ValueError`` for a metric without values or a sweep with no finished trial."""
    location = Location.of(results_dir)
    if not location.local:
        if out_dir is None:
            raise ValueError(f"results at {location} are not a local folder: pass --out DIR (out_dir) for the report")
        results_dir = str(location)
    elif isinstance(results_dir, Location) or is_uri(results_dir):
        results_dir = Path(location.root)
    else:
        results_dir = Path(results_dir)  # as given, so messages show the user's relative path
    check_arguments(out_dir, results_dir, alpha, thresholds)
    out_dir = Path(out_dir) if out_dir is not None else results_dir / REPORT_DIR
    rng = np.random.default_rng(seed)
    rows, foreign = planned_rows(load_results(location), location)
    metrics = metric_columns(rows)
    higher = higher_is_better(metric)
    if metric not in metrics and metric in rows.columns:  # evaluated, never finite: every trial diverged or failed
        metrics.append(metric)
    if metric not in metrics:
        raise ValueError(f"metric {metric!r} has no values in {results_dir}; available: {', '.join(metrics) or 'none'}")

    axes = config_axes(rows)
    search = is_search(rows, axes)
    trials = trial_table(rows, metrics)
    trials["base_method"] = trials["method"]
    trials["config"] = config_keys(trials, axes)
    if search and "search_trial" in trials.columns:
        trials["config"] = "search_trial=" + trials["search_trial"].astype(str)
    if axes and not search:
        trials["method"] = trials["method"] + " " + trials["config"]
    prog = progress(location, trials)
    finished = trials[trials["finished"]].copy()
    if finished.empty:
        raise ValueError(f"no finished trial in {results_dir} yet: {prog.describe()}")

    final = f"final_{metric}"
    scores = block_scores(finished, final, "method", higher_is_better=higher, reduce="min" if search else "median")
    complete = complete_blocks(scores)
    per_arch = architecture_ranks(complete)
    test = omnibus_test(per_arch, unit="architectures")
    k = scores.shape[1]
    cd = critical_difference(k, len(per_arch), alpha) if test.test != "none" else float("nan")
    thresholds = sorted(thresholds) if thresholds is not None else default_thresholds(finished, metric)
    board = leaderboard(finished, scores, metric, thresholds, rng, n_boot=n_boot)
    order = list(board.index)
    display = display_table(board, metric, len(per_arch))

    extra: dict[str, pd.DataFrame] = {
        "trials": finished.drop(columns=["config_json"], errors="ignore"),
        "metrics": metric_table(finished, metrics),
        "block_ranks": rank_matrix(scores),
    }
    pvalues = None
    if k >= 2 and len(per_arch) >= 2:
        pvalues = nemenyi(per_arch)
        extra["pvalues_nemenyi"] = pvalues
        extra["pvalues_conover_holm"] = conover_holm(per_arch)
    curves = None
    if search:
        curves = budget_curves(finished, final, config_col="config", higher_is_better=higher, rng=rng)
        extra["budget"] = curves

    notes = foreign + _notes(prog, metric, higher, scores, complete, per_arch, test, cd, alpha, axes, search,
                             thresholds, finished)
    figs = (_figures(out_dir, rows, finished, metric, board, scores, per_arch, pvalues, cd, alpha, curves)
            if figures else [])
    gallery_figs, gallery = write_gallery(location, out_dir, finished, metric, order, higher) if figures else ([], "")
    summary = ReportSummary(results_dir, out_dir, metric, higher, order, axes, search, prog, len(scores),
                            len(complete), len(per_arch), test, cd, thresholds, board, display, notes)
    summary.files = write_outputs(summary, extra, figs + gallery_figs, gallery=gallery)
    return summary


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


def check_arguments(out_dir, results_dir, alpha: float, thresholds: list[float] | None) -> None:
    """``ValueError`` naming the option, before anything is read or written: ``alpha`` outside
    (0, 1), a non-finite threshold, an output folder that cannot be written (bench.outputs)."""
    from bench.outputs import folder_problem

    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise ValueError(f"--alpha (alpha) must be between 0 and 1, exclusive; got {alpha!r}")
    bad = [t for t in thresholds or [] if not np.isfinite(t)]
    if bad:
        raise ValueError(f"--thresholds must be finite numbers; got {', '.join(map(str, bad))}")
    target = Path(out_dir) if out_dir is not None else Path(results_dir) / REPORT_DIR
    problem = folder_problem(target)
    if problem:
        raise ValueError(f"{'--out' if out_dir is not None else 'report folder (DIR/report)'}: {problem}")


def _notes(prog, metric, higher, scores, complete, per_arch, test, cd, alpha, axes, search, thresholds,
           finished) -> list[str]:
    direction = "higher" if higher else "lower"
    notes = [prog.describe() + "."]
    notes.append(
        f"Ranked on the final {metric} ({direction} is better) within blocks of architecture × seed: "
        f"{len(scores)} blocks, {len(complete)} complete, on {len(per_arch)} architectures."
    )
    if len(complete) > len(per_arch):
        notes.append("Seeds of one architecture are averaged (mean rank) before the wins, the test and the "
                     "intervals: the architectures are the independent blocks.")
    dropped = len(scores) - len(complete)
    if dropped:
        missing = scores.isna().sum()
        detail = ", ".join(f"{m}: {int(n)}" for m, n in missing[missing > 0].items())
        notes.append(f"{dropped} block(s) dropped from mean rank, wins and the test because a method has no "
                     f"finished trial there (blocks missing per method: {detail}).")
    failed = int((~np.isfinite(finished[f"final_{metric}"].astype(float))).sum())
    if failed == len(finished):
        diverged = int((finished["status"] == STATUS_DIVERGED).sum())
        notes.append(f"Every finished trial has no final {metric}: {diverged / len(finished):.0%} diverged, "
                     f"{(len(finished) - diverged) / len(finished):.0%} failed otherwise; all methods tie.")
    elif failed:
        notes.append(f"{failed} finished trials have no final {metric} (diverged or failed): they rank last in "
                     f"their block, tied with each other.")
    if search:
        notes.append("Hyperparameter search: methods are loss+regularizer; a method's cell in a block is its best "
                     "configuration; budget curves are drawn over configurations.")
    elif axes:
        notes.append(f"Methods are split by the configuration axes the suite varied: {', '.join(axes)}.")
    notes.append(test.describe(alpha) + ".")
    if np.isfinite(cd):
        notes.append(f"Nemenyi critical difference of mean ranks at α = {alpha}: {cd:.3g}.")
    if thresholds:
        sign = "≥" if higher else "≤"
        notes.append(f"Success = not diverged and final {metric} {sign} threshold ({', '.join(f'{t:g}' for t in thresholds)}).")
    return notes


def _figures(out_dir, rows, finished, metric, board, scores, per_arch, pvalues, cd, alpha, curves) -> list[FigureEntry]:
    order = list(board.index)
    colours = plots.palette(order)
    entries = []

    def add(name, fig, title, caption):
        png, _ = plots.save(fig, out_dir, name)
        entries.append(FigureEntry(title, png, caption))

    add("distribution", plots.distribution(finished, metric, order, colours), f"Final {metric} per method",
        "Each point is a trial; boxes span the quartiles. Failed trials are counted in the labels.")
    if pvalues is not None:
        ranks = rank_matrix(per_arch).mean().reindex(order).dropna()
        add("critical_difference", plots.cd_diagram(ranks, pvalues.loc[ranks.index, ranks.index], cd, alpha),
            "Critical-difference diagram", "Mean ranks over architectures (the blocks of the Friedman test; "
            "seeds averaged first); methods joined by a bar are not significantly different (Nemenyi).")
    add("rank_heatmap", plots.rank_heatmap(architecture_ranks(scores), order), "Rank per architecture",
        "Rank of each method on each architecture, averaged over seeds (1 = best).")
    labelled = rows[rows["trial_id"].isin(finished.index)].copy()
    labelled["method"] = labelled["trial_id"].map(finished["method"])
    add("trajectories", plots.trajectories(labelled, metric, order, colours), f"{metric} during training",
        "Median over trials at each evaluation step, with the interquartile band.")
    columns = plots.breakdown_columns(finished)
    if columns:
        add("by_architecture", plots.by_architecture(finished, metric, columns, order, colours),
            "Breakdown by architecture property", "Final metric grouped by each architecture knob with few values.")
    params = plots.params_columns(finished)
    if params:
        add("versus_params", plots.versus_params(finished, metric, params, order, colours),
            f"{metric} vs parameter count", "Each point is a trial.")
    if curves is not None and not curves.empty:
        add("budget", plots.budget(curves, metric, order, colours), "Budget curves",
            "Expected best value when k configurations are drawn at random (exact), with a bootstrap band.")
    return entries
