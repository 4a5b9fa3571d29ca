"""What a sweep reads before it writes anything: the dataset and the real-data reference.

Both can fail on bad input (a missing or empty data folder, a download without network, missing
or wrong feature-extractor weights).  :func:`load_inputs` turns such failures into a
:class:`~bench.suite.SuiteError` naming the suite file and the field, so ``bench run`` exits 2
and leaves the results folder untouched.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.suite import LoadedSuite, SuiteError

# What loaders raise on bad input: missing or unreadable files (OSError), unsuitable data
# (ValueError); extractors: missing weights, wrong files, an unknown name (UnknownNameError).
DATA_ERRORS = (OSError, ValueError)
EXTRACTOR_ERRORS = (FileNotFoundError, ValueError, KeyError)


@dataclass
class SweepInputs:
    dataset_args: dict  # the suite's dataset section with absolute paths (sent to every trial)
    eval_cfg: dict  # the evaluation section as trials see it
    reference: object  # bench.metrics.context.RealReference


def load_inputs(loaded: LoadedSuite, cache_dir: str | None = None) -> SweepInputs:
    """Load the dataset and build (or read from the cache) its real-data reference."""
    from bench.data import load_dataset
    from bench.metrics.reference import build_reference

    suite = loaded.suite
    dataset_args = suite.dataset.loader_args()
    if "path" in dataset_args:
        dataset_args["path"] = str(loaded.origins.input_path("dataset.path", dataset_args["path"]).resolve())
    try:
        dataset = load_dataset(dataset_args)
    except DATA_ERRORS as exc:
        raise SuiteError.from_origins(loaded.origins, [("dataset.path" if suite.dataset.path else "dataset", str(exc))]) from None
    eval_cfg = loaded.evaluation.to_dict()
    if eval_cfg.get("inception_path"):
        eval_cfg["inception_path"] = str(loaded.origins.input_path("evaluation.inception_path", eval_cfg["inception_path"]).resolve())
    print(f"bench: real-data reference for {suite.dataset.name} (cached after the first run)", flush=True)
    try:
        reference = build_reference(dataset, eval_cfg, cache_dir=cache_dir, device="cpu")
    except EXTRACTOR_ERRORS as exc:
        field = "evaluation.inception_path" if suite.evaluation.inception_path else "evaluation.feature_extractor"
        raise SuiteError.from_origins(loaded.origins, [(field, str(exc))]) from None
    return SweepInputs(dataset_args, eval_cfg, reference)
