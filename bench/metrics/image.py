"""Image metrics on extractor features (FID, KID, IS, precision/recall/density/coverage, collapse
diagnostics) and on pixels (MS-SSIM, SWD).  All read one :class:`EvalContext`, so features are
extracted once per evaluation."""

from __future__ import annotations

import numpy as np

from bench.metrics import METRICS, Metric
from bench.metrics.diversity import MS_SSIM_MIN_SIZE, SWD_MIN_SIZE, ms_ssim_diversity, swd
from bench.metrics.frechet import feature_stats, frechet_distance, inception_score, kernel_distance
from bench.metrics.prdc import DEFAULT_K, prdc

KID_SUBSETS = 100
KID_SUBSET_SIZE = 1000


def fid(ctx) -> float:
    """‖μ_r − μ_g‖² + Tr(Σ_r + Σ_g − 2(Σ_r Σ_g)^½) on extractor features (Heusel et al. 2017),
    real statistics from the cached reference (see :func:`bench.metrics.frechet.frechet_distance`)."""
    mu, sigma = feature_stats(ctx.features)
    return frechet_distance(ctx.reference.mu, ctx.reference.sigma, mu, sigma)


def kid(ctx) -> float:
    """Unbiased MMD², cubic polynomial kernel, 100 subsets of min(N_r, N_g, 1000) (Bińkowski et
    al. 2018): clean-fid's ``kernel_distance`` after ``np.random.seed(seed)``, evaluated by
    clean-fid itself or pairwise, whichever is cheaper (see
    :func:`bench.metrics.frechet.kernel_distance`)."""
    rng = np.random.RandomState(ctx.seed % (2**32))
    return kernel_distance(ctx.reference.features, ctx.features, rng=rng, num_subsets=KID_SUBSETS,
                           max_subset_size=KID_SUBSET_SIZE)


def is_score(ctx) -> float:
    """exp(E KL(p(y|x) ‖ p(y))), 10 splits, on the extractor's class probabilities (the
    classifier's, or the 1008-class softmax of clean-fid's Inception file); NaN for extractors
    without a classification head (fid-helper's Inception file holds features only)."""
    probs = ctx.probs
    return float("nan") if probs is None else inception_score(probs, splits=10)


def _prdc(ctx) -> dict:
    if "prdc" not in ctx._cache:
        k = ctx.reference.key.get("prdc_k", DEFAULT_K)
        ctx._cache["prdc"] = prdc(ctx.reference.features, ctx.features, k, real_radii=ctx.reference.radii)
    return ctx._cache["prdc"]


def variance_ratio(ctx) -> float:
    """Tr(Σ_g) / Tr(Σ_r): total feature variance of the generated samples relative to the real
    data (≈ 1 for a faithful generator, → 0 under mode collapse, > 1 when over-dispersed).  Its
    target is 1, not an end of the scale, so it is registered without a direction and never
    ranked (a ratio of 3 is not better than 1); the stability summary reads it as a collapse
    indicator."""
    return float(np.trace(feature_stats(ctx.features)[1]) / np.trace(ctx.reference.sigma))


def top_class_fraction(ctx) -> float:
    """Fraction of generated samples whose predicted class (argmax of the extractor's class
    probabilities) is the most frequent one; 1/K for a balanced K-class generator, 1 under total
    collapse.  NaN when the extractor has no class head, and for Inception, whose 1008 ImageNet
    classes are not the dataset's (real digits may mostly land in one of them, which would read
    as collapse)."""
    probs = ctx.probs
    if probs is None or ctx.reference.feature_extractor.startswith("inception"):
        return float("nan")
    counts = np.bincount(probs.argmax(axis=1), minlength=probs.shape[1])
    return float(counts.max() / counts.sum())


def ms_ssim(ctx) -> float:
    return ms_ssim_diversity(ctx.samples)


def swd_metric(ctx) -> float:
    if ctx.reference.images is None:
        raise ValueError("swd needs real images in the reference (build it with build_reference)")
    return swd(ctx.reference.images, ctx.samples, seed=ctx.seed)


def _add(name, fn, higher, description, reference, min_resolution=0):
    METRICS.add(name, Metric(fn, higher, "image", description, reference, min_resolution))


_add("fid", fid, False, "Fréchet distance of feature Gaussians", "Heusel et al. 2017")
_add("kid", kid, False, "kernel (MMD², cubic polynomial kernel) distance of features", "Bińkowski et al. 2018")
_add("is", is_score, True, "exp E KL(p(y|x) || p(y)), 10 splits", "Salimans et al. 2016")
_add("precision", lambda ctx: _prdc(ctx)["precision"], True, "fraction of fakes inside the real k-NN manifold",
     "Kynkäänniemi et al. 2019")
_add("recall", lambda ctx: _prdc(ctx)["recall"], True, "fraction of reals inside the fake k-NN manifold",
     "Kynkäänniemi et al. 2019")
_add("density", lambda ctx: _prdc(ctx)["density"], True, "mean count of real k-NN balls containing a fake, /k",
     "Naeem et al. 2020")
_add("coverage", lambda ctx: _prdc(ctx)["coverage"], True, "fraction of real k-NN balls containing a fake",
     "Naeem et al. 2020")
_add("ms_ssim", ms_ssim, False, "MS-SSIM between generated pairs (lower = more diverse)",
     "Wang et al. 2003; Odena et al. 2017; mmgeneration", MS_SSIM_MIN_SIZE)
_add("swd", swd_metric, False, "sliced Wasserstein distance of Laplacian-pyramid 7×7 patches (×10³), mmgeneration's "
     "recipe (zero-padded binomial pyramid, nearest upsampling, ≤ 4 levels, unbiased std)",
     "mmgeneration's SWD, after Karras et al. 2018 (PGGAN)", SWD_MIN_SIZE)
_add("variance_ratio", variance_ratio, None, "Tr(Σ_gen)/Tr(Σ_real) of features (target ≈ 1, collapse → 0; not ranked)",
     "bench diagnostic")
_add("top_class_fraction", top_class_fraction, False, "share of the most frequent predicted class (collapse → 1)",
     "bench diagnostic")
