"""Real-data statistics, computed once and cached on disk.

``build_reference(dataset, eval_cfg, cache_dir=...)`` returns a :class:`RealReference` whose
``key`` holds everything that changes a metric's value — dataset key, split, extractor identity
and full hash, resolution, resize mode, number of real samples, k of the k-NN metrics, and the
number of generated samples per evaluation.  All but the last form the cache key of the
``<cache>/reference/<dataset>-<hash16>.npz`` file holding the real features (float32, as the
extractors produce them), their mean and covariance (float64) and k-NN radii.

Evaluation settings read from ``eval_cfg`` (a suite's ``evaluation`` section as a dict):
``feature_extractor`` (default ``auto``), ``num_samples`` (generated samples per evaluation),
``num_real`` (real samples; default all up to the dataset default), ``inception_path``,
``resize_mode`` (Inception only), ``prdc_k`` (default 5).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import torch

from bench.metrics.cache import cache_root
from bench.metrics.context import RealReference, extract
from bench.metrics.frechet import feature_stats
from bench.metrics.prdc import DEFAULT_K, knn_radii

REAL_SUBSET_SEED = 0
SWD_IMAGES_SEED = 1


def default_num_samples(dataset_name: str) -> int:
    """Generated samples per evaluation when the suite does not say (the dataset entry's
    ``num_samples``: PacGAN's 2,500 for mixtures)."""
    from bench.data import DATASETS

    return DATASETS.get(dataset_name).num_samples


def default_num_real(dataset_name: str) -> int:
    """Real samples of the cached statistics when the suite does not say (the entry's ``num_real``)."""
    from bench.data import DATASETS

    return DATASETS.get(dataset_name).num_real


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def _subset(n: int, count: int, seed: int) -> np.ndarray:
    if count >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, count, replace=False))


def _save_npz(path: Path, **arrays) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".npz", dir=path.parent)
    os.close(fd)
    try:
        np.savez(tmp, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _points_reference(dataset, num_samples: int) -> RealReference:
    key = {"dataset": dataset.name, "dataset_key": dataset.key, "split": dataset.key.get("split", "train"),
           "feature_extractor": "none", "num_samples": num_samples, "num_modes": len(dataset.meta["centers"])}
    mixture = {"centers": np.asarray(dataset.meta["centers"], np.float64), "std": float(dataset.meta["std"])}
    return RealReference(key=key, mixture=mixture)


def build_reference(dataset, eval_cfg: dict, *, cache_dir=None, device: str = "cpu") -> RealReference:
    """The real-data reference for ``dataset`` (a :class:`bench.data.Dataset`) under the
    evaluation settings ``eval_cfg``; image statistics are loaded from the cache or computed once."""
    from bench.metrics.features import build_extractor

    cfg = dict(eval_cfg or {})
    num_samples = int(cfg.get("num_samples") or default_num_samples(dataset.name))
    if dataset.kind == "points":
        return _points_reference(dataset, num_samples)
    options = {k: cfg[k] for k in ("inception_path", "resize_mode") if cfg.get(k) is not None}
    ext = build_extractor(cfg.get("feature_extractor") or "auto", dataset, cache_dir=cache_dir, device=device,
                          options=options)
    num_real = min(int(cfg.get("num_real") or default_num_real(dataset.name)), len(dataset.x))
    k = int(cfg.get("prdc_k") or DEFAULT_K)
    cache_key = {"dataset": dataset.name, "dataset_key": dataset.key, "split": dataset.key.get("split", "train"),
                 "feature_extractor": ext.name, "extractor_sha256": ext.sha256, "resolution": dataset.shape[-1],
                 "resize_mode": ext.resize_mode, "num_real": num_real, "prdc_k": k, "subset_seed": REAL_SUBSET_SEED}
    path = cache_root(cache_dir) / "reference" / f"{dataset.name}-{_digest(cache_key)[:16]}.npz"
    real_idx = _subset(len(dataset.x), num_real, REAL_SUBSET_SEED)
    if path.exists():
        with np.load(path) as blob:
            feats, mu, sigma, radii = blob["features"], blob["mu"], blob["sigma"], blob["radii"]
    else:
        feats, _ = extract(ext.module, dataset.x[torch.as_tensor(real_idx)])
        feats = feats.astype(np.float32)
        mu, sigma = feature_stats(feats)
        radii = knn_radii(feats, k)
        _save_npz(path, features=feats, mu=mu, sigma=sigma, radii=radii,
                  key=np.array(json.dumps(cache_key, sort_keys=True, default=str)))
    swd_idx = real_idx[_subset(len(real_idx), num_samples, SWD_IMAGES_SEED)]
    key = {**cache_key, "num_samples": num_samples}
    return RealReference(key=key, extractor=ext.module, features=feats.astype(np.float64), mu=mu, sigma=sigma,
                         radii=radii, images=dataset.x[torch.as_tensor(swd_idx)])
