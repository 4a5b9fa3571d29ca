"""Hyperparameter search runs: one Optuna study per grid cell on a journal file in the results
folder; the driver asks for points, Ray Tune trains them as ordinary trials, the driver tells
the studies their scores.

Layout (besides ``rows/``, ``summaries/``, ``suite.yaml`` and ``grid.json`` as in a grid sweep;
``grid.json`` lists the points sampled so far)::

    <results>/search/studies.journal   Optuna JournalStorage: every ask (with its sampled values) and tell
    <results>/search/spec.json         what is searched (cells, space, sampler, seed, objective)
    <results>/search/rounds.json       each round's Tune experiment name → its points' trial ids
    <results>/search/round-<h>.settings.json   a round's concurrency, retries, trial resources (kept on resume)
    <results>/tune-search/round-<h>/   the Ray Tune experiment of one round of points (bench.sweep.rounds)

**Rounds.**  Each round asks every unfinished cell for its next points (up to ``batch``; rounds
start at multiples of ``batch``), trains them in one Tuner, reads each trial's objective from its
Parquet rows and tells the study: a diverged trial, or one whose metric is undefined, is told
the worst value (±inf); one that raised (after its retries) is told ``FAIL``; both use up budget.
Random and QMC points do not depend on scores, so one round holds the whole budget; TPE uses
rounds of ``batch`` (default 4).

**Resume.**  A point is in the journal from the moment it is asked, before it trains.  Running
again reopens the studies: told points are final (never resampled or retrained); asked but
untold points are told when their rows are already complete; the others are trained again with the
same values: a round recorded in ``rounds.json`` that still holds such points is restored first
(``Tuner.restore``: its finished trials are not rerun, the interrupted ones continue from their
checkpoints), whatever its other points and the budget now are; points left over (their round had
no saved Tune state yet) go into a new round.  Then sampling continues up to the budget, which may
have been raised.

**Same seed, same points.**  Optuna does not store a sampler's random state, so sample ``k`` of a
cell is drawn by a sampler seeded with ``hash(seed, k)`` (random, TPE); QMC's position in its
scrambled Sobol sequence is kept in the study itself.  Points therefore do not depend on when a
run was interrupted, and all cells of a suite see the same random/QMC points (a paired design).
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from bench.arch.spec import content_id
from bench.suite import LoadedSuite
from bench.suite.cells import apply_params, cell_method, cell_params, objective_of
from bench.suite.search import ParamSpec, SearchCfg, PARAMS

SEARCH_DIR = "search"
JOURNAL = "studies.journal"
SPEC_FILE = "spec.json"
ROUNDS_FILE = "rounds.json"
TUNE_SEARCH_DIR = "tune-search"


@dataclass(frozen=True)
class Cell:
    id: str  # the study name
    config: dict
    params: dict  # name → ParamSpec
    method: str


@dataclass(frozen=True)
class Point:
    cell: Cell
    sample: int  # 0-based index of the point in its cell's study
    number: int  # Optuna trial number
    storage_id: int  # Optuna's internal trial id
    params: dict
    config: dict
    trial_id: str


def distribution(name: str, spec: ParamSpec):
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if spec.choices is not None:
        return CategoricalDistribution(list(spec.choices))
    if PARAMS[name][0] == "int":
        return IntDistribution(int(spec.low), int(spec.high), log=spec.log, step=spec.step or 1)
    return FloatDistribution(float(spec.low), float(spec.high), log=spec.log)


def sample_seed(seed: int, sample: int) -> int:
    return int(hashlib.sha256(f"bench-search:{seed}:{sample}".encode()).hexdigest()[:8], 16)


def make_sampler(name: str, seed: int, sample: int):
    """The sampler that draws sample ``sample`` (see the module docstring on seeding)."""
    import optuna

    if name == "random":
        return optuna.samplers.RandomSampler(seed=sample_seed(seed, sample))
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=sample_seed(seed, sample))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed,
                                          independent_sampler=optuna.samplers.RandomSampler(seed=sample_seed(seed, 0)),
                                          warn_independent_sampling=False)


def search_cells(loaded: LoadedSuite) -> list[Cell]:
    search = loaded.suite.search
    cells = []
    for trial in loaded.trials:
        cells.append(Cell("c-" + trial.id.removeprefix("t-"), trial.config, cell_params(search, trial.config),
                          cell_method(search, trial.config)))
    return cells


class Studies:
    """The cells' Optuna studies on one journal file."""

    def __init__(self, folder: Path, search: SearchCfg, cells: list[Cell], mode: str):
        import optuna
        from optuna.storages import JournalStorage
        from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        folder.mkdir(parents=True, exist_ok=True)
        path = str(folder / JOURNAL)
        self.storage = JournalStorage(JournalFileBackend(path, lock_obj=JournalFileOpenLock(path)))
        self.search, self.cells = search, cells
        direction = "maximize" if mode == "max" else "minimize"
        self.studies = {c.id: optuna.create_study(study_name=c.id, storage=self.storage, direction=direction,
                                                  load_if_exists=True) for c in cells}
        for cell in cells:
            self._abort_incomplete(cell)

    def _abort_incomplete(self, cell: Cell) -> None:
        """A point asked while the driver died mid-ask has only some of its values: fail it and
        leave it out of the budget."""
        from optuna.trial import TrialState

        study = self.studies[cell.id]
        for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            if set(trial.params) != set(cell.params):
                self.storage.set_trial_user_attr(trial._trial_id, "aborted", True)
                study.tell(trial.number, state=TrialState.FAIL)

    def points(self, cell: Cell, states=None) -> list[Point]:
        trials = [t for t in self.studies[cell.id].get_trials(deepcopy=False) if not t.user_attrs.get("aborted")]
        out = []
        for sample, trial in enumerate(sorted(trials, key=lambda t: t.number)):
            if states is not None and trial.state not in states:
                continue
            out.append(self._point(cell, sample, trial))
        return out

    def _point(self, cell: Cell, sample: int, trial) -> Point:
        meta = {"study": cell.id, "sample": sample, "sampler": self.search.sampler, "method": cell.method}
        config = apply_params(cell.config, dict(trial.params), meta)
        return Point(cell, sample, trial.number, trial._trial_id, dict(trial.params), config,
                     content_id(config, prefix="t-", length=12))

    def pending(self) -> list[Point]:
        from optuna.trial import TrialState

        return [p for cell in self.cells for p in self.points(cell, states=(TrialState.RUNNING,))]

    def ask_round(self) -> int:
        """Ask every cell below its budget for points up to the next multiple of ``batch``; a cell
        whose previous points are not all told yet gets none with TPE (so TPE always sees whole
        rounds); random and QMC points do not depend on scores."""
        from optuna.trial import TrialState

        size, budget, asked = self.search.round_size(), self.search.budget, 0
        for cell in self.cells:
            study = self.studies[cell.id]
            if self.search.sampler == "tpe" and study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
                continue
            n = len(self.points(cell))
            want = min(size - n % size, budget - n) if n < budget else 0
            distributions = {name: distribution(name, spec) for name, spec in cell.params.items()}
            for sample in range(n, n + want):
                study.sampler = make_sampler(self.search.sampler, self.search.seed, sample)
                study.ask(fixed_distributions=distributions)
                asked += 1
        return asked

    def tell(self, point: Point, value: float | None, status: str) -> None:
        from optuna.trial import TrialState

        study = self.studies[point.cell.id]
        self.storage.set_trial_user_attr(point.storage_id, "trial_id", point.trial_id)
        self.storage.set_trial_user_attr(point.storage_id, "status", status)
        if value is None:
            study.tell(point.number, state=TrialState.FAIL)
        else:
            study.tell(point.number, value)

    def all_points(self) -> list[Point]:
        return [p for cell in self.cells for p in self.points(cell)]

    def finished(self) -> int:
        from optuna.trial import TrialState

        return sum(len(self.points(c, states=(TrialState.COMPLETE, TrialState.FAIL))) for c in self.cells)


