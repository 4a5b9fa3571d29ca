"""``build_report``: results directory → leaderboard, statistics, figures, Markdown/CSV/HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bench.layout import REPORT_DIR
from bench.report.analysis import Ranking, Study, load_study, rank_methods
from bench.report.budget import budget_curves
from bench.report.figures import report_figures
from bench.report.gallery import write_gallery
from bench.report.notes import report_notes
from bench.report.ranks import rank_matrix
from bench.report.render import write_outputs
from bench.report.significance import TestResult
from bench.report.tables import default_thresholds, leaderboard, metric_table
from bench.report.text import display_table
from bench.report.trials import Progress
from bench.store.location import Location, is_uri


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
    location, results_dir = locate(results_dir, out_dir)
    check_arguments(out_dir, results_dir, alpha, thresholds)
    out_dir = Path(out_dir) if out_dir is not None else results_dir / REPORT_DIR
    rng = np.random.default_rng(seed)
    study = load_study(location, results_dir, metric)
    ranking = rank_methods(study, alpha)
    thresholds = sorted(thresholds) if thresholds is not None else default_thresholds(study.finished, metric)
    board = leaderboard(study.finished, ranking.scores, metric, thresholds, rng, n_boot=n_boot)
    order = list(board.index)
    curves = (budget_curves(study.finished, study.final, config_col="config", higher_is_better=study.higher, rng=rng)
              if study.search else None)
    summary = ReportSummary(
        results_dir=results_dir, out_dir=out_dir, metric=metric, higher_is_better=study.higher, methods=order,
        axes=study.axes, search=study.search, progress=study.progress, n_blocks=len(ranking.scores),
        n_complete_blocks=len(ranking.complete), n_architectures=len(ranking.per_arch), test=ranking.test,
        critical_difference=ranking.cd, thresholds=thresholds, leaderboard=board,
        display=display_table(board, metric, len(ranking.per_arch)), notes=report_notes(study, ranking, thresholds))
    figs, gallery = [], ""
    if figures:
        figs = report_figures(out_dir, study, ranking, order, curves)
        gallery_figs, gallery = write_gallery(location, out_dir, study.finished, metric, order, study.higher)
        figs += gallery_figs
    summary.files = write_outputs(summary, report_tables(study, ranking, curves), figs, gallery=gallery)
    return summary


def locate(results_dir: str | Path | Location, out_dir) -> tuple[Location, Path | str]:
    """The results' :class:`Location` and how messages name it: the URI of remote results (which
    need ``out_dir``: the report is written locally), else the local path as the user gave it."""
    location = Location.of(results_dir)
    if not location.local:
        if out_dir is None:
            raise ValueError(f"results at {location} are not a local folder: pass --out DIR (out_dir) for the report")
        return location, str(location)
    if isinstance(results_dir, Location) or is_uri(results_dir):
        return location, Path(location.root)
    return location, Path(results_dir)  # as given, so messages show the user's relative path


def report_tables(study: Study, ranking: Ranking, curves: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The tables written as CSV besides the leaderboard, by file stem."""
    tables = {
        "trials": study.finished.drop(columns=["config_json"], errors="ignore"),
        "metrics": metric_table(study.finished, study.metrics),
        "block_ranks": rank_matrix(ranking.scores),
    }
    if ranking.nemenyi is not None:
        tables["pvalues_nemenyi"] = ranking.nemenyi
        tables["pvalues_conover_holm"] = ranking.conover_holm
    if curves is not None:
        tables["budget"] = curves
    return tables


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
