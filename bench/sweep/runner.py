"""``bench run``'s driver: from a loaded suite to a finished (or resumed) sweep — a grid sweep
(bench.sweep.grid) or, when the suite has a ``search`` section, a hyperparameter search
(bench.sweep.search).  This is the one place that chooses between them.

The results folder's layout is bench.layout; checking and preparing it is bench.sweep.folder.
``<results>`` is a local folder, a shared-filesystem path or a pyarrow URI (``s3://…``): Ray
Tune's storage and the trials' Parquet writes both go there (bench.store.location).
"""

from __future__ import annotations

from bench.store.location import Location, normalize
from bench.suite import LoadedSuite
from bench.sweep.folder import SweepOutcome


def run_sweep(loaded: LoadedSuite, *, address: str | None = None, restart: bool = False,
              max_concurrent: int | None = None, num_cpus: int | None = None, cache_dir: str | None = None,
              cpus_per_trial: float | None = None, gpus_per_trial: float | None = None) -> SweepOutcome:
    """Run or resume the sweep.  ``cpus_per_trial``/``gpus_per_trial`` override the suite's
    ``resources`` (a GPU fraction packs several trials on one GPU; it is a scheduling share,
    not a memory limit), ``max_concurrent`` its ``resources.max_concurrent``.  One driver per
    results folder (bench.sweep.lock): another one running there raises
    :class:`~bench.sweep.folder.SweepConflict`.  A grid sweep takes the lock once its inputs are
    loaded; a search holds it throughout."""
    from bench.sweep.lock import driver_lock

    options = dict(address=address, restart=restart, max_concurrent=max_concurrent, num_cpus=num_cpus,
                   cache_dir=cache_dir, cpus_per_trial=cpus_per_trial, gpus_per_trial=gpus_per_trial)
    if loaded.suite.search is not None:  # hyperparameter search: Optuna studies, rounds of Tune trials
        from bench.sweep.search import run_search

        with driver_lock(Location.of(normalize(loaded.results_dir))):
            return run_search(loaded, **options)
    from bench.sweep.grid import run_grid

    return run_grid(loaded, **options)
