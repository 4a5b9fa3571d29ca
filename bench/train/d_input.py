"""What D sees: the one place where the trainer transforms D's input (DiffAugment, then PacGAN packing).

Every D evaluation of a trial — D's loss on real and fake, G's loss, and the penalties, which get
this view as their ``discriminator`` — goes through :class:`DiscriminatorInput`, so the
transforms apply identically everywhere (DiffAugment's code augments inside D's forward; PacGAN's
code computes everything on packed inputs).  With no augmentation and ``pac = 1`` it is D itself.

PacGAN (Lin, Khetan, Fanti & Oh 2018, *PacGAN: The power of two samples in generative adversarial
networks*, fjxmlzn/PacGAN): D judges m samples at once, ``D_m(x₁, …, x_m)``; images are
concatenated along channels, points along features.  As in the authors' code, a step draws
``batch_size · m`` real and ``batch_size · m`` fake samples, so D's loss averages ``batch_size``
packs; packs are consecutive groups of m samples of the (randomly drawn) batch.
"""

from __future__ import annotations

from typing import Sequence

import torch

from bench.diffaugment import diff_augment


def pack(x: torch.Tensor, m: int) -> torch.Tensor:
    """(B·m, C, H, W) → (B, m·C, H, W), or (B·m, d) → (B, m·d): sample j of pack i is
    ``x[i·m + j]`` and fills channels (features) ``j·C … (j+1)·C − 1``.  ``m = 1`` returns ``x``."""
    if m == 1:
        return x
    if x.shape[0] % m:
        raise ValueError(f"cannot pack a batch of {x.shape[0]} samples into packs of {m}")
    return x.reshape(x.shape[0] // m, m * x.shape[1], *x.shape[2:])


def packed_shape(data_shape: tuple, m: int) -> tuple:
    """The shape of one packed sample: (m·C, H, W) or (m·d,)."""
    return (m * data_shape[0], *data_shape[1:])


class DiscriminatorInput:
    """``x ↦ D(pack_m(T(x)))`` with T the DiffAugment ``policy`` (``()``: none)."""

    def __init__(self, discriminator: torch.nn.Module, *, pac: int = 1, policy: Sequence[str] = ()):
        self.module, self.pac, self.policy = discriminator, int(pac), tuple(policy)

    def transform(self, x: torch.Tensor) -> torch.Tensor:
        return pack(diff_augment(x, self.policy), self.pac)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.module(self.transform(x))

    def parameters(self):
        return self.module.parameters()
