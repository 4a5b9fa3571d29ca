"""build_report end to end on generated results directories, and the `bench report` CLI."""

from __future__ import annotations

import argparse
import shutil

import numpy as np
import pandas as pd
import pyarrow.fs as pafs
import pytest

from bench.cli import report as cli
from bench.registry import UnknownNameError
from bench.report import build_report
from bench.store.location import Location
from tests.report_synth import write_suite

EFFECTS = {"ns+none": 0.0, "hinge+none": 2.0, "ns+gp": 4.0, "wgan+gp": -40.0}


@pytest.fixture(scope="module")
def dominant(tmp_path_factory):
    path = tmp_path_factory.mktemp("dom") / "suite"
    write_suite(path, EFFECTS, n_arch=5, seeds=(0, 1), noise=2.0, steps=(0, 100, 200, 300, 400),
                diverged=("ns+none-a1-s0",), errors=("ns+gp-a2-s1",))
    return path, build_report(path, metric="fid", n_boot=500)


def test_dominant_method_leads(dominant):
    path, summary = dominant
    board = summary.leaderboard
    assert board.index[0] == "wgan+gp"
    assert board.loc["wgan+gp", "mean_rank"] == 1.0
    assert summary.n_complete_blocks == 10 and board.loc["wgan+gp", "wins"] == summary.n_architectures == 5
    assert summary.test.test == "friedman" and summary.test.n_blocks == 5 and summary.test.pvalue < 0.01
    assert board["trials"].sum() == 40 and summary.progress.expected == 40
    assert board.loc["ns+none", "diverged"] == pytest.approx(0.1)
    assert board.loc["ns+gp", "errors"] == pytest.approx(0.1)
    assert summary.axes == [] and not summary.search