def read_outcome(results_dir: Path, trial_id: str, metric: str, mode: str, at: str, steps: int,
                 *, final: bool) -> tuple[float | None, str] | None:
    """(objective value or None, status) of a finished trial from its rows; None while it is
    unfinished (with ``final``, an unfinished or missing trial counts as ``error``).  A diverged
    trial, or one whose metric is undefined (NaN, e.g. ``mode_kl`` with no mode covered), gets the
    worst value (±inf): a bad setting, which TPE should learn to avoid; an error gets None."""
    import math

    import pandas as pd

    path = results_dir / "rows" / f"{trial_id}.parquet"
    if not path.is_file():
        return (None, "error") if final else None
    rows = pd.read_parquet(path).sort_values("step")
    last = rows.iloc[-1]
    status = str(last["status"])
    complete = status == "diverged" or (status == "ok" and int(last["step"]) >= steps)
    if not complete:
        return (None, "error" if status == "ok" else status) if final else None
    worst = -math.inf if mode == "max" else math.inf
    if status != "ok" or metric not in rows.columns:
        return worst, status
    values = rows[metric].astype(float)
    value = float(values.iloc[-1]) if at == "final" else float(values.max() if mode == "max" else values.min())
    return (value, status) if math.isfinite(value) else (worst, status)


