"""One Ray Tune experiment per round of hyperparameter-search points (bench.sweep.search).

A round is named by the hash of its trial ids and recorded in ``search/rounds.json`` before it
starts, so an interrupted round is restored, not restarted; its settings are saved as
``search/<round>.settings.json`` (bench.sweep.settings).
"""

from __future__ import annotations

from bench.suite import LoadedSuite
from bench.sweep.inputs import SweepInputs
from bench.sweep.search import SEARCH_DIR, TUNE_SEARCH_DIR


class RoundRunner:
    """Shared set-up (Ray, the loaded inputs) and one Tuner per round of points.  A restored
    round keeps the settings it started with (bench.sweep.settings); new rounds use the current ones."""

    def __init__(self, loaded: LoadedSuite, inputs: SweepInputs, address, max_concurrent, num_cpus, total: int,
                 cpus_per_trial: float | None = None, gpus_per_trial: float | None = None):
        from bench.sweep.launch import Infeasible, check_resources, shared_args, start_ray
        from bench.sweep.settings import run_settings

        self.loaded, self.total = loaded, total
        self.settings = run_settings(loaded.suite, cpus_per_trial=cpus_per_trial, gpus_per_trial=gpus_per_trial,
                                     max_concurrent=max_concurrent)
        self.overridden = any(v is not None for v in (max_concurrent, cpus_per_trial, gpus_per_trial))
        self.eval_cfg = inputs.eval_cfg
        self.started_ray = start_ray(address, num_cpus, loaded.plugins)
        try:  # before the search writes anything (bench.sweep.search.run_search)
            check_resources(self.settings)
        except Infeasible:
            if self.started_ray:
                import ray

                ray.shutdown()
            raise
        self.shared = shared_args(loaded, inputs)
        from bench.sweep.tracking import tracking_callbacks

        self.callbacks = tracking_callbacks(loaded)

    def trainable(self, settings: dict, origin: str | None = None):
        from bench.sweep.launch import make_trainable

        return make_trainable(self.shared, settings, origin)

    def run(self, name: str, points: list, *, done: int) -> None:
        """Train ``points`` (bench.sweep.search.Point) in a new Tune experiment ``name`` (restored
        instead when a folder of that name holds one: a round started before ``rounds.json`` existed)."""
        from ray import tune

        from bench.sweep.launch import trial_name
        from bench.sweep.progress import ProgressPrinter
        from bench.sweep.settings import save_settings

        storage = self.loaded.results_dir / TUNE_SEARCH_DIR
        print(f"bench: round of {len(points)} points ({done}/{self.total} done)", flush=True)
        if tune.Tuner.can_restore(str(storage / name)):
            self._restore(name)
            return
        save_settings(self._settings_location(), self.settings, f"{name}.settings.json")
        printer = ProgressPrinter(self.total, self.eval_cfg["metrics"], already_done=done)
        tune.Tuner(
            self.trainable(self.settings),
            param_space={"trial": tune.grid_search([{"id": p.trial_id, "config": p.config} for p in points])},
            tune_config=tune.TuneConfig(max_concurrent_trials=self.settings["max_concurrent"], reuse_actors=True,
                                        trial_name_creator=trial_name, trial_dirname_creator=trial_name),
            run_config=tune.RunConfig(
                name=name, storage_path=str(storage), verbose=0, callbacks=[printer, *self.callbacks],
                failure_config=tune.FailureConfig(max_failures=self.settings["retries"]),
                checkpoint_config=tune.CheckpointConfig(num_to_keep=2)),
        ).fit()

    def restore(self, name: str, points: list, *, done: int) -> None:
        """Continue the interrupted round ``name``, whose unfinished points are ``points``."""
        print(f"bench: restoring interrupted {name}: {len(points)} unfinished points ({done}/{self.total} done)",
              flush=True)
        self._restore(name)

    def _settings_location(self):
        from bench.store.location import Location

        return Location.of(self.loaded.results_dir / SEARCH_DIR)

    def _restore(self, name: str) -> None:
        """Tune reruns neither the round's finished trials nor (bench.sweep.trainable) those whose
        summary was written after Tune last saved its state; the others continue from their last
        checkpoints, errored ones included, with the settings the round started with."""
        from ray import tune

        from bench.sweep.settings import resumed_settings

        settings = resumed_settings(self._settings_location(), self.settings, f"{name}.settings.json",
                                    overridden=self.overridden)
        experiment = str(self.loaded.results_dir / TUNE_SEARCH_DIR / name)
        origin = self._settings_location().path(f"{name}.settings.json")
        tune.Tuner.restore(experiment, trainable=self.trainable(settings, origin), resume_unfinished=True,
                           resume_errored=True).fit()
