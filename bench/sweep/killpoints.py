"""Named kill points: a test hook that freezes a trial at an exact point so a test can SIGKILL the
sweep there, without depending on the clock.  Off unless ``BENCH_KILL_AT`` is set.

``BENCH_KILL_AT=<point>[@<step>][#<k>]`` and ``BENCH_KILL_MARK=<file>``: the ``k``-th arrival (default
the first) of any trial of the sweep at ``point`` (at ``step``, when given) writes its trial id, the
point and the step into ``<file>`` and then sleeps — frozen mid-way — until the test, which waits
for the file, kills the driver's process group and its Ray processes.  Arrivals are counted across
the sweep's processes with files ``<file>.<i>`` created with ``O_EXCL``, so exactly one arrival
freezes.  Other trials run on meanwhile, as they would around a real crash.  Points
(bench.sweep.trainable):

* ``checkpoint`` — the checkpoint's ``trainer.pt`` is written, its manifest not yet;
* ``rows`` — the row file's temporary is written and synced, not yet renamed into place;
* ``summary`` — the last evaluation's rows and checkpoint are written, the summary not yet;
* ``restored`` — a resumed trial has loaded its checkpoint and rewritten its rows.
"""

from __future__ import annotations

import os
import re
import time

POINTS = ("checkpoint", "rows", "summary", "restored")
ENV_POINT, ENV_MARK = "BENCH_KILL_AT", "BENCH_KILL_MARK"
FROZEN_S = 3600.0  # long enough for any test to kill the sweep; then the trial simply continues
_SPEC = re.compile(r"(?P<point>[a-z]+)(?:@(?P<step>\d+))?(?:#(?P<k>[1-9]\d*))?$")


def parse(spec: str) -> tuple[str, int | None, int]:
    """``"rows@100#2"`` → ``("rows", 100, 2)``; raises ValueError naming the variable."""
    match = _SPEC.match(spec)
    if match is None or match["point"] not in POINTS:
        raise ValueError(f"{ENV_POINT}={spec!r}: expected <point>[@<step>][#<k>] with a point among "
                         f"{', '.join(POINTS)}")
    return match["point"], int(match["step"]) if match["step"] else None, int(match["k"] or 1)


def reached(point: str, step: int, trial_id: str) -> None:
    """Freeze here if ``BENCH_KILL_AT`` names this point (and step) and this is its k-th arrival."""
    spec = os.environ.get(ENV_POINT)
    if not spec:
        return
    name, at, k = parse(spec)
    if name != point or (at is not None and at != step):
        return
    mark = os.environ[ENV_MARK]
    if _arrival(mark) != k:
        return
    with open(mark + ".tmp", "w") as handle:
        handle.write(f"{trial_id} {point} {step}\n")
    os.replace(mark + ".tmp", mark)  # the test sees the whole line or nothing
    time.sleep(FROZEN_S)


def _arrival(mark: str) -> int:
    """The number of this arrival at the point: the first free ``<mark>.<i>``, taken atomically."""
    i = 1
    while True:
        try:
            os.close(os.open(f"{mark}.{i}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return i
        except FileExistsError:
            i += 1


def hook(point: str, step: int, trial_id: str):
    """A zero-argument callable for ``before_replace``-style hooks, or None when the hook is off."""
    if not os.environ.get(ENV_POINT):
        return None
    return lambda: reached(point, step, trial_id)
