"""Detection of metrics, configuration axes and hyperparameter searches in result rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.report.columns import config_axes, config_keys, is_search, metric_columns


def rows(n_lr: int, **extra) -> pd.DataFrame:
    records = []
    for method in ("ns+none", "wgan+gp"):
        for a in range(2):
            for c in range(n_lr):
                for step in (0, 100):
                    records.append({"trial_id": f"{method}-{a}-{c}", "step": step, "method": method, "arch_id": f"a{a}",
                                    "seed": 0, "lr_d": 1e-4 * (c + 1), "beta1": 0.5, "z_dim": 16 * (a + 1),
                                    "reg_weight": 10.0 if method == "wgan+gp" else np.nan,
                                    "d_loss": float(step), "fid": 50.0 + step, "precision_x": 0.5, **extra})
    return pd.DataFrame(records)


def test_axes_are_varied_per_trial_config_columns_only():
    frame = rows(2)
    # beta1 is constant, z_dim follows the architecture, reg_weight follows the method,
    # d_loss changes within a trial: only lr_d splits methods.
    assert config_axes(frame) == ["lr_d"]
    assert metric_columns(frame) == ["fid"]  # unregistered columns are never ranked
    trials = frame.drop_duplicates("trial_id")
    assert config_keys(trials, ["lr_d"]).iloc[0] == "lr_d=0.0001"
    assert not is_search(frame, ["lr_d"])


def test_missing_values_do_not_make_an_axis():
    frame = rows(1)
    frame.loc[frame.trial_id == "ns+none-0-0", "beta1"] = np.nan
    assert config_axes(frame) == []


def test_search_detected_by_count_or_column():
    assert is_search(rows(10), ["lr_d"])
    assert is_search(rows(1, search_trial=3), [])
