"""``bench list [AXIS] [--plugin X] [--json]``: the registries with their metadata.

AXIS is one of :data:`bench.axes.AXES` (losses, regularizers, metrics, datasets, spaces,
families, extractors, optimizers); without it every axis is listed.  ``--plugin`` imports plugins
first, so their entries appear (with the plugin's name in the ``plugin`` column).
"""

from __future__ import annotations

import json
import sys


def add_parser(subparsers) -> None:
    from bench.axes import AXES
    from bench.cli.common import add_plugin_option

    parser = subparsers.add_parser("list", help="list the registered losses, metrics, datasets… with their metadata")
    parser.add_argument("axis", nargs="?", choices=list(AXES), help="one axis (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    add_plugin_option(parser)
    parser.set_defaults(func=run)


def cell(value) -> str:
    """One table cell: parameters as ``k=v``, lists joined, None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "—"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "—"
    return str(value)


def table(axis: str, entries: list[dict]):
    from rich.table import Table

    from bench.axes import AXES

    columns = ["name", *AXES[axis][2]]
    if any(e.get("plugin") for e in entries):
        columns.insert(1, "plugin")
    out = Table(title=axis, title_justify="left", show_lines=False)
    for column in columns:
        out.add_column(column, overflow="fold")
    for entry in entries:
        name = entry["name"] + (f" ({', '.join(entry['aliases'])})" if entry.get("aliases") else "")
        out.add_row(name, *[cell(entry.get(c)) for c in columns[1:]])
    return out


def run(args) -> int:
    from bench.axes import AXES, describe
    from bench.cli.common import plugins_or_exit

    if not plugins_or_exit(args.plugin):
        return 2
    axes = [args.axis] if args.axis else list(AXES)
    listing = {axis: describe(axis) for axis in axes}
    if args.json:
        json.dump(listing[args.axis] if args.axis else listing, sys.stdout, indent=1, ensure_ascii=False, default=str)
        print()
        return 0
    from rich.console import Console

    console = Console() if sys.stdout.isatty() else Console(width=200, no_color=True)
    for axis in axes:
        console.print(table(axis, listing[axis]))
    return 0
