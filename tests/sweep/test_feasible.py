"""Requests no cluster can serve exit 2 saying what is missing, instead of waiting for ever."""

from __future__ import annotations

import socket

import pytest

from bench.cli.main import main
from bench.sweep.feasible import address_problem, resource_problem


@pytest.fixture
def suite(write_suite):
    return write_suite({"name": "tiny", "version": 1, "dataset": {"name": "ring8"},
                        "architectures": {"space": "mlp", "n": 1}, "losses": ["ns"],
                        "training": {"steps": 10, "batch_size": 8}, "evaluation": {"every": 5}})


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_resource_problem_names_what_is_missing():
    cluster = {"CPU": 2.0, "memory": 1e9}
    assert resource_problem({"cpu": 1, "gpu": 0}, cluster) is None
    gpu = resource_problem({"cpu": 1, "gpu": 0.3}, cluster)
    assert "--gpus-per-trial" in gpu and "0.3 GPU" in gpu and "no GPU" in gpu
    cpu = resource_problem({"cpu": 64, "gpu": 0}, cluster, origin="R/tune-settings.json")
    assert "64 CPU" in cpu and "has 2" in cpu and "R/tune-settings.json" in cpu and "--restart" in cpu
    assert resource_problem({"cpu": 2, "gpu": 1}, {"CPU": 2.0, "GPU": 1.0}) is None


def test_address_where_nothing_listens():
    port = closed_port()
    problem = address_problem(f"127.0.0.1:{port}", 2.0)
    assert f"127.0.0.1:{port}" in problem and "no Ray cluster answers" in problem
    assert "expected 'auto' or host:port" in address_problem("nonsense", 2.0)
    assert address_problem(None, 2.0) is None and address_problem("auto", 2.0) is None


def test_bench_run_with_a_dead_address_exits_2_and_writes_nothing(suite, tmp_path, capsys):
    results = tmp_path / "r"
    code = main(["run", str(suite), "--results", str(results), "--cache", str(tmp_path / "cache"),
                 "--address", f"127.0.0.1:{closed_port()}"])
    assert code == 2 and "no Ray cluster answers" in capsys.readouterr().err
    assert not results.exists()


@pytest.mark.parametrize("value", ["0", "-3"])
def test_max_concurrent_below_1_is_refused(suite, capsys, value):
    with pytest.raises(SystemExit) as info:
        main(["run", str(suite), "--max-concurrent", value])
    assert info.value.code == 2 and "--max-concurrent: must be 1 or more" in capsys.readouterr().err


@pytest.mark.slow
def test_infeasible_trial_resources_exit_2_before_writing(suite, write_suite, tmp_path, capsys):
    import ray
    import yaml

    search = write_suite({**yaml.safe_load(suite.read_text()),
                          "search": {"budget": 2, "space": {"lr": {"low": 1e-4, "high": 1e-3, "log": True}}}},
                         "search.yaml")
    ray.init(num_cpus=1, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    try:
        for path, flag, value, missing in ((suite, "--cpus-per-trial", "64", "64 CPU"),
                                           (suite, "--gpus-per-trial", "0.3", "no GPU"),
                                           (search, "--cpus-per-trial", "2", "2 CPU")):
            results = tmp_path / f"{path.stem}{flag}"
            code = main(["run", str(path), "--results", str(results), "--cache", str(tmp_path / "cache"), flag, value])
            assert code == 2 and missing in capsys.readouterr().err
            assert not results.exists()
    finally:
        ray.shutdown()
