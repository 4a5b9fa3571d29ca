"""Auxiliary heads on D's trunk: InfoGAN's Q head and SS-GAN's rotation head, as regularizers.

An :class:`Auxiliary` adds a small head (one linear layer, like both papers) on D's trunk
``D.features(x)`` — a submodule ``D.aux_head``, so D's optimizer trains it and checkpoints hold
it — plus a term for D's loss and one for G's loss; the trainer adds ``weight · term`` to each
(``weight`` = the regularizer's λ).  A head that needs part of the latent (InfoGAN's codes) also
rewrites z: ``sample_codes(z)`` returns the new z and the codes the terms see.  Heads read D's
trunk on the untransformed images (no DiffAugment); PacGAN's packed D is refused with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import torch
import torch.nn.functional as F
from torch import nn

from bench.regularizers.base import REGULARIZERS, Regularizer, check_positive

Codes = Optional[tuple[torch.Tensor, torch.Tensor]]


@dataclass(frozen=True)
class Auxiliary:
    """``head_size(params)`` outputs of ``D.aux_head``; ``d_term(discriminator, real, fake, codes, **params)``
    and ``g_term(discriminator, fake, codes, **params)`` return unweighted scalars;
    ``sample_codes(z, generator, **params) -> (z, codes)`` or None; ``data_kinds`` the data it is
    defined for; ``metrics(discriminator, data, labels, **params) -> dict`` for result rows, or None."""

    head_size: Callable[[dict], int]
    d_term: Callable[..., torch.Tensor]
    g_term: Callable[..., torch.Tensor]
    sample_codes: Optional[Callable[..., tuple[torch.Tensor, Codes]]] = None
    data_kinds: tuple[str, ...] = ("image", "points")
    metrics: Optional[Callable[..., dict]] = None


def attach_head(discriminator: nn.Module, outputs: int, seed: int) -> None:
    """Give D a linear ``aux_head`` (feature_dim → outputs), initialised from ``seed`` alone."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 7919)
        head = nn.Linear(discriminator.feature_dim, outputs)
    discriminator.aux_head = head.to(next(discriminator.parameters()).device)


