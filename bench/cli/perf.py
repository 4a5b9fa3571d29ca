"""``bench perf``: benchmark figures of the harness on this machine (see :mod:`bench.perf`)."""

from __future__ import annotations


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("perf", help="benchmark: trainer overhead, evaluation cost, Ray per-trial cost", description=(
        "Measure the harness on this machine and print one `name: value` line per figure: trainer "
        "overhead against a bare PyTorch loop, evaluation cost (generation / features / distance, "
        "cold and warm real statistics), Ray Tune's per-trial cost, the quickstart sweep's estimated "
        "throughput, GPU packing and precision options (with --device cuda), and the cost of a "
        "150-architecture x 5-method x 3-seed study. Takes 2-4 minutes on a 2-core CPU (--quick: under a minute)."))
    parser.add_argument("--quick", action="store_true", help="fewer steps, repeats and trials (noisier figures)")
    parser.add_argument("--out", metavar="FILE.json", help="also write the figures as JSON to FILE.json")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where to train and evaluate (default: cpu)")
    parser.add_argument("--suite", metavar="SUITE", help="suite to measure (default: suites/quickstart.yaml)")
    parser.add_argument("--threads", type=int, metavar="N", help="torch CPU threads (default: the suite's resources.cpu)")
    parser.add_argument("--compile", action="store_true",
                        help="also time torch.compile of G and D against eager mode (compile time, speedup, break-even; "
                             "minutes of compilation on a CPU)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from bench.perf.figures import print_figures, run_figures, write_json

    fig = run_figures(quick=args.quick, device=args.device, suite=args.suite, threads=args.threads,
                      compile=args.compile)
    print_figures(fig)
    if args.out:
        write_json(fig, args.out)
        print(f"bench: figures written to {args.out}")
    return 0
