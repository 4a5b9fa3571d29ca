"""A damaged results folder, and two drivers on one folder (issue 13).

A finished sweep whose row files are then truncated, deleted or joined by junk: `bench status`
names each and counts the trials incomplete, `bench report` refuses naming the file and the way
out, `bench run` recomputes the trials from their checkpoints — saying so — and the rows come back
with the provenance of the attempt that computed them.  A second `bench run` on a folder that a
driver holds exits 2; a SIGKILLed holder leaves no stuck lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from bench.store import load_results
from bench.store.location import Location
from tests.tiny import bench_cli, write_mlp_catalogue

SUITE = """
name: repairable
version: 1
dataset: {name: ring8}
architectures: {catalogue: mlp.jsonl}
losses: [ns]
training: {steps: 40, batch_size: 32, log_every: 10, checkpoint_every: 20}
evaluation: {every: 20, num_samples: 200}
seeds: [0, 1]
"""


def write_suite(folder) -> str:
    write_mlp_catalogue(folder)
    (folder / "repairable.yaml").write_text(SUITE)
    return str(folder / "repairable.yaml")


bench = bench_cli


@pytest.mark.slow
def test_a_damaged_folder_is_named_refused_by_the_report_and_repaired_by_run(tmp_path):
    suite, out = write_suite(tmp_path), tmp_path / "out"
    assert bench("run", suite, "--results", str(out), "--num-cpus", "2").returncode == 0
    before = load_results(out)
    cut, deleted = sorted(before["trial_id"].unique())
    data = (out / "rows" / f"{cut}.parquet").read_bytes()
    (out / "rows" / f"{cut}.parquet").write_bytes(data[: len(data) // 3])
    (out / "rows" / f"{deleted}.parquet").unlink()
    (out / "rows" / "junk.parquet").write_bytes(b"junk")

    status = bench("status", str(out))
    assert status.returncode == 0 and "Traceback" not in status.stderr, status.stderr
    assert "incomplete 2" in " ".join(status.stdout.split()) and "junk.parquet" in status.stdout, status.stdout
    report = bench("report", str(out), "--no-figures", "--metric", "modes")
    assert report.returncode == 2 and "junk.parquet" in report.stderr and "bench run" in report.stderr
    assert "Traceback" not in report.stderr

    again = bench("run", suite, "--results", str(out), "--num-cpus", "2")
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{cut} is not done" in again.stdout and f"{deleted} is not done" in again.stdout, again.stdout
    assert "junk.parquet is no row file of this sweep" in again.stdout and "2 trials: 2 ok" in again.stdout
    (out / "rows" / "junk.parquet").unlink()
    after = load_results(out)
    assert after[["trial_id", "step"]].values.tolist() == before[["trial_id", "step"]].values.tolist()
    assert after[["modes", "hq_fraction", "mode_kl"]].equals(before[["modes", "hq_fraction", "mode_kl"]])
    # restored from their final checkpoints: the rows keep the attempt and time that computed them
    assert after["attempt"].tolist() == before["attempt"].tolist() == [1] * len(before)
    assert after["timestamp"].tolist() == before["timestamp"].tolist()
    log = (out / "logs" / f"{cut}.log").read_text()
    assert "attempt 2: its rows fall short" in log and "resumed from the checkpoint at step 40" in log
    assert bench("report", str(out), "--no-figures", "--metric", "modes").returncode == 0


LOCK_HOLDER = """
import sys, time
from bench.store.location import Location
from tests.tiny import bench_cli, write_mlp_catalogue
from bench.sweep.lock import driver_lock
with driver_lock(Location.of(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


@pytest.mark.slow
def test_a_second_driver_is_refused_and_a_killed_one_leaves_no_stuck_lock(tmp_path):
    from bench.sweep.lock import SweepLocked, driver_lock
    from bench.sweep.folder import SweepConflict

    suite, out = write_suite(tmp_path), tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SweepLocked, match=f"pid {holder.pid} on"):
            with driver_lock(Location.of(out)):
                pass
        assert issubclass(SweepLocked, SweepConflict)
        second = bench("run", suite, "--results", str(out), "--num-cpus", "2")
        assert second.returncode == 2 and "in use by another `bench run`" in second.stderr, second.stderr
        assert sorted(os.listdir(out)) == [".bench-run.lock"]  # refused before writing anything
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with driver_lock(Location.of(out)):  # the kernel released the killed holder's lock
        pass


def test_a_failed_start_in_a_new_folder_leaves_nothing(tmp_path):
    from bench.sweep.lock import driver_lock

    with pytest.raises(RuntimeError):
        with driver_lock(Location.of(tmp_path / "new")):
            raise RuntimeError("bad input")
    assert not (tmp_path / "new").exists()
