"""``bench status [DIR]``: how many trials of a sweep are finished, running, pending, errored, diverged."""

from __future__ import annotations

import json
import sys

from bench.layout import GRID_FILE


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("status", help="progress of a sweep (finished/running/pending/errored/diverged)",
                                   description=f"Count the trials of a sweep by state, from its {GRID_FILE}, rows "
                                   "and Ray Tune's saved state. Works while `bench run` runs, and after it stopped.")
    parser.add_argument("dir", nargs="?", help="results folder or URI (default: the only one under results/)")
    parser.add_argument("--json", action="store_true", help="print the counts and per-trial states as JSON")
    parser.set_defaults(func=run)


def run(args) -> int:
    from bench.cli.common import EXIT_INVALID
    from bench.sweep.status import sweep_status

    try:
        if args.dir is None:
            from bench.cli.report import find_results_dir

            args.dir = str(find_results_dir())
        status = sweep_status(args.dir)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps({"results": status.location, "counts": status.counts, "trials": status.trials,
                          "errors": status.errors, "problems": status.problems,
                          "state_age_s": status.state_age_s}, indent=1))
    else:
        print(status.describe())
    return 0
