"""The report refuses nonsense arguments, leaves out rows of other sweeps with a warning naming
their files, and ranks a sweep in which every trial diverged (100 % diverged, all tied)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from bench.cli.main import main
from bench.report import build_report
from bench.store import write_trial_rows
from tests.report_synth import write_suite as write_results

EFFECTS = {"ns+none": 0.0, "wgan+gp": -5.0}


def all_diverged(path) -> list[str]:
    """Every trial diverged before its first evaluation: NaN metrics at every row."""
    ids = []
    for a in range(2):
        for method in EFFECTS:
            loss, reg = method.split("+")
            tid = f"{method}-a{a}"
            ids.append(tid)
            write_trial_rows(path, tid, [{"trial_id": tid, "suite": "other", "arch_id": f"conv-{a:03d}", "loss": loss,
                                          "regularizer": reg, "method": method, "seed": 0, "steps": 100, "step": 50,
                                          "status": "diverged", "fid": np.nan, "d_loss": np.nan, "g_loss": np.nan}])
    (path / "grid.json").write_text(json.dumps([{"trial_id": t} for t in ids]))
    return ids


@pytest.mark.parametrize("args", [["--thresholds", "nan"], ["--thresholds", "10", "inf"], ["--alpha", "7"],
                                  ["--alpha", "0"], ["--alpha", "nan"]])
def test_nonsense_arguments_exit_2(tmp_path, capsys, args):
    with pytest.raises(SystemExit) as info:
        main(["report", str(tmp_path), *args])
    assert info.value.code == 2
    assert args[0] in capsys.readouterr().err


def test_library_refuses_them_too(tmp_path):
    with pytest.raises(ValueError, match="alpha"):
        build_report(tmp_path, alpha=7)
    with pytest.raises(ValueError, match="thresholds"):
        build_report(tmp_path, thresholds=[float("nan")])


def test_foreign_rows_are_left_out_with_a_warning_naming_them(tmp_path, capsys):
    ours, other = tmp_path / "ours", tmp_path / "other"
    write_results(ours, EFFECTS, n_arch=2, seeds=(0,), steps=(0, 100))
    reference = build_report(ours, tmp_path / "ref", figures=False)
    foreign = all_diverged(other)
    for tid in foreign:
        shutil.copy(other / "rows" / f"{tid}.parquet", ours / "rows")
    summary = build_report(ours, tmp_path / "rep", figures=False)
    assert f"rows/{foreign[0]}.parquet" in summary.notes[0] and "left out" in summary.notes[0]
    assert "left out" in capsys.readouterr().err
    assert summary.progress.with_rows == reference.progress.with_rows == 4
    assert summary.leaderboard["mean_rank"].equals(reference.leaderboard["mean_rank"])


def test_every_trial_diverged_gives_a_leaderboard(tmp_path):
    all_diverged(tmp_path)
    summary = build_report(tmp_path, tmp_path / "rep", figures=False)
    assert set(summary.methods) == set(EFFECTS)
    assert (summary.leaderboard["diverged"] == 1.0).all()
    assert (summary.leaderboard["mean_rank"] == 1.5).all()
    assert any("100% diverged" in note for note in summary.notes)
