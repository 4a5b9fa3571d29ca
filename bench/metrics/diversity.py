"""Diversity and patch-distribution distances as mmgeneration computes them
(``mmgen/core/evaluation/metric_utils.py`` and ``metrics.py``, classes ``MS_SSIM`` and ``SWD``).
Pure numpy/torch with explicit random generators.

Provenance.  mmgeneration's MS-SSIM is a port of Karras et al. 2018 (*Progressive Growing of
GANs*, ``metrics/ms_ssim.py``).  Its SWD is not a plain port of Karras's
``metrics/sliced_wasserstein.py``: patch sampling, descriptor normalisation and the sliced
Wasserstein step follow Karras, but the Laplacian pyramid is koshian2/swd-pytorch's, so the
recipe below is mmgeneration's and gives different numbers from Karras's.  Karras blurs with
mirror padding (``scipy.ndimage.convolve(mode='mirror')``, matching ``cv2.pyrDown``/``pyrUp``),
upsamples by zero insertion and a 4× kernel, keeps every level down to 16×16, and normalises
descriptors with the biased std (``np.std``); mmgeneration (and bench) use zero padding,
nearest-neighbour upsampling, at most 4 levels and the unbiased std (``torch.std``).

MS-SSIM between generated pairs (Odena et al. 2017 use it as a diversity score; lower = more
diverse).  Recipe:
  1. images in [−1, 1] → ``((x + 1) / 2).clamp(0, 1) · 255`` cast to uint8 (truncation, as
     mmgeneration's ``astype('uint8')``), NHWC;
  2. pairs (x₀, x₁), (x₂, x₃), …: even-indexed vs odd-indexed samples (an odd last one is dropped);
  3. per pair, 5 scales with weights (0.0448, 0.2856, 0.3001, 0.2363, 0.1333); at each scale SSIM
     and contrast-sensitivity maps with a Gaussian window of size s = min(11, H, W) and
     σ = 1.5 · s / 11 (``scipy.signal.fftconvolve``, 'valid'), K₁ = 0.01, K₂ = 0.03, L = 255, the
     map mean taken over H, W and channels; between scales a 2×2 box average;
  4. MS-SSIM = Πₗ₌₁⁴ max(csₗ, 0)^wₗ · max(ssim₅, 0)^w₅, averaged over pairs.
  Images must be at least 16×16 (the fifth scale is 1×1).  Deviation: at odd sizes
  (28 → 14 → 7) mmgeneration's 2×2 average fails on a shape mismatch; here the last row/column
  is dropped before averaging (identical results at even sizes).

SWD (sliced Wasserstein distance on Laplacian-pyramid patches), mmgeneration's recipe:
  1. levels: resolutions R, R/2, … while ≥ 16, at most 4 (so 16×16 and 28×28 images have one
     level: the image itself); the Laplacian pyramid uses the 5×5 binomial kernel
     [1 4 6 4 1]ᵀ[1 4 6 4 1] / 256 with zero padding 2: Gᵢ₊₁ = blur(Gᵢ) at stride 2,
     Lᵢ = Gᵢ − blur(nearest-neighbour ×2 upsampling of Gᵢ₊₁); the last level is the coarsest
     Gaussian level;
  2. per image and level, 128 random 7×7 patches (centres uniform in [3, size − 4]) of all C
     channels (mmgeneration asserts C = 3; here any C, grayscale stays one channel);
  3. per set and level, descriptors are normalised per channel (mean 0, unbiased std 1 over all
     patches and pixels) and flattened to C·49 dimensions;
  4. SW = mean over 4 repeats of mean over 128 random unit directions of the mean absolute
     difference between the sorted projections of the two sets (same number of patches);
  5. swd = 10³ · mean over levels (mmgeneration reports the per-level values ×10³ and their mean).
  Real and fake use the same number of images (min of the two).  Deviation: images of 7 to 15
  pixels get one level (the image itself) where mmgeneration has none and fails; below 7×7 the
  patches do not fit and bench raises.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy import signal

MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
# Smallest image side each metric is defined at: MS-SSIM halves the image 4 times between its 5
# scales (16 → 1 pixel; 8 → 0), SWD cuts 7×7 patches around centres in [3, size − 4].
MS_SSIM_MIN_SIZE = 2 ** (len(MS_SSIM_WEIGHTS) - 1)
SWD_PATCH = 7
SWD_MIN_SIZE = SWD_PATCH


def _check_size(images, minimum: int, what: str) -> None:
    side = min(images.shape[-2:]) if isinstance(images, torch.Tensor) else min(images.shape[1:3])
    if side < minimum:
        raise ValueError(f"{what} needs images of at least {minimum}×{minimum} pixels, got {side}")


def to_uint8_nhwc(images: torch.Tensor) -> np.ndarray:
    """[−1, 1] (N, C, H, W) tensor → uint8 (N, H, W, C), truncating like mmgeneration."""
    x = ((images.detach().cpu().float() + 1) / 2).clamp(0, 1)
    return (x.numpy().transpose(0, 2, 3, 1) * 255).astype(np.uint8)


def _gauss_window(size: int, sigma: float) -> np.ndarray:
    radius, offset = size // 2, 0.0
    start, stop = -radius, radius + 1
    if size % 2 == 0:
        offset, stop = 0.5, stop - 1
    x, y = np.mgrid[offset + start : stop, offset + start : stop]
    g = np.exp(-((x**2 + y**2) / (2.0 * sigma**2)))
    return g / g.sum()


def _ssim_cs(img1: np.ndarray, img2: np.ndarray, max_val=255.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03):
    """Per-image mean SSIM and contrast sensitivity of two NHWC float arrays."""
    _, height, width, _ = img1.shape
    size = min(filter_size, height, width)
    sigma = size * filter_sigma / filter_size
    window = _gauss_window(size, sigma).reshape(1, size, size, 1)
    mu1 = signal.fftconvolve(img1, window, mode="valid")
    mu2 = signal.fftconvolve(img2, window, mode="valid")
    s11 = signal.fftconvolve(img1 * img1, window, mode="valid") - mu1 * mu1
    s22 = signal.fftconvolve(img2 * img2, window, mode="valid") - mu2 * mu2
    s12 = signal.fftconvolve(img1 * img2, window, mode="valid") - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    v1, v2 = 2.0 * s12 + c2, s11 + s22 + c2
    ssim = np.mean(((2.0 * mu1 * mu2 + c1) * v1) / ((mu1 * mu1 + mu2 * mu2 + c1) * v2), axis=(1, 2, 3))
    return ssim, np.mean(v1 / v2, axis=(1, 2, 3))


def _half(img: np.ndarray) -> np.ndarray:
    img = img[:, : img.shape[1] // 2 * 2, : img.shape[2] // 2 * 2, :]
    return (img[:, 0::2, 0::2] + img[:, 1::2, 0::2] + img[:, 0::2, 1::2] + img[:, 1::2, 1::2]) * 0.25


def ms_ssim_pairs(img1: np.ndarray, img2: np.ndarray) -> np.ndarray:
    """MS-SSIM of each pair (img1[i], img2[i]); uint8/float NHWC arrays in [0, 255]."""
    _check_size(img1, MS_SSIM_MIN_SIZE, "MS-SSIM (5 scales)")
    weights = np.asarray(MS_SSIM_WEIGHTS)
    a, b = img1.astype(np.float32), img2.astype(np.float32)
    mssim, mcs = [], []
    for _ in range(len(weights)):
        ssim, cs = _ssim_cs(a, b)
        mssim.append(ssim)
        mcs.append(cs)
        a, b = _half(a), _half(b)
    mssim, mcs = np.clip(np.asarray(mssim), 0, None), np.clip(np.asarray(mcs), 0, None)
    return np.prod(mcs[:-1] ** weights[:-1, None], axis=0) * mssim[-1] ** weights[-1]


def ms_ssim_diversity(images: torch.Tensor) -> float:
    """Mean MS-SSIM over the pairs (even, odd) of generated images in [−1, 1]."""
    x = to_uint8_nhwc(images)
    n = len(x) // 2 * 2
    if n < 2:
        raise ValueError("MS-SSIM needs at least 2 images")
    return float(np.mean(ms_ssim_pairs(x[0:n:2], x[1:n:2])))


_BINOMIAL = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0])
GAUSS_5x5 = (torch.outer(_BINOMIAL, _BINOMIAL) / 256.0).reshape(1, 1, 5, 5)


def _blur(x: torch.Tensor, stride: int) -> torch.Tensor:
    c = x.shape[1]
    return F.conv2d(x, GAUSS_5x5.to(x).expand(c, 1, 5, 5), padding=2, stride=stride, groups=c)


def laplacian_pyramid(x: torch.Tensor, levels: int) -> list[torch.Tensor]:
    """``levels`` bands: Lᵢ = Gᵢ − blur(up₂(Gᵢ₊₁)) for i < levels − 1, then G_{levels−1}."""
    gauss = [x]
    for _ in range(levels - 1):
        gauss.append(_blur(gauss[-1], 2))
    bands = [g - _blur(F.interpolate(gn, scale_factor=2), 1) for g, gn in zip(gauss[:-1], gauss[1:])]
    return bands + [gauss[-1]]


def swd_levels(resolution: int) -> int:
    levels, res = 0, resolution
    while res >= 16 and levels < 4:
        levels, res = levels + 1, res // 2
    return max(levels, 1)


def patch_descriptors(level: torch.Tensor, rng: np.random.Generator, patches_per_image: int = 128,
                      size: int = SWD_PATCH) -> torch.Tensor:
    """Random ``size``×``size`` patches (N·patches, C, size, size) of one pyramid level."""
    n, c, h, w = level.shape
    half = size // 2
    count = n * patches_per_image
    img = np.repeat(np.arange(n), patches_per_image)
    ys = rng.integers(half, h - half, size=count)
    xs = rng.integers(half, w - half, size=count)
    offs = np.arange(-half, half + 1)
    rows = torch.as_tensor(ys[:, None] + offs[None, :])  # (count, size)
    cols = torch.as_tensor(xs[:, None] + offs[None, :])
    imgs = torch.as_tensor(img)
    patches = level[imgs[:, None, None], :, rows[:, :, None], cols[:, None, :]]  # (count, size, size, C)
    return patches.permute(0, 3, 1, 2)


def finalize_descriptors(desc: torch.Tensor) -> torch.Tensor:
    desc = desc - desc.mean(dim=(0, 2, 3), keepdim=True)
    desc = desc / desc.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-12)  # constant images: all-zero
    return desc.reshape(desc.shape[0], -1)


def sliced_wasserstein(a: torch.Tensor, b: torch.Tensor, gen: torch.Generator, repeats: int = 4,
                       dirs_per_repeat: int = 128) -> float:
    """Mean over repeats and random unit directions of mean |sort(a·d) − sort(b·d)|."""
    if a.shape != b.shape:
        raise ValueError(f"sliced Wasserstein needs equal shapes, got {tuple(a.shape)} and {tuple(b.shape)}")
    results = []
    for _ in range(repeats):
        dirs = torch.randn(a.shape[1], dirs_per_repeat, generator=gen, dtype=a.dtype)
        dirs = dirs / dirs.square().sum(dim=0, keepdim=True).sqrt()
        pa = np.sort((a @ dirs).T.numpy(), axis=1)  # numpy sorts rows of (dirs, N) float32
        pb = np.sort((b @ dirs).T.numpy(), axis=1)  # 3–6× faster than torch.sort on CPU
        results.append(float(np.abs(pa - pb).mean(dtype=np.float64)))
    return sum(results) / repeats


def swd(real: torch.Tensor, fake: torch.Tensor, seed: int) -> float:
    """10³ · mean over pyramid levels of the sliced Wasserstein distance between the patch
    descriptors of ``real`` and ``fake`` images (both (N, C, H, W) in [−1, 1]; see module doc)."""
    _check_size(fake, SWD_MIN_SIZE, f"SWD ({SWD_PATCH}×{SWD_PATCH} patches)")
    n = min(len(real), len(fake))
    real, fake = real[:n].detach().cpu().float(), fake[:n].detach().cpu().float()
    levels = swd_levels(real.shape[-1])
    rng, gen = np.random.default_rng(seed), torch.Generator().manual_seed(seed)
    dists = []
    for lr, lf in zip(laplacian_pyramid(real, levels), laplacian_pyramid(fake, levels)):
        dr = finalize_descriptors(patch_descriptors(lr, rng))
        df = finalize_descriptors(patch_descriptors(lf, rng))
        dists.append(sliced_wasserstein(dr, df, gen) * 1e3)
    return float(np.mean(dists))
