"""A sweep's results folder as a driver sees it (names: bench.layout): does it hold this
sweep, or another one (:class:`SweepConflict`)?  Start it, start it over (``--restart``), and count
its trials by outcome.

A grid sweep's identity is its set of trial ids (``grid.json``); a hyperparameter search's is its
``search/spec.json`` (cells, space, sampler, seed, objective; ``budget`` and ``batch`` may change
between runs).  A folder that holds one kind is refused to the other.  The checks only read, so a
driver can run them before anything is written and again once it holds the folder's lock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.layout import GRID_FILE, PLUGINS_FILE, RESTART_REMOVES, SEARCH_DIR, SPEC_FILE, SUITE_FILE
from bench.store.location import Location
from bench.store.schema import STATUS_DIVERGED, STATUS_ERROR, STATUS_OK
from bench.sweep.completeness import DIVERGED, ERRORED, FINISHED, NONE, audit

if TYPE_CHECKING:  # the suite (pydantic, torch) loads only where a folder is prepared
    from bench.suite import LoadedSuite

RESTART_HINT = "Use --restart to start over there, or --results DIR."


class SweepConflict(Exception):
    """The results folder holds a different sweep."""


@dataclass
class SweepOutcome:
    results_dir: Path | str
    total: int
    counts: dict  # status → number of trials


def grid_records(loaded: LoadedSuite) -> list[dict]:
    return [{"trial_id": t.id, "method": t.method, "config": t.config} for t in loaded.trials]


def read_grid(location: Location) -> list[dict]:
    """The ``grid.json`` records: ``[{"trial_id", "method", "config"}, ...]``."""
    return json.loads(location.read_text(GRID_FILE))


def write_grid(location: Location, records: list[dict]) -> None:
    location.write_text(json.dumps(records, indent=1), GRID_FILE)


def remove_sweep_state(results: Location) -> None:
    """``--restart``: delete everything a grid sweep or a search wrote there
    (bench.layout.RESTART_REMOVES); the folder itself stays."""
    for name in RESTART_REMOVES:
        results.remove(name)


def check_results_dir(loaded: LoadedSuite, *, restart: bool) -> bool:
    """Check, without writing, that the folder is new or holds this grid.  Returns True when resuming."""
    results = Location.of(loaded.results_dir)
    if restart or not results.exists(GRID_FILE):
        return False
    old = {r["trial_id"] for r in read_grid(results)}
    new = {t.id for t in loaded.trials}
    if old != new:
        raise SweepConflict(
            f"{results} holds a sweep with a different trial grid ({len(old - new)} trials only there, "
            f"{len(new - old)} only in {loaded.path}). {RESTART_HINT}")
    return True


def prepare_results_dir(loaded: LoadedSuite, *, restart: bool) -> bool:
    """Create the folder (or check it holds this grid).  Returns True when resuming."""
    from bench.suite.load import dump_suite

    resuming = check_results_dir(loaded, restart=restart)
    results = Location.of(loaded.results_dir)
    if restart:
        remove_sweep_state(results)
    results.write_text(dump_suite(loaded.suite), SUITE_FILE)
    write_grid(results, grid_records(loaded))
    if loaded.plugins:
        results.write_text(json.dumps([p.to_dict() for p in loaded.plugins], indent=1), PLUGINS_FILE)
    return resuming


def search_spec(loaded: LoadedSuite, cells: list, metric: str, mode: str) -> dict:
    """What may not change between runs of one search (``budget`` and ``batch`` may); ``cells``:
    bench.sweep.studies.Cell."""
    search = loaded.suite.search
    return {"cells": sorted(c.id for c in cells), "metric": metric, "mode": mode,
            "search": search.model_dump(mode="json", exclude={"budget", "batch"})}


def check_search_dir(loaded: LoadedSuite, spec: dict, *, restart: bool) -> bool:
    """Check, without writing, that the folder is new or holds this search.  Returns True when resuming."""
    results = loaded.results_dir
    if restart:
        return False
    spec_path = results / SEARCH_DIR / SPEC_FILE
    if spec_path.is_file():
        old = json.loads(spec_path.read_text())
        if old != spec:
            changed = sorted(k for k in spec if old.get(k) != spec[k])
            raise SweepConflict(f"{results} holds a different hyperparameter search (changed: {', '.join(changed)}; "
                                f"only `search.budget` and `search.batch` may change between runs). {RESTART_HINT}")
        return True
    if (results / GRID_FILE).exists():
        raise SweepConflict(f"{results} holds a grid sweep, not a hyperparameter search. {RESTART_HINT}")
    return False


def prepare_search_dir(loaded: LoadedSuite, spec: dict, *, restart: bool) -> bool:
    """Create (or check) the results folder of a search.  Returns True when resuming."""
    from bench.suite.load import dump_suite

    resuming = check_search_dir(loaded, spec, restart=restart)
    results = loaded.results_dir
    if restart and results.exists():
        remove_sweep_state(Location.of(results))
    spec_path = results / SEARCH_DIR / SPEC_FILE
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(json.dumps(spec, indent=1))
    (results / SUITE_FILE).write_text(dump_suite(loaded.suite))
    return resuming


def trial_counts(results_dir: Path | str) -> dict:
    """Trials per outcome, from what is on storage (bench.sweep.completeness): ``ok`` (finished at
    its budget), ``diverged``, ``error``, and ``incomplete`` for rows that fall short."""
    location = Location.of(results_dir)
    if not location.exists(GRID_FILE):
        return {}
    names = {FINISHED: STATUS_OK, DIVERGED: STATUS_DIVERGED, ERRORED: STATUS_ERROR}
    counts: dict[str, int] = {}
    for check in audit(location, read_grid(location)).checks.values():
        if check.state != NONE:
            name = names.get(check.state, "incomplete")
            counts[name] = counts.get(name, 0) + 1
    return counts
