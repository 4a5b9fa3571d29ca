"""``python -m bench.sweep.soak --kills N SUITE``: kill one sweep N times, then compare with an
uninterrupted run.

The sweep of SUITE runs in ``WORK/killed`` (``--work``, default a new temporary folder) and is
SIGKILLed — driver, process group and every Ray process it started — N times, each time at a kill
point drawn from ``random.Random(--seed)`` (bench.sweep.killpoints: a checkpoint write, a row write,
before a summary, after a restore): the points are seeded, never taken from the clock.  Each kill
is the run's first arrival at its point, and ``restored`` is drawn only while the folder holds an
unfinished trial with a verified checkpoint, so every run reaches its point while the sweep has
work left: N kills fit any sweep with more evaluations than N (quickstart: 80).  Then one more run
finishes it, and the same suite runs uninterrupted in ``WORK/reference``.  Rows, summaries and
the two reports are compared without the volatile columns (bench.store.schema; and ``git_commit``,
which gains ``-dirty`` when the checkout changes); it prints ``kills: N, rows identical: yes/no, summaries identical: yes/no,
report identical: yes/no`` and exits 0 when all are identical, 1 otherwise.  A sweep that ends
before all N kills happened reports the kills it got.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

KILL_TIMEOUT_S = 1800.0  # a safety limit for one interrupted run, never a measured figure


def command(suite: str, results: Path, num_cpus: int | None) -> list[str]:
    cpus = ["--num-cpus", str(num_cpus)] if num_cpus else []
    return [sys.executable, "-m", "bench.cli.main", "run", suite, "--results", str(results), *cpus]


def tagged_pids(tag: str) -> list[int]:
    """Processes whose environment carries ``BENCH_TEST_TAG=tag`` (driver, raylet, GCS, workers)."""
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


def kill_sweep(proc: subprocess.Popen, tag: str) -> None:
    """SIGKILL the driver's process group, then every process of the sweep that left it (Ray's
    daemons may ignore SIGTERM); raises if some survive 30 s."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while (left := tagged_pids(tag)) and time.monotonic() < deadline:
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)
    if tagged_pids(tag):
        raise RuntimeError("processes of the killed sweep survive")


def run_until(cmd: list[str], point: str, mark: Path, log: Path) -> str | None:
    """Run ``cmd`` with kill point ``point``; when a trial freezes there, kill the sweep and return
    the mark's text (trial, point, step); None when the run ended without reaching it."""
    tag = uuid.uuid4().hex
    env = {**os.environ, "BENCH_TEST_TAG": tag, "BENCH_KILL_AT": point, "BENCH_KILL_MARK": str(mark)}
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env)
        try:
            deadline = time.monotonic() + KILL_TIMEOUT_S
            while not mark.exists():
                if proc.poll() is not None:
                    return None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"kill point {point} not reached in {KILL_TIMEOUT_S:.0f} s (see {log})")
                time.sleep(0.05)
            time.sleep(0.2)  # the other trials run on a little, as around a real crash
        finally:
            kill_sweep(proc, tag)
    return mark.read_text().strip()


def draw_point(rng: random.Random, restorable: bool) -> str:
    """A kill point, as the run's first arrival there.  ``restored`` only when ``restorable``: with
    no trial to restore the run would finish without a kill.  (A later arrival, ``#2``, can come
    too late: the last trials of a sweep may never arrive twice, and the sweep ends unkilled.)"""
    from bench.sweep.killpoints import POINTS

    return f"{rng.choice([p for p in POINTS if restorable or p != 'restored'])}#1"


def restorable(results: Path) -> bool:
    """Whether the next run restores a trial: one that is not done has a verified checkpoint."""
    from bench.layout import GRID_FILE
    from bench.store.location import Location
    from bench.sweep.checkpoints import CorruptCheckpoint, load_checkpoint, stored_checkpoints
    from bench.sweep.completeness import DONE, audit
    from bench.sweep.folder import read_grid

    location = Location.of(str(results))
    if not location.exists(GRID_FILE):
        return False
    checks = audit(location, read_grid(location)).checks
    for trial_id in (t for t, c in checks.items() if c.state not in DONE):
        for checkpoint in stored_checkpoints(location, trial_id):
            try:
                load_checkpoint(checkpoint)
                return True
            except CorruptCheckpoint:
                continue
    return False


