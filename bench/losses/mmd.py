"""MMD losses on D's embedding: MMD-GAN (Li et al. 2017) and the repulsive loss with the optional
bounded kernel (Wang, Sun & Halgamuge, ICLR 2019).

D returns an embedding ``(B, k)`` for real (``d_real``) and generated (``d_fake``) samples; the
kernel is a sum of Gaussians on squared Euclidean distances between embeddings,
``k(a, b) = Σ_σ exp(−‖a − b‖² / (2σ²))``.

Estimators (``E'`` = mean over pairs i ≠ j, the U-statistic; ``E`` = mean over all pairs):

- ``mmd``: ``MMD²_b = E k(r, r') + E k(f, f') − 2 E k(r, f)`` (biased V-statistic, all pairs),
  as in Li et al.'s code (``mix_rbf_mmd2(..., biased=True)``, σ ∈ {1, 2, 4, 8, 16} in
  OctoberChang/MMD-GAN ``mmd_gan.py``); ``unbiased: true`` uses ``E'`` within each set.
  ``L_D = −MMD²``, ``L_G = MMD²``.  Li et al. additionally train D as an autoencoder, add a
  one-sided ranking term, use √MMD² and clip D's weights; bench keeps the core objective only —
  pair it with ``clip`` or spectral normalization for the Lipschitz constraint.
- ``mmd_repulsive``: ``L_G = MMD²_u = E' k(f, f') + E' k(r, r') − 2 E k(r, f)`` and the
  repulsive D loss ``L_D = E' k(r, r') − E' k(f, f')`` (D pushes real embeddings apart and pulls
  fake ones together).  With ``bounded: true`` only ``L_D`` uses the bounded kernel:
  real pairs ``exp(−min(‖·‖², b_u)/(2σ²))``, fake pairs ``exp(−max(‖·‖², b_l)/(2σ²))``,
  ``b_l = 0.25``, ``b_u = 4``, σ = 1.  These match the authors' code (richardwth/MMD-GAN,
  ``GeneralTools/math_func.py``: ``mmd_g`` and ``mmd_g_bounded`` with
  ``repulsive_weights = [0.0, -1.0]`` give ``loss_dis = e_kyy(real) − e_kxx(fake)``;
  ``_repulsive_mmd_g_`` uses ``sigma=1.0``; ``_repulsive_mmd_g_bounded_`` (``rmb``) uses
  ``sigma=1.0, lower_bound=0.25, upper_bound=4.0``).  One difference: that code also drops the
  diagonal of the real×fake kernel matrix; bench averages the cross term over all B² pairs (an
  unbiased estimate either way, since real and fake samples are independent).
"""

from __future__ import annotations

from typing import Sequence

import torch

from bench.losses.base import LOSSES, Loss

LI_SIGMAS = (1.0, 2.0, 4.0, 8.0, 16.0)
WANG_SIGMAS = (1.0,)


