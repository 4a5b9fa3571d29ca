"""Resume after SIGKILL, at fixed kill points, under CPU load: `bench run` killed (driver and its
whole Ray) three times in a row — during a checkpoint write, during a row write of the resumed run,
and between a trial's last evaluation and its summary — then run once more, ends with exactly the
rows of an uninterrupted run (one per (trial, step), identical values on the CPU) and the same
report (methods, ranks, p-values).  Kill points are named places in the trainable
(bench.sweep.killpoints, ``BENCH_KILL_AT``), where the first trial to arrive freezes until the test
kills the sweep: no clock decides where a kill falls.  A busy loop in another process keeps a core
busy meanwhile, so the interleavings of two loaded cores are the ones tested."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.store import load_results
from bench.store.schema import column_role
from bench.sweep.soak import run_until
from bench.sweep.completeness import audit
from bench.sweep.status import sweep_status
from tests.tiny import TINY_MLP, write_mlp_catalogue

pytestmark = pytest.mark.slow

SUITE = """
name: killable
version: 1
dataset: {{name: ring8}}
architectures: {{catalogue: mlp.jsonl}}
losses: [ns, hinge]
training: {{steps: 150, batch_size: 32, log_every: 10, checkpoint_every: 25}}
evaluation: {{every: 50, num_samples: 200}}
seeds: [0]
resources: {{max_concurrent: 2}}
results: {results}
"""
# The kill points of the successive interrupted runs (bench.sweep.killpoints), in order.
KILLS = ("checkpoint@75", "rows@100", "summary")
TIMEOUT_S = 600  # a safety limit for one driver run, never a measured time


def command(suite) -> list[str]:
    return [sys.executable, "-m", "bench.cli.main", "run", str(suite), "--num-cpus", "2"]


def run_killed_at(suite, point: str, folder) -> str:
    """Run the sweep until the first trial reaches ``point``, then SIGKILL everything (driver,
    process group, Ray daemons); returns the frozen trial's id, the point and the step."""
    name = point.replace("@", "-")
    hit = run_until(command(suite), point, folder / f"kill-{name}.mark", folder / f"run-{name}.log")
    assert hit is not None, f"the sweep ended before reaching kill point {point}"
    return hit


def truncate_newest_checkpoint(folder, trial_id: str) -> None:
    """What a kill while Tune copies a checkpoint into the trial's folder leaves: a cut-short file."""
    newest = max((folder / "tune" / trial_id).glob("checkpoint_*"), default=None)
    if newest is not None and (newest / "trainer.pt").exists():
        data = (newest / "trainer.pt").read_bytes()
        (newest / "trainer.pt").write_bytes(data[: len(data) // 2])


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kill")
    write_mlp_catalogue(tmp, *({**TINY_MLP, "g_width": w, "d_width": w} for w in (8, 16, 24)))
    reference_suite, killed_suite = tmp / "ref.yaml", tmp / "killed.yaml"
    reference_suite.write_text(SUITE.format(results=tmp / "ref"))
    killed_suite.write_text(SUITE.format(results=tmp / "killed"))
    proc = subprocess.run(command(reference_suite), capture_output=True, text=True, timeout=TIMEOUT_S)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    out, marks, counts = tmp / "killed", [], []
    load = subprocess.Popen([sys.executable, "-c", "while True: pass"])  # a busy core
    try:
        for point in KILLS:
            marks.append(run_killed_at(killed_suite, point, tmp))
            if point.startswith("checkpoint"):
                truncate_newest_checkpoint(out, marks[-1].split()[0])
            counts.append(sweep_status(out).counts)  # what `bench status` shows for the interrupted sweep
        finished = audit(out, json.loads((out / "grid.json").read_text())).ids("finished")  # done on storage
        before = {t: (out / "rows" / f"{t}.parquet").read_bytes() for t in finished}
        proc = subprocess.run(command(killed_suite), capture_output=True, text=True, timeout=TIMEOUT_S)
    finally:
        load.kill()
        load.wait()
    return {"tmp": tmp, "ref": tmp / "ref", "out": out, "marks": marks, "counts": counts, "final": proc,
            "finished": finished, "before": before}


def test_every_kill_point_was_reached_and_status_never_crashed(sweeps):
    assert [m.split()[1] for m in sweeps["marks"]] == [k.split("@")[0] for k in KILLS]
    for counts in sweeps["counts"]:
        assert sum(counts.values()) == 6 and counts["errored"] == counts["diverged"] == 0, counts
    assert sweeps["counts"][-1]["finished"] < 6, "nothing left to resume: kill earlier or make trials longer"


def test_the_resumed_sweep_has_exactly_the_uninterrupted_rows(sweeps):
    proc = sweeps["final"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "(resuming)" in proc.stdout and "6 trials: 6 ok" in proc.stdout, proc.stdout
    reference, resumed = load_results(sweeps["ref"]), load_results(sweeps["out"])
    context = f"kills {sweeps['marks']}"
    assert not resumed.duplicated(["trial_id", "step"]).any(), context
    key = ["trial_id", "step"]
    assert resumed[key].values.tolist() == reference[key].values.tolist(), context
    # volatile columns differ between runs by design; git_commit gains "-dirty" if the checkout changes
    columns = sorted(c for c in reference.columns if column_role(c) != "volatile" and c != "git_commit")
    assert {c for c in resumed.columns if column_role(c) != "volatile" and c != "git_commit"} == set(columns)
    for column in columns:
        assert resumed[column].tolist() == reference[column].tolist() or (
            resumed[column].astype(str).tolist() == reference[column].astype(str).tolist()), (column, context)
    for trial in sweeps["finished"]:  # finished before the last run: not retrained, its file untouched
        assert (sweeps["out"] / "rows" / f"{trial}.parquet").read_bytes() == sweeps["before"][trial], trial
    assert resumed.groupby("trial_id")["step"].count().eq(3).all()
    assert resumed["attempt"].max() >= 2  # rows computed after a kill say so; earlier rows keep attempt 1
    assert (resumed.groupby("trial_id")["attempt"].min() == 1).any()
    # the sample grids of every (trial, step): the same files with the same bytes (bench.samples)
    grids = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "samples").rglob("*.png")}  # noqa: E731
    ref_grids, resumed_grids = grids(sweeps["ref"]), grids(sweeps["out"])
    assert len(ref_grids) == len(resumed) and resumed_grids.keys() == ref_grids.keys()
    assert all(resumed_grids[k] == v for k, v in ref_grids.items())


def test_the_resumed_sweep_reports_like_the_uninterrupted_one(sweeps):
    """Issue 13: after a resume, `attempt`/`resumed_from` differ between trials; the report must not
    split methods by them — same methods, same ranks, same p-values as without the kills."""
    import pandas as pd

    from bench.report import build_report

    ref = build_report(sweeps["ref"], sweeps["tmp"] / "report-ref", metric="modes", figures=False)
    got = build_report(sweeps["out"], sweeps["tmp"] / "report-killed", metric="modes", figures=False)
    assert got.methods == ref.methods and len(got.methods) == 2 and got.axes == ref.axes == []
    assert got.n_architectures == ref.n_architectures == 3  # three blocks: a real test with a p-value
    assert got.test.test == ref.test.test != "none" and got.test.pvalue == ref.test.pvalue
    pd.testing.assert_frame_equal(got.leaderboard, ref.leaderboard)
