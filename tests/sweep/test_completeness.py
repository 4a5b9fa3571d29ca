"""When a trial counts as done (bench.sweep.completeness), and the kill-point spec (bench.sweep.killpoints)."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.sweep.completeness import check_trial, evaluation_steps
from bench.sweep.killpoints import parse


def rows(*steps, last="ok"):
    statuses = ["ok"] * (len(steps) - 1) + [last]
    return pd.DataFrame({"step": list(steps), "status": statuses})


@pytest.mark.parametrize("frame, summary, state, reason", [
    (rows(50, 100, 150), True, "finished", "ok at step 150"),
    (rows(50, 100), True, "partial", "rows stop at step 100 of 150"),  # issue 13: "ok" without the last row
    (rows(50, 100, 150), False, "partial", "summary is missing"),
    (rows(50, 150), True, "partial", "are not the evaluation steps"),
    (rows(50, 70, last="diverged"), True, "diverged", "diverged at step 70"),
    (rows(50, 70, last="error"), False, "errored", "error at step 70"),
    (None, True, "partial", "row file is missing"),
    (None, False, "none", "no rows"),
])
def test_done_is_decided_by_the_rows_and_the_summary(frame, summary, state, reason):
    check = check_trial(frame, budget=150, every=50, has_summary=summary)
    assert check.state == state and reason in check.reason and check.claimed == summary


def test_the_budget_is_always_an_evaluation_step_and_damage_is_named():
    assert evaluation_steps(150, 50) == [50, 100, 150] and evaluation_steps(120, 50) == [50, 100, 120]
    assert check_trial(rows(50, 100, 120), budget=120, every=50, has_summary=True).state == "finished"
    damaged = check_trial(None, budget=150, every=50, has_summary=True, damaged="ArrowInvalid: bad magic")
    assert damaged.state == "damaged" and "bad magic" in damaged.reason


def test_kill_point_specs():
    assert parse("rows@100#2") == ("rows", 100, 2) and parse("summary") == ("summary", None, 1)
    with pytest.raises(ValueError, match="BENCH_KILL_AT='rowz'.*checkpoint, rows, summary, restored"):
        parse("rowz")
