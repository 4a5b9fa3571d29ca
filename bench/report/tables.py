"""The leaderboard and the per-metric table, from the per-trial table of finished trials.

Leaderboard columns (``m`` the ranking metric), one row per method, sorted by mean rank:

* ``trials``: finished trials; ``blocks``: architecture × seed blocks with a trial;
* ``mean_rank`` over complete blocks (+ ``_lo``/``_hi`` bootstrap interval resampling
  architectures), ``wins``, ``shared_wins``, ``win_rate`` over architectures (see
  :mod:`bench.report.ranks`);
* ``final_median``, ``final_q25``, ``final_q75`` (+ ``final_median_lo``/``_hi``) and
  ``best_median`` of ``m`` over trials with a finite value;
* ``success@t``: fraction of trials that did not diverge or fail and reached ``m ≤ t`` (``≥``
  when higher is better) — WGAN-GP (Gulrajani et al. 2017, §5.1) reports success counts at
  several thresholds;
* ``diverged``, ``errors``: fractions of trials; ``spread_median``: median over trials of the
  spread of ``m`` over the last evaluations (lower = more settled at the end of training).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.report.columns import higher_is_better, is_ranked
from bench.report.ranks import complete_blocks, rank_summary
from bench.report.significance import bootstrap_mean_rank_ci, bootstrap_median_ci
from bench.store.schema import STATUS_DIVERGED, STATUS_ERROR, STATUS_OK


def default_thresholds(trials: pd.DataFrame, metric: str) -> list[float]:
    """Quartiles of the finite final values, rounded to two significant digits."""
    values = trials[f"final_{metric}"].astype(float)
    values = values[np.isfinite(values)]
    if values.empty:
        return []
    qs = np.quantile(values, [0.25, 0.5, 0.75])
    rounded = sorted({float(f"{q:.2g}") for q in qs})
    return rounded


def succeeded(trials: pd.DataFrame, metric: str, threshold: float) -> pd.Series:
    """Per trial: status ok and a finite final value within ``threshold`` (in the metric's direction)."""
    final = trials[f"final_{metric}"].astype(float)
    within = final >= threshold if higher_is_better(metric) else final <= threshold
    return (trials["status"] == STATUS_OK) & np.isfinite(final) & within


def success_rates(trials: pd.DataFrame, metric: str, thresholds: list[float]) -> pd.DataFrame:
    """Per method, the fraction of trials with status ok and final value within each threshold."""
    return pd.DataFrame({f"success@{t:g}": succeeded(trials, metric, t).groupby(trials["method"]).mean()
                         for t in thresholds})


def leaderboard(
    trials: pd.DataFrame,
    scores: pd.DataFrame,
    metric: str,
    thresholds: list[float],
    rng: np.random.Generator,
    *,
    n_boot: int = 2000,
) -> pd.DataFrame:
    """The leaderboard (see the module docstring); ``trials`` are finished trials with a
    ``method`` column holding the leaderboard label, ``scores`` their block matrix."""
    groups = trials.groupby("method", sort=True)
    final, best, spread = f"final_{metric}", f"best_{metric}", f"spread_{metric}"
    board = pd.DataFrame({"trials": groups.size()})
    board = board.join(rank_summary(scores))
    board = board.join(bootstrap_mean_rank_ci(complete_blocks(scores), rng, n_boot=n_boot))
    board["final_median"] = groups[final].median()
    board["final_q25"] = groups[final].quantile(0.25)
    board["final_q75"] = groups[final].quantile(0.75)
    cis = {m: bootstrap_median_ci(g[final].to_numpy(), rng, n_boot=n_boot) for m, g in groups}
    board["final_median_lo"] = pd.Series({m: ci[0] for m, ci in cis.items()})
    board["final_median_hi"] = pd.Series({m: ci[1] for m, ci in cis.items()})
    board["best_median"] = groups[best].median()
    board = board.join(success_rates(trials, metric, thresholds))
    board["diverged"] = (trials["status"] == STATUS_DIVERGED).groupby(trials["method"]).mean()
    board["errors"] = (trials["status"] == STATUS_ERROR).groupby(trials["method"]).mean()
    board["spread_median"] = groups[spread].median()
    board["blocks"] = board["blocks"].fillna(0).astype(int)
    ascending = not higher_is_better(metric)
    board = board.sort_values(["mean_rank", "final_median"], ascending=[True, ascending], na_position="last")
    board.index.name = "method"
    return board


def metric_table(trials: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Long table: per method and metric, the median, 25th and 75th percentile of the final and
    the median of the best value, the direction, and the method's rank on that median (1 = best
    in the metric's own direction).  A metric without a direction (``variance_ratio``) has
    ``higher_is_better`` None and no rank."""
    parts = []
    for m in metrics:
        groups = trials.groupby("method", sort=True)
        part = pd.DataFrame(
            {
                "final_median": groups[f"final_{m}"].median(),
                "final_q25": groups[f"final_{m}"].quantile(0.25),
                "final_q75": groups[f"final_{m}"].quantile(0.75),
                "best_median": groups[f"best_{m}"].median(),
            }
        )
        ranked = is_ranked(m)
        part["rank"] = part["final_median"].rank(ascending=not higher_is_better(m), method="average") if ranked else np.nan
        part["metric"] = m
        part["higher_is_better"] = higher_is_better(m) if ranked else None
        parts.append(part.reset_index())
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)[
        ["metric", "higher_is_better", "method", "final_median", "final_q25", "final_q75", "best_median", "rank"]
    ]
