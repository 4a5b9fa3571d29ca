"""Seaborn figures of the report, each written as PNG and SVG under ``out_dir/figures``.

Figures are built on :class:`matplotlib.figure.Figure` objects (no pyplot state), so the module
never changes the caller's backend; the CLI selects Agg.  Every function returns the
:class:`Figure` it saved; :func:`save` returns the written paths.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from bench.report.columns import higher_is_better

DPI = 110
JITTER_SEED = 0  # the distribution plot's point jitter: the same figure from the same rows


@contextmanager
def _quiet():
    """Silence deprecation warnings raised inside seaborn/matplotlib internals."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
        warnings.filterwarnings("ignore", message=".*deprecated.*")
        yield


def palette(methods: list[str]) -> dict[str, tuple]:
    """One colour per method, the same in every figure."""
    colours = sns.color_palette("tab10" if len(methods) <= 10 else "husl", len(methods))
    return dict(zip(methods, colours))


def save(fig: Figure, out_dir: Path, name: str) -> tuple[Path, Path]:
    folder = Path(out_dir) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    fig.savefig(png, dpi=DPI, bbox_inches="tight")
    fig.savefig(svg, bbox_inches="tight")
    return png, svg


def _arrow(metric: str) -> str:
    return f"{metric} ({'higher' if higher_is_better(metric) else 'lower'} is better)"


def distribution(trials: pd.DataFrame, metric: str, order: list[str], colours: dict) -> Figure:
    """Box plot and points of the final metric per method; failed trials counted in the labels."""
    final = f"final_{metric}"
    data = trials[np.isfinite(trials[final].astype(float))]
    failed = (~np.isfinite(trials[final].astype(float))).groupby(trials["method"]).sum()
    labels = {m: f"{m} ({int(failed.get(m, 0))} failed)" if failed.get(m, 0) else m for m in order}
    fig = Figure(figsize=(8, 0.55 * len(order) + 1.6))
    ax = fig.subplots()
    with _quiet():
        sns.boxplot(data=data, x=final, y="method", hue="method", order=order, palette=colours,
                    showfliers=False, ax=ax, legend=False)
    # the points, jittered by a generator of their own (seaborn's stripplot draws its jitter from
    # numpy's global state, so the figure changed from run to run)
    rows = data["method"].map({m: i for i, m in enumerate(order)}).to_numpy(dtype=float)
    jitter = np.random.default_rng(JITTER_SEED).uniform(-0.2, 0.2, len(rows))
    ax.scatter(data[final].astype(float), rows + jitter, s=9, color="black", alpha=0.6, linewidths=0, zorder=3)
    ax.set_yticks(range(len(order)), [labels[m] for m in order])
    ax.set(xlabel=f"final {_arrow(metric)}", ylabel="", title=f"Final {metric} per trial")
    return fig


def cd_diagram(mean_ranks: pd.Series, pvalues: pd.DataFrame, cd: float, alpha: float = 0.05) -> Figure:
    """Critical-difference diagram (Demšar 2006) by scikit-posthocs: methods joined by a bar are
    not significantly different under the Nemenyi test."""
    import scikit_posthocs as sp

    fig = Figure(figsize=(8, 0.35 * len(mean_ranks) + 1.8))
    ax = fig.subplots()
    # scikit-posthocs finds the bars through sets of the labels, whose order follows str hashing
    # (PYTHONHASHSEED): it draws integer labels, whose hashes are fixed, and the names go in after
    names = list(mean_ranks.index)
    numbered = pd.Series(mean_ranks.to_numpy(), index=range(len(names)))
    matrix = pd.DataFrame(pvalues.loc[names, names].to_numpy(), index=numbered.index, columns=numbered.index)
    sp.critical_difference_diagram(numbered, matrix, ax=ax, cd=cd, alpha=alpha,
                                   label_fmt_left="{label}\x1f ({rank:.2g})", label_fmt_right="({rank:.2g}) \x1f{label}")
    for text in ax.texts:
        left, sep, right = text.get_text().partition("\x1f")
        if sep:
            text.set_text(names[int(left)] + right if left.isdigit() else left + names[int(right)])
    ax.set_title(f"Mean rank (1 = best); bars join methods not different at α = {alpha} (Nemenyi)",
                 fontsize=9, pad=28)
    return fig


