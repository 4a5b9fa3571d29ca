"""Timing helpers: wall clock with device synchronisation, and interleaved repeats summarised by
their median and spread (min, max), which are robust to a machine shared with other jobs."""

from __future__ import annotations

import statistics
import time
from typing import Callable

import torch


def sync(device: torch.device | str) -> None:
    """Wait for queued GPU work, so a wall-clock reading covers it (no-op on the CPU)."""
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def timed(fn: Callable[[], object], device: torch.device | str = "cpu") -> float:
    """Seconds ``fn()`` takes, device work included."""
    sync(device)
    start = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - start


def interleaved(runs: dict[str, Callable[[], float]], repeats: int) -> dict[str, list[float]]:
    """Call each of ``runs`` (returning seconds) once per round, ``repeats`` rounds, alternating
    the order every round (A B, B A, …) so drifting machine load hits all of them alike."""
    names = list(runs)
    out: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        for name in (names if r % 2 == 0 else names[::-1]):
            out[name].append(runs[name]())
    return out


def summary(values: list[float]) -> dict[str, float]:
    """Median, min and max of ``values``."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}
