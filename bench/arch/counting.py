"""Closed-form parameter counts of the conv and MLP families (no module is built).

The sampler checks a parameter budget on every candidate, thousands of times per catalogue, so
counting must cost microseconds.  These formulas mirror the builders layer by layer; a test
compares them with ``sum(p.numel())`` of the real modules for every swept architecture.

conv(c_in, c_out, k) = c_in·c_out·k² + c_out  (Conv2d, ConvTranspose2d, resize + conv alike)
linear(a, b) = a·b + b;  norm(c) = 2c for batch/layer/instance (affine), 0 for none/sn.
"""

from __future__ import annotations

import math

from bench.arch.blocks import spread
from bench.arch.conv import CONV_DEFAULTS, image_plan
from bench.arch.extras import attention_params, check_attention, mapping_params
from bench.arch.mlp import MLP_DEFAULTS


def _conv(c_in: int, c_out: int, kernel: int) -> int:
    return c_in * c_out * kernel * kernel + c_out


def _linear(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def _norm(kind: str, channels: int) -> int:
    return 0 if kind in ("none", "sn") else 2 * channels


def _extras(count: int, channels: int, kernel: int, norm: str) -> int:
    """Plain: count × (conv + norm); residual: the same convs, each preceded by a norm."""
    return count * (_conv(channels, channels, kernel) + _norm(norm, channels))


def conv_generator_params(knobs: dict, z_dim: int, data_shape: tuple) -> int:
    k = {**CONV_DEFAULTS, **knobs}
    channels, s0, n = image_plan(data_shape)
    widths = [k["g_filters"] * 2 ** (n - 1 - level) for level in range(n)]
    norm, kernel, residual = k["g_norm"], k["g_kernel"], k["g_block"] == "residual"
    check_attention("g_attention", k["g_attention"], s0, n)
    # one norm after the projection (plain) or before the output layer (residual)
    total = _linear(z_dim, widths[0] * s0 * s0) + _norm(norm, widths[-1] if residual else widths[0])
    for level, extra in enumerate(spread(k["g_extra_layers"], n)):
        total += _extras(extra, widths[level], kernel, norm)
        if k["g_attention"] == s0 * 2 ** level:
            total += attention_params(widths[level])
        if level < n - 1:
            c_in, c_out = widths[level], widths[level + 1]
            total += _conv(c_in, c_out, kernel) + _norm(norm, c_out)
            if residual:
                total += _norm(norm, c_in) + _conv(c_out, c_out, kernel) + _conv(c_in, c_out, 1)
    return total + _conv(widths[-1], channels, kernel) + mapping_params(z_dim, k["g_mapping"])


def conv_discriminator_params(knobs: dict, data_shape: tuple, out_dim: int) -> int:
    k = {**CONV_DEFAULTS, **knobs}
    channels, s0, n = image_plan(data_shape)
    widths = [k["d_filters"] * 2 ** level for level in range(n)]
    norm, kernel, residual = k["d_norm"], k["d_kernel"], k["d_block"] == "residual"
    check_attention("d_attention", k["d_attention"], s0, n)
    total = _conv(channels, widths[0], kernel)
    for level, extra in enumerate(reversed(spread(k["d_extra_layers"], n))):
        total += _extras(extra, widths[level], kernel, norm)
        if k["d_attention"] == s0 * 2 ** (n - 1 - level):
            total += attention_params(widths[level])
        if level < n - 1:
            c_in, c_out = widths[level], widths[level + 1]
            total += _conv(c_in, c_out, kernel) + _norm(norm, c_out)
            if residual:
                total += _norm(norm, c_in) + _conv(c_in, c_in, kernel) + _conv(c_in, c_out, 1)
                total += _norm(norm, c_in) - _norm(norm, c_out)  # both norms of the main path act on c_in
    return total + _linear(widths[-1] * s0 * s0, out_dim)


def mlp_params(n_in: int, n_out: int, width: int, depth: int, norm: str) -> int:
    total, size = 0, n_in
    for _ in range(depth):
        total += _linear(size, width) + _norm(norm, width)
        size = width
    return total + _linear(size, n_out)


def closed_form_counts(family: str, knobs: dict, z_dim: int, data_shape: tuple, d_out_dim: int) -> tuple[int, int]:
    """(G, D) trainable parameter counts of a ``conv`` or ``mlp`` spec at ``data_shape``."""
    if family == "conv":
        return (conv_generator_params(knobs, z_dim, data_shape),
                conv_discriminator_params(knobs, data_shape, d_out_dim))
    if family == "mlp":
        k = {**MLP_DEFAULTS, **knobs}
        size = math.prod(data_shape)
        return (mlp_params(z_dim, size, k["g_width"], k["g_depth"], k["g_norm"]),
                mlp_params(size, d_out_dim, k["d_width"], k["d_depth"], k["d_norm"]))
    raise ValueError(f"no closed-form parameter count for family {family!r}")
