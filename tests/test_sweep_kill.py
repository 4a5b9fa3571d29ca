"""Resume after SIGKILL: `bench run` killed (driver and its whole Ray) at a random point after some
rows exist, then run again, ends with exactly the rows of an uninterrupted run — one per
(trial, step), identical metric values on the CPU — and did not retrain trials Tune had finished."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid

from bench.store import load_results
from bench.sweep.status import sweep_status, tune_states
from bench.store.location import Location

SUITE = """
name: killable
version: 1
dataset: {{name: ring8}}
architectures: {{catalogue: mlp.jsonl}}
losses: [ns, hinge]
training: {{steps: 150, batch_size: 32, log_every: 10, checkpoint_every: 25}}
evaluation: {{every: 50, num_samples: 200}}
seeds: [0, 1, 2]
resources: {{max_concurrent: 2}}
results: {results}
"""
# May differ between runs by design (git_commit gains "-dirty" if the checkout changes between runs).
VOLATILE = {"wall_s", "timestamp", "attempt", "resumed_from", "git_commit"}


def command(suite: str) -> list[str]:
    return [sys.executable, "-m", "bench.cli.main", "run", suite, "--num-cpus", "2"]


def tagged_pids(tag: str) -> list[int]:
    """Processes whose environment carries ``BENCH_TEST_TAG=tag`` (the driver, raylet, GCS, workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/environ", "rb") as handle:
                    if f"BENCH_TEST_TAG={tag}".encode() in handle.read().split(b"\0"):
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


def kill_all(proc: subprocess.Popen, tag: str) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
    deadline = time.time() + 30
    while (left := tagged_pids(tag)) and time.time() < deadline:
        for pid in left:  # Ray daemons that left the process group (they may ignore SIGTERM)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
    assert not tagged_pids(tag), "processes of the killed sweep survive"


def test_sigkill_then_rerun_gives_the_uninterrupted_rows(tmp_path):
    from bench.arch.spec import ArchSpec

    seed = int(os.environ.get("BENCH_KILL_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    spec = ArchSpec("mlp", {"g_width": 16, "d_width": 16, "g_depth": 1, "d_depth": 1}, z_dim=4)
    (tmp_path / "mlp.jsonl").write_text(json.dumps(spec.to_dict()) + "\n")
    reference_suite, killed_suite = tmp_path / "ref.yaml", tmp_path / "killed.yaml"
    reference_suite.write_text(SUITE.format(results=tmp_path / "ref"))
    killed_suite.write_text(SUITE.format(results=tmp_path / "killed"))

    proc = subprocess.run(command(str(reference_suite)), capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reference = load_results(tmp_path / "ref")

    out = tmp_path / "killed"
    tag = uuid.uuid4().hex
    wanted = rng.randint(1, 3)  # row files (trials with ≥1 evaluation) before the kill, of 6
    with open(tmp_path / "killed.log", "w") as log:
        victim = subprocess.Popen(command(str(killed_suite)), stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True, env={**os.environ, "BENCH_TEST_TAG": tag})
        try:
            deadline = time.time() + 180
            while len(list((out / "rows").glob("*.parquet"))) < wanted and victim.poll() is None:
                assert time.time() < deadline, "no rows appeared"
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 0.3))
            assert victim.poll() is None, f"the sweep finished before the kill (seed {seed})"
        finally:
            kill_all(victim, tag)
    states, _ = tune_states(Location.of(out))
    finished = sorted(t for t, s in states.items() if s == "TERMINATED")
    before = {t: (out / "rows" / f"{t}.parquet").read_bytes() for t in finished}
    rows_before = len(list((out / "rows").glob("*.parquet")))
    status = sweep_status(out).counts  # what `bench status` shows for the interrupted sweep
    assert sum(status.values()) == 6 and status["errored"] == status["diverged"] == 0
    assert len(finished) <= status["finished"] <= 6

    proc = subprocess.run(command(str(killed_suite)), capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "(resuming)" in proc.stdout and "6 trials: 6 ok" in proc.stdout
    resumed = load_results(out)

    context = f"seed {seed}: killed after {rows_before} row files, {len(finished)} trials finished"
    assert len(finished) < 6, f"nothing left to resume ({context}): kill earlier or make trials longer"
    print(context, "; attempts:", resumed.groupby("trial_id")["attempt"].max().tolist(),
          "; resumed_from:", resumed.groupby("trial_id")["resumed_from"].max().tolist())
    assert not resumed.duplicated(["trial_id", "step"]).any(), context
    key = ["trial_id", "step"]
    assert resumed[key].values.tolist() == reference[key].values.tolist(), context
    columns = sorted(set(reference.columns) - VOLATILE)
    assert set(resumed.columns) - VOLATILE == set(columns)
    for column in columns:
        assert resumed[column].tolist() == reference[column].tolist() or (
            resumed[column].astype(str).tolist() == reference[column].astype(str).tolist()), (column, context)
    for trial in finished:  # not retrained: its row file is untouched and says attempt 1
        assert (out / "rows" / f"{trial}.parquet").read_bytes() == before[trial], (trial, context)
    assert (resumed.loc[resumed.trial_id.isin(finished), "attempt"] == 1).all(), context
    assert resumed["attempt"].max() >= 1 and resumed.groupby("trial_id")["step"].count().eq(3).all()
    # the sample grids of every (trial, step): the same files with the same bytes (bench.samples)
    grids = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "samples").rglob("*.png")}  # noqa: E731
    ref_grids, resumed_grids = grids(tmp_path / "ref"), grids(out)
    assert len(ref_grids) == 6 * 3 and resumed_grids.keys() == ref_grids.keys(), context
    assert all(resumed_grids[k] == v for k, v in ref_grids.items()), context
