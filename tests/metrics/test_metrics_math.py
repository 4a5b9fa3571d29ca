"""Metric math against the reference implementations (clean-fid, pytorch-fid, prdc) and
hand-computable cases."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from cleanfid import fid as cleanfid
from prdc import compute_prdc
from pytorch_fid.fid_score import calculate_frechet_distance

from bench.metrics.frechet import (feature_stats, frechet_distance, inception_score, kernel_distance, kid_route,
                                   pairwise_kernel_distance)
from bench.metrics.prdc import knn_radii, prdc


def _features(seed, n=600, d=32, shift=0.0, scale=1.0):
    """Correlated Gaussian features; the covariance depends on d only, the draw on seed."""
    mix = np.random.default_rng(d).normal(size=(d, d)) / np.sqrt(d)
    return (np.random.default_rng(seed).normal(size=(n, d)) @ mix) * scale + shift


SLOW = pytest.mark.slow  # 512-d references: ~9 s of CPU each (scipy's sqrtm in clean-fid and pytorch-fid)


@pytest.mark.parametrize("n,d,shift,scale", [(600, 32, 0.0, 1.0), (600, 32, 0.3, 1.5), (600, 64, 1.0, 0.5),
                                               pytest.param(200, 512, 0.0, 1.0, marks=SLOW),
                                               pytest.param(200, 512, 0.3, 1.5, marks=SLOW)])
def test_frechet_matches_cleanfid_and_pytorch_fid(n, d, shift, scale):
    """Also with fewer samples than dimensions (200 × 512: both covariances singular, rank 199)."""
    mu1, s1 = feature_stats(_features(0, n=n, d=d))
    mu2, s2 = feature_stats(_features(1, n=n, d=d, shift=shift, scale=scale))
    ours = frechet_distance(mu1, s1, mu2, s2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy 1.17: sqrtm(disp=) deprecation inside both peers
        clean = cleanfid.frechet_distance(mu1, s1, mu2, s2)
        torch_fid = calculate_frechet_distance(mu1, s1, mu2, s2)
    assert ours == pytest.approx(clean, rel=1e-6)
    assert ours == pytest.approx(torch_fid, rel=1e-6)
    assert ours > 0


def test_frechet_of_a_set_with_itself_is_zero():
    mu, sigma = feature_stats(_features(2, d=48))
    assert abs(frechet_distance(mu, sigma, mu, sigma)) < 1e-9 * np.trace(sigma)


def test_frechet_grows_monotonically_with_a_gaussian_shift():
    base = _features(3)
    mu0, s0 = feature_stats(base)
    noise = np.random.default_rng(4).normal(size=base.shape)
    values = []
    for eps in [0.0, 0.1, 0.2, 0.4, 0.8, 1.6]:
        mu, s = feature_stats(base + eps * noise + eps)
        values.append(frechet_distance(mu0, s0, mu, s))
    assert values[0] == pytest.approx(0.0, abs=1e-8)
    assert all(b > a for a, b in zip(values, values[1:])), values


@pytest.mark.parametrize("seed", [0, 7])
def test_kid_matches_cleanfid_with_the_same_subsets(seed):
    real, fake = _features(5, n=700, d=24), _features(6, n=400, d=24, shift=0.2)
    ours = kernel_distance(real, fake, rng=np.random.RandomState(seed), num_subsets=20, max_subset_size=300)
    np.random.seed(seed)
    clean = cleanfid.kernel_distance(real, fake, num_subsets=20, max_subset_size=300)
    assert ours == pytest.approx(clean, rel=1e-6)
    assert ours > 0


def test_kid_routes_give_cleanfids_value_and_leave_the_global_rng_alone():
    """Few subsets of a small m make clean-fid's own per-subset evaluation the cheaper route: it
    is called with numpy's global RNG in the given generator's state, which is restored; both
    routes draw the same subsets, give clean-fid's value and advance the generator alike."""
    real, fake = _features(14, n=500, d=16), _features(15, n=400, d=16, shift=0.2)
    kwargs = dict(num_subsets=4, max_subset_size=60)
    assert kid_route(500, 400, 16, 4, 60) == "clean-fid" and kid_route(500, 400, 16, 100, 400) == "pairwise"
    np.random.seed(123)
    before = np.random.get_state()
    via_cleanfid, via_pairs = np.random.RandomState(3), np.random.RandomState(3)
    ours = kernel_distance(real, fake, rng=via_cleanfid, **kwargs)
    after = np.random.get_state()
    assert after[0] == before[0] and np.array_equal(after[1], before[1]) and after[2:] == before[2:]
    pairs = pairwise_kernel_distance(real, fake, rng=via_pairs, **kwargs)
    np.random.seed(3)
    clean = cleanfid.kernel_distance(real, fake, **kwargs)
    assert ours == pytest.approx(clean, rel=1e-12) and pairs == pytest.approx(clean, rel=1e-6)
    assert via_cleanfid.random_sample() == via_pairs.random_sample()


def test_kid_is_near_zero_for_the_same_distribution_and_positive_for_a_shift():
    real, same, shifted = _features(8, n=800), _features(9, n=800), _features(9, n=800, shift=0.5)
    rs = np.random.RandomState(0)
    same_kid = kernel_distance(real, same, rng=rs, num_subsets=20, max_subset_size=400)
    shift_kid = kernel_distance(real, shifted, rng=rs, num_subsets=20, max_subset_size=400)
    assert abs(same_kid) < 0.05 * shift_kid


def test_inception_score_known_values():
    k = 10
    assert inception_score(np.full((1000, k), 1.0 / k)) == pytest.approx(1.0, abs=1e-12)
    one_hot = np.eye(k)[np.arange(1000) % k]
    assert inception_score(one_hot) == pytest.approx(k, rel=1e-12)


def test_prdc_identical_sets():
    x = _features(10, n=300, d=8)
    r = prdc(x, x, k=5)
    assert r["precision"] == 1.0 and r["recall"] == 1.0 and r["coverage"] == 1.0
    # each point lies in its own ball and in those of the neighbours that count it among their k
    assert 0.9 < r["density"] < 1.5


def test_prdc_disjoint_sets():
    x = _features(11, n=300, d=8)
    r = prdc(x, x + 1e3, k=5)
    assert r == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


@pytest.mark.parametrize("k", [3, 5])
def test_prdc_matches_the_prdc_package(k, capsys):
    real, fake = _features(12, n=400, d=16), _features(13, n=300, d=16, shift=0.3, scale=1.2)
    ours = prdc(real, fake, k=k, chunk=128)
    theirs = compute_prdc(real, fake, nearest_k=k)
    for name in ("precision", "recall", "density", "coverage"):
        assert ours[name] == pytest.approx(float(theirs[name]), abs=1e-12), name
    assert 0 < ours["precision"] < 1 and 0 < ours["coverage"] < 1


def test_knn_radii_exclude_the_point_itself():
    x = np.array([[0.0], [1.0], [3.0], [6.0]])
    assert knn_radii(x, k=1).tolist() == [1.0, 1.0, 2.0, 3.0]
    assert knn_radii(x, k=2).tolist() == [3.0, 2.0, 3.0, 5.0]
