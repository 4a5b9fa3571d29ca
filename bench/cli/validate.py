"""``bench validate SUITE``: the checks ``bench run`` does before it writes anything."""

from __future__ import annotations

from collections import Counter


def add_parser(subparsers) -> None:
    from bench.cli.common import add_plugin_option

    parser = subparsers.add_parser("validate", help="check a suite and print how many trials it expands to")
    parser.add_argument("suite", help="suite YAML file")
    add_plugin_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from bench.cli.common import EXIT_INVALID, load_or_exit

    loaded = load_or_exit(args.suite, plugins=args.plugin)
    if loaded is None:
        return EXIT_INVALID
    suite = loaded.suite
    methods = Counter(t.method for t in loaded.trials)
    if suite.search is not None:
        from bench.suite.cells import cell_method

        methods = Counter(cell_method(suite.search, t.config) for t in loaded.trials)
    print(f"{args.suite}: suite {suite.name!r} version {suite.version} is valid")
    print(f"  dataset       {suite.dataset.name} ({suite.dataset.kind})")
    if loaded.plugins:
        print(f"  plugins       {', '.join(p.identity() + ' (' + str(p.path or p.name) + ')' for p in loaded.plugins)}")
    print(f"  architectures {len(loaded.architectures)}")
    print(f"  methods       {len(methods)}: {', '.join(methods)}")
    print(f"  optimizer settings {len(suite.optimizer)}, seeds {len(suite.seeds)}")
    if suite.search is not None:
        from bench.suite.cells import objective_of

        search = suite.search
        metric, mode = objective_of(search, list(loaded.evaluation.metrics))
        print(f"  search        {search.sampler} (seed {search.seed}) over {', '.join(search.space.params())}; "
              f"objective {metric} ({mode}, {search.objective.at})")
        print(f"  grid cells    {len(loaded.trials)} × budget {search.budget}")
    print(f"  trials        {loaded.planned_trials}")
    print(f"  results       {loaded.results_dir}")
    note = _is_note(suite)
    if note:
        print(f"  note          {note}")
    return 0


def _is_note(suite) -> str | None:
    """Why ``is`` will be NaN, when a suite asks for it on Inception and only fid-helper's
    features-only weights are there (found without loading them)."""
    evaluation = suite.evaluation
    if "is" not in (evaluation.metrics or []) or not evaluation.feature_extractor.startswith("inception"):
        return None
    from bench.metrics.inception import fid_helper_weights, find_weights

    if evaluation.inception_path:  # a file the suite names (resolved beside the suite): not guessed here
        return None
    try:
        found = find_weights()
    except FileNotFoundError:
        return None
    if found != fid_helper_weights():
        return None
    return ("only fid-helper's Inception weights (no class head) are present: `is` will be NaN; "
            "`bench weights fetch` downloads clean-fid's inception-2015-12-05.pt with the head")
