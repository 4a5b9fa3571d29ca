"""The ``classifier:<dataset>`` feature extractor: a small CNN that bench trains once per
(dataset, resolution) with a fixed seed on the CPU and caches on disk.

Architecture (any C×R×R input, R ≥ 8; w = 16): conv3×3(C→w)+BN+ReLU → conv3×3/2(w→2w)+BN+ReLU →
conv3×3/2(2w→4w)+BN+ReLU → adaptive average pool to 4×4 → linear(64w→128) = **features** →
ReLU → linear(128→K) → softmax = **class probabilities**.  Features are the 128-d penultimate
pre-activations.

Recipe (:data:`RECIPE`): a seeded 80/20 train/test split of the dataset, Adam (lr 1e-3, weight
decay 1e-4), 300 steps of batch 64 (reshuffled each epoch), random ±1-pixel translations of
each batch, seed 0, one CPU thread.
The cache file (``<cache>/classifiers/<dataset>-<hash12>.pt``) is keyed by the dataset key, the
recipe and :data:`CLASSIFIER_VERSION`.  The extractor's identity is :func:`weights_digest`, a
sha256 of the weights' *content* (tensor names, dtypes, shapes and bytes in sorted name order)
and of the recipe — not of the file, whose bytes differ between two saves of the same weights
(``torch.save`` records the temporary file's random name in the archive).  So the same training
gives the same ``feature_extractor`` label and cache keys on every machine and in every fresh
cache, and any retraining that changes the weights changes them.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from bench.metrics.cache import cache_root, file_sha256

CLASSIFIER_VERSION = 1
RECIPE = {"arch": "c16-c32s2-c64s2-pool4-fc128", "width": 16, "steps": 300, "batch_size": 64, "lr": 1e-3,
          "weight_decay": 1e-4, "test_fraction": 0.2, "shift": 1, "seed": 0}


class SmallCNN(nn.Module):
    """Returns ``(features (N, 128), probs (N, K))`` for images in [−1, 1]."""

    def __init__(self, channels: int, num_classes: int, width: int = 32):
        super().__init__()

        def block(cin, cout, stride):
            return [nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout), nn.ReLU()]

        self.body = nn.Sequential(*block(channels, width, 1), *block(width, 2 * width, 2), *block(2 * width, 4 * width, 2),
                                  nn.AdaptiveAvgPool2d(4), nn.Flatten(), nn.Linear(4 * width * 16, 128))
        self.head = nn.Linear(128, num_classes)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(F.relu(self.body(x)))

    def forward(self, x: torch.Tensor):
        feats = self.body(x)
        return feats, F.softmax(self.head(F.relu(feats)), dim=1)


def weights_digest(state_dict: dict, recipe: dict) -> str:
    """sha256 of ``{"recipe", "version"}`` as canonical JSON, then for each tensor in sorted name
    order a JSON header ``{name, dtype, shape, bytes}`` and its raw bytes (CPU, C order)."""
    from bench.arch.spec import canonical_json

    digest = hashlib.sha256(canonical_json({"recipe": recipe, "version": CLASSIFIER_VERSION}).encode())
    for name in sorted(state_dict):
        tensor = state_dict[name].detach().cpu().contiguous().reshape(-1)
        data = tensor.view(torch.uint8).numpy().tobytes()
        header = {"name": name, "dtype": str(tensor.dtype), "shape": list(state_dict[name].shape), "bytes": len(data)}
        digest.update(canonical_json(header).encode())
        digest.update(data)
    return digest.hexdigest()


def atomic_save(obj, path: Path) -> None:
    """torch.save to a temporary file in the same folder, then ``os.replace`` (no torn files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def split_indices(n: int, test_fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_test = int(round(n * test_fraction))
    return perm[n_test:], perm[:n_test]


def _shift(x: torch.Tensor, gen: torch.Generator, max_shift: int) -> torch.Tensor:
    """Translate the whole batch by one random (dy, dx) ∈ [−s, s]², padding with −1 (background)."""
    if max_shift == 0:
        return x
    dy, dx = (torch.randint(-max_shift, max_shift + 1, (2,), generator=gen)).tolist()
    h, w = x.shape[-2:]
    padded = F.pad(x, (max_shift,) * 4, value=-1.0)
    return padded[..., max_shift + dy : max_shift + dy + h, max_shift + dx : max_shift + dx + w]


@torch.no_grad()
def accuracy(model: SmallCNN, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    pred = torch.cat([model.logits(x[i : i + 512]).argmax(1) for i in range(0, len(x), 512)])
    return float((pred == y).float().mean())


def train_classifier(x: torch.Tensor, y: torch.Tensor, num_classes: int, recipe: dict = RECIPE):
    """Train :class:`SmallCNN` on (x, y) with ``recipe``; returns (model, test accuracy)."""
    train_idx, test_idx = split_indices(len(x), recipe["test_fraction"], recipe["seed"])
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # reproducible reductions, and polite on shared CPUs
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(recipe["seed"])
            model = SmallCNN(x.shape[1], num_classes, recipe["width"])
            opt = torch.optim.Adam(model.parameters(), lr=recipe["lr"], weight_decay=recipe["weight_decay"])
            gen = torch.Generator().manual_seed(recipe["seed"] + 1)
            xt, yt = x[train_idx], y[train_idx]
            model.train()
            order, pos, bs = torch.randperm(len(xt), generator=gen), 0, recipe["batch_size"]
            for _ in range(recipe["steps"]):
                if pos + bs > len(xt):  # new epoch: reshuffle
                    order, pos = torch.randperm(len(xt), generator=gen), 0
                idx = order[pos : pos + bs]
                pos += bs
                loss = F.cross_entropy(model.logits(_shift(xt[idx], gen, recipe["shift"])), yt[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
        model.eval()
        return model, accuracy(model, x[test_idx], y[test_idx])
    finally:
        torch.set_num_threads(threads)


def classifier_cache_path(dataset, cache_dir=None, recipe: dict = RECIPE) -> Path:
    ident = {"dataset": dataset.key, "shape": list(dataset.shape), "num_classes": dataset.num_classes,
             "recipe": recipe, "version": CLASSIFIER_VERSION}
    digest = hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return cache_root(cache_dir) / "classifiers" / f"{dataset.name}-{digest}.pt"


def load_or_train(dataset, cache_dir=None, device: str = "cpu", recipe: dict = RECIPE) -> tuple[SmallCNN, dict]:
    """The cached classifier for ``dataset`` (training and caching it first if needed).
    Returns (model in eval mode on ``device``, info with ``path``, ``sha256`` (the weights' content
    digest, :func:`weights_digest`), ``file_sha256``, ``test_accuracy``)."""
    if dataset.kind != "image" or dataset.labels is None or dataset.num_classes < 2:
        raise ValueError(f"classifier features need a labelled image dataset; {dataset.name!r} has no class labels. "
                         "Use `feature_extractor: inception` instead.")
    path = classifier_cache_path(dataset, cache_dir, recipe)
    if not path.exists():
        model, acc = train_classifier(dataset.x, dataset.labels, dataset.num_classes, recipe)
        atomic_save({"state_dict": model.state_dict(), "channels": dataset.shape[0], "num_classes": dataset.num_classes,
                     "test_accuracy": acc, "recipe": recipe, "dataset_key": dataset.key,
                     "version": CLASSIFIER_VERSION}, path)
    blob = torch.load(path, map_location="cpu", weights_only=False)
    model = SmallCNN(blob["channels"], blob["num_classes"], blob["recipe"]["width"])
    model.load_state_dict(blob["state_dict"])
    info = {"path": str(path), "sha256": weights_digest(blob["state_dict"], blob["recipe"]),
            "file_sha256": file_sha256(path), "test_accuracy": blob["test_accuracy"],
            "recipe": blob["recipe"], "version": blob["version"]}
    return model.eval().to(device), info
