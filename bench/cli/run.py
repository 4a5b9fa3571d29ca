"""``bench run SUITE``: run (or resume) a sweep with Ray Tune."""

from __future__ import annotations

import sys


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("run", help="run or resume a sweep", description=(
        "Validate SUITE, expand it into trials and run them with Ray Tune. Running the same suite "
        "again on the same results folder resumes it: finished trials are kept, others continue."))
    parser.add_argument("suite", help="suite YAML file")
    parser.add_argument("--results", metavar="DIR", help="results folder (default: the suite's `results`, else results/<name>)")
    parser.add_argument("--address", metavar="ADDR", help="join an existing Ray cluster ('auto' or host:port); default: start a local Ray")
    parser.add_argument("--restart", action="store_true", help="discard this suite's previous results in the folder and start over")
    parser.add_argument("--max-concurrent", type=int, metavar="N", help="at most N trials at once (default: as resources allow)")
    parser.add_argument("--num-cpus", type=int, metavar="N", help="CPUs of the local Ray instance (default: all)")
    parser.add_argument("--cache", metavar="DIR", help="cache of feature extractors and real statistics (default: $BENCH_CACHE or ~/.cache/bench)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from bench.cli.common import EXIT_INVALID, load_or_exit

    loaded = load_or_exit(args.suite, args.results)
    if loaded is None:
        return EXIT_INVALID
    from bench.sweep.runner import SweepConflict, run_sweep

    try:
        outcome = run_sweep(loaded, address=args.address, restart=args.restart,
                            max_concurrent=args.max_concurrent, num_cpus=args.num_cpus, cache_dir=args.cache)
    except SweepConflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    counts = ", ".join(f"{n} {status}" for status, n in sorted(outcome.counts.items())) or "no rows"
    print(f"bench: {outcome.total} trials: {counts}")
    print(f"bench: results in {outcome.results_dir}; leaderboard: bench report {outcome.results_dir}")
    return 0
