"""The driver: from a loaded suite to a finished (or resumed) Ray Tune sweep.

Results folder layout::

    <results>/suite.yaml     the suite as run (resolved, with includes merged)
    <results>/grid.json      the trial grid: [{"trial_id", "method", "config"}, ...]
    <results>/plugins.json   the plugins the suite loaded (name, sha256, path, version), if any
    <results>/rows/          Parquet rows, one file per trial (see bench.store)
    <results>/logs/          one log per trial: checkpoint fallbacks, resumes (bench.sweep.trainable)
    <results>/samples/       sample grids per trial and evaluation step (bench.samples)
    <results>/tune/          Ray Tune's experiment state, trial checkpoints, TensorBoard files (bench.sweep.tracking)
    <results>/tune-repair/<n>/  a repair round: trials Tune ended short of their budget (bench.sweep.repair)
    <results>/.bench-run.lock   held (flock) by the one driver running the sweep (bench.sweep.lock)
    <results>/tune-settings.json  concurrency, retries and trial resources it started with (kept on resume)

``<results>`` is a local folder, a shared-filesystem path or a pyarrow URI (``s3://…``): Ray
Tune's storage and the trials' Parquet writes both go there (bench.store.location).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bench.store.location import Location, normalize
from bench.suite import LoadedSuite
from bench.suite.load import dump_suite
from bench.sweep.settings import SETTINGS_FILE

GRID_FILE = "grid.json"
PLUGINS_FILE = "plugins.json"  # the plugins the sweep loaded: name, sha256, path, version
TUNE_DIR = "tune"


class SweepConflict(Exception):
    """The results folder holds a different sweep."""


@dataclass
class SweepOutcome:
    results_dir: Path | str
    total: int
    counts: dict  # status → number of trials


def grid_records(loaded: LoadedSuite) -> list[dict]:
    return [{"trial_id": t.id, "method": t.method, "config": t.config} for t in loaded.trials]


def remove_sweep_state(results: Location) -> None:
    """``--restart``: delete everything a grid sweep or a search wrote there (rows, summaries, logs —
    which count attempts —, Ray Tune and search state, settings); the folder itself stays."""
    from bench.sweep.search import SEARCH_DIR, TUNE_SEARCH_DIR
    from bench.sweep.trainable import LOGS_DIR

    from bench.sweep.repair import REPAIR_DIR

    for name in (GRID_FILE, PLUGINS_FILE, "suite.yaml", "rows", "summaries", "samples", LOGS_DIR, TUNE_DIR, REPAIR_DIR,
                 SETTINGS_FILE, SEARCH_DIR, TUNE_SEARCH_DIR):
        results.remove(name)


def check_results_dir(loaded: LoadedSuite, *, restart: bool) -> bool:
    """Check, without writing, that the folder is new or holds this grid.  Returns True when resuming."""
    results = Location.of(loaded.results_dir)
    if restart or not results.exists(GRID_FILE):
        return False
    old = {r["trial_id"] for r in json.loads(results.read_text(GRID_FILE))}
    new = {t.id for t in loaded.trials}
    if old != new:
        raise SweepConflict(
            f"{results} holds a sweep with a different trial grid ({len(old - new)} trials only there, "
            f"{len(new - old)} only in {loaded.path}). Use --restart to start over there, or --results DIR.")
    return True


def prepare_results_dir(loaded: LoadedSuite, *, restart: bool) -> bool:
    """Create the folder (or check it holds this grid).  Returns True when resuming."""
    resuming = check_results_dir(loaded, restart=restart)
    results = Location.of(loaded.results_dir)
    if restart:
        remove_sweep_state(results)
    results.write_text(dump_suite(loaded.suite), "suite.yaml")
    results.write_text(json.dumps(grid_records(loaded), indent=1), GRID_FILE)
    if loaded.plugins:
        results.write_text(json.dumps([p.to_dict() for p in loaded.plugins], indent=1), PLUGINS_FILE)
    return resuming


def run_sweep(loaded: LoadedSuite, *, address: str | None = None, restart: bool = False,
              max_concurrent: int | None = None, num_cpus: int | None = None, cache_dir: str | None = None,
              cpus_per_trial: float | None = None, gpus_per_trial: float | None = None) -> SweepOutcome:
    """Run or resume the sweep.  ``cpus_per_trial``/``gpus_per_trial`` override the suite's
    ``resources`` (a GPU fraction packs several trials on one GPU; it is a scheduling share,
    not a memory limit), ``max_concurrent`` its ``resources.max_concurrent``.  One driver per
    results folder (bench.sweep.lock): another one running there raises :class:`SweepConflict`."""
    from bench.sweep.lock import driver_lock

    options = dict(address=address, restart=restart, max_concurrent=max_concurrent, num_cpus=num_cpus,
                   cache_dir=cache_dir, cpus_per_trial=cpus_per_trial, gpus_per_trial=gpus_per_trial)
    if loaded.suite.search is not None:  # hyperparameter search: Optuna studies, rounds of Tune trials
        from bench.sweep.search import run_search

        with driver_lock(Location.of(normalize(loaded.results_dir))):
            return run_search(loaded, **options)
    return _run_grid(loaded, **options)


def _run_grid(loaded: LoadedSuite, *, address, restart, max_concurrent, num_cpus, cache_dir, cpus_per_trial,
              gpus_per_trial) -> SweepOutcome:
    from bench.sweep.launch import tune_environment
    from bench.sweep.lock import driver_lock

    tune_environment()
    from bench.sweep.inputs import load_inputs
    from bench.sweep.settings import run_settings

    loaded.results_dir = normalize(loaded.results_dir)
    location = Location.of(loaded.results_dir)
    suite = loaded.suite
    settings = run_settings(suite, cpus_per_trial=cpus_per_trial, gpus_per_trial=gpus_per_trial,
                            max_concurrent=max_concurrent)
    resuming = check_results_dir(loaded, restart=restart)
    print(f"bench: {len(loaded.trials)} trials of suite {suite.name!r} v{suite.version} -> {loaded.results_dir}"
          + (" (resuming)" if resuming else ""), flush=True)
    inputs = load_inputs(loaded, cache_dir)  # bad data or weights fail here, before anything is written
    print(f"bench: features: {inputs.reference.feature_extractor}; {inputs.reference.num_samples} generated samples "
          "per evaluation", flush=True)
    from bench.sweep.tracking import tracking_callbacks

    callbacks = tracking_callbacks(loaded)  # a tracking store that cannot be used fails before any write
    with driver_lock(location):
        check_results_dir(loaded, restart=restart)  # again, now that no other driver can change it
        overridden = any(v is not None for v in (max_concurrent, cpus_per_trial, gpus_per_trial))
        _fit_grid(loaded, inputs, settings, resuming=resuming, restart=restart, address=address, num_cpus=num_cpus,
                  overridden=overridden, callbacks=callbacks)
    return SweepOutcome(loaded.results_dir, len(loaded.trials), trial_counts(loaded.results_dir))


def _fit_grid(loaded: LoadedSuite, inputs, settings: dict, *, resuming: bool, restart: bool, address, num_cpus,
              overridden: bool, callbacks: list) -> None:
    """A new sweep: one Tune experiment of the whole grid.  A resumed one: the trials not done on
    storage in a new experiment (bench.sweep.repair; Tune's saved state is not restored).  Then
    the trials still short of their budget, once more.  Ray starts, and the trial resources are
    checked against the cluster (bench.sweep.feasible), before the results folder is written."""
    import ray

    from bench.sweep.launch import make_trainable, shared_args, start_ray
    from bench.sweep.progress import ProgressPrinter
    from bench.sweep.repair import announce, finish, run_round
    from bench.sweep.settings import resumed_settings, save_settings

    location = Location.of(loaded.results_dir)
    storage = {} if location.local else {"storage_filesystem": location.fs}
    saved = resuming and (location.exists(SETTINGS_FILE) or location.is_dir(TUNE_DIR))
    if saved:
        settings = resumed_settings(location, settings, SETTINGS_FILE, overridden=overridden)
    started_ray = start_ray(address, num_cpus, loaded.plugins)
    try:  # an infeasible request (bench.sweep.feasible) fails here, before anything is written
        trainable = make_trainable(shared_args(loaded, inputs), settings, location.path(SETTINGS_FILE) if saved else None)
        prepare_results_dir(loaded, restart=restart)
        if not saved:
            save_settings(location, settings, SETTINGS_FILE)
        found = announce(location) if resuming else None
        done = len(found.ids("finished", "diverged")) if found else 0
        printer = ProgressPrinter(len(loaded.trials), list(loaded.evaluation.metrics), already_done=done)
        if resuming:
            run_round(location, trainable, settings, storage, retry_errored=True, callbacks=[printer, *callbacks])
        else:
            _grid_tuner(loaded, trainable, settings, storage, [printer, *callbacks]).fit()
        finish(location, trainable, settings, storage, callbacks=callbacks)
    finally:
        if started_ray:
            ray.shutdown()


def _grid_tuner(loaded: LoadedSuite, trainable, settings: dict, storage: dict, callbacks: list):
    from ray import tune

    from bench.sweep.launch import trial_name

    location = Location.of(loaded.results_dir)
    return tune.Tuner(
        trainable,
        param_space={"trial": tune.grid_search([{"id": t.id, "config": t.config} for t in loaded.trials])},
        tune_config=tune.TuneConfig(max_concurrent_trials=settings["max_concurrent"], reuse_actors=True,
                                    trial_name_creator=trial_name, trial_dirname_creator=trial_name),
        run_config=tune.RunConfig(
            name=TUNE_DIR, storage_path=location.root, verbose=0, callbacks=callbacks, **storage,
            failure_config=tune.FailureConfig(max_failures=settings["retries"]),
            checkpoint_config=tune.CheckpointConfig(num_to_keep=2)),
    )


def trial_counts(results_dir: Path | str) -> dict:
    """Trials per outcome, from what is on storage (bench.sweep.completeness): ``ok`` (finished at
    its budget), ``diverged``, ``error``, and ``incomplete`` for rows that fall short."""
    from bench.sweep.completeness import audit

    location = Location.of(results_dir)
    if not location.exists(GRID_FILE):
        return {}
    names = {"finished": "ok", "diverged": "diverged", "errored": "error"}
    counts: dict[str, int] = {}
    for check in audit(location, json.loads(location.read_text(GRID_FILE))).checks.values():
        if check.state != "none":
            name = names.get(check.state, "incomplete")
            counts[name] = counts.get(name, 0) + 1
    return counts
