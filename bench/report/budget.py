"""Budget curves (Lucic et al. 2018, *Are GANs Created Equal?*, arXiv 1711.10337, §5):
the expected best score when ``k`` hyperparameter configurations are drawn, ``k = 1 … N``.

For ``N`` configuration scores sorted so that ``x_(1)`` is the best, the best of ``k`` drawn
without replacement is ``x_(i)`` with probability ``C(N−i, k−1) / C(N, k)``, so

    E[best of k] = Σ_{i=1}^{N−k+1} x_(i) · C(N−i, k−1) / C(N, k)

exactly (no Monte-Carlo noise).  It is monotone in ``k`` and equals the overall best at
``k = N``.  The interval is a percentile bootstrap: resample the ``N`` scores with replacement
and recompute the exact curve.  A configuration's score is its trials' median final value (over
seeds and architectures); configurations whose every trial failed are left out and counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaln


def best_of_k_weights(n: int) -> np.ndarray:
    """(n, n) matrix ``W`` with ``W[k-1, i-1] = C(n−i, k−1) / C(n, k)`` (0 where i > n−k+1), so
    ``W @ sorted_scores`` is the expected best of ``k`` for every ``k``."""
    k = np.arange(1, n + 1)[:, None].astype(float)
    i = np.arange(1, n + 1)[None, :].astype(float)
    valid = i <= n - k + 1
    m = np.where(valid, n - i, 0.0)
    r = np.where(valid, k - 1, 0.0)
    log_num = gammaln(m + 1) - gammaln(r + 1) - gammaln(m - r + 1)
    log_den = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
    return np.where(valid, np.exp(log_num - log_den), 0.0)


def expected_best(values: np.ndarray, *, higher_is_better: bool = False) -> np.ndarray:
    """Expected best of ``k`` draws without replacement, ``k = 1 … len(values)``."""
    values = np.asarray(values, dtype=float)
    sign = -1.0 if higher_is_better else 1.0
    ordered = np.sort(sign * values)
    return sign * (best_of_k_weights(values.size) @ ordered)


def budget_curve(
    values: np.ndarray,
    rng: np.random.Generator,
    *,
    higher_is_better: bool = False,
    n_boot: int = 1000,
    level: float = 0.95,
) -> pd.DataFrame:
    """Columns ``k``, ``expected``, ``lo``, ``hi`` for the finite ``values``."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return pd.DataFrame(columns=["k", "expected", "lo", "hi"])
    sign = -1.0 if higher_is_better else 1.0
    weights = best_of_k_weights(n)
    samples = np.sort(sign * values[rng.integers(0, n, size=(n_boot, n))], axis=1)
    boot = sign * (samples @ weights.T)
    tail = (1 - level) / 2
    return pd.DataFrame(
        {
            "k": np.arange(1, n + 1),
            "expected": expected_best(values, higher_is_better=higher_is_better),
            "lo": np.quantile(boot, tail, axis=0),
            "hi": np.quantile(boot, 1 - tail, axis=0),
        }
    )


def budget_curves(
    trials: pd.DataFrame,
    value_col: str,
    *,
    config_col: str,
    higher_is_better: bool,
    rng: np.random.Generator,
    n_boot: int = 1000,
) -> pd.DataFrame:
    """One curve per ``method`` over its configurations (``config_col``); adds ``method``,
    ``n_configs`` (with a finite score) and ``n_failed`` (configurations without one)."""
    curves = []
    for method, group in trials.groupby("method", sort=True):
        per_config = group.groupby(config_col)[value_col].median()
        finite = per_config[np.isfinite(per_config)]
        curve = budget_curve(finite.to_numpy(), rng, higher_is_better=higher_is_better, n_boot=n_boot)
        curve["method"] = method
        curve["n_configs"] = len(finite)
        curve["n_failed"] = len(per_config) - len(finite)
        curves.append(curve)
    if not curves:
        return pd.DataFrame(columns=["k", "expected", "lo", "hi", "method", "n_configs", "n_failed"])
    return pd.concat(curves, ignore_index=True)
