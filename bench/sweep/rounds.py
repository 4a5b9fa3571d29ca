"""One Ray Tune experiment per round of hyperparameter-search points (bench.sweep.search).

A round is named by the hash of its trial ids (``round-<h>``) and recorded in ``search/rounds.json``
before it starts, so an interrupted round is resumed, not restarted; its settings are saved as
``search/<round>.settings.json`` (bench.sweep.settings); its Tune experiment is
``tune-search/<round>/`` (names: bench.layout).  Like a grid sweep (bench.sweep.repair), a resumed
round never restores Ray Tune's saved state, which a SIGKILL can leave truncated (``EOFError`` in
``Tuner.restore``): its unfinished points train in a new experiment ``tune-search/<round>.<n>/``,
each from its newest verified checkpoint in any experiment of the sweep, with the round's settings.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from bench.layout import ROUND_PREFIX, ROUNDS_FILE, SEARCH_DIR, TUNE_SEARCH_DIR, round_settings_name
from bench.suite import LoadedSuite
from bench.sweep.inputs import SweepInputs
from bench.sweep.studies import Point


def round_name(points: list[Point]) -> str:
    ids = sorted(p.trial_id for p in points)
    return ROUND_PREFIX + hashlib.sha256(" ".join(ids).encode()).hexdigest()[:10]


def read_rounds(results_dir: Path) -> dict[str, list[str]]:
    """Round name → trial ids, in the order the rounds were started."""
    path = results_dir / SEARCH_DIR / ROUNDS_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def record_round(results_dir: Path, name: str, points: list[Point]) -> None:
    """Add a round to ``rounds.json`` (atomically) before its Tuner starts."""
    rounds = read_rounds(results_dir)
    rounds[name] = sorted(p.trial_id for p in points)
    path = results_dir / SEARCH_DIR / ROUNDS_FILE
    tmp = path.with_name(f".{ROUNDS_FILE}.tmp")
    tmp.write_text(json.dumps(rounds, indent=1))
    os.replace(tmp, path)


def interrupted_round(results_dir: Path, todo: list[Point], skip: set[str]) -> tuple[str, list[Point]] | None:
    """The first recorded round (not in ``skip``) that holds points of ``todo`` and whose Tune
    experiment was started, with those points; None if there is none."""
    for name, ids in read_rounds(results_dir).items():
        members = [p for p in todo if p.trial_id in set(ids)] if name not in skip else []
        if members and (results_dir / TUNE_SEARCH_DIR / name).is_dir():
            return name, members
    return None


def resume_name(results_dir: Path, name: str) -> str:
    """``<round>.<n>``: the next free name of an experiment that resumes round ``name``."""
    taken = [int(p.name.rsplit(".", 1)[1]) for p in (results_dir / TUNE_SEARCH_DIR).glob(f"{name}.*")
             if p.name.rsplit(".", 1)[1].isdigit()]
    return f"{name}.{max(taken, default=0) + 1}"


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
        """Train ``points`` (bench.sweep.studies.Point) in a new Tune experiment ``name`` (resumed
        instead when a folder of that name exists: a round started before ``rounds.json`` existed)."""
        from bench.sweep.launch import build_tuner
        from bench.sweep.progress import ProgressPrinter
        from bench.sweep.settings import save_settings

        storage = self.loaded.results_dir / TUNE_SEARCH_DIR
        print(f"bench: round of {len(points)} points ({done}/{self.total} done)", flush=True)
        if (storage / name).is_dir():
            self._resume(name, points, done)
            return
        save_settings(self._settings_location(), self.settings, round_settings_name(name))
        printer = ProgressPrinter(self.total, self.eval_cfg["metrics"], already_done=done)
        build_tuner(self.trainable(self.settings), [(p.trial_id, p.config) for p in points], self.settings, name=name,
                    storage_path=str(storage), callbacks=[printer, *self.callbacks]).fit()

    def restore(self, name: str, points: list, *, done: int) -> None:
        """Continue the interrupted round ``name``, whose unfinished points are ``points``."""
        print(f"bench: restoring interrupted {name}: {len(points)} unfinished points ({done}/{self.total} done)",
              flush=True)
        self._resume(name, points, done)

    def _settings_location(self):
        from bench.store.location import Location

        return Location.of(self.loaded.results_dir / SEARCH_DIR)

    def _resume(self, name: str, points: list, done: int) -> None:
        """The round's unfinished ``points`` in a new experiment ``<round>.<n>`` (Tune's saved state
        is not read): each continues from its newest verified checkpoint on storage
        (bench.sweep.checkpoints), with the settings the round started with."""
        from bench.sweep.launch import build_tuner
        from bench.sweep.progress import ProgressPrinter
        from bench.sweep.settings import resumed_settings

        settings = resumed_settings(self._settings_location(), self.settings, round_settings_name(name),
                                    overridden=self.overridden)
        origin = self._settings_location().path(round_settings_name(name))
        printer = ProgressPrinter(self.total, self.eval_cfg["metrics"], already_done=done)
        build_tuner(self.trainable(settings, origin), [(p.trial_id, p.config) for p in points], settings,
                    name=resume_name(self.loaded.results_dir, name), storage_path=str(self.loaded.results_dir / TUNE_SEARCH_DIR),
                    callbacks=[printer, *self.callbacks]).fit()
