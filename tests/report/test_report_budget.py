"""Budget curves: the exact expected best of k draws (Lucic et al. 2018)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from bench.report.budget import best_of_k_weights, budget_curve, budget_curves, expected_best


def test_exact_expectation_matches_enumeration():
    values = np.array([7.0, 3.0, 9.0, 1.0, 4.0, 4.0])
    curve = expected_best(values)
    for k in range(1, len(values) + 1):
        brute = np.mean([min(c) for c in itertools.combinations(values, k)])
        assert curve[k - 1] == pytest.approx(brute, rel=1e-12)
    assert curve[0] == pytest.approx(values.mean())


def test_weights_are_distributions():
    w = best_of_k_weights(40)
    assert np.allclose(w.sum(axis=1), 1.0)
    assert (w >= 0).all()


@pytest.mark.parametrize("higher", [False, True])
def test_curve_monotone_and_reaches_the_best(higher):
    rng = np.random.default_rng(3)
    values = rng.lognormal(4, 0.5, size=30)
    curve = budget_curve(values, rng, higher_is_better=higher, n_boot=300)
    diffs = np.diff(curve["expected"].to_numpy())
    assert (diffs >= -1e-9).all() if higher else (diffs <= 1e-9).all()
    target = values.max() if higher else values.min()
    assert curve["expected"].iloc[-1] == pytest.approx(target, rel=1e-12)
    assert len(curve) == 30 and curve["k"].tolist() == list(range(1, 31))
    assert (curve["lo"] <= curve["hi"]).all()
    inside = (curve["lo"] <= curve["expected"] + 1e-9) & (curve["expected"] <= curve["hi"] + 1e-9)
    assert inside.mean() > 0.9


def test_curves_per_method_count_failed_configs():
    trials = pd.DataFrame({
        "method": ["a"] * 4 + ["b"] * 3,
        "config": ["c1", "c1", "c2", "c3", "c1", "c2", "c3"],
        "final_fid": [10.0, 12.0, 20.0, np.nan, 5.0, 6.0, 7.0],
    })
    curves = budget_curves(trials, "final_fid", config_col="config", higher_is_better=False,
                           rng=np.random.default_rng(0), n_boot=100)
    a = curves[curves.method == "a"]
    assert a["n_configs"].iloc[0] == 2 and a["n_failed"].iloc[0] == 1
    assert a["expected"].tolist() == pytest.approx([(11.0 + 20.0) / 2, 11.0])
    assert curves[curves.method == "b"]["expected"].iloc[-1] == 5.0


def test_curves_average_the_exact_curve_of_each_block():
    """Two architectures on different scales: the method's curve is the mean of the two blocks'
    curves (not one curve over the pooled configurations, which would mix architecture effects
    into the budget), up to the fewest configurations of a block."""
    trials = pd.DataFrame({
        "method": ["a"] * 5,
        "arch_id": ["x", "x", "y", "y", "y"],
        "seed": [0] * 5,
        "config": ["x1", "x2", "y1", "y2", "y3"],
        "final_fid": [10.0, 20.0, 100.0, 200.0, 300.0],
    })
    curves = budget_curves(trials, "final_fid", config_col="config", higher_is_better=False,
                           rng=np.random.default_rng(0), n_boot=200)
    x, y = expected_best(np.array([10.0, 20.0])), expected_best(np.array([100.0, 200.0, 300.0]))
    assert curves["expected"].tolist() == pytest.approx(((x + y[:2]) / 2).tolist())
    assert curves["n_blocks"].iloc[0] == 2 and curves["n_configs"].iloc[0] == 2
    assert (curves["lo"] <= curves["expected"] + 1e-9).all() and (curves["expected"] <= curves["hi"] + 1e-9).all()
