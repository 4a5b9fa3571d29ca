"""Where a sweep stands: each trial of ``grid.json`` classified from its rows and Ray Tune's
saved experiment state, without starting Ray.

A trial is *finished* or *diverged* only when its rows and summary say so
(bench.store.completeness: rows at every evaluation step up to the budget, or up to the divergence,
and the summary), *errored* when Tune gave up on it (or, with no Tune state, its last row is an
error), *running* when Tune's last saved state has it running, *incomplete* when Tune (or a
summary) calls it done but its rows fall short or cannot be read — ``bench run`` repairs it —,
else *pending*.  Row files that cannot be read, or belong to no trial of the grid, are listed.  Tune saves its state every few seconds while a driver runs; after a crash of the
driver "running" trials are the ones a rerun resumes from their checkpoints.  A hyperparameter
search has one Tune experiment per round of points (``tune-search/round-*/``); all are read.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field

from bench.layout import (GRID_FILE, REPAIR_DIR, ROUND_PREFIX, ROWS_DIR, SEARCH_DIR, SPEC_FILE, SUITE_FILE, TUNE_DIR,
                          TUNE_SEARCH_DIR, TUNE_STATE_PREFIX)
from bench.store.location import Location
from bench.store.schema import STATUS_ERROR
from bench.sweep.completeness import DAMAGED, DONE, ERRORED, audit
from bench.sweep.folder import read_grid

STATES = ("finished", "running", "pending", "errored", "diverged", "incomplete")


@dataclass
class SweepStatus:
    location: str
    trials: dict[str, str]  # trial id → one of STATES
    errors: dict[str, str] = field(default_factory=dict)  # trial id → first line of its error
    attempts: dict[str, int] = field(default_factory=dict)
    state_age_s: float | None = None  # seconds since Tune last saved the experiment state
    unsampled: int = 0  # hyperparameter search: points of the budget not asked from Optuna yet
    problems: dict[str, str] = field(default_factory=dict)  # trial id or row file → what is wrong

    @property
    def counts(self) -> dict[str, int]:
        counts = {s: sum(1 for v in self.trials.values() if v == s) for s in STATES}
        counts["pending"] += self.unsampled
        return counts

    def describe(self) -> str:
        counts = self.counts
        lines = [f"{self.location}: {len(self.trials) + self.unsampled} trials"
                 + (f" ({self.unsampled} search points not sampled yet, counted as pending)" if self.unsampled else "")]
        lines += [f"  {name:<9} {counts[name]}" for name in STATES]
        if self.state_age_s is not None:
            lines.append(f"Ray Tune state saved {self.state_age_s:.0f} s ago"
                         + (" (no driver seems to be running: `bench run` resumes it)" if self.state_age_s > 120
                            and counts["running"] + counts["pending"] else ""))
        for trial_id, message in sorted(self.errors.items()):
            if self.trials[trial_id] == "errored":
                lines.append(f"  error {trial_id} (attempt {self.attempts.get(trial_id, '?')}): {message}")
        for name, problem in sorted(self.problems.items()):
            lines.append(f"  {'incomplete' if name in self.trials else 'bad file'} {name}: {problem}")
        if self.problems:
            lines.append("`bench run` on this folder recomputes incomplete trials from their checkpoints; "
                         f"move row files of no trial out of {ROWS_DIR}/ (`bench report` refuses them)")
        return "\n".join(lines)


def tune_states(location: Location) -> tuple[dict[str, str], float | None]:
    """Trial id → Tune status (PENDING, RUNNING, TERMINATED, ERROR, PAUSED) from the newest
    ``experiment_state-*.json`` of each Tune experiment (``tune/`` of a grid sweep, every
    ``tune-search/round-*/`` of a search; a trial in several rounds takes its state from the most
    recently saved one), and the age in seconds of the most recent file."""
    newest = []  # (mtime, parsed state) of each experiment's newest readable state file
    for folder in [TUNE_DIR, *_search_rounds(location), *_search_rounds(location, REPAIR_DIR, "")]:
        files = [p for p in location.files(folder, ".json") if os.path.basename(p).startswith(TUNE_STATE_PREFIX)]
        for path in sorted(files, key=os.path.basename, reverse=True):  # names carry the session's start time
            data = _read_state(location, path)
            if data is not None:  # a kill while Tune syncs leaves empty files: take the previous one
                info = location.fs.get_file_info(path)
                newest.append((info.mtime.timestamp() if info.mtime is not None else 0.0, path, data))
                break
    if not newest:
        return {}, None
    states = {}
    for _, _, data in sorted(newest, key=lambda entry: entry[:2]):
        for entry in data.get("trial_data", []):
            trial = json.loads(entry[0]) if isinstance(entry[0], str) else entry[0]
            config = trial.get("config") or {}
            trial_id = (config.get("trial") or {}).get("id") or trial.get("custom_dirname")
            if trial_id:
                states[trial_id] = trial.get("status", "PENDING")
    latest = max(entry[0] for entry in newest)
    return states, (time.time() - latest if latest else None)


def _read_state(location: Location, path: str) -> dict | None:
    try:
        with location.fs.open_input_stream(path) as handle:
            data = json.loads(handle.read())
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None


def _search_rounds(location: Location, parent: str = TUNE_SEARCH_DIR, prefix: str = ROUND_PREFIX) -> list[str]:
    """``tune-search/round-*`` folders (a hyperparameter search's Tune experiments), or the
    experiments of another ``parent`` (``tune-repair/<n>``: a resumed grid's rounds)."""
    import pyarrow.fs as pafs

    if not location.is_dir(parent):
        return []
    infos = location.fs.get_file_info(pafs.FileSelector(location.path(parent), recursive=False))
    return sorted(f"{parent}/{i.base_name}" for i in infos
                  if i.type == pafs.FileType.Directory and i.base_name.startswith(prefix))


def sweep_status(results: str | os.PathLike | Location) -> SweepStatus:
    from bench.store.io import read_trial_rows

    location = Location.of(results)
    if not location.exists(GRID_FILE):
        raise FileNotFoundError(f"{location.path(GRID_FILE)} not found: not a sweep's results folder")
    grid = read_grid(location)
    checks = audit(location, grid)
    tune, age = tune_states(location)
    status, errors, attempts, problems = {}, {}, {}, dict(checks.stray)
    for record in grid:
        trial_id = record["trial_id"]
        check, state = checks.checks[trial_id], tune.get(trial_id)
        status[trial_id] = classify(check, state)
        if status[trial_id] == "incomplete":
            problems[trial_id] = f"{check.reason} (Ray Tune: {state or 'no state'})"
        rows = read_trial_rows(location, trial_id) if check.state != DAMAGED else None
        if rows is None or rows.empty:
            continue
        last = rows.sort_values("step").iloc[-1]
        if "attempt" in rows and rows["attempt"].notna().any():
            attempts[trial_id] = int(rows["attempt"].max())
        if last["status"] == STATUS_ERROR and isinstance(last.get("error"), str):
            errors[trial_id] = last["error"].splitlines()[0]
    return SweepStatus(str(location), status, errors, attempts, age, unsampled=_unsampled(location, len(grid)),
                       problems=problems)


def classify(check, tune: str | None) -> str:
    """A trial's state from its storage check (bench.sweep.completeness.TrialCheck) and Tune's
    saved status: Tune's TERMINATED, a summary or an unreadable row file without rows that
    reach the budget make it *incomplete*."""
    if check.state in DONE:
        return check.state
    if tune == "RUNNING":
        return "running"
    if tune == "ERROR" or (tune is None and check.state == ERRORED):
        return "errored"
    if tune == "TERMINATED" or check.state == DAMAGED or check.claimed:
        return "incomplete"
    return "pending"


def _unsampled(location: Location, sampled: int) -> int:
    """For a hyperparameter search (``search/spec.json``): cells × budget minus the points in the grid."""
    import yaml

    spec_file = (SEARCH_DIR, SPEC_FILE)
    if not location.exists(*spec_file) or not location.exists(SUITE_FILE):
        return 0
    cells = len(json.loads(location.read_text(*spec_file))["cells"])
    budget = int((yaml.safe_load(location.read_text(SUITE_FILE)).get("search") or {}).get("budget", 0))
    return max(0, cells * budget - sampled)
