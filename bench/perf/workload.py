"""The workload the figures are measured on: the quickstart suite's trials and data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

DEFAULT_SUITE = Path(__file__).resolve().parents[2] / "suites" / "quickstart.yaml"


@dataclass
class Workload:
    suite_path: Path
    suite: object  # bench.suite.schema.Suite
    trials: list  # [bench.suite.Trial]
    dataset: object  # bench.data.Dataset
    eval_cfg: dict  # the suite's evaluation section with defaults filled in

    def config(self, index: int = 0) -> dict:
        return self.trials[index].config


def load_workload(suite_path: str | Path | None = None) -> Workload:
    """The suite (default: the quickstart), its trial grid, its dataset and evaluation settings."""
    from bench.data import load_dataset
    from bench.suite import load_suite

    path = Path(suite_path) if suite_path else DEFAULT_SUITE
    if not path.exists():
        raise FileNotFoundError(f"{path}: suite file not found (bench perf --suite FILE)")
    loaded = load_suite(str(path))
    args = loaded.suite.dataset.loader_args()
    if "path" in args:
        args["path"] = str(loaded.origins.input_path("dataset.path", args["path"]))
    dataset = load_dataset(args)
    return Workload(path, loaded.suite, list(loaded.trials), dataset, loaded.evaluation.to_dict())


def with_steps(config: dict, steps: int) -> dict:
    """A copy of a trial config with ``steps`` G updates, keeping every other setting."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in config.items()}
    out["training"] = {**config["training"], "steps": int(steps)}
    return out


def cpu_threads(num: int | None) -> int:
    """Set torch's intra-op threads (``None``: leave as is); returns the number in use."""
    if num:
        torch.set_num_threads(int(num))
    return torch.get_num_threads()
