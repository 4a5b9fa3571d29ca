"""Hyperparameter search runs: one Optuna study per grid cell on a journal file in the results
folder; the driver asks for points, Ray Tune trains them as ordinary trials, the driver tells
the studies their scores.

Its files (``search/``: the studies' journal, ``spec.json``, ``rounds.json``, each round's settings;
``tune-search/round-<h>/``: each round's Tune experiment) are named in bench.layout; ``grid.json``
lists the points sampled so far.  The studies are bench.sweep.studies, a point's score from its
rows bench.sweep.objective, the rounds' Tune experiments bench.sweep.rounds.

**Rounds.**  Each round asks every unfinished cell for its next points (up to ``batch``; rounds
start at multiples of ``batch``), trains them in one Tuner, reads each trial's objective from its
Parquet rows and tells the study: a diverged trial, or one whose metric is undefined, is told
the worst value (±inf); one that raised (after its retries) is told ``FAIL``; both use up budget.
Random and QMC points do not depend on scores, so one round holds the whole budget; TPE uses
rounds of ``batch`` (default 4).

**Resume.**  A point is in the journal from the moment it is asked, before it trains.  Running
again reopens the studies: told points are final (never resampled or retrained); asked but
untold points are told when their rows are already complete; the others are trained again with the
same values: a round recorded in ``rounds.json`` that still holds such points is resumed first,
in a new Tune experiment ``tune-search/<round>.<n>/`` (bench.sweep.rounds; Tune's saved state is
not read): its finished trials are not rerun, the interrupted ones continue from their newest
verified checkpoints, whatever its other points and the budget now are; points left over (their
round's experiment was never started) go into a new round.  Then sampling continues up to the budget, which may
have been raised.

Points do not depend on when a run was interrupted (bench.sweep.studies: same seed, same points).
"""

from __future__ import annotations

from pathlib import Path

from bench.layout import SEARCH_DIR
from bench.store.location import Location
from bench.suite import LoadedSuite
from bench.suite.cells import objective_of
from bench.sweep.folder import (SweepConflict, SweepOutcome, check_search_dir, prepare_search_dir, search_spec,
                                trial_counts, write_grid)
from bench.sweep.objective import read_outcome
from bench.sweep.rounds import interrupted_round, record_round, round_name
from bench.sweep.studies import Point, Studies, search_cells


def run_search(loaded: LoadedSuite, *, address: str | None = None, restart: bool = False,
               max_concurrent: int | None = None, num_cpus: int | None = None, cache_dir: str | None = None,
               cpus_per_trial: float | None = None, gpus_per_trial: float | None = None):
    """Run (or resume) the suite's hyperparameter search (bench.sweep.runner chooses it).
    The Optuna journal needs a file-system path (local or shared), not an object-store URI."""
    from bench.sweep.launch import tune_environment

    tune_environment()
    import ray

    from bench.sweep.inputs import load_inputs
    from bench.sweep.rounds import RoundRunner

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
        write_points(results, studies.all_points())
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
    write_points(results, studies.all_points())
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


def write_points(results_dir: Path, points: list[Point]) -> None:
    """``grid.json`` of a search: the points sampled so far."""
    records = [{"trial_id": p.trial_id, "method": p.cell.method, "config": p.config} for p in points]
    write_grid(Location.of(results_dir), records)
