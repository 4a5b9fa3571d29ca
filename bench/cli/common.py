"""Helpers shared by subcommands: loading a suite with the house error handling."""

from __future__ import annotations

import argparse
import math
import sys

EXIT_INVALID = 2


def load_or_exit(path: str, results: str | None = None):
    """The loaded suite, or ``None`` after printing the problems (caller exits 2)."""
    from bench.suite import SuiteError, load_suite

    try:
        return load_suite(path, results=results)
    except SuiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def finite(text: str) -> float:
    """A finite float (``inf`` and ``nan`` are refused, as in a suite)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number (got {text})")
    return value


def positive_int(text: str) -> int:
    """An integer of at least 1 (as the suite's ``max_concurrent``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more (got {text})")
    return value
