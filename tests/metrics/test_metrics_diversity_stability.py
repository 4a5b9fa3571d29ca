"""MS-SSIM and SWD (mmgeneration recipe) and the per-trial stability summary."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from bench.metrics.diversity import (laplacian_pyramid, ms_ssim_diversity, ms_ssim_pairs, patch_descriptors, swd,
                                     swd_levels)
from bench.metrics.stability import stability_summary


def _blobs(n, size=16, seed=0):
    """Smooth random images in [−1, 1]: a few Gaussian blobs each."""
    g = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.arange(size).float(), torch.arange(size).float(), indexing="ij")
    centres = torch.rand(n, 3, 2, generator=g) * size
    img = torch.exp(-((yy - centres[..., 0, None, None]) ** 2 + (xx - centres[..., 1, None, None]) ** 2) / 8).sum(1)
    return (img.clamp(0, 1) * 2 - 1).unsqueeze(1)


def test_ms_ssim_identical_pairs_is_one_and_unrelated_pairs_lower():
    x = _blobs(20)
    same = torch.stack([x[:10], x[:10]], 1).reshape(20, 1, 16, 16)  # pairs (x_i, x_i)
    assert ms_ssim_diversity(same) == pytest.approx(1.0, abs=1e-6)
    assert ms_ssim_diversity(x) < 0.9
    noise = torch.rand(20, 1, 16, 16, generator=torch.Generator().manual_seed(1)) * 2 - 1
    assert ms_ssim_diversity(noise) < ms_ssim_diversity(x)


def test_ms_ssim_handles_odd_sizes_and_rgb():
    x = torch.rand(6, 3, 28, 28, generator=torch.Generator().manual_seed(2)) * 2 - 1
    v = ms_ssim_diversity(x)
    assert 0 <= v < 0.5
    arr = ((x[:2].permute(0, 2, 3, 1).numpy() + 1) * 127.5).astype(np.uint8)
    assert ms_ssim_pairs(arr, arr) == pytest.approx([1.0, 1.0], abs=1e-6)


def test_pixel_metrics_refuse_images_below_their_minimum_size():
    """5 MS-SSIM scales need 16 pixels (16 → 1 after four halvings; 8 reached 0×0 and raised
    numpy's AxisError), SWD's 7×7 patches need 7; both now fail with a message that says so."""
    ms_ssim_diversity(_blobs(4, size=16))
    for size in (8, 15):
        with pytest.raises(ValueError, match="MS-SSIM .* at least 16×16 pixels, got " + str(size)):
            ms_ssim_diversity(_blobs(4, size=size))
    swd(_blobs(4, size=7), _blobs(4, size=7, seed=1), seed=0)
    with pytest.raises(ValueError, match=r"SWD .* at least 7×7 pixels, got 6"):
        swd(_blobs(4, size=6), _blobs(4, size=6, seed=1), seed=0)


def test_laplacian_pyramid_reconstructs_the_image():
    x = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(3))
    bands = laplacian_pyramid(x, 3)
    assert [b.shape[-1] for b in bands] == [64, 32, 16]
    from bench.metrics.diversity import _blur

    rec = bands[-1]
    for band in reversed(bands[:-1]):
        rec = band + _blur(torch.nn.functional.interpolate(rec, scale_factor=2), 1)
    assert torch.allclose(rec, x, atol=1e-5)
    assert [swd_levels(r) for r in (8, 16, 28, 32, 64, 256)] == [1, 1, 1, 2, 3, 4]


def test_patch_descriptors_pick_the_right_pixels():
    level = torch.arange(2 * 1 * 10 * 10, dtype=torch.float32).reshape(2, 1, 10, 10)
    rng = np.random.default_rng(0)
    desc = patch_descriptors(level, rng, patches_per_image=3, size=7)
    assert desc.shape == (6, 1, 7, 7)
    for i, patch in enumerate(desc):
        img = level[i // 3, 0]
        y, x = divmod(int(patch[0, 3, 3].item()) - (i // 3) * 100, 10)
        assert 3 <= y <= 6 and 3 <= x <= 6
        assert torch.equal(patch[0], img[y - 3 : y + 4, x - 3 : x + 4])


def test_swd_small_for_same_distribution_large_for_noise():
    from bench.data import load_dataset

    x = load_dataset({"name": "digits", "resolution": 16}).x
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    real, other = x[perm[:300]], x[perm[300:600]]
    noise = torch.rand(300, 1, 16, 16, generator=torch.Generator().manual_seed(6)) * 2 - 1
    same = swd(real, other, seed=0)
    far = swd(real, noise, seed=0)
    assert 0 < same < 0.15 * far  # sampling noise of 300 vs 300 images: ≈ 0.09 · far
    assert swd(real, other, seed=0) == same  # seeded


def _history(fids, losses=None, **extra):
    rows = []
    for i, f in enumerate(fids):
        row = {"step": 100 * (i + 1), "fid": f, "d_loss": 0.5, "g_loss": 1.0, "d_grad_norm": 1.0 + i, "g_grad_norm": 2.0}
        if losses and i in losses:
            row.update(losses[i])
        for k, v in extra.items():
            row[k] = v[i]
        rows.append(row)
    return rows


def test_stability_summary_statistics():
    s = stability_summary(_history([80.0, 40.0, 20.0, 30.0, 25.0]), last_k=3)
    assert (s["best"], s["best_step"], s["final"], s["final_step"]) == (20.0, 300, 25.0, 500)
    assert s["gap"] == 5.0 and s["num_evals"] == 5
    assert s["last_k_std"] == pytest.approx(np.std([20.0, 30.0, 25.0]))
    assert s["last_k_iqr"] == pytest.approx(5.0)  # percentiles 27.5 − 22.5
    assert s["auc"] == pytest.approx(((80 + 40) / 2 + (40 + 20) / 2 + (20 + 30) / 2 + (30 + 25) / 2) * 100 / 400)
    assert not s["diverged"] and s["divergence_step"] is None
    assert s["d_grad_norm_max"] == 5.0 and s["d_grad_norm_mean"] == 3.0 and s["g_loss_final"] == 1.0
    assert s["mode_collapse"] is None


def test_stability_summary_higher_is_better_metric():
    s = stability_summary([{"step": 1, "is": 2.0}, {"step": 2, "is": 5.0}, {"step": 3, "is": 4.0}], metric="is")
    assert (s["best"], s["best_step"], s["gap"]) == (5.0, 2, 1.0)


def test_stability_summary_divergence():
    nan_loss = stability_summary(_history([50.0, 40.0, math.nan], losses={2: {"d_loss": math.nan}}))
    assert nan_loss["diverged"] and nan_loss["divergence_step"] == 300
    assert nan_loss["divergence_reason"] == "nonfinite_loss" and math.isnan(nan_loss["final"])
    assert nan_loss["best"] == 40.0
    blowup = stability_summary(_history([50.0, 20.0, 90.0, 150.0]), blowup_factor=5.0)
    assert blowup["diverged"] and blowup["divergence_step"] == 400 and blowup["divergence_reason"] == "metric_blowup"
    assert not stability_summary(_history([50.0, 20.0, 90.0]), blowup_factor=5.0)["diverged"]
    exploding = stability_summary(_history([50.0, 40.0], losses={1: {"g_loss": 1e9}}))
    assert exploding["divergence_reason"] == "loss_blowup" and exploding["divergence_step"] == 200


def test_stability_summary_mode_collapse():
    images = stability_summary(_history([30.0, 60.0], top_class_fraction=[0.11, 0.7]))
    assert images["mode_collapse"] is True and images["collapse_indicator"] == "top_class_fraction"
    fine = stability_summary(_history([30.0, 20.0], variance_ratio=[0.9, 0.8]))
    assert fine["mode_collapse"] is False and fine["collapse_indicator"] == "variance_ratio"
    points = [{"step": 1, "modes": 8.0}, {"step": 2, "modes": 3.0}]
    s = stability_summary(points, metric="modes", num_modes=8)
    assert s["mode_collapse"] is True and s["collapse_value"] == 3.0 and s["best"] == 8.0 and s["gap"] == 5.0
    assert stability_summary(points[:1], metric="modes", num_modes=8)["mode_collapse"] is False
