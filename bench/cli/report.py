"""``bench report [DIR] [--out OUT] [--metric fid] [--thresholds T ...]``: the leaderboard.

DIR is a results directory (one holding ``rows/``), local or a URI pyarrow reads (``s3://…``; then
``--out`` is required, the report is written locally).  Without DIR, ``results/`` must hold exactly
one such folder; otherwise the command lists them and fails.  OUT defaults to ``DIR/report``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.cli.common import finite
from bench.layout import ROWS_DIR

RESULTS_ROOT = Path("results")


def add_parser(subparsers) -> argparse.ArgumentParser:
    from bench.cli.common import add_plugin_option

    parser = subparsers.add_parser(
        "report",
        help="leaderboard, statistics, figures and report.html for a results directory",
        description="Leaderboard, statistics (Friedman, Nemenyi, bootstrap), figures, leaderboard.md/.csv and a "
        "self-contained report.html for a results directory.",
    )
    parser.add_argument("dir", nargs="?",
                        help="results directory, or the URI of one (s3://…, needs --out) "
                        "(default: the only one under results/)")
    parser.add_argument("--out", type=Path, help="output folder (default: DIR/report)")
    parser.add_argument("--metric", default="fid", help="registered metric to rank on (default: fid)")
    parser.add_argument("--thresholds", type=finite, nargs="+", metavar="T",
                        help="success thresholds of the metric (default: quartiles of the final values)")
    parser.add_argument("--alpha", type=probability, default=0.05, help="significance level in (0, 1) (default: 0.05)")
    parser.add_argument("--no-figures", action="store_true", help="skip the figures (faster)")
    add_plugin_option(parser)  # a plugin's metric is ranked (and its direction known) once imported
    parser.set_defaults(func=run)
    return parser


def probability(text: str) -> float:
    """A level strictly between 0 and 1 (``--alpha``)."""
    value = finite(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, exclusive (got {text})")
    return value


def find_results_dir(root: Path = RESULTS_ROOT) -> Path:
    """The single suite folder under ``root`` (a folder with a ``rows/`` subfolder, bench.layout)."""
    candidates = sorted(p for p in root.glob("*") if (p / ROWS_DIR).is_dir()) if root.is_dir() else []
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise FileNotFoundError(f"no results directory under {root}/ (a folder with {ROWS_DIR}/); pass DIR")
    listing = "\n  ".join(str(p) for p in candidates)
    raise FileNotFoundError(f"several results directories under {root}/; pass one of:\n  {listing}")


def run(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from rich.console import Console

    from bench.cli.common import plugins_or_exit
    from bench.registry import UnknownNameError
    from bench.report import build_report
    from bench.report.text import print_terminal, terminal_table

    if not plugins_or_exit(getattr(args, "plugin", [])):
        return 2

    console = Console()
    if not console.is_terminal:
        console = Console(width=140)
    try:
        results_dir = args.dir if args.dir is not None else find_results_dir()
        summary = build_report(
            results_dir, args.out, metric=args.metric, thresholds=args.thresholds, alpha=args.alpha,
            figures=not args.no_figures,
        )
    except (FileNotFoundError, ValueError, UnknownNameError) as exc:
        print(f"bench report: error: {exc}", file=sys.stderr)
        return 2
    table = terminal_table(summary.leaderboard, summary.metric, summary.n_architectures)
    print_terminal(table, f"{summary.results_dir} — ranked on {summary.metric}", summary.notes, console)
    out = summary.out_dir
    console.print(f"Wrote {out / 'leaderboard.md'}, {out / 'leaderboard.csv'} and {out / 'report.html'} "
                  f"({len(summary.files)} files in {out}).", markup=False, highlight=False)
    return 0
