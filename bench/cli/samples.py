"""``bench samples RESULTS TRIAL_ID``: regenerate a larger sample grid from a trial's checkpoint."""

from __future__ import annotations

import sys

from bench.layout import GRID_FILE


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("samples", help="a larger sample grid from a trial's checkpoint",
                                   description="Rebuild the trial's G (or its EMA) from its checkpoint and write a "
                                   "grid of N samples from the trial's fixed latents (the first 64 are those of the "
                                   "grids saved during training); for 2-D data a scatter of N points over the modes.")
    parser.add_argument("results", help="results folder or URI")
    parser.add_argument("trial_id", help=f"the trial id ({GRID_FILE}, bench status --json, report trials.csv)")
    parser.add_argument("--step", type=int, metavar="N", help="the checkpoint at step N (default: the last; Tune keeps two)")
    parser.add_argument("--n", type=int, default=256, metavar="N", help="samples in the grid (default: 256)")
    parser.add_argument("--ema", action="store_true", help="the EMA generator (training.ema > 0)")
    parser.add_argument("--out", metavar="FILE", help="PNG to write (default: <trial_id>_step<N>[_ema].png here)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from bench.cli.common import EXIT_INVALID

    if not 1 <= args.n <= 4096:
        print(f"error: --n must be between 1 and 4096 (got {args.n})", file=sys.stderr)
        return EXIT_INVALID
    from bench.samples.regenerate import SamplesError, regenerate_png

    try:
        png, step = regenerate_png(args.results, args.trial_id, step=args.step, n=args.n, ema=args.ema)
    except SamplesError as exc:
        print(f"error: {args.results}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.out or f"{args.trial_id}_step{step}{'_ema' if args.ema else ''}.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(png)
    print(f"bench: {args.n} samples of {args.trial_id} at step {step}{' (EMA)' if args.ema else ''} -> {out}")
    return 0
