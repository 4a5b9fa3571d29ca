"""Are the differences between methods real?  Friedman test, post-hoc tests, bootstrap intervals.

Demšar (2006), *Statistical Comparisons of Classifiers over Multiple Data Sets*, JMLR 7:
with ``k`` methods ranked within each of ``N`` complete blocks (``R_j`` the mean rank of method
``j``), the Friedman statistic ``χ²_F = 12N / (k(k+1)) · (Σ_j R_j² − k(k+1)²/4)`` is χ² with
``k − 1`` degrees of freedom under the null hypothesis that all methods are equivalent (scipy's
``friedmanchisquare``, with its tie correction).  Two methods differ under the Nemenyi post-hoc
test when their mean ranks differ by at least the critical difference
``CD = q_α · sqrt(k(k+1) / (6N))``, ``q_α`` the studentized range quantile divided by √2.
Pairwise p-values come from scikit-posthocs (Nemenyi; Conover with Holm's correction).
With two methods the Friedman test reduces to the two-sided sign test on block wins.

The blocks of the tests are *architectures* (the rows of
:func:`bench.report.ranks.architecture_ranks`: a method's mean rank over the seeds of one
architecture); seeds of the same architecture are not independent data sets and counting them
as blocks would inflate ``N``.

Bootstrap intervals (Efron 1979) are percentile intervals: resample trials (for a median) or
architectures with all their seeds (for a mean rank) with replacement ``n_boot`` times from an
explicit seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scikit_posthocs as sp
from scipy import stats

from bench.report.ranks import rank_matrix


@dataclass(frozen=True)
class TestResult:
    """An omnibus test over complete blocks: ``test`` is "friedman", "sign test" or "none"
    (fewer than two methods or blocks); ``note`` says why when no test ran."""

    test: str
    statistic: float
    pvalue: float
    n_blocks: int
    n_methods: int
    note: str = ""
    unit: str = "complete blocks"

    def significant(self, alpha: float = 0.05) -> bool:
        return bool(np.isfinite(self.pvalue) and self.pvalue < alpha)

    def describe(self, alpha: float = 0.05) -> str:
        if self.test == "none":
            return f"no test: {self.note}"
        verdict = "significant" if self.significant(alpha) else "not significant"
        return (
            f"{self.test}: statistic {self.statistic:.3g}, p = {self.pvalue:.3g} ({verdict} at α = {alpha}) "
            f"over {self.n_blocks} {self.unit} × {self.n_methods} methods"
        )


def omnibus_test(complete: pd.DataFrame, unit: str = "complete blocks") -> TestResult:
    """Friedman test (≥ 3 methods) or sign test (2 methods) on a complete block × method matrix
    of scores (lower is better; ranks are taken within each block).  The report passes the
    architecture matrix, so the blocks are architectures."""
    n, k = complete.shape
    if k < 2 or n < 2:
        return TestResult("none", np.nan, np.nan, n, k, f"needs ≥ 2 methods and ≥ 2 {unit} (have {k}, {n})", unit)
    ranks = rank_matrix(complete)
    if k == 2:
        a_wins = int((ranks.iloc[:, 0] < ranks.iloc[:, 1]).sum())
        b_wins = int((ranks.iloc[:, 1] < ranks.iloc[:, 0]).sum())
        if a_wins + b_wins == 0:
            return TestResult("sign test", np.nan, 1.0, n, k, "every block is a tie", unit)
        result = stats.binomtest(a_wins, a_wins + b_wins, 0.5)
        return TestResult("sign test", float(a_wins), float(result.pvalue), n, k, unit=unit)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = stats.friedmanchisquare(*[ranks[c].to_numpy() for c in ranks.columns])
    pvalue = float(result.pvalue) if np.isfinite(result.pvalue) else 1.0
    return TestResult("friedman", float(result.statistic), pvalue, n, k, unit=unit)


def nemenyi(complete: pd.DataFrame) -> pd.DataFrame:
    """Nemenyi post-hoc p-values (method × method) for a complete block × method score matrix."""
    return sp.posthoc_nemenyi_friedman(rank_matrix(complete))


def conover_holm(complete: pd.DataFrame) -> pd.DataFrame:
    """Conover post-hoc p-values with Holm's step-down correction."""
    return sp.posthoc_conover_friedman(rank_matrix(complete), p_adjust="holm")


def critical_difference(n_methods: int, n_blocks: int, alpha: float = 0.05) -> float:
    """Nemenyi critical difference of mean ranks, ``q_α · sqrt(k(k+1)/(6N))`` (Demšar 2006)."""
    if n_methods < 2 or n_blocks < 1:
        return float("nan")
    q_alpha = stats.studentized_range.ppf(1 - alpha, n_methods, np.inf) / np.sqrt(2)
    return float(q_alpha * np.sqrt(n_methods * (n_methods + 1) / (6.0 * n_blocks)))


def bootstrap_median_ci(
    values: np.ndarray, rng: np.random.Generator, *, n_boot: int = 2000, level: float = 0.95
) -> tuple[float, float]:
    """Percentile interval of the median of the finite ``values`` (NaN, NaN if none)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    samples = values[rng.integers(0, values.size, size=(n_boot, values.size))]
    medians = np.median(samples, axis=1)
    tail = (1 - level) / 2
    return float(np.quantile(medians, tail)), float(np.quantile(medians, 1 - tail))


def bootstrap_mean_rank_ci(
    complete: pd.DataFrame, rng: np.random.Generator, *, n_boot: int = 2000, level: float = 0.95
) -> pd.DataFrame:
    """Percentile interval of each method's mean rank over the complete blocks (architecture ×
    seed, index level ``arch_id``), resampling architectures with all their blocks (a cluster
    bootstrap); columns ``mean_rank_lo``, ``mean_rank_hi`` indexed by method."""
    ranks = rank_matrix(complete)
    if ranks.shape[0] == 0:
        return pd.DataFrame({"mean_rank_lo": np.nan, "mean_rank_hi": np.nan}, index=complete.columns)
    by_arch = ranks.groupby(level="arch_id")
    sums, counts = by_arch.sum().to_numpy(), by_arch.size().to_numpy()
    idx = rng.integers(0, len(counts), size=(n_boot, len(counts)))
    means = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)[:, None]
    tail = (1 - level) / 2
    return pd.DataFrame(
        {"mean_rank_lo": np.quantile(means, tail, axis=0), "mean_rank_hi": np.quantile(means, 1 - tail, axis=0)},
        index=complete.columns,
    )
