"""Output paths are checked before anything is written: exit 2 naming the option or field."""

from __future__ import annotations

import os

import pytest

from bench.cli.main import main
from bench.outputs import file_problem, folder_problem


@pytest.fixture
def suite(write_suite, tmp_path):
    return write_suite({"name": "tiny", "version": 1, "dataset": {"name": "ring8"},
                        "architectures": {"space": "mlp", "n": 1}, "losses": ["ns"],
                        "training": {"steps": 10, "batch_size": 8}, "evaluation": {"every": 5}})


def test_folder_problems(tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert "is a file, not a folder" in folder_problem(afile)
    assert "is a file, so" in folder_problem(afile / "sub")
    assert "/proc" in folder_problem("/proc/self/results")
    assert folder_problem("/dev/null") and "/dev" in folder_problem("/dev/nonexistent/x")
    assert "allows" in folder_problem(tmp_path / ("n" * 300))
    assert "unknown URI scheme 'foo://'" in folder_problem("foo://bucket/x")
    assert folder_problem("s3://bucket/x") is None and folder_problem(f"file://{tmp_path}/ok") is None
    assert folder_problem(tmp_path / "new" / "deeper") is None
    assert "is a folder" in file_problem(tmp_path) and file_problem(tmp_path / "c.jsonl") is None
    assert sorted(os.listdir(tmp_path)) == ["afile"]


@pytest.mark.parametrize("results", ["afile", "/proc/bench-results", "/dev/null", "n" * 300, "foo://bucket/x"])
def test_bench_run_refuses_bad_results_paths(suite, tmp_path, monkeypatch, capsys, results):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    before = sorted(os.listdir(tmp_path))
    assert main(["run", str(suite), "--results", results]) == 2
    assert "--results:" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == before


def test_suite_results_field_is_named(write_suite, tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    path = write_suite({"name": "tiny", "version": 1, "dataset": {"name": "ring8"}, "results": str(tmp_path / "afile"),
                        "architectures": {"space": "mlp", "n": 1}, "losses": ["ns"],
                        "training": {"steps": 10, "batch_size": 8}, "evaluation": {"every": 5}})
    assert main(["run", str(path)]) == 2
    assert f"{path}: results: " in capsys.readouterr().err


def test_archs_sample_out_a_folder(tmp_path, capsys):
    assert main(["archs", "sample", "--n", "2", "--seed", "0", "--space", "mlp", "--out", str(tmp_path)]) == 2
    assert "--out:" in capsys.readouterr().err and os.listdir(tmp_path) == []


def test_report_out_an_existing_file(tmp_path, capsys):
    from tests.report_synth import write_suite as write_results

    write_results(tmp_path / "res", {"ns+none": 0.0, "wgan+gp": -5.0}, n_arch=2, seeds=(0,), steps=(0, 100))
    (tmp_path / "taken").write_text("x")
    assert main(["report", str(tmp_path / "res"), "--out", str(tmp_path / "taken"), "--no-figures"]) == 2
    assert "--out:" in capsys.readouterr().err
    assert (tmp_path / "taken").read_text() == "x" and not (tmp_path / "res" / "report").exists()
