"""A grid sweep: every trial of the suite's grid in one Ray Tune experiment (``tune/``), resumed
and repaired from what is on storage (bench.sweep.repair).  Chosen by bench.sweep.runner."""

from __future__ import annotations

from bench.layout import SETTINGS_FILE, TUNE_DIR
from bench.store.location import Location, normalize
from bench.suite import LoadedSuite
from bench.sweep.folder import SweepOutcome, check_results_dir, prepare_results_dir, trial_counts


def run_grid(loaded: LoadedSuite, *, address, restart, max_concurrent, num_cpus, cache_dir, cpus_per_trial,
             gpus_per_trial) -> SweepOutcome:
    """Run or resume the grid (options: bench.sweep.runner.run_sweep).  Bad data or weights and
    an unusable tracking store fail before anything is written; the folder's lock is taken then."""
    from bench.sweep.launch import tune_environment

    tune_environment()
    from bench.sweep.inputs import load_inputs
    from bench.sweep.lock import driver_lock
    from bench.sweep.settings import run_settings
    from bench.sweep.tracking import tracking_callbacks

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

    from bench.sweep.completeness import DONE
    from bench.sweep.launch import build_tuner, make_trainable, shared_args, start_ray
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
        done = len(found.ids(*DONE)) if found else 0
        printer = ProgressPrinter(len(loaded.trials), list(loaded.evaluation.metrics), already_done=done)
        if resuming:
            run_round(location, trainable, settings, storage, retry_errored=True, callbacks=[printer, *callbacks])
        else:
            build_tuner(trainable, [(t.id, t.config) for t in loaded.trials], settings, name=TUNE_DIR,
                        storage_path=location.root, callbacks=[printer, *callbacks], storage=storage).fit()
        finish(location, trainable, settings, storage, callbacks=callbacks)
    finally:
        if started_ray:
            ray.shutdown()
