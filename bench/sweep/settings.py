"""The Ray Tune settings a sweep runs under, saved next to its experiment.

A resumed sweep schedules its trials as the interrupted run did: the same concurrency limit,
retries and per-trial CPU/GPU resources (bench's policy: a resume finishes the sweep that was
started, and its repair experiments — bench.sweep.repair, bench.sweep.rounds — run under the
same settings).  So bench saves these settings when it starts an experiment; on resume it runs
with the saved ones and warns about each one the command line or the suite now sets differently.
"""

from __future__ import annotations

import json
import sys

from bench.store.location import Location

SOURCES = {"cpu": "--cpus-per-trial / resources.cpu", "gpu": "--gpus-per-trial / resources.gpu",
           "max_concurrent": "--max-concurrent / resources.max_concurrent", "retries": "retries"}


def run_settings(suite, *, cpus_per_trial=None, gpus_per_trial=None, max_concurrent=None) -> dict:
    """The settings of a new experiment: command-line overrides, else the suite's values."""
    resources = suite.resources
    return {"cpu": resources.cpu if cpus_per_trial is None else cpus_per_trial,
            "gpu": resources.gpu if gpus_per_trial is None else gpus_per_trial,
            "max_concurrent": max_concurrent or resources.max_concurrent, "retries": suite.retries}


def save_settings(location: Location, settings: dict, *parts: str) -> None:
    location.write_text(json.dumps(settings, indent=1), *parts)


def resumed_settings(location: Location, settings: dict, *parts: str, overridden: bool) -> dict:
    """The settings a restored experiment runs under: the saved ones, with a warning on stderr for
    each that differs from ``settings``.  An experiment started before bench saved them keeps
    whatever it started with; then a warning when the command line gave overrides (``overridden``)."""
    if not location.exists(*parts):
        if overridden:
            _warn("this sweep was started before bench saved its Ray Tune settings; on resume Ray Tune keeps the "
                  "concurrency limit, retries and per-trial CPUs/GPUs it started with, so the overrides given now "
                  "may be ignored. Use --restart (discards its results) or --results DIR to apply them.")
        return settings
    saved = json.loads(location.read_text(*parts))
    changed = [key for key in SOURCES if key in saved and saved[key] != settings[key]]
    for key in changed:
        _warn(f"resuming keeps {key} = {_text(saved[key])} (a resumed sweep runs with the settings it started with); "
              f"{SOURCES[key]} = {_text(settings[key])} is ignored.")
    if changed:
        _warn("to run with the new settings, start over with --restart (discards its results) or use --results DIR.")
    return {**settings, **{key: saved[key] for key in SOURCES if key in saved}}


def _text(value) -> str:
    return "unset" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _warn(message: str) -> None:
    print(f"bench: warning: {message}", file=sys.stderr, flush=True)
