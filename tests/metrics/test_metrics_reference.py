"""The cached digits classifier, the cached real reference, and evaluate()/check_metrics()."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from bench.metrics.evaluate import DEFAULT_METRICS, check_metrics, evaluate
from bench.metrics.reference import build_reference


def test_digits_classifier_accuracy_and_feature_separation(digits, metrics_cache):
    from bench.metrics.classifier import RECIPE, load_or_train, split_indices

    model, info = load_or_train(digits, metrics_cache)
    print(f"digits classifier test accuracy: {info['test_accuracy']:.4f} ({info['path']})")
    assert info["test_accuracy"] >= 0.95
    _, test_idx = split_indices(len(digits.x), RECIPE["test_fraction"], RECIPE["seed"])
    with torch.no_grad():
        feats, probs = model(digits.x[test_idx])
    labels = digits.labels[test_idx].numpy()
    feats = feats.double().numpy()
    assert probs.shape == (len(test_idx), 10) and torch.allclose(probs.sum(1), torch.ones(len(test_idx)).double().float())
    # classes separate in feature space: nearest class centroid (centroids from the train split)
    train_idx, _ = split_indices(len(digits.x), RECIPE["test_fraction"], RECIPE["seed"])
    with torch.no_grad():
        train_feats = model(digits.x[train_idx])[0].double().numpy()
    centroids = np.stack([train_feats[digits.labels[train_idx].numpy() == c].mean(0) for c in range(10)])
    nearest = np.linalg.norm(feats[:, None] - centroids[None], axis=2).argmin(1)
    centroid_acc = (nearest == labels).mean()
    print(f"nearest-centroid accuracy on classifier features: {centroid_acc:.4f}")
    assert centroid_acc >= 0.9
    # cached: a second call loads the same file
    _, again = load_or_train(digits, metrics_cache)
    assert again["sha256"] == info["sha256"]


def test_reference_key_and_cache(digits, digits_reference, metrics_cache):
    key = digits_reference.key
    assert key["feature_extractor"].startswith("classifier:digits@") and len(key["feature_extractor"]) == 26
    assert key["feature_extractor"].endswith(key["extractor_sha256"][:8])
    assert (key["resolution"], key["num_real"], key["num_samples"], key["resize_mode"]) == (16, 1797, 500, "none")
    # every resolved setting of the statistics' cache key that changes a metric is a row column
    assert digits_reference.row_fields() == {"feature_extractor": key["feature_extractor"], "num_samples": 500,
                                             "resize_mode": "none", "num_real": 1797, "prdc_k": 5}
    assert digits_reference.features.shape == (1797, 128) and digits_reference.sigma.shape == (128, 128)
    files = list((metrics_cache / "reference").glob("digits-*.npz"))
    assert len(files) == 1
    again = build_reference(digits, {"num_samples": 500}, cache_dir=metrics_cache)
    np.testing.assert_array_equal(again.mu, digits_reference.mu)
    smaller = build_reference(digits, {"num_samples": 500, "num_real": 1000}, cache_dir=metrics_cache)
    assert smaller.key["num_real"] == 1000 and len(list((metrics_cache / "reference").glob("digits-*.npz"))) == 2
    assert smaller.row_fields()["num_real"] == 1000
    k3 = build_reference(digits, {"num_samples": 500, "prdc_k": 3}, cache_dir=metrics_cache)
    assert k3.row_fields()["prdc_k"] == 3 and len(list((metrics_cache / "reference").glob("digits-*.npz"))) == 3


def test_evaluate_real_vs_noise(digits, digits_reference):
    g = torch.Generator().manual_seed(0)
    real = digits.x[torch.randperm(len(digits.x), generator=g)[:500]]
    noise = torch.rand(500, 1, 16, 16, generator=g) * 2 - 1
    names = DEFAULT_METRICS["image"] + ["ms_ssim"]
    good = evaluate(real, digits_reference, names, seed=0)
    bad = evaluate(noise, digits_reference, names, seed=0)
    assert set(good) == set(names)
    assert good["fid"] < 0.05 * bad["fid"] and good["kid"] < 0.05 * bad["kid"]
    assert good["is"] > 8 > 3 > bad["is"]
    assert good["precision"] > 0.9 > 0.2 > bad["precision"]
    assert good["recall"] > 0.8 > 0.2 > bad["recall"]
    assert good["coverage"] > 0.6 > 0.2 > bad["coverage"]  # 500 fakes cannot cover all 1,797 balls
    assert 0.7 < good["density"] < 1.3 and bad["density"] < 0.2
    assert 0.8 < good["variance_ratio"] < 1.25
    assert good["top_class_fraction"] < 0.2
    assert 0 < good["ms_ssim"] < 1
    assert evaluate(real, digits_reference, ["kid"], seed=3) == evaluate(real, digits_reference, ["kid"], seed=3)


def test_evaluate_collapse_and_divergence(digits, digits_reference):
    one = digits.x[:1].expand(500, -1, -1, -1)
    r = evaluate(one, digits_reference, ["top_class_fraction", "variance_ratio", "ms_ssim"], seed=0)
    assert r["top_class_fraction"] == 1.0 and r["variance_ratio"] < 1e-6 and r["ms_ssim"] == pytest.approx(1.0)
    nan = torch.full((500, 1, 16, 16), float("nan"))
    assert all(math.isnan(v) for v in evaluate(nan, digits_reference, ["fid", "kid"], seed=0).values())
    with pytest.raises(ValueError, match="num_samples=500"):
        evaluate(digits.x[:10], digits_reference, ["fid"], seed=0)


def test_check_metrics_lists_valid_names():
    check_metrics(DEFAULT_METRICS["image"] + ["ms_ssim", "swd"], "image")
    check_metrics(["modes", "hq_fraction", "mode_kl"], "points")
    with pytest.raises(ValueError, match="valid: modes, hq_fraction, mode_kl"):
        check_metrics(["fid"], "points")
    with pytest.raises(ValueError, match="'fdi'.*valid: fid, kid, is"):
        check_metrics(["fdi"], "image")


def test_points_reference_and_mixture_metrics(metrics_cache):
    from bench.data import load_dataset

    ring = load_dataset({"name": "ring8"})
    ref = build_reference(ring, {}, cache_dir=metrics_cache)
    assert ref.row_fields() == {"feature_extractor": "none", "num_samples": 2500, "resize_mode": None,
                                "num_real": None, "prdc_k": None}
    good = evaluate(ring.x[:2500], ref, ["modes", "hq_fraction", "mode_kl"], seed=0)
    assert good["modes"] == 8 and good["hq_fraction"] > 0.98 and 0 <= good["mode_kl"] < 0.01
    one_mode = torch.tensor([[1.0, 0.0]]).expand(2500, 2) + 0.001
    collapsed = evaluate(one_mode, ref, ["modes", "mode_kl"], seed=0)
    assert collapsed == {"modes": 1.0, "mode_kl": pytest.approx(math.log(8))}
    half = torch.cat([ring.x[ring.labels < 4][:1250], torch.tensor([[1.0, 0.0]]).expand(1250, 2)])
    p = np.array([0.5 + 0.125, 0.125, 0.125, 0.125])
    expected = float((p * np.log(8 * p)).sum())
    assert evaluate(half, ref, ["mode_kl"], seed=0)["mode_kl"] == pytest.approx(expected, abs=0.02)
    far = torch.full((2500, 2), 10.0)
    assert math.isnan(evaluate(far, ref, ["mode_kl"], seed=0)["mode_kl"])
