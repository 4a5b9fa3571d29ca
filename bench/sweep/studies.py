"""The Optuna side of a hyperparameter search (bench.sweep.search): one study per grid cell on a
journal file (``search/studies.journal``, bench.layout), asked for points and told their scores.

**Same seed, same points.**  Optuna does not store a sampler's random state, so sample ``k`` of a
cell is drawn by a sampler seeded with ``hash(seed, k)`` (random, TPE); QMC's position in its
scrambled Sobol sequence is kept in the study itself.  Points therefore do not depend on when a
run was interrupted, and all cells of a suite see the same random/QMC points (a paired design).
A point asked while the driver died mid-ask (only some of its values) is failed and left out of
the budget.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path

from bench.arch.spec import content_id
from bench.layout import JOURNAL_FILE
from bench.suite import LoadedSuite
from bench.suite.cells import apply_params, cell_method, cell_params
from bench.suite.search import PARAMS, ParamSpec, SearchCfg


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
        path = str(folder / JOURNAL_FILE)
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
