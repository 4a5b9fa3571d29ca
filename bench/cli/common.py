"""Helpers shared by subcommands: loading a suite with the house error handling."""

from __future__ import annotations

import argparse
import math
import sys

EXIT_INVALID = 2


def add_plugin_option(parser) -> None:
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE|MODULE",
                        help="import a plugin (a .py file, a package folder or a module name) that registers "
                             "losses, metrics, datasets…; may be repeated (see docs/plugins.md)")


def load_or_exit(path: str, results: str | None = None, plugins: list[str] | None = None):
    """The loaded suite, or ``None`` after printing the problems (caller exits 2)."""
    from bench.suite import SuiteError, load_suite

    try:
        return load_suite(path, results=results, plugins=tuple(plugins or ()))
    except SuiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def plugins_or_exit(specs: list[str]) -> bool:
    """Import ``--plugin`` specs outside a suite; False after printing the problem (caller exits 2)."""
    from bench.plugins import PluginError, load_plugins

    try:
        load_plugins(list(specs))
    except PluginError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    return True


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