def comparable(frame, keys: list[str]):
    """``frame`` without volatile columns and git_commit, sorted by ``keys``, as strings."""
    from bench.store.schema import column_role

    keep = sorted(c for c in frame.columns if column_role(c) != "volatile" and c not in ("git_commit", "wall_s"))
    return frame[keep].sort_values(keys, kind="stable").reset_index(drop=True).astype(str)


def compare(reference: Path, killed: Path, work: Path) -> dict[str, bool]:
    from bench.report import build_report
    from bench.report.columns import is_ranked, metric_columns
    from bench.store import load_results, load_summaries

    metric = next(m for m in metric_columns(load_results(reference)) if is_ranked(m))  # the suite's first ranked
    rows = comparable(load_results(reference), ["trial_id", "step"]).equals(
        comparable(load_results(killed), ["trial_id", "step"]))
    summaries = comparable(load_summaries(reference), ["trial_id"]).equals(
        comparable(load_summaries(killed), ["trial_id"]))
    ref = build_report(reference, work / "report-reference", metric=metric, figures=False)
    got = build_report(killed, work / "report-killed", metric=metric, figures=False)
    same_p = ref.test.pvalue == got.test.pvalue or (ref.test.pvalue != ref.test.pvalue and got.test.pvalue != got.test.pvalue)
    report = (ref.methods == got.methods and ref.axes == got.axes and ref.test.test == got.test.test and same_p
              and ref.leaderboard.equals(got.leaderboard))
    return {"rows": rows, "summaries": summaries, "report": report}


def soak(suite: str, kills: int, seed: int, work: Path, num_cpus: int | None) -> tuple[int, dict[str, bool]]:
    rng, done = random.Random(seed), 0
    killed = work / "killed"
    for i in range(1, kills + 1):
        point = draw_point(rng, restorable(killed))
        hit = run_until(command(suite, killed, num_cpus), point, work / f"kill-{i}.mark", work / f"kill-{i}.log")
        if hit is None:
            print(f"soak: the sweep finished before kill {i} ({point}); stopping at {done} kills", flush=True)
            break
        done += 1
        print(f"soak: kill {i}/{kills} at {point}: {hit}", flush=True)
    for name, results in (("finish", killed), ("reference", work / "reference")):
        proc = subprocess.run(command(suite, results, num_cpus), capture_output=True, text=True)
        (work / f"{name}.log").write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0:  # never rerun: a run that fails once is a finding of the soak
            raise RuntimeError(f"the {name} run failed (exit {proc.returncode}); see {work / f'{name}.log'}")
    return done, compare(work / "reference", killed, work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", help="suite YAML file (its `results` is ignored: WORK/killed, WORK/reference)")
    parser.add_argument("--kills", type=int, default=20, help="kills of the interrupted sweep (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill points (default 0)")
    parser.add_argument("--work", type=Path, help="working folder (default: a new temporary folder)")
    parser.add_argument("--num-cpus", type=int, help="CPUs of each run's local Ray (default: all)")
    args = parser.parse_args(argv)
    if args.kills < 0:
        parser.error(f"--kills must be 0 or more (got {args.kills})")
    if not Path(args.suite).is_file():
        parser.error(f"suite {args.suite} not found")
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-soak-"))
    if work.exists() and any(work.iterdir()):
        parser.error(f"--work {work} is not empty: the soak needs fresh results folders")
    work.mkdir(parents=True, exist_ok=True)
    print(f"soak: {args.suite}, {args.kills} kills (seed {args.seed}) in {work}", flush=True)
    done, same = soak(args.suite, args.kills, args.seed, work, args.num_cpus)
    yes = {True: "yes", False: "no"}
    print(f"kills: {done}, rows identical: {yes[same['rows']]}, summaries identical: {yes[same['summaries']]}, "
          f"report identical: {yes[same['report']]}", flush=True)
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
