"""Verify a grid sweep's trials against their budgets, and repair the ones that fall short.

Ray Tune restores an experiment from its saved state and never reruns a trial it recorded as
TERMINATED.  But a trial's rows, its summary and Tune's state are written at different moments, so
a kill (or a damaged or deleted row file) can leave a trial that Tune calls done while its rows stop
short.  ``bench run`` therefore checks every trial on storage (bench.sweep.completeness):

* before Tune starts, :func:`announce` prints each trial that Tune (or its summary) calls done but
  whose rows fall short or cannot be read, and every row file of no trial;
* after Tune's run, :func:`repair` trains every trial whose rows still fall short — not done, not
  errored — in a new Tune experiment ``tune-repair/<n>/`` (trials continue from their newest verified
  checkpoint in any of the sweep's experiments, bench.sweep.checkpoints), and checks again.
"""

from __future__ import annotations

import json

from bench.store.location import Location
from bench.sweep.completeness import Audit, audit

REPAIR_DIR = "tune-repair"
SHORT = ("partial", "none", "damaged")


def grid_of(location: Location) -> list[dict]:
    return json.loads(location.read_text("grid.json"))


def announce(location: Location) -> Audit:
    """Print what a resume finds wrong on storage; returns the audit."""
    from bench.sweep.status import tune_states

    found = audit(location, grid_of(location))
    states, _ = tune_states(location)
    for trial_id in found.ids(*SHORT, "errored"):
        check = found.checks[trial_id]
        if states.get(trial_id) == "TERMINATED" or check.claimed or check.state == "damaged":
            print(f"bench: {trial_id} is not done ({check.reason}; Ray Tune: {states.get(trial_id, 'no state')}): "
                  "it is recomputed from its newest checkpoint", flush=True)
    for path, reason in sorted(found.stray.items()):
        print(f"bench: warning: {path} is no row file of this sweep ({reason}): ignored; move it out of rows/ "
              "before `bench report`", flush=True)
    return found


def repair(location: Location, trainable, settings: dict, storage: dict) -> list[str]:
    """Train the trials whose rows fall short after Tune's run in one new repair experiment;
    returns the ids still short afterwards (printed as a warning)."""
    from ray import tune

    from bench.sweep.launch import trial_name

    grid = grid_of(location)
    short = audit(location, grid).ids(*SHORT)
    if not short:
        return []
    config = {r["trial_id"]: r["config"] for r in grid}
    name = str(_next_round(location))
    print(f"bench: {len(short)} trial(s) ended short of their budget: repairing {', '.join(short)} in "
          f"{REPAIR_DIR}/{name}/", flush=True)
    tune.Tuner(
        trainable,
        param_space={"trial": tune.grid_search([{"id": t, "config": config[t]} for t in short])},
        tune_config=tune.TuneConfig(max_concurrent_trials=settings["max_concurrent"], reuse_actors=True,
                                    trial_name_creator=trial_name, trial_dirname_creator=trial_name),
        run_config=tune.RunConfig(name=name, storage_path=location.path(REPAIR_DIR), verbose=0, **storage,
                                  failure_config=tune.FailureConfig(max_failures=settings["retries"]),
                                  checkpoint_config=tune.CheckpointConfig(num_to_keep=2)),
    ).fit()
    left = audit(location, grid).ids(*SHORT)
    for trial_id in left:
        print(f"bench: warning: {trial_id} is still short of its budget after the repair: rerun `bench run`",
              flush=True)
    return left


def _next_round(location: Location) -> int:
    import pyarrow.fs as pafs

    if not location.is_dir(REPAIR_DIR):
        return 1
    infos = location.fs.get_file_info(pafs.FileSelector(location.path(REPAIR_DIR), recursive=False))
    taken = [int(i.base_name) for i in infos if i.base_name.isdigit()]
    return max(taken, default=0) + 1
