"""``bench run SUITE``: run (or resume) a sweep with Ray Tune."""

from __future__ import annotations

import argparse
import sys

from bench.cli.common import finite, positive_int


def add_parser(subparsers) -> None:
    from bench.cli.common import add_plugin_option

    parser = subparsers.add_parser("run", help="run or resume a sweep", description=(
        "Validate SUITE, expand it into trials and run them with Ray Tune. Running the same suite "
        "again on the same results folder resumes it: finished trials are kept, others continue."))
    parser.add_argument("suite", help="suite YAML file")
    parser.add_argument("--results", metavar="DIR", help="results folder or URI, e.g. s3://bucket/sweeps/x "
                        "(default: the suite's `results`, else results/<name>)")
    parser.add_argument("--address", metavar="ADDR", help="join an existing Ray cluster ('auto' or host:port); default: start a local Ray")
    parser.add_argument("--restart", action="store_true", help="discard this suite's previous results in the folder and start over")
    parser.add_argument("--max-concurrent", type=positive_int, metavar="N", help="at most N trials at once (default: as resources allow)")
    parser.add_argument("--cpus-per-trial", type=positive, metavar="X", help="CPUs per trial (default: the suite's resources.cpu)")
    parser.add_argument("--gpus-per-trial", type=gpu_share, metavar="X",
                        help="GPU share per trial, e.g. 0.25 packs four trials on a GPU (default: the suite's resources.gpu)")
    parser.add_argument("--num-cpus", type=positive_int, metavar="N", help="CPUs of the local Ray instance (default: all)")
    parser.add_argument("--cache", metavar="DIR", help="cache of feature extractors and real statistics (default: $BENCH_CACHE or ~/.cache/bench)")
    add_plugin_option(parser)
    parser.add_argument("--logger", choices=("none", "mlflow", "wandb"),
                        help="also send each trial's config and metrics to MLflow (a local store under the results "
                        "folder) or W&B (offline unless logged in); default: the suite's tracking.logger. "
                        "TensorBoard files are always written under <results>/tune")
    parser.set_defaults(func=run)


def positive(text: str) -> float:
    value = finite(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0 (got {text})")
    return value


def gpu_share(text: str) -> float:
    from bench.suite.settings import gpu_share_problem

    value = finite(text)
    problem = f"must be 0 or more (got {text})" if value < 0 else gpu_share_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def run(args) -> int:
    from bench.cli.common import EXIT_INVALID, load_or_exit

    loaded = load_or_exit(args.suite, args.results, args.plugin)
    if loaded is None:
        return EXIT_INVALID
    from bench.outputs import folder_problem

    problem = folder_problem(loaded.results_dir)
    if problem:
        where = "--results" if args.results is not None else (
            f"{args.suite}: results" if loaded.suite.results else f"the default results folder results/{loaded.suite.name}")
        print(f"error: {where}: {problem}", file=sys.stderr)
        return EXIT_INVALID
    if args.logger is not None:
        loaded.suite = with_logger(loaded.suite, args.logger)
    from bench.suite import SuiteError
    from bench.sweep.launch import Infeasible
    from bench.sweep.folder import SweepConflict
    from bench.sweep.runner import run_sweep

    try:
        outcome = run_sweep(loaded, address=args.address, restart=args.restart,
                            max_concurrent=args.max_concurrent, num_cpus=args.num_cpus, cache_dir=args.cache,
                            cpus_per_trial=args.cpus_per_trial, gpus_per_trial=args.gpus_per_trial)
    except (SweepConflict, SuiteError, Infeasible) as exc:  # a suite's data or weights fail before anything is written
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    counts = ", ".join(f"{n} {status}" for status, n in sorted(outcome.counts.items())) or "no rows"
    print(f"bench: {outcome.total} trials: {counts}")
    print(f"bench: results in {outcome.results_dir}; leaderboard: bench report {outcome.results_dir}")
    return 0


def with_logger(suite, logger: str):
    """The suite with ``tracking.logger`` replaced (``--logger``); a ``tracking.uri`` stays only for MLflow."""
    from bench.suite.schema import TrackingCfg

    old = suite.tracking
    tracking = TrackingCfg(logger=logger, project=old.project, uri=old.uri if logger == "mlflow" else None)
    return suite.model_copy(update={"tracking": tracking})
