"""Turning a spec into modules: ``build_pair``, ``sample_latent`` and parameter counts."""

from __future__ import annotations

import torch
from torch import nn

from bench.arch.autoencoder import autoencoder_counts, build_autoencoder
from bench.arch.family import FAMILIES, validate_spec
from bench.arch.spec import ArchSpec


def build_pair(spec: ArchSpec, data_shape: tuple, d_out_dim: int, seed: int,
               d_output: str = "logit", d_shape: tuple | None = None) -> tuple[nn.Module, nn.Module]:
    """G and D for ``spec`` on data of ``data_shape`` ((C, H, W) images or (2,) points); D reads
    inputs of ``d_shape`` when given (PacGAN's packed samples, ``bench.train.d_input``).

    G maps z (B, z_dim) to (B, *data_shape) (tanh for images, linear for points); D maps data to
    (B,) when ``d_out_dim == 1`` else (B, d_out_dim).  With ``d_output="autoencoder"`` (a loss's
    declared D output) D is the auto-encoder head of :mod:`bench.arch.autoencoder` with a
    ``d_out_dim``-dim code.  The same (spec, data_shape, seed) always gives the same initial
    weights: torch's CPU generator is seeded inside a forked RNG state (G is built first, so its
    weights do not depend on D's head).
    """
    validate_spec(spec)
    family = FAMILIES.get(spec.family)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        generator = family.generator(spec, tuple(data_shape))
        discriminator = _discriminator(family, spec, tuple(d_shape or data_shape), d_out_dim, d_output)
    return generator, discriminator


def _discriminator(family, spec: ArchSpec, data_shape: tuple, d_out_dim: int, d_output: str) -> nn.Module:
    if d_output == "autoencoder":
        return build_autoencoder(family, spec, data_shape, d_out_dim)
    return family.discriminator(spec, data_shape, d_out_dim)


def param_counts(spec: ArchSpec, data_shape: tuple, d_out_dim: int = 1, d_output: str = "logit") -> tuple[int, int]:
    """(trainable parameters of G, of D) at ``data_shape``: the family's closed form when it
    declares one (``Family.count_params``: microseconds, so the sampler can budget thousands of
    candidates), otherwise counted on modules built on the meta device (no memory, no initialization).
    ``d_output="autoencoder"``: D is the auto-encoder head (encoder + decoder, see
    :func:`bench.arch.autoencoder.autoencoder_counts`) with a ``d_out_dim``-dim code."""
    validate_spec(spec)
    counter = FAMILIES.get(spec.family).count_params or module_param_counts
    g_params, d_params = counter(spec, tuple(data_shape), d_out_dim)
    if d_output == "autoencoder":
        d_params = autoencoder_counts(counter, spec, tuple(data_shape), d_out_dim)
    return g_params, d_params


def meta_pair(spec: ArchSpec, data_shape: tuple, d_out_dim: int = 1) -> tuple[nn.Module, nn.Module]:
    """G and D of ``spec`` on the meta device: shapes and parameters, no memory, no initialization.

    Spectral norm adds buffers (u, v), not parameters, and its power iteration is slow on the meta
    device, so the networks are built without it (same parameters, same shapes).
    """
    family = FAMILIES.get(spec.family)
    knobs = {name: ("none" if value == "sn" else value) for name, value in spec.knobs.items()}
    spec = ArchSpec(spec.family, knobs, spec.z_dim, spec.prior)
    with torch.device("meta"):
        return family.generator(spec, tuple(data_shape)), family.discriminator(spec, tuple(data_shape), d_out_dim)


def module_param_counts(spec: ArchSpec, data_shape: tuple, d_out_dim: int = 1) -> tuple[int, int]:
    """(G, D) trainable parameter counts of modules built on the meta device (:func:`meta_pair`)."""
    count = lambda module: sum(p.numel() for p in module.parameters() if p.requires_grad)  # noqa: E731
    return tuple(count(module) for module in meta_pair(spec, data_shape, d_out_dim))


def sample_latent(spec: ArchSpec, batch: int, device=None, generator: torch.Generator | None = None) -> torch.Tensor:
    """z ~ N(0, I) or U[−1, 1]^z_dim, per the spec's prior; shape (batch, z_dim)."""
    if spec.prior == "uniform":
        return torch.rand(batch, spec.z_dim, device=device, generator=generator) * 2 - 1
    return torch.randn(batch, spec.z_dim, device=device, generator=generator)