def head_outputs(discriminator: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``aux_head(features(x))``, (B, outputs)."""
    return discriminator.aux_head(discriminator.features(x))


# --- InfoGAN (Chen, Duan, Houthooft, Schulman, Sutskever & Abbeel 2016) ------------------------------------
def info_codes(z: torch.Tensor, *, generator: torch.Generator | None = None, categories: int = 10,
               continuous: int = 0, **_) -> tuple[torch.Tensor, Codes]:
    """z with its last ``categories + continuous`` entries replaced by the codes: a one-hot
    c₁ ~ Cat(K = categories) (uniform) and c₂ ~ U[−1, 1]^continuous.  Returns (z, (c₁, c₂))."""
    b, device = z.shape[0], z.device
    cat = torch.randint(categories, (b,), device=device, generator=generator) if categories else None
    cont = torch.rand(b, continuous, device=device, generator=generator) * 2 - 1
    parts = [z[:, : z.shape[1] - categories - continuous]]
    if categories:
        parts.append(F.one_hot(cat, categories).to(z.dtype))
    parts.append(cont.to(z.dtype))
    empty = torch.zeros(b, dtype=torch.long, device=device)
    return torch.cat(parts, dim=1), (cat if categories else empty, cont)


def mutual_information_loss(q: torch.Tensor, codes: Codes, *, categories: int, continuous: int,
                            continuous_weight: float = 1.0) -> torch.Tensor:
    """L_I = CE(q[:, :K], c₁) + w · ½ Σⱼ (q[:, K+j] − c₂ⱼ)², averaged over the batch: the
    negative variational lower bound of I(c; G(z, c)) up to constants (H(c) and ½ log 2π per
    continuous code), with Q(c₂|x) a unit-variance Gaussian (the InfoGAN code's fixed std)."""
    cat, cont = codes
    loss = q.new_zeros(())
    if categories:
        loss = loss + F.cross_entropy(q[:, :categories], cat)
    if continuous:
        loss = loss + continuous_weight * 0.5 * (q[:, categories:] - cont).pow(2).sum(1).mean()
    return loss


def info_d_term(discriminator, *, real, fake, codes, categories: int = 10, continuous: int = 0,
                continuous_weight: float = 1.0):
    """L_I on D's step: Q (and D's trunk) learn to recover the codes of G's (detached) samples."""
    return mutual_information_loss(head_outputs(discriminator, fake.detach()), codes, categories=categories,
                                   continuous=continuous, continuous_weight=continuous_weight)


def info_g_term(discriminator, *, fake, codes, categories: int = 10, continuous: int = 0,
                continuous_weight: float = 1.0):
    """L_I on G's step: G makes its codes recoverable (D and Q frozen)."""
    return mutual_information_loss(head_outputs(discriminator, fake), codes, categories=categories,
                                   continuous=continuous, continuous_weight=continuous_weight)


# --- SS-GAN (Chen, Zhai, Ritter, Lucic & Houlsby 2019) ------------------------------------------------------
ROTATIONS = 4


def rotations(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Every image rotated by 0°, 90°, 180° and 270° (``torch.rot90`` k = 0…3 on H, W):
    (4B, C, H, W) and the labels (4B,) = [0]*B + [1]*B + [2]*B + [3]*B."""
    rotated = torch.cat([torch.rot90(x, k, dims=(2, 3)) for k in range(ROTATIONS)])
    labels = torch.arange(ROTATIONS, device=x.device).repeat_interleave(x.shape[0])
    return rotated, labels


def rotation_loss(discriminator, x: torch.Tensor) -> torch.Tensor:
    """−E_x E_r log Q_D(r | rot_r(x)): cross-entropy of the rotation head over the 4 rotations."""
    rotated, labels = rotations(x)
    return F.cross_entropy(head_outputs(discriminator, rotated), labels)


def ss_d_term(discriminator, *, real, fake, codes, d_weight: float = 1.0, g_weight: float = 0.2):
    """β · rotation loss on real images (β = ``d_weight``)."""
    return d_weight * rotation_loss(discriminator, real.detach())


def ss_g_term(discriminator, *, fake, codes, d_weight: float = 1.0, g_weight: float = 0.2):
    """α · rotation loss on generated images (α = ``g_weight``)."""
    return g_weight * rotation_loss(discriminator, fake)


# --- registry entries ------------------------------------------------------------------------------------
def info_metrics(discriminator, *, data: torch.Tensor, labels: Optional[torch.Tensor], categories: int = 10,
                 batch: int = 500, **_) -> dict:
    """``code_accuracy``: the accuracy of argmax_k Q(c₁ = k | x) on the real images against their
    classes after the best one-to-one matching of codes to classes (Hungarian; InfoGAN §6: "5%
    error to classify MNIST after class-matching").  Nothing on unlabelled data or without c₁."""
    from bench.metrics.codes import matched_accuracy

    if labels is None or not categories:
        return {}
    was_training = discriminator.training
    discriminator.eval()  # no batch-norm statistics or spectral-norm iterations move
    with torch.no_grad():
        predicted = torch.cat([head_outputs(discriminator, data[i:i + batch])[:, :categories].argmax(1)
                               for i in range(0, data.shape[0], batch)])
    discriminator.train(was_training)
    return {"code_accuracy": matched_accuracy(predicted.cpu().numpy(), labels.cpu().numpy())}


def _info_validate(params: dict) -> None:
    for name in ("categories", "continuous"):
        value = params.get(name, 10 if name == "categories" else 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"parameter {name!r} must be a non-negative integer; got {value!r}")
    if params.get("categories", 10) == 1:
        raise ValueError("parameter 'categories' must be 0 (no categorical code) or at least 2")
    if params.get("categories", 10) + params.get("continuous", 0) == 0:
        raise ValueError("InfoGAN needs at least one code: set 'categories' ≥ 2 or 'continuous' ≥ 1")
    check_positive(params, "continuous_weight", allow_zero=True)


def _ss_validate(params: dict) -> None:
    check_positive(params, "d_weight", allow_zero=True)
    check_positive(params, "g_weight", allow_zero=True)


# The head sits on D's trunk of the conv/mlp families; the auto-encoder D (BEGAN, EBGAN) has an
# encoder and a decoder instead, so a head there would be a different model.
HEAD_D_OUTPUTS = ("logit", "embedding")

REGULARIZERS.add("infogan", Regularizer(
    None,
    formula="λ L_I on D's and G's losses, L_I = CE(Q(c₁|G(z,c)), c₁) + w·½‖Q_μ(G(z,c)) − c₂‖²; "
            "c₁ ~ Cat(K) one-hot, c₂ ~ U[-1,1]: the last K + n entries of z",
    paper="Chen, Duan, Houthooft, Schulman, Sutskever & Abbeel 2016, InfoGAN (λ = 1 for discrete codes)",
    default_weight=1.0,
    d_outputs=HEAD_D_OUTPUTS,
    validate=_info_validate,
    auxiliary=Auxiliary(
        head_size=lambda p: p.get("categories", 10) + p.get("continuous", 0),
        d_term=info_d_term, g_term=info_g_term, sample_codes=info_codes, metrics=info_metrics),
))

REGULARIZERS.add("ssgan", Regularizer(
    None,
    formula="L_D += λ·β·CE(Q_D(r|rot_r(x)), r) on real x; L_G += λ·α·CE(Q_D(r|rot_r(G(z))), r); "
            "r ∈ {0°, 90°, 180°, 270°}, β = d_weight = 1, α = g_weight = 0.2",
    paper="Chen, Zhai, Ritter, Lucic & Houlsby 2019, Self-Supervised GANs via Auxiliary Rotation Loss "
          "(weights of google/compare_gan ssgan.py: 1.0 on D, 0.2 on G)",
    default_weight=1.0,
    d_outputs=HEAD_D_OUTPUTS,
    validate=_ss_validate,
    auxiliary=Auxiliary(head_size=lambda p: ROTATIONS, d_term=ss_d_term, g_term=ss_g_term, data_kinds=("image",)),
), aliases=("ss_gan", "rotation"))