def rank_heatmap(arch_ranks: pd.DataFrame, order: list[str]) -> Figure:
    """Method × architecture mean rank (over seeds)."""
    table = arch_ranks[order].T
    n_arch = table.shape[1]
    fig = Figure(figsize=(min(16, 2.5 + 0.45 * n_arch), 0.45 * len(order) + 1.8))
    ax = fig.subplots()
    sns.heatmap(table, cmap="viridis_r", annot=table.size <= 120, fmt=".1f", ax=ax,
                xticklabels=n_arch <= 40, cbar_kws={"label": "rank (1 = best)"})
    ax.set(xlabel="architecture", ylabel="", title="Rank of each method on each architecture")
    ax.tick_params(axis="x", labelsize=7)
    return fig


def trajectories(rows: pd.DataFrame, metric: str, order: list[str], colours: dict) -> Figure:
    """Median and interquartile band of the metric over training steps, per method."""
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    stats = rows.groupby(["method", "step"])[metric].quantile([0.25, 0.5, 0.75]).unstack()
    for method in order:
        if method not in stats.index.get_level_values(0):
            continue
        part = stats.loc[method]
        ax.plot(part.index, part[0.5], color=colours[method], label=method)
        ax.fill_between(part.index, part[0.25], part[0.75], color=colours[method], alpha=0.2)
    ax.set(xlabel="generator step", ylabel=_arrow(metric), title=f"{metric} during training (median, IQR)")
    ax.legend(fontsize=8)
    return fig


def breakdown_columns(trials: pd.DataFrame, limit: int = 6) -> list[str]:
    """``arch_*`` properties with 2–8 distinct values (normalization, depth, activation…)."""
    cols = []
    skip = {"arch_id", "arch_family", *params_columns(trials)}
    for col in [c for c in trials.columns if c.startswith("arch_") and c not in skip]:
        n = trials[col].nunique(dropna=True)
        if 2 <= n <= 8:
            cols.append(col)
    return cols[:limit]


def by_architecture(trials: pd.DataFrame, metric: str, columns: list[str], order: list[str], colours: dict) -> Figure:
    """Final metric by architecture property (one panel per property), hue = method."""
    final = f"final_{metric}"
    data = trials[np.isfinite(trials[final].astype(float))].copy()
    ncols = min(2, len(columns))
    nrows = int(np.ceil(len(columns) / ncols))
    fig = Figure(figsize=(6.5 * ncols, 3.8 * nrows))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax, col in zip(axes, columns):
        data[col] = data[col].astype(str)
        with _quiet():
            sns.boxplot(data=data, x=col, y=final, hue="method", hue_order=order, palette=colours,
                        showfliers=False, ax=ax)
        ax.set(xlabel=col.removeprefix("arch_"), ylabel=f"final {metric}")
        ax.legend(fontsize=7, title=None)
    for ax in axes[len(columns):]:
        ax.set_visible(False)
    fig.suptitle(f"Final {metric} by architecture property")
    return fig


def params_columns(trials: pd.DataFrame) -> list[str]:
    return [c for c in trials.columns if c.startswith("arch_") and "params" in c
            and pd.api.types.is_numeric_dtype(trials[c])]


def versus_params(trials: pd.DataFrame, metric: str, columns: list[str], order: list[str], colours: dict) -> Figure:
    """Final metric against parameter counts (log scale), hue = method."""
    final = f"final_{metric}"
    data = trials[np.isfinite(trials[final].astype(float))]
    fig = Figure(figsize=(6 * len(columns), 4.2))
    axes = np.atleast_1d(fig.subplots(1, len(columns), squeeze=False)).ravel()
    for ax, col in zip(axes, columns):
        sns.scatterplot(data=data, x=col, y=final, hue="method", hue_order=order, palette=colours, ax=ax, s=25)
        ax.set_xscale("log")
        ax.set(xlabel=col.removeprefix("arch_").replace("_", " "), ylabel=f"final {metric}")
        ax.legend(fontsize=7)
    fig.suptitle(f"Final {metric} vs parameter count")
    return fig


def budget(curves: pd.DataFrame, metric: str, order: list[str], colours: dict) -> Figure:
    """Expected best metric vs number of configurations drawn, with bootstrap bands."""
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    for method in order:
        part = curves[curves["method"] == method]
        if part.empty:
            continue
        ax.plot(part["k"], part["expected"], color=colours[method], label=f"{method} (N={int(part['n_configs'].iloc[0])})")
        ax.fill_between(part["k"].astype(float), part["lo"].astype(float), part["hi"].astype(float),
                        color=colours[method], alpha=0.2)
    ax.set(xlabel="configurations drawn (k)", ylabel=f"expected best {metric}",
           title="Budget curves (Lucic et al. 2018), 95% bootstrap band")
    ax.legend(fontsize=8)
    return fig
