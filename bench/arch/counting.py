"""Closed-form parameter counts of single layers, from which the families' counts are built
(``count_params`` of :mod:`bench.arch.conv` and :mod:`bench.arch.mlp`; no module is built).

The sampler checks a parameter budget on every candidate, thousands of times per catalogue, so
counting must cost microseconds.  The family formulas mirror their builders layer by layer; a
test compares them with ``sum(p.numel())`` of the real modules for every swept architecture.

conv(c_in, c_out, k) = c_in·c_out·k² + c_out  (Conv2d, ConvTranspose2d, resize + conv alike)
linear(a, b) = a·b + b;  norm(c) = 2c for batch/layer/instance (affine), 0 for none/sn.
"""

from __future__ import annotations


def conv_layer(c_in: int, c_out: int, kernel: int) -> int:
    return c_in * c_out * kernel * kernel + c_out


def linear_layer(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def norm_layer(kind: str, channels: int) -> int:
    return 0 if kind in ("none", "sn") else 2 * channels