def search_spec(loaded: LoadedSuite, cells: list[Cell], metric: str, mode: str) -> dict:
    """What may not change between runs of one search (``budget`` and ``batch`` may)."""
    search = loaded.suite.search
    return {"cells": sorted(c.id for c in cells), "metric": metric, "mode": mode,
            "search": search.model_dump(mode="json", exclude={"budget", "batch"})}


def check_search_dir(loaded: LoadedSuite, spec: dict, *, restart: bool) -> bool:
    """Check, without writing, that the folder is new or holds this search.  Returns True when resuming."""
    from bench.sweep.runner import GRID_FILE, SweepConflict

    results = loaded.results_dir
    if restart:
        return False
    spec_path = results / SEARCH_DIR / SPEC_FILE
    if spec_path.is_file():
        old = json.loads(spec_path.read_text())
        if old != spec:
            changed = sorted(k for k in spec if old.get(k) != spec[k])
            raise SweepConflict(f"{results} holds a different hyperparameter search (changed: {', '.join(changed)}; "
                                f"only `search.budget` and `search.batch` may change between runs). "
                                "Use --restart to start over there, or --results DIR.")
        return True
    if (results / GRID_FILE).exists():
        raise SweepConflict(f"{results} holds a grid sweep, not a hyperparameter search. "
                            "Use --restart to start over there, or --results DIR.")
    return False


def prepare_search_dir(loaded: LoadedSuite, spec: dict, *, restart: bool) -> bool:
    """Create (or check) the results folder of a search.  Returns True when resuming."""
    from bench.store.location import Location
    from bench.suite.load import dump_suite
    from bench.sweep.runner import remove_sweep_state

    resuming = check_search_dir(loaded, spec, restart=restart)
    results = loaded.results_dir
    if restart and results.exists():
        remove_sweep_state(Location.of(results))
    spec_path = results / SEARCH_DIR / SPEC_FILE
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(json.dumps(spec, indent=1))
    (results / "suite.yaml").write_text(dump_suite(loaded.suite))
    return resuming


def write_grid(results_dir: Path, points: list[Point]) -> None:
    from bench.sweep.runner import GRID_FILE

    records = [{"trial_id": p.trial_id, "method": p.cell.method, "config": p.config} for p in points]
    (results_dir / GRID_FILE).write_text(json.dumps(records, indent=1))


def round_name(points: list[Point]) -> str:
    ids = sorted(p.trial_id for p in points)
    return "round-" + hashlib.sha256(" ".join(ids).encode()).hexdigest()[:10]


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
    """The first recorded round (not in ``skip``) that holds points of ``todo`` and has a Tune state
    to restore, with those points; None if there is none."""
    from ray import tune

    for name, ids in read_rounds(results_dir).items():
        members = [p for p in todo if p.trial_id in set(ids)] if name not in skip else []
        if members and tune.Tuner.can_restore(str(results_dir / TUNE_SEARCH_DIR / name)):
            return name, members
    return None


