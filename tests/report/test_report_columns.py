"""Detection of metrics, configuration axes and hyperparameter searches in result rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.report.columns import config_axes, config_keys, is_search, metric_columns
from bench.store import load_results


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


def test_a_metric_with_a_target_value_is_shown_but_never_ranked(tmp_path):
    """variance_ratio's target is ≈ 1: a method at 3 must not outrank one at 1, so it has no
    direction — no rank, no best value, no '*', and the report refuses to rank on it."""
    import pytest

    from bench.metrics.stability import stability_summary
    from bench.report import build_report
    from bench.report.columns import higher_is_better
    from bench.report.tables import metric_table
    from bench.report.text import metrics_display
    from bench.report.trials import trial_table
    from bench.store import write_trial_rows

    with pytest.raises(ValueError, match="'variance_ratio' has a target value.*rank on one of: fid"):
        higher_is_better("variance_ratio")
    with pytest.raises(ValueError, match="no best value"):
        stability_summary([{"step": 1, "variance_ratio": 1.0}], metric="variance_ratio")
    ratio = {"ns+none": 3.0, "hinge+none": 1.0}
    for method, loss in (("ns+none", "ns"), ("hinge+none", "hinge")):
        for a in range(3):
            trial = f"{method}-a{a}"
            write_trial_rows(tmp_path, trial, [
                {"trial_id": trial, "step": s, "status": "ok", "method": method, "loss": loss, "regularizer": "none",
                 "arch_id": f"a{a}", "seed": 0, "steps": 20, "fid": 10.0 + a + (loss == "ns") * (1 if a else -0.5) - s / 100,
                 "variance_ratio": ratio[method] + s / 100} for s in (10, 20)])
    rows = load_results(tmp_path)
    trials = trial_table(rows, metric_columns(rows))
    assert trials["best_variance_ratio"].isna().all() and trials["final_variance_ratio"].notna().all()
    table = metric_table(trials, ["fid", "variance_ratio"]).set_index(["metric", "method"])
    assert table.loc[("fid", "hinge+none"), "rank"] == 1 and table.loc[("fid", "ns+none"), "higher_is_better"] is False
    assert table.loc["variance_ratio", "rank"].isna().all()
    assert table.loc["variance_ratio", "higher_is_better"].isna().all()
    shown = metrics_display(table.reset_index())
    assert list(shown.columns) == ["fid ↓", "variance_ratio ≈"]
    assert shown.loc["hinge+none", "fid ↓"].endswith("*") and not shown["variance_ratio ≈"].str.endswith("*").any()
    summary = build_report(tmp_path, tmp_path / "report", metric="fid", n_boot=50, figures=False)
    assert summary.leaderboard.index[0] == "hinge+none"
    with pytest.raises(ValueError, match="target value"):
        build_report(tmp_path, tmp_path / "report2", metric="variance_ratio", n_boot=50, figures=False)


def test_roles_come_from_the_schema_and_attempts_never_split_methods():
    """Issue 13: `attempt`/`resumed_from` differ between trials after a resume (constant within
    each); as declared volatile columns they are no axis, while a declared config column is."""
    from bench.store.schema import CORE_COLUMNS, ROLES, column_role

    assert all(len(entry) == 3 and entry[1] in ROLES for entry in CORE_COLUMNS.values())
    assert column_role("attempt") == column_role("resumed_from") == "volatile"
    assert column_role("arch_g_width") == "config" and column_role("search_trial") == "identity"
    assert column_role("fid") == "metric" and column_role("feature_extractor") == "provenance"
    frame = rows(1)
    frame["attempt"] = np.where(frame.trial_id.str.endswith("1-0"), 2, 1)
    frame["resumed_from"] = np.where(frame.trial_id.str.endswith("1-0"), 50, 0)
    frame["host"] = np.where(frame.trial_id.str.endswith("1-0"), "b", "a")
    assert config_axes(frame) == []
    frame["n_disc"] = np.where(frame.trial_id.isin(["ns+none-1-0", "wgan+gp-0-0"]), 5, 1)
    assert config_axes(frame) == ["n_disc"]
