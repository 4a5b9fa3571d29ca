"""Ranks of methods within blocks (architecture × seed), wins and mean rank (BogoNet protocol).

Kodali et al. 2017 (arXiv 1705.07215) compare methods architecture by architecture; Demšar
(2006, JMLR 7) ranks them within each block and averages the ranks.  Here:

* a *block* is one (``arch_id``, ``seed``) pair; a *cell* is one method in one block;
* a cell's *score* is the metric oriented so that lower is better (``-value`` when higher is
  better); a finished trial without a finite value (diverged, error) scores ``+inf``, i.e. it
  loses to every trial that produced a number and ties with the other failures;
* several trials in a cell (the configurations of a hyperparameter search) are reduced to their
  best score (the method as tuned by that search) or, with ``reduce="median"``, to the median;
* ranks are 1 = best, ties get the average of the tied ranks (``rank(method="average")``);
* mean rank uses only *complete* blocks, in which every method has a cell, so every rank is out
  of the same number of methods; incomplete blocks are counted and reported;
* the seeds of one architecture are not independent data sets, so everything that counts
  architectures works on the *architecture matrix*: each method's mean rank over the complete
  blocks of that architecture (its seeds).  *Wins* are architectures on which a method has the
  best such rank (BogoNet's count); the Friedman test, post-hoc tests, critical difference and
  bootstrap intervals (see :mod:`bench.report.significance`) treat architectures as the blocks.
  With one seed per architecture both levels coincide.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BLOCK = ["arch_id", "seed"]


def oriented(values: pd.Series, higher_is_better: bool) -> pd.Series:
    """Scores where lower is better and failures (NaN) are +inf."""
    score = -values.astype(float) if higher_is_better else values.astype(float)
    return score.fillna(np.inf)


def block_scores(
    trials: pd.DataFrame, value_col: str, label_col: str, *, higher_is_better: bool, reduce: str = "min"
) -> pd.DataFrame:
    """Matrix of cell scores: index (``arch_id``, ``seed``), one column per method label, NaN
    where the method has no finished trial in that block."""
    frame = trials[BLOCK + [label_col]].copy()
    frame["score"] = oriented(trials[value_col], higher_is_better)
    if reduce not in ("min", "median"):
        raise ValueError(f"reduce must be 'min' or 'median', not {reduce!r}")
    cells = frame.groupby(BLOCK + [label_col], dropna=False)["score"].agg(reduce)
    matrix = cells.unstack(label_col)
    matrix.columns.name = "method"
    return matrix


def rank_matrix(scores: pd.DataFrame) -> pd.DataFrame:
    """Rank of each method within each block (1 = best, average ranks for ties, NaN if absent)."""
    return scores.rank(axis=1, method="average", ascending=True)


def complete_blocks(scores: pd.DataFrame) -> pd.DataFrame:
    """The blocks in which every method has a cell."""
    return scores.dropna(axis=0, how="any")


def architecture_ranks(scores: pd.DataFrame) -> pd.DataFrame:
    """Architecture × method matrix: each method's mean rank over the blocks (seeds) of that
    architecture (lower is better).  On the complete blocks: the blocks of the Friedman test and
    of the wins; on all blocks (the report's heatmap) a block with a missing method ranks the
    others out of fewer."""
    return rank_matrix(scores).groupby(level="arch_id").mean()


def rank_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Per method: ``blocks`` (blocks with a cell), ``mean_rank`` over complete blocks,
    ``wins`` (architectures where it has the best mean rank over seeds and at least one finite
    score; a tie for best is a win for each tied method), ``shared_wins`` (those wins that
    were ties), ``win_rate`` = wins / architectures with a complete block."""
    complete = complete_blocks(scores)
    ranks = rank_matrix(complete)
    per_arch = architecture_ranks(complete)
    finite = np.isfinite(complete).groupby(level="arch_id").any()
    is_win = per_arch.eq(per_arch.min(axis=1), axis=0) & finite
    shared = is_win & (is_win.sum(axis=1) > 1).to_numpy()[:, None]
    n = len(per_arch)
    return pd.DataFrame(
        {
            "blocks": scores.notna().sum(),
            "mean_rank": ranks.mean() if len(complete) else np.nan,
            "wins": is_win.sum().astype(int),
            "shared_wins": shared.sum().astype(int),
            "win_rate": is_win.sum() / n if n else np.nan,
        }
    )
