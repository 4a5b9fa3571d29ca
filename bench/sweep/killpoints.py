"""Named kill points: a test hook that freezes a trial at an exact point so a test can SIGKILL the
sweep there, without depending on the clock.  Off unless ``BENCH_KILL_AT`` is set.

``BENCH_KILL_AT=<point>[@<step>]`` and ``BENCH_KILL_MARK=<file>``: the first trial of the sweep
that reaches ``point`` (at ``step``, when given) creates ``<file>`` (atomically, ``O_EXCL``: one
trial only), writes its trial id and the point into it, and then sleeps — frozen mid-way — until the
test, which waits for the file, kills the driver's process group and its Ray processes.  Other trials
run on meanwhile, as they would around a real crash.  Points (bench.sweep.trainable):

* ``checkpoint`` — the checkpoint's ``trainer.pt`` is written, its manifest not yet;
* ``rows`` — the row file's temporary is written and synced, not yet renamed into place;
* ``summary`` — the last evaluation's rows and checkpoint are written, the summary not yet;
* ``restored`` — a resumed trial has loaded its checkpoint and rewritten its rows.
"""

from __future__ import annotations

import os
import time

POINTS = ("checkpoint", "rows", "summary", "restored")
ENV_POINT, ENV_MARK = "BENCH_KILL_AT", "BENCH_KILL_MARK"
FROZEN_S = 3600.0  # long enough for any test to kill the sweep; then the trial simply continues


def reached(point: str, step: int, trial_id: str) -> None:
    """Freeze here if ``BENCH_KILL_AT`` names this point (and step) and no trial froze before."""
    spec = os.environ.get(ENV_POINT)
    if not spec:
        return
    name, _, at = spec.partition("@")
    if name not in POINTS:
        raise ValueError(f"{ENV_POINT}={spec!r}: unknown kill point {name!r}; valid: {', '.join(POINTS)}")
    if name != point or (at and int(at) != step):
        return
    mark = os.environ[ENV_MARK]
    try:
        fd = os.open(mark, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return  # another trial froze at this point already
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{trial_id} {point} {step}\n")
    time.sleep(FROZEN_S)


def hook(point: str, step: int, trial_id: str):
    """A zero-argument callable for ``before_replace``-style hooks, or None when the hook is off."""
    if not os.environ.get(ENV_POINT):
        return None
    return lambda: reached(point, step, trial_id)
