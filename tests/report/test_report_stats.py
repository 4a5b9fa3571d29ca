"""Ranks, wins, the Friedman/sign tests, the critical difference and bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.report.ranks import architecture_ranks, block_scores, complete_blocks, rank_matrix, rank_summary
from bench.report.significance import (
    bootstrap_mean_rank_ci,
    bootstrap_median_ci,
    critical_difference,
    nemenyi,
    omnibus_test,
)


def trials_frame(values: dict[str, np.ndarray], seeds=(0,)) -> pd.DataFrame:
    """Per-trial frame: values[method][block] is the final FID of that method on that block."""
    records = []
    for method, vals in values.items():
        for b, v in enumerate(vals):
            records.append({"arch_id": f"a{b // len(seeds)}", "seed": seeds[b % len(seeds)], "method": method,
                            "final_fid": v})
    return pd.DataFrame(records)


def scores_of(values, **kw):
    return block_scores(trials_frame(values, **kw), "final_fid", "method", higher_is_better=False)


def test_dominant_method_mean_rank_one_all_wins_significant():
    rng = np.random.default_rng(1)
    base = rng.normal(100, 20, size=15)
    values = {"best": base - 10 - rng.uniform(1, 5, 15)}
    values.update({m: base + rng.normal(0, 3, 15) for m in ("a", "b", "c")})
    scores = scores_of(values)
    summary = rank_summary(scores)
    assert summary.loc["best", "mean_rank"] == 1.0
    assert summary.loc["best", "wins"] == 15 and summary.loc["best", "win_rate"] == 1.0
    assert summary.drop("best")["wins"].sum() == 0
    result = omnibus_test(complete_blocks(scores))
    assert result.test == "friedman" and result.n_blocks == 15 and result.n_methods == 4
    assert result.pvalue < 1e-3
    p = nemenyi(complete_blocks(scores))
    assert p.loc["best", "a"] < 0.05 and p.loc["best", "c"] < 0.05


def test_exchangeable_methods_rarely_significant():
    """i.i.d. scores: the p-values should look uniform, so p < 0.05 in about 5% of 50 seeds."""
    pvalues = []
    for seed in range(50):
        rng = np.random.default_rng(seed)
        arch = rng.normal(100, 20, size=12)
        values = {m: arch + rng.normal(0, 5, 12) for m in ("a", "b", "c", "d")}
        pvalues.append(omnibus_test(complete_blocks(scores_of(values))).pvalue)
    pvalues = np.array(pvalues)
    assert np.mean(pvalues < 0.05) <= 0.16
    assert 0.3 < pvalues.mean() < 0.7


def test_ties_get_average_ranks_and_shared_wins():
    values = {"a": np.array([1.0, 2.0]), "b": np.array([1.0, 3.0]), "c": np.array([5.0, 1.0])}
    scores = scores_of(values)
    ranks = rank_matrix(scores)
    assert ranks.loc[("a0", 0)].tolist() == [1.5, 1.5, 3.0]
    summary = rank_summary(scores)
    assert summary["wins"].to_dict() == {"a": 1, "b": 1, "c": 1}
    assert summary["shared_wins"].to_dict() == {"a": 1, "b": 1, "c": 0}
    assert summary.loc["a", "mean_rank"] == pytest.approx((1.5 + 2.0) / 2)


def test_failures_rank_last_and_tie():
    values = {"a": np.array([np.nan, 10.0]), "b": np.array([np.nan, 20.0]), "c": np.array([50.0, np.nan])}
    ranks = rank_matrix(scores_of(values))
    assert ranks.loc[("a0", 0)].tolist() == [2.5, 2.5, 1.0]
    assert ranks.loc[("a1", 0)].tolist() == [1.0, 2.0, 3.0]
    summary = rank_summary(scores_of(values))
    assert summary.loc["c", "wins"] == 1 and summary.loc["a", "wins"] == 1


def test_missing_cells_drop_blocks():
    frame = trials_frame({"a": np.arange(4.0), "b": np.arange(4.0) + 1, "c": np.arange(4.0) + 2})
    frame = frame[~((frame.method == "b") & (frame.arch_id == "a2"))]
    scores = block_scores(frame, "final_fid", "method", higher_is_better=False)
    assert len(scores) == 4 and len(complete_blocks(scores)) == 3
    summary = rank_summary(scores)
    assert summary["blocks"].to_dict() == {"a": 4, "b": 3, "c": 4}
    assert summary.loc["a", "wins"] == 3


def test_higher_is_better_and_search_cells_take_the_best():
    frame = pd.DataFrame({"arch_id": ["x"] * 4, "seed": [0] * 4, "method": ["a", "a", "b", "b"],
                          "final_is": [2.0, 9.0, 5.0, 6.0]})
    scores = block_scores(frame, "final_is", "method", higher_is_better=True, reduce="min")
    assert scores.loc[("x", 0)].tolist() == [-9.0, -6.0]
    med = block_scores(frame, "final_is", "method", higher_is_better=True, reduce="median")
    assert med.loc[("x", 0)].tolist() == [-5.5, -5.5]


def test_two_methods_use_the_sign_test():
    values = {"a": np.arange(10.0), "b": np.arange(10.0) + 1}
    result = omnibus_test(complete_blocks(scores_of(values)))
    assert result.test == "sign test"
    assert result.pvalue == pytest.approx(2 * 0.5**10)


def test_critical_difference_matches_demsar_table():
    # Demšar (2006) Table 5(a): q_0.05 = 2.569 for k = 4 and 3.164 for k = 10.
    assert critical_difference(4, 1) == pytest.approx(2.569 * np.sqrt(4 * 5 / 6), rel=1e-3)
    assert critical_difference(10, 30) == pytest.approx(3.164 * np.sqrt(10 * 11 / 180), rel=1e-3)


def test_bootstrap_intervals_cover_the_estimate():
    rng = np.random.default_rng(0)
    values = rng.normal(50, 10, size=200)
    lo, hi = bootstrap_median_ci(values, np.random.default_rng(1), n_boot=1000)
    assert lo < np.median(values) < hi
    assert 0.5 < hi - lo < 6.0
    assert np.isnan(bootstrap_median_ci(np.array([np.nan]), rng)[0])
    scores = scores_of({m: rng.normal(0, 1, 20) for m in "abc"})
    ci = bootstrap_mean_rank_ci(complete_blocks(scores), np.random.default_rng(2), n_boot=500)
    mean = rank_matrix(scores).mean()
    assert ((ci["mean_rank_lo"] <= mean) & (mean <= ci["mean_rank_hi"])).all()
    assert ((ci["mean_rank_hi"] - ci["mean_rank_lo"]) > 0.1).all()


def test_seeds_of_an_architecture_are_one_block_for_wins_and_the_test():
    """Three seeds on each of 6 architectures: wins count architectures (best mean rank over the
    seeds), the Friedman test has 6 blocks, not 18, and an architecture where the methods split
    their seeds is won by the one with the better average."""
    rng = np.random.default_rng(3)
    seeds = (0, 1, 2)
    base = np.repeat(rng.normal(100, 20, size=6), 3)
    values = {"best": base - 20, "a": base + rng.normal(0, 3, 18), "b": base + rng.normal(0, 3, 18) + 1}
    values["best"][15:17] += 40  # architecture a5: "best" loses two of its three seeds
    scores = scores_of(values, seeds=seeds)
    assert len(complete_blocks(scores)) == 18
    per_arch = architecture_ranks(complete_blocks(scores))
    assert list(per_arch.index) == [f"a{i}" for i in range(6)]
    summary = rank_summary(scores)
    assert summary.loc["best", "wins"] == 5 and summary["wins"].sum() == 6
    assert summary.loc["best", "win_rate"] == pytest.approx(5 / 6)
    assert summary.loc["best", "mean_rank"] == pytest.approx(rank_matrix(scores)["best"].mean())
    result = omnibus_test(per_arch, unit="architectures")
    assert result.n_blocks == 6 and "6 architectures" in result.describe()


def test_mean_rank_interval_resamples_architectures():
    """Seeds that repeat their architecture's ranks add no information: the interval over 4
    architectures × 5 identical seeds is as wide as over the 4 architectures alone."""
    rng = np.random.default_rng(4)
    one = scores_of({m: rng.normal(0, 1, 4) for m in "abc"})
    repeated = pd.concat({s: one.droplevel("seed") for s in range(5)}, names=["seed"]).reorder_levels(
        ["arch_id", "seed"]).sort_index()
    ci_one = bootstrap_mean_rank_ci(complete_blocks(one), np.random.default_rng(5), n_boot=4000)
    ci_rep = bootstrap_mean_rank_ci(complete_blocks(repeated), np.random.default_rng(5), n_boot=4000)
    assert np.allclose(ci_one.to_numpy(), ci_rep.to_numpy())
