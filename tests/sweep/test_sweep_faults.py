"""Faults through Ray Tune: a trial raising on purpose (training.fail_at) is retried `retries`
times, then recorded as `error` with its message while the other trials finish; `bench status`
counts them; results given as a file:// URI land there; a rerun retries the errored trials (and
warns that a new --max-concurrent does not apply to the restored sweep), and a damaged checkpoint
met on the way is skipped for the previous one, in the trial's log."""

from __future__ import annotations

import json

import pytest

from bench.store import load_results
from bench.suite import load_suite
from tests.tiny import bench_cli, write_mlp_catalogue

SUITE = """
name: faulty
version: 1
dataset: {{name: ring8}}
architectures: {{catalogue: mlp.jsonl}}
losses: [ns, hinge]
training: {{steps: 40, batch_size: 32, log_every: 10, checkpoint_every: 10{fail}}}
evaluation: {{every: 20, num_samples: 200}}
seeds: [0, 1]
retries: 1
"""


def write_suite(folder, fail: str = "") -> str:
    write_mlp_catalogue(folder)
    path = folder / ("faulty.yaml" if fail else "plain.yaml")
    path.write_text(SUITE.format(fail=fail))
    return str(path)


bench = bench_cli


def test_unset_optional_training_keys_do_not_change_trial_ids(tmp_path):
    plain = load_suite(write_suite(tmp_path))
    explicit = load_suite(write_suite(tmp_path, ", fail_at: null"))
    assert [t.id for t in plain.trials] == [t.id for t in explicit.trials]
    assert "fail_at" not in plain.trials[0].config["training"]


@pytest.mark.slow
def test_a_failing_trial_ends_as_error_after_retries_and_the_others_finish(tmp_path):
    suite = write_suite(tmp_path, ", fail_at: {step: 25, seeds: [1]}")
    out = tmp_path / "out"
    proc = bench("run", suite, "--results", f"file://{out}", "--num-cpus", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 trials: 2 error, 2 ok" in proc.stdout
    assert (out / "tune").is_dir() and (out / "grid.json").is_file()  # Tune's storage and rows under the URI

    rows = load_results(f"file://{out}")
    last = rows.groupby("trial_id").tail(1).set_index("trial_id")
    failed = last[last.seed == 1]
    assert len(failed) == 2 and (failed.status == "error").all() and (failed.step == 25).all()
    assert failed.error.str.contains("deliberate failure at step 25").all()
    assert failed.error.str.contains("Traceback").all()
    assert (failed.attempt == 2).all() and (failed.resumed_from == 20).all()  # retries: 1 → 2 attempts
    done = last[last.seed == 0]
    assert (done.status == "ok").all() and (done.step == 40).all() and (done.attempt == 1).all()
    assert not rows.duplicated(["trial_id", "step"]).any()

    status = bench("status", str(out), "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["counts"] == {"finished": 2, "running": 0, "pending": 0, "errored": 2, "diverged": 0,
                                "incomplete": 0}
    assert all("deliberate failure" in message for message in report["errors"].values())
    assert "errored   2" in bench("status", str(out)).stdout

    # A rerun retries the errored trials; damage one's newest checkpoint first.
    victim = failed.index[0]
    newest = sorted((out / "tune" / victim).glob("checkpoint_*"))[-1]
    (newest / "trainer.pt").write_bytes((newest / "trainer.pt").read_bytes()[:500])
    finished_before = {t: (out / "rows" / f"{t}.parquet").stat().st_mtime_ns for t in done.index}
    again = bench("run", suite, "--results", str(out), "--num-cpus", "2", "--max-concurrent", "3")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "resuming keeps max_concurrent = unset" in again.stderr  # Tuner.restore keeps the saved settings
    log = (out / "logs" / f"{victim}.log").read_text()
    assert f"{newest.name} rejected" in log and "truncated" in log
    assert "falling back to the previous checkpoint" in log and "resumed from the checkpoint at step 10" in log
    rows = load_results(out)
    last = rows.groupby("trial_id").tail(1).set_index("trial_id")
    assert last.loc[victim, "status"] == "error" and last.loc[victim, "attempt"] > 2
    assert {t: (out / "rows" / f"{t}.parquet").stat().st_mtime_ns for t in done.index} == finished_before
