"""The report's figures (bench.report.plots draws them): which are drawn, their titles and captions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bench.report import plots
from bench.report.analysis import Ranking, Study
from bench.report.html import FigureEntry
from bench.report.ranks import architecture_ranks, rank_matrix


def report_figures(out_dir: Path, study: Study, ranking: Ranking, order: list[str],
                   curves: pd.DataFrame | None) -> list[FigureEntry]:
    """Save each figure under ``out_dir/figures`` (PNG + SVG), methods in leaderboard ``order``;
    ``curves``: the budget curves of a search (None otherwise)."""
    colours = plots.palette(order)
    finished, metric = study.finished, study.metric
    entries = []

    def add(name, fig, title, caption):
        png, _ = plots.save(fig, out_dir, name)
        entries.append(FigureEntry(title, png, caption))

    add("distribution", plots.distribution(finished, metric, order, colours), f"Final {metric} per method",
        "Each point is a trial; boxes span the quartiles. Failed trials are counted in the labels.")
    if ranking.nemenyi is not None:
        ranks = rank_matrix(ranking.per_arch).mean().reindex(order).dropna()
        pvalues = ranking.nemenyi.loc[ranks.index, ranks.index]
        add("critical_difference", plots.cd_diagram(ranks, pvalues, ranking.cd, ranking.alpha),
            "Critical-difference diagram", "Mean ranks over architectures (the blocks of the Friedman test; "
            "seeds averaged first); methods joined by a bar are not significantly different (Nemenyi).")
    add("rank_heatmap", plots.rank_heatmap(architecture_ranks(ranking.scores), order), "Rank per architecture",
        "Rank of each method on each architecture, averaged over seeds (1 = best).")
    labelled = study.rows[study.rows["trial_id"].isin(finished.index)].copy()
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
