"""Budget curves (Lucic et al. 2018, *Are GANs Created Equal?*, arXiv 1711.10337, §5):
the expected best score when ``k`` hyperparameter configurations are drawn, ``k = 1 … N``.

For ``N`` configuration scores sorted so that ``x_(1)`` is the best, the best of ``k`` drawn
without replacement is ``x_(i)`` with probability ``C(N−i, k−1) / C(N, k)``, so

    E[best of k] = Σ_{i=1}^{N−k+1} x_(i) · C(N−i, k−1) / C(N, k)

exactly (no Monte-Carlo noise).  It is monotone in ``k`` and equals the overall best at
``k = N``.  The interval is a percentile bootstrap: resample the ``N`` scores with replacement
and recompute the exact curve.

Lucic et al. draw a curve per model *and data set*; here the counterpart of a data set is a
block (architecture × seed), since architectures differ far more than configurations.  A
method's curve is the mean over its blocks of each block's exact curve (``k`` up to the fewest
configurations any block has), and its bootstrap resamples configurations within every block.
A configuration's score in a block is its trials' median final value there; configurations
without a finite value (diverged, failed) are left out and counted in ``n_failed``.
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


def _exact_and_bootstrap(values: np.ndarray, rng: np.random.Generator, sign: float, n_boot: int):
    """The exact curve of ``values`` and ``n_boot`` bootstrap curves, shape (n,), (n_boot, n)."""
    n = values.size
    weights = best_of_k_weights(n)
    samples = np.sort(sign * values[rng.integers(0, n, size=(n_boot, n))], axis=1)
    return sign * (weights @ np.sort(sign * values)), sign * (samples @ weights.T)


def _curve_frame(expected: np.ndarray, boot: np.ndarray, level: float) -> pd.DataFrame:
    tail = (1 - level) / 2
    return pd.DataFrame(
        {
            "k": np.arange(1, expected.size + 1),
            "expected": expected,
            "lo": np.quantile(boot, tail, axis=0),
            "hi": np.quantile(boot, 1 - tail, axis=0),
        }
    )


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
    if values.size == 0:
        return pd.DataFrame(columns=["k", "expected", "lo", "hi"])
    expected, boot = _exact_and_bootstrap(values, rng, -1.0 if higher_is_better else 1.0, n_boot)
    return _curve_frame(expected, boot, level)


def budget_curves(
    trials: pd.DataFrame,
    value_col: str,
    *,
    config_col: str,
    higher_is_better: bool,
    rng: np.random.Generator,
    n_boot: int = 1000,
    level: float = 0.95,
    block_cols: tuple[str, ...] = ("arch_id", "seed"),
) -> pd.DataFrame:
    """One curve per ``method``: the mean over its blocks (``block_cols`` present in ``trials``)
    of the exact curve over each block's configurations (``config_col``).  Adds ``method``,
    ``n_blocks`` (blocks with a finite score), ``n_configs`` (the ``k`` range: the fewest finite
    configurations of a block) and ``n_failed`` (configurations without a finite score)."""
    columns = ["k", "expected", "lo", "hi", "method", "n_blocks", "n_configs", "n_failed"]
    sign = -1.0 if higher_is_better else 1.0
    blocks = [c for c in block_cols if c in trials.columns]
    curves = []
    for method, group in trials.groupby("method", sort=True):
        cells = [cell for _, cell in group.groupby(blocks, sort=True, dropna=False)] if blocks else [group]
        scores, n_failed = [], 0
        for cell in cells:
            per_config = cell.groupby(config_col)[value_col].median()
            finite = per_config[np.isfinite(per_config)].to_numpy(dtype=float)
            n_failed += len(per_config) - finite.size
            if finite.size:
                scores.append(finite)
        if not scores:
            continue
        k_max = min(v.size for v in scores)
        parts = [_exact_and_bootstrap(v, rng, sign, n_boot) for v in scores]
        expected = np.mean([exact[:k_max] for exact, _ in parts], axis=0)
        boot = np.mean([b[:, :k_max] for _, b in parts], axis=0)
        curve = _curve_frame(expected, boot, level)
        curve["method"], curve["n_blocks"], curve["n_configs"], curve["n_failed"] = method, len(scores), k_max, n_failed
        curves.append(curve)
    if not curves:
        return pd.DataFrame(columns=columns)
    return pd.concat(curves, ignore_index=True)[columns]
