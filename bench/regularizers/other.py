"""Regularizers that are not gradient penalties: consistency regularization and weight clipping."""

from __future__ import annotations

import torch

from bench.augment import augment
from bench.regularizers.base import REGULARIZERS, Regularizer, check_positive

# --- consistency regularization (Zhang, Zhang, Odena & Lee 2020, eq. 1) -------------------------
def cr_penalty(*, discriminator, real, fake, flip: bool = True, shift: int | None = None, jitter: float = 0.01):
    """E_x ‖D(x) − D(T(x))‖² on real data, T = :func:`bench.augment.augment` (images: random flip and
    translation by up to ``shift`` pixels; points: Gaussian jitter).  ‖·‖² sums over the output
    (one logit, or an embedding), so it is defined for every loss.  ``fake`` is unused; gradients
    flow through both D(x) and D(T(x)) into D."""
    real = real.detach()
    out = discriminator(real)
    out_aug = discriminator(augment(real, flip=flip, shift=shift, jitter=jitter))
    diff = (out - out_aug).reshape(out.shape[0], -1)  # one row per D output (a pack under PacGAN)
    return diff.pow(2).sum(1).mean()


def _cr_validate(params: dict) -> None:
    check_positive(params, "jitter", allow_zero=True)
    if "shift" in params and params["shift"] is not None:
        if not isinstance(params["shift"], int) or isinstance(params["shift"], bool) or params["shift"] < 0:
            raise ValueError(f"parameter 'shift' must be a non-negative integer; got {params['shift']!r}")
    if "flip" in params and not isinstance(params["flip"], bool):
        raise ValueError(f"parameter 'flip' must be true or false; got {params['flip']!r}")


REGULARIZERS.add(
    "cr",
    Regularizer(
        cr_penalty,
        formula="λ E_x ‖D(x) - D(T(x))‖², T = random flip + translation (images) / jitter (points)",
        paper="Zhang, Zhang, Odena & Lee 2020, Consistency Regularization for GANs (ICLR)",
        default_weight=10.0,
        d_outputs=("logit", "embedding"),  # a tensor output; the auto-encoder's AEOutput is a pair
        validate=_cr_validate,
    ),
    aliases=("consistency",),
)


# --- weight clipping (Arjovsky et al. 2017, Algorithm 1) ----------------------------------------
def clip_weights(discriminator, *, c: float = 0.01) -> None:
    """Clamp every parameter of D into [−c, c] in place (run after each D optimizer step)."""
    with torch.no_grad():
        for p in discriminator.parameters():
            p.clamp_(-c, c)


REGULARIZERS.add(
    "clip",
    Regularizer(
        None,
        formula="w ← clip(w, -c, c) after every D step, c = 0.01",
        paper="Arjovsky, Chintala & Bottou 2017, Wasserstein GAN (Algorithm 1)",
        default_weight=0.0,
        after_d_step=clip_weights,
        validate=lambda params: check_positive(params, "c"),
    ),
    aliases=("weight_clipping", "clipping"),
)
