"""Helpers shared by subcommands: loading a suite with the house error handling."""

from __future__ import annotations

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
