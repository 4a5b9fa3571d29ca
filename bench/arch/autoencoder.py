"""The auto-encoder D head, for the losses whose D is an auto-encoder (BEGAN, EBGAN).

Built from the same spec as the one-logit D, for any family (``conv`` and ``mlp`` today):

- encoder = the family's D trunk with a k-dim output: x (B, *data_shape) → h (B, k), k = the
  loss's ``embedding_dim``;
- decoder = the family's *generator* architecture with latent size k (G's knobs: widths,
  upsampling, normalization, activation, blocks, and its tanh output for images): h → x̂ of the
  data shape.  BEGAN's decoder has the generator's architecture too (Berthelot et al. 2017, §3.3,
  Fig. 1), with its own weights.

D(x) returns :class:`AEOutput` ``(residual = x − x̂, embedding = h)``; the losses turn the residual
into a per-sample energy (|·|^η for BEGAN, mean square for EBGAN) and may use the embedding
(EBGAN's pull-away term).  A penalty that needs one logit per sample cannot use this head
(``bench.methods.pair_problem`` refuses the pair).

Parameters: |D| = |encoder with k outputs| + |G's architecture at z_dim = k|
(:func:`autoencoder_counts`, with the family's own counter: its closed form when it has one).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from bench.arch.spec import ArchSpec


class AEOutput(NamedTuple):
    """What an auto-encoder D returns for a batch x: ``residual`` x − Dec(Enc(x)) of x's shape and
    ``embedding`` Enc(x) of shape (B, k)."""

    residual: torch.Tensor
    embedding: torch.Tensor


def decoder_spec(spec: ArchSpec, embedding_dim: int) -> ArchSpec:
    """The spec of the decoder: G's architecture with latent size ``embedding_dim``."""
    return ArchSpec(spec.family, dict(spec.knobs), int(embedding_dim), spec.prior)


class AutoencoderDiscriminator(nn.Module):
    """x → :class:`AEOutput`; ``encoder`` maps x to (B, k) (or (B,) when k = 1), ``decoder`` maps
    (B, k) back to x's shape."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def forward(self, x: torch.Tensor) -> AEOutput:
        code = self.encoder(x).reshape(x.shape[0], -1)
        return AEOutput(x - self.decoder(code), code)


def build_autoencoder(family, spec: ArchSpec, data_shape: tuple, embedding_dim: int) -> AutoencoderDiscriminator:
    """The auto-encoder D of ``spec`` (``family`` is its :class:`bench.arch.family.Family`)."""
    encoder = family.discriminator(spec, tuple(data_shape), int(embedding_dim))
    decoder = family.generator(decoder_spec(spec, embedding_dim), tuple(data_shape))
    return AutoencoderDiscriminator(encoder, decoder)


def autoencoder_counts(count_pair, spec: ArchSpec, data_shape: tuple, embedding_dim: int) -> int:
    """|D| of the auto-encoder head; ``count_pair(spec, data_shape, d_out_dim)`` → (|G|, |D|)
    is the family's one-logit counter (closed form or on the meta device)."""
    decoder, encoder = count_pair(decoder_spec(spec, embedding_dim), tuple(data_shape), int(embedding_dim))
    return encoder + decoder
