"""A hyperparameter search end to end through Ray Tune: `bench run` on a tiny search suite
writes one row per (trial, step) with the sampled values in the config columns; a run killed
with SIGKILL while a trial is in flight and run again finishes the same study (same points, same
numbers, finished trials not retrained, the in-flight trial continued from its checkpoint, nothing
resampled); a raised budget continues it; `bench report` reads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import numpy as np
import pytest
import yaml

from bench.store import load_results
from bench.sweep.status import sweep_status
from bench.sweep.soak import kill_sweep as kill_all
from tests.tiny import SMALL_MLP, write_mlp_catalogue

pytestmark = pytest.mark.slow  # bench run in a subprocess (Ray, Optuna)

SUITE = {
    "name": "tiny-search",
    "version": 1,
    "dataset": {"name": "ring8"},
    "architectures": {"catalogue": "mlp.jsonl"},
    "methods": [{"loss": "ns"}, {"loss": "wgan", "regularizer": {"name": "gp"}}],
    # ~1-2 s a trial (checkpoints every 50 steps), so that a kill can catch one in flight
    "training": {"steps": 400, "batch_size": 64, "log_every": 50, "checkpoint_every": 50},
    "evaluation": {"every": 200, "num_samples": 500},
    "search": {
        "sampler": "random",
        "budget": 3,
        "seed": 0,
        "space": {
            "lr": {"low": 1e-4, "high": 1e-2, "log": True},
            "beta1": {"low": 0.0, "high": 0.9},
            "n_disc": {"choices": [1, 2]},
            "weight": {"low": 0.1, "high": 10.0, "log": True},
        },
    },
}


def write(folder, name="search.yaml", **search):
    write_mlp_catalogue(folder, SMALL_MLP)
    mapping = json.loads(json.dumps(SUITE))
    mapping["search"].update(search)
    (folder / name).write_text(yaml.safe_dump(mapping, sort_keys=False))
    return folder / name


def bench_run(suite, out, *extra, timeout=240):
    return subprocess.run([sys.executable, "-m", "bench.cli.main", "run", str(suite), "--results", str(out),
                           "--num-cpus", "2", *extra], capture_output=True, text=True, timeout=timeout)


def study_trials(out) -> dict[str, list]:
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    storage = JournalStorage(JournalFileBackend(str(out / "search" / "studies.journal")))
    return {s.study_name: optuna.load_study(study_name=s.study_name, storage=storage).get_trials()
            for s in optuna.get_all_study_summaries(storage)}


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search")
    proc = bench_run(write(folder), folder / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder / "out", proc.stdout


def test_search_runs_budget_trials_per_cell_with_sampled_config_columns(searched):
    out, stdout = searched
    rows = load_results(out)
    assert rows["trial_id"].nunique() == 2 * 3 and len(rows) == 2 * 3 * 2
    assert not rows.duplicated(["trial_id", "step"]).any() and set(rows["status"]) == {"ok"}
    assert set(rows["method"]) == {"ns+none", "wgan+gp"}  # λ is searched: one label per method
    trials = rows.drop_duplicates("trial_id")
    assert trials["lr_g"].between(1e-4, 1e-2).all() and (trials["lr_g"] == trials["lr_d"]).all()
    assert trials["beta1"].between(0, 0.9).all() and set(trials["n_disc"]) <= {1, 2}
    assert trials["lr_g"].nunique() == 3  # three points, the same three in both cells (same seed)
    gp = trials[trials["method"] == "wgan+gp"]
    assert gp["reg_weight"].between(0.1, 10).all() and gp["reg_weight"].nunique() == 3
    assert (trials.loc[trials["method"] == "ns+none", "reg_weight"] == 0).all()
    assert sorted(trials["search_sample"]) == [0, 0, 1, 1, 2, 2] and set(trials["search_sampler"]) == {"random"}
    assert set(trials["search_trial"]) == {f"{s}/{k}" for s, k in zip(trials["search_study"], trials["search_sample"])}
    grid = json.loads((out / "grid.json").read_text())
    assert {g["trial_id"] for g in grid} == set(rows["trial_id"])
    studies = study_trials(out)
    assert set(studies) == set(trials["search_study"])
    told = {t.user_attrs["trial_id"]: t for ts in studies.values() for t in ts}
    assert set(told) == set(rows["trial_id"]) and all(t.state.name == "COMPLETE" for t in told.values())
    final = rows.sort_values("step").groupby("trial_id").tail(1).set_index("trial_id")["modes"]
    assert all(t.value == final[tid] for tid, t in told.items())  # objective: final `modes`, maximized
    assert "6 trials: 6 ok" in stdout and "best modes=" in stdout


def test_report_reads_the_search(searched, tmp_path):
    from bench.report.build import build_report

    out, _ = searched
    summary = build_report(out, tmp_path / "report", metric="modes", n_boot=50, figures=False)
    assert summary.search and set(summary.methods) == {"ns+none", "wgan+gp"}
    assert summary.progress.expected == 6 and summary.progress.finished == 6
    budget = (tmp_path / "report" / "budget.csv").read_text()  # Lucic's E[best of k] over the sampled points
    assert "ns+none" in budget and "wgan+gp" in budget


def checkpointed_in_flight(out, *, up_to: int = 400) -> dict[str, int]:
    """Trial id → step of its last checkpoint, for the trials that Tune's last saved state has
    running with a checkpoint at most at step ``up_to``, and that have no summary."""
    found = {}
    for path in (out / "tune-search").glob("round-*/experiment_state-*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):  # being replaced
            continue
        for trial_json, run_json in data.get("trial_data", []):
            trial, run = json.loads(trial_json), json.loads(run_json)
            trial_id, last = trial["config"]["trial"]["id"], run.get("last_result") or {}
            if (trial["status"] == "RUNNING" and last.get("checkpoint_dir_name") and last.get("step", 0) <= up_to
                    and not (out / "summaries" / f"{trial_id}.parquet").exists()):
                found[trial_id] = int(last["step"])
    return found


def test_killed_search_resumes_the_same_study(searched, tmp_path):
    reference, _ = searched
    suite, out = write(tmp_path), tmp_path / "out"
    tag = uuid.uuid4().hex
    # Tune saves its experiment state every 0.5 s here (2 s by default), so that a saved state
    # shows a trial running with a checkpoint well before its end: the kill then catches it in flight.
    env = {**os.environ, "BENCH_TEST_TAG": tag, "TUNE_GLOBAL_CHECKPOINT_S": "0.5"}
    proc = subprocess.Popen([sys.executable, "-m", "bench.cli.main", "run", str(suite), "--results", str(out),
                             "--num-cpus", "2", "--max-concurrent", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    try:
        deadline = time.time() + 180
        while not (list((out / "summaries").glob("*.parquet")) and checkpointed_in_flight(out, up_to=200)):
            assert proc.poll() is None, "the run ended before it could be interrupted"
            assert time.time() < deadline, "no trial was seen in flight with a checkpoint"
            time.sleep(0.05)
    finally:
        kill_all(proc, tag)
    finished = {p.stem: p.stat().st_mtime_ns for p in (out / "summaries").glob("*.parquet")}
    rows_before = {p.stem: p.stat().st_mtime_ns for p in (out / "rows").glob("*.parquet") if p.stem in finished}
    in_flight = checkpointed_in_flight(out)  # as Tune's state saved last before the kill has them
    print(f"killed with {len(finished)} trials finished, in flight with a checkpoint: {in_flight}")
    assert finished and len(finished) < 6 and in_flight
    status = sweep_status(out)  # `bench status` reads the search rounds' Tune state
    assert all(status.trials[t] == "running" for t in in_flight), status.trials
    # What a kill while Tune syncs its experiment folder leaves (seen in CI): Tune's own state
    # files empty.  The resume must not depend on them (bench.sweep.rounds).
    emptied = [f for f in (out / "tune-search").glob("round-*/*") if f.is_file()
               and f.name.startswith(("experiment_state", "basic-variant-state", "tuner.pkl", "search_gen_state"))]
    assert emptied
    for f in emptied:
        f.write_bytes(b"")

    # Run again, with the budget raised from 3 to 4: the interrupted round is resumed (its
    # in-flight trial continues from its checkpoint), then the study continues.
    again = bench_run(write(tmp_path, budget=4), out)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "(resuming" in again.stdout and "restoring interrupted round-" in again.stdout
    rows, ref = load_results(out), load_results(reference)
    assert rows["trial_id"].nunique() == 8 and not rows.duplicated(["trial_id", "step"]).any()
    assert sorted(rows.drop_duplicates("trial_id")["search_sample"]) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert set(ref["trial_id"]) < set(rows["trial_id"])  # same seed, same first three points per cell
    a = rows[rows["trial_id"].isin(ref["trial_id"])].sort_values(["trial_id", "step"]).reset_index(drop=True)
    b = ref.sort_values(["trial_id", "step"]).reset_index(drop=True)
    assert len(a) == 12 and a["step"].tolist() == b["step"].tolist()
    for column in ("d_loss", "g_loss", "modes", "hq_fraction", "mode_kl", "status"):  # as if never interrupted
        assert np.array_equal(a[column].to_numpy(), b[column].to_numpy(), equal_nan=column != "status"), column
    for trial_id, stamp in rows_before.items():  # finished before the kill: not retrained
        assert (out / "rows" / f"{trial_id}.parquet").stat().st_mtime_ns == stamp
    assert (a.loc[a["trial_id"].isin(finished), "attempt"] == 1).all()
    for trial_id, step in in_flight.items():  # continued from its checkpoint, not from step 0
        trial = rows[rows["trial_id"] == trial_id]
        assert trial["attempt"].max() == 2 and trial["resumed_from"].max() >= step > 0, trial[["step", "attempt", "resumed_from"]]
    studies = study_trials(out)
    assert [len(ts) for ts in studies.values()] == [4, 4]  # nothing resampled
    assert all(t.state.name == "COMPLETE" for ts in studies.values() for t in ts)


def test_a_changed_search_is_refused(searched, tmp_path):
    out, _ = searched
    proc = bench_run(write(tmp_path, seed=7), out)
    assert proc.returncode == 2 and "different hyperparameter search" in proc.stderr and "search" in proc.stderr


def test_tpe_search_runs_in_rounds(tmp_path):
    """TPE asks a round, waits for its scores, asks the next: one Tune experiment per round."""
    suite = write(tmp_path, sampler="tpe", budget=2, batch=1)
    mapping = yaml.safe_load(suite.read_text())
    mapping["methods"] = [{"loss": "ns"}]
    mapping["search"]["space"].pop("weight")
    suite.write_text(yaml.safe_dump(mapping))
    proc = bench_run(suite, tmp_path / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("bench: round of 1 points") == 2
    assert len(list((tmp_path / "out" / "tune-search").glob("round-*"))) == 2
    rows = load_results(tmp_path / "out").drop_duplicates("trial_id")
    assert sorted(rows["search_sample"]) == [0, 1] and set(rows["search_sampler"]) == {"tpe"}
    (trials,) = study_trials(tmp_path / "out").values()
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE"]
    assert trials[0].datetime_complete <= trials[1].datetime_start  # the second point was asked after the first was told

    # bench status counts the budget, not only the points asked so far: raise the budget by one
    # in the saved suite and the point Optuna has not been asked for yet shows as pending.
    from bench.sweep.status import sweep_status

    assert sweep_status(tmp_path / "out").counts == {"finished": 2, "running": 0, "pending": 0, "errored": 0, "diverged": 0,
                                                       "incomplete": 0}
    saved = yaml.safe_load((tmp_path / "out" / "suite.yaml").read_text())
    saved["search"]["budget"] = 3
    (tmp_path / "out" / "suite.yaml").write_text(yaml.safe_dump(saved))
    status = sweep_status(tmp_path / "out")
    assert status.counts["pending"] == 1 and status.counts["finished"] == 2 and "not sampled yet" in status.describe()
