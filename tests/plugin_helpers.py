"""Plugin files and suites the plugin tests share (the example plugin copied out of the repository)."""

from __future__ import annotations

import shutil
from pathlib import Path


from tests.tiny import write_mlp_catalogue

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "plugins" / "fgan_energy.py"

# A second plugin: a dataset (four Gaussians on the unit circle) and an optimizer (SGD with momentum).
RING4_SGD = '''
import numpy as np
import torch

from bench.data import DATASETS, Dataset, DatasetEntry
from bench.train.optim import OPTIMIZERS, OptimizerEntry


def load_ring4(size: int = 2000, seed: int = 0) -> Dataset:
    centers = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, size)
    points = centers[labels] + 0.02 * rng.standard_normal((size, 2))
    return Dataset("ring4", "points", torch.as_tensor(points, dtype=torch.float32), torch.as_tensor(labels), 4,
                   meta={"centers": centers, "std": 0.02}, key={"name": "ring4", "size": size, "seed": seed})


def sgd(parameters, *, lr: float, momentum: float = 0.9):
    return torch.optim.SGD(parameters, lr=lr, momentum=momentum)


DATASETS.add("ring4", DatasetEntry(load_ring4, "points", "4 Gaussians on the unit circle, std 0.02", num_samples=400))
OPTIMIZERS.add("sgd_momentum", OptimizerEntry(sgd, "SGD with momentum", "Sutskever et al. 2013"))
'''


def mlp_catalogue(folder: Path) -> Path:
    return write_mlp_catalogue(folder)


def copy_example(folder: Path) -> Path:
    """The example plugin copied to ``folder`` (outside the repository, not on sys.path)."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(EXAMPLE, folder / EXAMPLE.name))


def ring8_suite(folder: Path, plugin: str, *, losses=("ns", "pearson_chi2"), metrics=("modes",), steps=20,
                results: str = "out", seeds=(0,)) -> Path:
    mlp_catalogue(folder)
    path = folder / "suite.yaml"
    path.write_text(f"""
name: plug
version: "1"
plugins: [{plugin}]
dataset: {{name: ring8}}
architectures: {{catalogue: mlp.jsonl}}
losses: [{', '.join(losses)}]
training: {{steps: {steps}, batch_size: 32, log_every: 10}}
evaluation: {{every: {steps}, num_samples: 200, metrics: [{', '.join(metrics)}]}}
seeds: [{', '.join(map(str, seeds))}]
results: {folder / results}
""")
    return path
