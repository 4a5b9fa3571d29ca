"""Resume and repair a grid sweep from what is on storage, never from Ray Tune's saved state.

A trial's rows, its summary and Tune's experiment state are written at different moments by
different processes, and Tune's own files are not written atomically: a SIGKILL while Tune syncs
its experiment folder leaves ``tuner.pkl`` and ``experiment_state-*.json`` empty (seen in the kill
test: ``Tuner.restore`` then fails with ``EOFError``), and a kill between a trial's last evaluation
and Tune's next save leaves a trial that Tune calls TERMINATED with rows that stop short — Tune
never reruns it.  So a resumed sweep does not restore Tune's experiment at all:

* :func:`announce` prints each trial that Tune (or its summary) calls done but whose rows fall
  short or cannot be read, and every row file of no trial;
* :func:`run_round` trains the trials that are not done on storage (bench.sweep.completeness) —
  on resume also the errored ones, which are retried — in a new Tune experiment
  ``tune-repair/<n>/``; each continues from its newest verified checkpoint in any experiment of the
  sweep (bench.sweep.checkpoints), with the settings the sweep started with
  (bench.sweep.settings); after every Tune run the trials still short are trained once more.
"""

from __future__ import annotations

from bench.layout import REPAIR_DIR, ROWS_DIR
from bench.store.location import Location
from bench.sweep.completeness import DAMAGED, ERRORED, SHORT, Audit, audit
from bench.sweep.folder import read_grid


def announce(location: Location) -> Audit:
    """Print what a resume finds wrong on storage; returns the audit."""
    from bench.sweep.status import tune_states

    found = audit(location, read_grid(location))
    states, _ = tune_states(location)
    for trial_id in found.ids(*SHORT, ERRORED):
        check = found.checks[trial_id]
        if states.get(trial_id) == "TERMINATED" or check.claimed or check.state == DAMAGED:
            print(f"bench: {trial_id} is not done ({check.reason}; Ray Tune: {states.get(trial_id, 'no state')}): "
                  "it is recomputed from its newest checkpoint", flush=True)
    for path, reason in sorted(found.stray.items()):
        print(f"bench: warning: {path} is no row file of this sweep ({reason}): ignored; move it out of "
              f"{ROWS_DIR}/ before `bench report`", flush=True)
    return found


def run_round(location: Location, trainable, settings: dict, storage: dict, *, retry_errored: bool,
              callbacks: list = ()) -> list[str]:
    """Train the trials not done on storage (and, with ``retry_errored``, the errored ones) in a
    new experiment ``tune-repair/<n>/``; returns the ids trained."""
    from bench.sweep.launch import build_tuner

    grid = read_grid(location)
    todo = audit(location, grid).ids(*SHORT, *((ERRORED,) if retry_errored else ()))
    if not todo:
        return []
    config = {r["trial_id"]: r["config"] for r in grid}
    name = str(_next_round(location))
    what = "not done" if retry_errored else "short of their budget after Tune's run"
    print(f"bench: {len(todo)} trial(s) {what}: training {', '.join(todo)} in {REPAIR_DIR}/{name}/", flush=True)
    build_tuner(trainable, [(t, config[t]) for t in todo], settings, name=name, storage_path=location.path(REPAIR_DIR),
                callbacks=callbacks, storage=storage).fit()
    return todo


def finish(location: Location, trainable, settings: dict, storage: dict, callbacks: list = ()) -> list[str]:
    """After a Tune run: train the trials still short once more; returns (and warns about) the
    ids short even then."""
    run_round(location, trainable, settings, storage, retry_errored=False, callbacks=callbacks)
    left = audit(location, read_grid(location)).ids(*SHORT)
    for trial_id in left:
        print(f"bench: warning: {trial_id} is still short of its budget: rerun `bench run`", flush=True)
    return left


def _next_round(location: Location) -> int:
    import pyarrow.fs as pafs

    if not location.is_dir(REPAIR_DIR):
        return 1
    infos = location.fs.get_file_info(pafs.FileSelector(location.path(REPAIR_DIR), recursive=False))
    taken = [int(i.base_name) for i in infos if i.base_name.isdigit()]
    return max(taken, default=0) + 1