def squared_distances(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``‖a_i − b_j‖²`` for ``a`` (n, k) and ``b`` (m, k), shape (n, m); exact, no cancellation."""
    return (a[:, None, :] - b[None, :, :]).pow(2).sum(-1)


def gaussian_kernel(sq_dist: torch.Tensor, sigmas: Sequence[float]) -> torch.Tensor:
    """``Σ_σ exp(−d² / (2σ²))`` elementwise on a matrix of squared distances."""
    return sum(torch.exp(-sq_dist / (2.0 * float(s) ** 2)) for s in sigmas)


def mean_all(kernel: torch.Tensor) -> torch.Tensor:
    return kernel.mean()


def mean_off_diagonal(kernel: torch.Tensor) -> torch.Tensor:
    """Mean of a square matrix over i ≠ j (the U-statistic of a within-sample kernel)."""
    n = kernel.shape[0]
    if n < 2:
        raise ValueError("the unbiased MMD estimate needs at least 2 samples per batch")
    return (kernel.sum() - kernel.diagonal().sum()) / (n * (n - 1))


def mmd2(real: torch.Tensor, fake: torch.Tensor, sigmas: Sequence[float], unbiased: bool) -> torch.Tensor:
    """Squared MMD between the embeddings ``real`` (n, k) and ``fake`` (m, k)."""
    within = mean_off_diagonal if unbiased else mean_all
    k_rr = gaussian_kernel(squared_distances(real, real), sigmas)
    k_ff = gaussian_kernel(squared_distances(fake, fake), sigmas)
    k_rf = gaussian_kernel(squared_distances(real, fake), sigmas)
    return within(k_rr) + within(k_ff) - 2.0 * k_rf.mean()


def _check_embedding(d_real, d_fake):
    for name, value in (("d_real", d_real), ("d_fake", d_fake)):
        if value is None or value.dim() != 2:
            shape = None if value is None else tuple(value.shape)
            raise ValueError(f"MMD losses need D to return an embedding (B, k); {name} has shape {shape}")


def _validate(params: dict) -> None:
    sigmas = params.get("sigmas", WANG_SIGMAS)
    if (
        not isinstance(sigmas, (list, tuple))
        or not sigmas
        or not all(isinstance(s, (int, float)) and not isinstance(s, bool) and s > 0 for s in sigmas)
    ):
        raise ValueError(f"parameter 'sigmas' must be a non-empty list of positive numbers; got {sigmas!r}")
    dim = params.get("embedding_dim", 16)
    if not isinstance(dim, int) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"parameter 'embedding_dim' must be a positive integer; got {dim!r}")
    low, high = params.get("lower_bound", 0.25), params.get("upper_bound", 4.0)
    if not (isinstance(low, (int, float)) and isinstance(high, (int, float)) and 0 <= low < high):
        raise ValueError(f"parameters 'lower_bound' < 'upper_bound' must be numbers ≥ 0; got {low!r}, {high!r}")


# --- MMD-GAN (Li et al. 2017) -------------------------------------------------------------------
def mmd_discriminator(*, d_real, d_fake, sigmas: Sequence[float] = LI_SIGMAS, unbiased: bool = False,
                      embedding_dim: int = 16):
    """L_D = −MMD²(D(x), D(G(z))) with a mixture of Gaussian kernels (``embedding_dim`` only sizes D)."""
    _check_embedding(d_real, d_fake)
    return -mmd2(d_real, d_fake, sigmas, unbiased)


def mmd_generator(*, d_real, d_fake, sigmas: Sequence[float] = LI_SIGMAS, unbiased: bool = False,
                  embedding_dim: int = 16):
    """L_G = MMD²(D(x), D(G(z)))."""
    _check_embedding(d_real, d_fake)
    return mmd2(d_real, d_fake, sigmas, unbiased)


LOSSES.add(
    "mmd",
    Loss(
        mmd_discriminator,
        mmd_generator,
        formula="L_D = -MMD²_k(D(x), D(G(z))); L_G = MMD²_k; k = Σ_σ exp(-‖a-b‖²/2σ²), σ ∈ {1,2,4,8,16}",
        paper="Li et al. 2017, MMD GAN: Towards Deeper Understanding of Moment Matching Network",
        d_output="embedding",
        g_needs_real=True,
        validate=lambda p: _validate({"sigmas": LI_SIGMAS, **p}),
    ),
    aliases=("mmdgan", "mmd_gan"),
)


# --- repulsive MMD loss, optional bounded kernel (Wang, Sun & Halgamuge 2019) -------------------
def repulsive_d_terms(d_real, d_fake, sigmas, bounded, lower_bound, upper_bound):
    """``(E' k(r, r'), E' k(f, f'))`` with the bounded kernel when ``bounded``."""
    dist_rr = squared_distances(d_real, d_real)
    dist_ff = squared_distances(d_fake, d_fake)
    if bounded:
        dist_rr = dist_rr.clamp(max=upper_bound)
        dist_ff = dist_ff.clamp(min=lower_bound)
    return (mean_off_diagonal(gaussian_kernel(dist_rr, sigmas)),
            mean_off_diagonal(gaussian_kernel(dist_ff, sigmas)))


def repulsive_discriminator(*, d_real, d_fake, sigmas: Sequence[float] = WANG_SIGMAS, bounded: bool = False,
                            lower_bound: float = 0.25, upper_bound: float = 4.0, embedding_dim: int = 16):
    """L_D = E' k(D(x), D(x')) − E' k(D(G(z)), D(G(z'))), bounded kernel when ``bounded``."""
    _check_embedding(d_real, d_fake)
    k_rr, k_ff = repulsive_d_terms(d_real, d_fake, sigmas, bounded, lower_bound, upper_bound)
    return k_rr - k_ff


def repulsive_generator(*, d_real, d_fake, sigmas: Sequence[float] = WANG_SIGMAS, bounded: bool = False,
                        lower_bound: float = 0.25, upper_bound: float = 4.0, embedding_dim: int = 16):
    """L_G = MMD²_u(D(x), D(G(z))) with the plain (unbounded) kernel."""
    _check_embedding(d_real, d_fake)
    return mmd2(d_real, d_fake, sigmas, unbiased=True)


LOSSES.add(
    "mmd_repulsive",
    Loss(
        repulsive_discriminator,
        repulsive_generator,
        formula="L_D = E k(D(x),D(x')) - E k(D(G(z)),D(G(z'))); L_G = MMD²_u; σ=1; "
        "bounded: real pairs min(‖·‖²,4), fake pairs max(‖·‖²,0.25) in L_D",
        paper="Wang, Sun & Halgamuge 2019, Improving MMD-GAN Training with Repulsive Loss Function (ICLR)",
        d_output="embedding",
        g_needs_real=True,
        validate=_validate,
    ),
    aliases=("mmd_rep", "repulsive"),
)