def run_search(loaded: LoadedSuite, *, address: str | None = None, restart: bool = False,
               max_concurrent: int | None = None, num_cpus: int | None = None, cache_dir: str | None = None,
               cpus_per_trial: float | None = None, gpus_per_trial: float | None = None):
    """Run (or resume) the suite's hyperparameter search; returns a :class:`SweepOutcome`.
    The Optuna journal needs a file-system path (local or shared), not an object-store URI."""
    from bench.sweep.launch import tune_environment

    tune_environment()
    import ray

    from bench.sweep.inputs import load_inputs
    from bench.sweep.rounds import RoundRunner
    from bench.sweep.runner import SweepConflict, SweepOutcome, trial_counts

    if "://" in str(loaded.results_dir) and not str(loaded.results_dir).startswith("file://"):
        raise SweepConflict(f"a hyperparameter search keeps its Optuna journal next to the results, so `results` must be "
                            f"a file-system path (local or a shared mount), not {loaded.results_dir}")
    loaded.results_dir = Path(str(loaded.results_dir).removeprefix("file://")).resolve()
    search = loaded.suite.search
    metric, mode = objective_of(search, list(loaded.evaluation.metrics))
    cells = search_cells(loaded)
    spec = search_spec(loaded, cells, metric, mode)
    check_search_dir(loaded, spec, restart=restart)
    inputs = load_inputs(loaded, cache_dir)  # bad data or weights fail here, before anything is written
    total = len(cells) * search.budget
    runner = RoundRunner(loaded, inputs, address, max_concurrent, num_cpus, total, cpus_per_trial, gpus_per_trial)
    try:  # the runner has refused requests the cluster cannot serve: now write
        _search(loaded, spec, runner, metric, mode, cells, total, restart=restart)
    finally:
        if runner.started_ray:
            ray.shutdown()
    return SweepOutcome(loaded.results_dir, total, trial_counts(loaded.results_dir))


def _search(loaded: LoadedSuite, spec: dict, runner, metric: str, mode: str, cells: list, total: int, *,
            restart: bool) -> None:
    """The rounds of a search: ask points, train them (``runner``: bench.sweep.rounds), tell scores."""
    suite, search = loaded.suite, loaded.suite.search
    resuming = prepare_search_dir(loaded, spec, restart=restart)
    results = loaded.results_dir
    studies = Studies(results / SEARCH_DIR, search, cells, mode)
    print(f"bench: hyperparameter search of suite {suite.name!r} v{suite.version}: {len(cells)} cells × budget "
          f"{search.budget} = {total} trials, {search.sampler} sampler (seed {search.seed}), objective {metric} "
          f"({mode}, {search.objective.at}) -> {results}" + (f" (resuming: {studies.finished()} done)" if resuming else ""),
          flush=True)
    steps = int(suite.training.steps)
    outcome = lambda p, final: read_outcome(results, p.trial_id, metric, mode, search.objective.at, steps, final=final)  # noqa: E731

    restored: set[str] = set()  # rounds restored by this run (each at most once)
    while True:
        todo = []
        for point in studies.pending():
            known = outcome(point, False)
            if known is not None:  # trained before an interruption: tell, do not retrain
                studies.tell(point, *known)
            else:
                todo.append(point)
        if not todo:
            if studies.ask_round() == 0:
                break
            continue
        interrupted = interrupted_round(results, todo, restored)  # before any new round
        if interrupted is None and search.sampler != "tpe" and studies.ask_round():
            continue  # points that do not wait for scores join this round
        write_grid(results, studies.all_points())
        if interrupted is not None:
            name, todo = interrupted
            restored.add(name)
            runner.restore(name, todo, done=studies.finished())
        else:
            name = round_name(todo)
            record_round(results, name, todo)
            runner.run(name, todo, done=studies.finished())
        for point in todo:
            studies.tell(point, *outcome(point, True))
    write_grid(results, studies.all_points())
    _print_best(studies, metric)


def _print_best(studies: Studies, metric: str) -> None:
    for cell in studies.cells:
        study = studies.studies[cell.id]
        try:
            best = study.best_trial
        except ValueError:
            print(f"bench: {cell.id} {cell.method}: no finite {metric}", flush=True)
            continue
        values = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in best.params.items())
        print(f"bench: {cell.id} {cell.method} seed={cell.config['seed']}: best {metric}={best.value:.4g} "
              f"(trial {best.user_attrs.get('trial_id')}: {values})", flush=True)
