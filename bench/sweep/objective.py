"""A search point's score from its Parquet rows: what the driver (bench.sweep.search) tells its
study.  A diverged trial, or one whose metric is undefined, is told the worst value (±inf); one
that raised (after its retries) is told ``FAIL``; both use up budget."""

from __future__ import annotations

import math
from pathlib import Path

from bench.layout import ROWS_DIR, table_name
from bench.store.schema import STATUS_DIVERGED, STATUS_ERROR, STATUS_OK


def read_outcome(results_dir: Path, trial_id: str, metric: str, mode: str, at: str, steps: int,
                 *, final: bool) -> tuple[float | None, str] | None:
    """(objective value or None, status) of a finished trial from its rows; None while it is
    unfinished (with ``final``, an unfinished or missing trial counts as ``error``).  A diverged
    trial, or one whose metric is undefined (NaN, e.g. ``mode_kl`` with no mode covered), gets the
    worst value (±inf): a bad setting, which TPE should learn to avoid; an error gets None."""
    import pandas as pd

    path = results_dir / ROWS_DIR / table_name(trial_id)
    if not path.is_file():
        return (None, STATUS_ERROR) if final else None
    rows = pd.read_parquet(path).sort_values("step")
    last = rows.iloc[-1]
    status = str(last["status"])
    complete = status == STATUS_DIVERGED or (status == STATUS_OK and int(last["step"]) >= steps)
    if not complete:
        return (None, STATUS_ERROR if status == STATUS_OK else status) if final else None
    worst = -math.inf if mode == "max" else math.inf
    if status != STATUS_OK or metric not in rows.columns:
        return worst, status
    values = rows[metric].astype(float)
    value = float(values.iloc[-1]) if at == "final" else float(values.max() if mode == "max" else values.min())
    return (value, status) if math.isfinite(value) else (worst, status)