def test_outputs_written(dominant):
    path, summary = dominant
    out = path / "report"
    for name in ("leaderboard.csv", "leaderboard.md", "report.html", "trials.csv", "metrics.csv",
                 "pvalues_nemenyi.csv", "block_ranks.csv"):
        assert (out / name).is_file(), name
    csv = pd.read_csv(out / "leaderboard.csv", index_col="method")
    assert list(csv.index) == list(summary.leaderboard.index)
    assert csv.loc["wgan+gp", "mean_rank"] == 1.0
    md = (out / "leaderboard.md").read_text()
    assert "| wgan+gp |" in md and "friedman" in md and "![" in md
    for stem in ("distribution", "critical_difference", "rank_heatmap", "trajectories", "by_architecture",
                 "versus_params"):
        assert (out / "figures" / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in (out / "figures" / f"{stem}.svg").read_text()[:2000]
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 6
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_every_registered_metric_in_its_direction(dominant):
    _, summary = dominant
    metrics = pd.read_csv(summary.out_dir / "metrics.csv")
    assert set(metrics["metric"]) == {"fid", "kid", "is"}
    best = metrics[metrics["rank"] == 1].set_index("metric")["method"]
    assert best.to_dict() == {"fid": "wgan+gp", "kid": "wgan+gp", "is": "wgan+gp"}  # is: higher is better


def test_partial_sweep_reports_missing_and_unfinished(tmp_path):
    path = tmp_path / "partial"
    write_suite(path, EFFECTS, n_arch=3, seeds=(0,), skip=("ns+gp-a0-s0",), running=("hinge+none-a1-s0",),
                planned_extra=2)
    summary = build_report(path, tmp_path / "out", thresholds=[80, 120], n_boot=200, figures=False)
    prog = summary.progress
    assert prog.expected == 14 and prog.with_rows == 11 and prog.finished == 10
    assert set(prog.missing_ids) == {"ns+gp-a0-s0", "never-ran-0", "never-ran-1"}
    assert prog.unfinished_ids == ("hinge+none-a1-s0",)
    assert summary.n_blocks == 3 and summary.n_complete_blocks == 1 and summary.n_dropped_blocks == 2
    assert summary.leaderboard.loc["hinge+none", "trials"] == 2
    text = "\n".join(summary.notes)
    assert "3 planned trials have no results" in text and "1 still running" in text
    assert "2 block(s) dropped" in text
    assert list(summary.leaderboard.columns).count("success@80") == 1


def test_sweep_with_every_trial_in_flight_ranks_nothing(tmp_path):
    """Mid-sweep on a cluster, every trial may be half way: none of them has reached its budget,
    so none is finished, whatever the furthest step reached."""
    from bench.report.trials import trial_table

    ids = write_suite(tmp_path, {"ns+none": 0.0, "wgan+gp": -5.0}, n_arch=2, seeds=(0,),
                      steps=(0, 100, 200, 300), running=("ns+none-a0-s0", "ns+none-a1-s0",
                                                         "wgan+gp-a0-s0", "wgan+gp-a1-s0"))
    rows = pd.concat([pd.read_parquet(tmp_path / "rows" / f"{t}.parquet") for t in ids])
    table = trial_table(rows, ["fid"])
    assert set(table["max_step"]) == {100} and not table["finished"].any()


def test_grid_axis_splits_methods(tmp_path):
    lrs = {m: [1e-4, 4e-4] for m in ("ns+none", "wgan+gp")}
    write_suite(tmp_path, {"ns+none": 0.0, "wgan+gp": -5.0}, n_arch=3, seeds=(0,), lr_d=lrs)
    summary = build_report(tmp_path, n_boot=200, figures=False)
    assert summary.axes == ["lr_d"] and not summary.search
    assert set(summary.methods) == {"ns+none lr_d=0.0001", "ns+none lr_d=0.0004",
                                    "wgan+gp lr_d=0.0001", "wgan+gp lr_d=0.0004"}


def test_search_gives_budget_curves(tmp_path):
    lrs = {m: list(np.geomspace(5e-5, 8e-4, 12)) for m in ("ns+none", "wgan+gp")}
    write_suite(tmp_path, {"ns+none": 0.0, "wgan+gp": -5.0}, n_arch=1, seeds=(0,), lr_d=lrs)
    summary = build_report(tmp_path, n_boot=200)
    assert summary.search and summary.methods == ["wgan+gp", "ns+none"]
    curves = pd.read_csv(summary.out_dir / "budget.csv")
    trials = pd.read_csv(summary.out_dir / "trials.csv")
    for method, curve in curves.groupby("method"):
        assert len(curve) == 12
        assert (np.diff(curve["expected"]) <= 1e-9).all()
        assert curve["expected"].iloc[-1] == pytest.approx(trials[trials.method == method]["final_fid"].min())
    assert (summary.out_dir / "figures" / "budget.png").is_file()


def test_bad_metric_is_an_error(dominant):
    path, _ = dominant
    with pytest.raises(UnknownNameError, match="valid"):
        build_report(path, path / "x", metric="fidd", figures=False)
    with pytest.raises(ValueError, match="available: fid"):
        build_report(path, path / "x", metric="modes", figures=False)


def test_cli_default_dir_and_terminal_output(dominant, tmp_path, monkeypatch, capsys):
    path, _ = dominant
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "only").symlink_to(path, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    assert cli.find_results_dir() == cli.RESULTS_ROOT / "only"
    parser = argparse.ArgumentParser()
    cli.add_parser(parser.add_subparsers())
    args = parser.parse_args(["report", "--out", str(tmp_path / "o"), "--no-figures", "--thresholds", "60", "90"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "wgan+gp" in out and "ok@60" in out and "leaderboard.md" in out and "report.html" in out
    assert (tmp_path / "o" / "leaderboard.csv").is_file()
    (tmp_path / "results" / "other" / "rows").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="several results directories") as err:
        cli.find_results_dir()
    assert "only" in str(err.value) and "other" in str(err.value)
    args = parser.parse_args(["report"])
    assert args.func(args) == 2
    assert "several results directories" in capsys.readouterr().err


def test_report_from_a_non_local_filesystem(dominant, tmp_path, capsys):
    """Results on an object store (here a pyarrow SubTreeFileSystem, which is not a LocalFileSystem)
    give the same leaderboard as the same results on a local disk; the report is written locally."""
    path, local = dominant
    shutil.copytree(path / "rows", tmp_path / "bucket" / "sweep" / "rows")
    shutil.copy(path / "grid.json", tmp_path / "bucket" / "sweep" / "grid.json")
    remote = Location(pafs.SubTreeFileSystem(str(tmp_path), pafs.LocalFileSystem()), "bucket/sweep", "mock://bucket/sweep")
    with pytest.raises(ValueError, match="pass --out"):
        build_report(remote, figures=False)
    summary = build_report(remote, tmp_path / "out", metric="fid", n_boot=500, figures=False)
    assert summary.results_dir == "mock://bucket/sweep"
    assert summary.progress.expected == local.progress.expected == 40
    pd.testing.assert_frame_equal(summary.leaderboard, local.leaderboard)
    assert "bench report: sweep" in (tmp_path / "out" / "leaderboard.md").read_text()
    # The CLI keeps a URI as written (argparse must not turn s3://b/x into a Path s3:/b/x).
    parser = argparse.ArgumentParser()
    cli.add_parser(parser.add_subparsers())
    assert parser.parse_args(["report", "s3://bucket/sweep"]).dir == "s3://bucket/sweep"
    args = parser.parse_args(["report", f"file://{path}", "--out", str(tmp_path / "o2"), "--no-figures"])
    assert args.func(args) == 0 and (tmp_path / "o2" / "leaderboard.csv").is_file()
    assert "wgan+gp" in capsys.readouterr().out
