"""``bench``: the command line.  Each subcommand is its own module with ``add_parser`` and ``run``."""

from __future__ import annotations

import argparse
import importlib
import sys

SUBCOMMANDS = ("run", "status", "validate", "report", "samples", "archs", "perf", "weights", "list")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench", description="Large-scale, statistically honest GAN comparisons.")
    parser.add_argument("--version", action="version", version=f"bench {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(f"bench.cli.{name}").add_parser(subparsers)
    return parser


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("bench")
    except metadata.PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `bench archs show … | head`: the reader left; not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
