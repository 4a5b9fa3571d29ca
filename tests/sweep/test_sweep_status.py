"""`bench status` without Ray: trials classified from rows and Ray Tune's saved experiment states,
those of a grid sweep (`tune/`) and those of a search's rounds (`tune-search/round-*/`)."""

from __future__ import annotations

import json
import os

from bench.sweep.status import sweep_status, tune_states
from bench.store.location import Location


def experiment_state(folder, states: dict[str, str], *, mtime: float | None = None, session="2026-01-01_00-00-00"):
    """A minimal ``experiment_state-*.json`` as Tune writes it: one (trial JSON, run JSON) pair per trial."""
    folder.mkdir(parents=True, exist_ok=True)
    trials = [[json.dumps({"config": {"trial": {"id": t}}, "status": s}), "{}"] for t, s in states.items()]
    path = folder / f"experiment_state-{session}.json"
    path.write_text(json.dumps({"trial_data": trials}))
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def grid(folder, trial_ids):
    folder.mkdir(parents=True, exist_ok=True)
    records = [{"trial_id": t, "config": {"training": {"steps": 10}}} for t in trial_ids]
    (folder / "grid.json").write_text(json.dumps(records))


def finish(folder, trial_id, steps=(10,), status="ok"):
    """Rows at ``steps`` and a summary, as a trial that ran to its end writes them."""
    from bench.store import write_trial_rows, write_trial_summary

    write_trial_rows(folder, trial_id, [{"trial_id": trial_id, "step": s, "status": status, "fid": 1.0} for s in steps])
    write_trial_summary(folder, trial_id, {"trial_id": trial_id, "step": steps[-1], "status": status})


def test_a_search_trial_in_flight_shows_as_running(tmp_path):
    grid(tmp_path, ["t-a", "t-b", "t-c", "t-d"])
    finish(tmp_path, "t-a")
    experiment_state(tmp_path / "tune-search" / "round-1", {"t-a": "TERMINATED", "t-b": "RUNNING"})
    experiment_state(tmp_path / "tune-search" / "round-2", {"t-c": "ERROR"})
    status = sweep_status(tmp_path)
    assert status.trials == {"t-a": "finished", "t-b": "running", "t-c": "errored", "t-d": "pending"}
    assert status.state_age_s is not None and status.state_age_s < 60


def test_a_point_in_two_rounds_takes_the_newer_rounds_state(tmp_path):
    """A round killed before Tune saved any checkpoint of it is redone as a new round."""
    old, new = tmp_path / "tune-search" / "round-old", tmp_path / "tune-search" / "round-new"
    experiment_state(old, {"t-a": "RUNNING"}, mtime=1_000_000)
    experiment_state(new, {"t-a": "TERMINATED"}, mtime=2_000_000)
    assert tune_states(Location.of(tmp_path))[0] == {"t-a": "TERMINATED"}
    os.utime(next(old.glob("*.json")), (3_000_000, 3_000_000))
    assert tune_states(Location.of(tmp_path))[0] == {"t-a": "RUNNING"}


def test_grid_sweep_reads_its_newest_session(tmp_path):
    experiment_state(tmp_path / "tune", {"t-a": "PENDING"}, session="2026-01-01_00-00-00")
    experiment_state(tmp_path / "tune", {"t-a": "RUNNING"}, session="2026-01-02_00-00-00")
    assert tune_states(Location.of(tmp_path))[0] == {"t-a": "RUNNING"}
    assert tune_states(Location.of(tmp_path / "nothing")) == ({}, None)


def test_done_means_rows_at_the_budget_whatever_tune_says(tmp_path):
    """Issue 13: Tune's TERMINATED (or a summary) over rows that stop short, a deleted row file, a
    truncated one and a junk one: `bench status` names each, counts them incomplete, never crashes."""
    ids = ["t-ok", "t-short", "t-deleted", "t-cut", "t-nosummary", "t-running"]
    folder = tmp_path
    folder.mkdir(exist_ok=True)
    records = [{"trial_id": t, "config": {"training": {"steps": 20}, "evaluation": {"every": 10}}} for t in ids]
    (folder / "grid.json").write_text(json.dumps(records))
    for t in ("t-ok", "t-deleted", "t-cut"):
        finish(folder, t, steps=(10, 20))
    finish(folder, "t-nosummary", steps=(10, 20))
    (folder / "summaries" / "t-nosummary.parquet").unlink()  # killed between the last rows and the summary
    finish(folder, "t-short", steps=(10,))
    finish(folder, "t-running", steps=(10,))
    (folder / "summaries" / "t-running.parquet").unlink()
    (folder / "rows" / "t-deleted.parquet").unlink()
    cut = folder / "rows" / "t-cut.parquet"
    cut.write_bytes(cut.read_bytes()[:100])
    (folder / "rows" / "junk.parquet").write_bytes(b"not parquet at all")
    experiment_state(folder / "tune", {t: "TERMINATED" for t in ids[:-1]} | {"t-running": "RUNNING"})
    status = sweep_status(folder)
    assert status.trials == {"t-ok": "finished", "t-short": "incomplete", "t-deleted": "incomplete",
                             "t-cut": "incomplete", "t-nosummary": "incomplete", "t-running": "running"}
    assert status.counts["incomplete"] == 4
    text = status.describe()
    assert "rows stop at step 10 of 20" in status.problems["t-short"]
    assert "row file is missing" in status.problems["t-deleted"]
    assert "cannot be read" in status.problems["t-cut"] and "summary is missing" in status.problems["t-nosummary"]
    assert "bad file" in text and "junk.parquet" in text and "`bench run`" in text
