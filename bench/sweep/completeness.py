"""When a trial counts as done: from its rows and its summary, never from Ray Tune's word.

Ray Tune's saved experiment state, the summary file and the row file are three records written at
different moments by different processes; a SIGKILL can fall between any two of them.  So "done"
is decided from what is on storage, the same way by every reader (``bench run`` before and after
Tune runs, the trainable when it starts, ``bench status``):

* **finished** — the rows are exactly the evaluation steps ``every, 2·every, …, steps`` (the budget;
  the last one is always evaluated), all ``ok``, and the summary exists;
* **diverged** — the rows are a prefix of those steps ending in a ``diverged`` row, and the summary
  exists;
* **errored** — the last row is an ``error`` row (Tune retries it while it has retries left);
* **partial** — rows that fall short: they stop before the budget, miss a step, or the summary
  is missing (a kill between the last evaluation and the summary);
* **none** — no rows yet; **damaged** — the row file cannot be read.

Only finished and diverged trials are never run again; ``bench run`` reruns or restores every
partial or damaged trial that Tune considers finished (bench.sweep.repair).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow.parquet as pq

from bench.store.io import read_row_files
from bench.layout import ROWS_DIR, SUMMARIES_DIR, table_name, trial_of
from bench.store.location import Location
from bench.store.schema import STATUS_DIVERGED, STATUS_ERROR, STATUS_OK

FINISHED, DIVERGED, ERRORED, PARTIAL, NONE, DAMAGED = "finished", "diverged", "errored", "partial", "none", "damaged"
DONE = (FINISHED, DIVERGED)  # never run again
SHORT = (PARTIAL, NONE, DAMAGED)  # trained (again) by the next run


@dataclass(frozen=True)
class TrialCheck:
    state: str  # finished | diverged | errored | partial | none | damaged
    reason: str  # in words, for the user ("rows stop at step 100 of 150")
    last_step: int = 0
    claimed: bool = False  # its summary exists: an attempt ended it


@dataclass
class Audit:
    checks: dict[str, TrialCheck]  # trial id → its check
    stray: dict[str, str] = field(default_factory=dict)  # row files of no trial of the grid → why

    def ids(self, *states: str) -> list[str]:
        return sorted(t for t, c in self.checks.items() if c.state in states)


def evaluation_steps(budget: int, every: int) -> list[int]:
    """The steps a healthy trial evaluates at: multiples of ``every`` and the budget itself."""
    steps = list(range(every, budget + 1, every))
    return steps if steps and steps[-1] == budget else steps + [budget]


def check_trial(rows: pd.DataFrame | None, *, budget: int, every: int, has_summary: bool,
                damaged: str | None = None) -> TrialCheck:
    """Classify one trial from its rows (None: no file) and whether its summary exists."""
    check = _check(rows, budget=budget, every=every, has_summary=has_summary, damaged=damaged)
    return TrialCheck(check.state, check.reason, check.last_step, claimed=has_summary)


def _check(rows, *, budget: int, every: int, has_summary: bool, damaged: str | None) -> TrialCheck:
    if damaged is not None:
        return TrialCheck(DAMAGED, f"its row file cannot be read ({damaged})")
    if rows is None or rows.empty:
        if has_summary:
            return TrialCheck(PARTIAL, "its summary exists but its row file is missing")
        return TrialCheck(NONE, "no rows")
    rows = rows.sort_values("step", kind="stable")
    steps, statuses = [int(s) for s in rows["step"]], list(rows["status"])
    last, status = steps[-1], statuses[-1]
    if len(set(steps)) != len(steps):
        return TrialCheck(DAMAGED, f"duplicate steps {steps}", last)
    if status == STATUS_ERROR:
        return TrialCheck(ERRORED, f"error at step {last}", last)
    expected = evaluation_steps(budget, every)
    healthy = steps[:-1] if status == STATUS_DIVERGED else steps
    if healthy != expected[:len(healthy)] or any(s != STATUS_OK for s in statuses[:len(healthy)]):
        return TrialCheck(PARTIAL, f"rows at steps {steps} are not the evaluation steps {expected}", last)
    if status == STATUS_OK and last < budget:
        return TrialCheck(PARTIAL, f"rows stop at step {last} of {budget}", last)
    if not has_summary:
        return TrialCheck(PARTIAL, f"rows reach step {last} ({status}) but the summary is missing", last)
    return TrialCheck(DIVERGED if status == STATUS_DIVERGED else FINISHED, f"{status} at step {last}", last)


def audit(results: str | Location, grid: list[dict]) -> Audit:
    """Check every trial of ``grid`` (grid.json records) against the rows and summaries on storage."""
    location = Location.of(results)
    tables, damaged = read_row_files(location)
    by_id = {trial_of(p): t for p, t in tables.items()}
    bad = {trial_of(p): reason for p, reason in damaged.items()}
    summaries = {trial_of(p) for p in location.files(SUMMARIES_DIR, ".parquet")}
    checks = {}
    for record in grid:
        trial_id, config = record["trial_id"], record["config"]
        table = by_id.get(trial_id)
        checks[trial_id] = check_trial(table.to_pandas() if table is not None else None, **_budget(config),
                                       has_summary=trial_id in summaries, damaged=bad.get(trial_id))
    known = set(checks)
    stray = {p: reason for p, reason in damaged.items() if trial_of(p) not in known}
    stray.update({p: "not a trial of this sweep's grid" for p in tables if trial_of(p) not in known})
    return Audit(checks, stray)


def check_one(results: str | Location, trial_id: str, config: dict) -> TrialCheck:
    """:func:`check_trial` for one trial, reading only its own files."""
    location = Location.of(results)
    name = table_name(trial_id)
    rows, damaged = None, None
    if location.exists(ROWS_DIR, name):
        try:
            rows = pq.read_table(location.path(ROWS_DIR, name), filesystem=location.fs).to_pandas()
        except Exception as exc:  # noqa: BLE001 — any unreadable file is damaged
            damaged = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'unreadable'}"
    return check_trial(rows, **_budget(config), has_summary=location.exists(SUMMARIES_DIR, name), damaged=damaged)


def _budget(config: dict) -> dict:
    budget = int(config["training"]["steps"])
    return {"budget": budget, "every": int((config.get("evaluation") or {}).get("every") or budget)}
