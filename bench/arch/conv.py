"""DCGAN-family convolutional G and D for square images of side r = s₀·2ⁿ (s₀ ∈ [4, 7], n ≥ 1).

Layout (Radford et al. 2016; at r = 32 with no extra layers it is exactly the 4-layer DCGAN of
WGAN-GP's ``gan_cifar.py``, i.e. "depth 4" of WGAN-GP Table 1):

G: z → linear → (w₀, s₀, s₀) → [levels ℓ = 0 … n−1: ``extra`` same-size convs, then ×2 upsampling
   to w_{ℓ+1}] → final ×2 upsampling conv to C channels → tanh ∈ [−1, 1].
   Widths w_ℓ = g_filters · 2^(n−1−ℓ): the last hidden level has ``g_filters`` channels.
D: x → ×½ conv to d_filters (no normalization, DCGAN) → [levels ℓ = 1 … n: ``extra`` same-size
   convs, then ×½ downsampling to 2·w] → flatten → linear → (B,) logit or (B, k) embedding.
   Widths w_ℓ = d_filters · 2^(ℓ−1).

``g_extra_layers``/``d_extra_layers`` extra same-resolution convs are spread over the n levels
(``blocks.spread``); WGAN-GP's depths {4, 8, 12, 20} at 32×32 are 0, 4, 8, 16 extra layers.
With ``*_block: residual`` every resampling step and every pair of extra convs is a
pre-activation residual block.  ``*_norm: sn`` wraps every conv/linear layer of that network in
spectral normalization (Miyato et al. 2018) instead of normalizing activations.

:data:`CONV` is the family's registry entry: closed-form parameter counts (:func:`conv_counts`),
the shape check (:func:`image_plan`), the depths as result columns (:func:`conv_depths`).
"""

from __future__ import annotations

from torch import nn

from bench.arch.blocks import ResidualDown, ResidualUp, extra_layers, plain_layer, spread
from bench.arch.counting import conv_layer, linear_layer, norm_layer
from bench.arch.extras import MappingNetwork, SelfAttention, attention_params, check_attention, mapping_params
from bench.arch.interface import Family
from bench.arch.knobs import Domain
from bench.arch.layers import (
    ACTIVATIONS, DOWNSAMPLING, NORMS_2D, UPSAMPLING, conv_down, conv_up, make_activation, norm_2d, weight_wrapper,
)

CONV_DEFAULTS = {
    "g_filters": 64, "d_filters": 64, "g_extra_layers": 0, "d_extra_layers": 0,
    "g_norm": "batch", "d_norm": "none", "g_act": "relu", "d_act": "lrelu",
    "g_kernel": 5, "d_kernel": 5, "g_upsample": "deconv", "d_downsample": "strided",
    "g_block": "plain", "d_block": "plain",
    "g_attention": 0, "d_attention": 0, "g_mapping": 0,
}
"""The DCGAN of WGAN-GP's ``gan_cifar.py`` (5×5 kernels, BN in G only): used for knobs a spec omits."""

CONV_DOMAINS = {
    "g_filters": Domain.integer(1, 1024, "channels of G's last hidden level (doubling towards z)"),
    "d_filters": Domain.integer(1, 1024, "channels of D's first level (doubling with depth)"),
    "g_extra_layers": Domain.integer(0, 64, "extra same-resolution convs in G (WGAN-GP depth − 4)"),
    "d_extra_layers": Domain.integer(0, 64, "extra same-resolution convs in D (WGAN-GP depth − 4)"),
    "g_norm": Domain.choice(NORMS_2D.names(), "normalization in G"),
    "d_norm": Domain.choice(NORMS_2D.names(), "normalization in D (sn: spectral norm of every layer)"),
    "g_act": Domain.choice(ACTIVATIONS.names(), "nonlinearity of G"),
    "d_act": Domain.choice(ACTIVATIONS.names(), "nonlinearity of D"),
    "g_kernel": Domain.choice((3, 5, 7), "kernel size of G's convs"),
    "d_kernel": Domain.choice((3, 5, 7), "kernel size of D's convs"),
    "g_upsample": Domain.choice(UPSAMPLING, "deconv: transposed conv; nearest/bilinear: resize + conv"),
    "d_downsample": Domain.choice(DOWNSAMPLING, "strided: stride-2 conv; avgpool: conv + 2×2 mean pool"),
    "g_block": Domain.choice(("plain", "residual"), "plain DCGAN layers or pre-activation residual blocks"),
    "d_block": Domain.choice(("plain", "residual"), "plain DCGAN layers or pre-activation residual blocks"),
    "g_attention": Domain.integer(0, 1024, "side of G's hidden level followed by a SAGAN self-attention block (0: none)"),
    "d_attention": Domain.integer(0, 1024, "side of D's hidden level followed by a SAGAN self-attention block (0: none)"),
    "g_mapping": Domain.integer(0, 16, "layers of a StyleGAN-style mapping network z → w in front of G (0: none)"),
}
CONV_OPTIONAL = ("g_attention", "d_attention", "g_mapping")
"""Knobs that are off by default and that a declared space may leave out (it then never draws them),
so spaces and catalogues made before they existed keep their samples and ids."""


def resolution_plan(resolution: int) -> tuple[int, int]:
    """(s₀, n) with resolution = s₀·2ⁿ, halving while the result stays ≥ 4 and even."""
    size, n = resolution, 0
    while size % 2 == 0 and size // 2 >= 4:
        size, n = size // 2, n + 1
    if n == 0 or size > 7:
        raise ValueError(f"resolution {resolution} is not supported (need s0*2^n with n >= 1, 4 <= s0 <= 7)")
    return size, n


def image_plan(data_shape: tuple) -> tuple[int, int, int]:
    """(channels, s₀, n) for a (C, H, W) shape with H == W."""
    if len(data_shape) != 3 or data_shape[1] != data_shape[2]:
        raise ValueError(f"the conv family needs square images (C, H, H); got shape {tuple(data_shape)}")
    s0, n = resolution_plan(int(data_shape[1]))
    return int(data_shape[0]), s0, n


class ConvGenerator(nn.Module):
    """z (B, z_dim) → images (B, C, H, W) in [−1, 1]."""

    def __init__(self, spec, data_shape: tuple[int, int, int]):
        super().__init__()
        k = {**CONV_DEFAULTS, **spec.knobs}
        channels, s0, n = image_plan(data_shape)
        widths = [k["g_filters"] * 2 ** (n - 1 - level) for level in range(n)]
        wrap, residual = weight_wrapper(k["g_norm"]), k["g_block"] == "residual"
        norm, act, kernel = k["g_norm"], k["g_act"], k["g_kernel"]
        check_attention("g_attention", k["g_attention"], s0, n)
        self.start = (widths[0], s0, s0)
        self.project = wrap(nn.Linear(spec.z_dim, widths[0] * s0 * s0))
        layers: list[nn.Module] = [] if residual else [norm_2d(norm, widths[0]), make_activation(act)]
        for level, extra in enumerate(spread(k["g_extra_layers"], n)):
            layers += extra_layers(extra, widths[level], kernel, norm, act, wrap, residual)
            if k["g_attention"] == s0 * 2 ** level:
                layers.append(SelfAttention(widths[level], wrap))
            if level == n - 1:
                break
            c_in, c_out = widths[level], widths[level + 1]
            if residual:
                layers.append(ResidualUp(c_in, c_out, kernel, k["g_upsample"], norm, act, wrap))
            else:
                layers += plain_layer(conv_up(k["g_upsample"], c_in, c_out, kernel, wrap), c_out, norm, act)
        if residual:
            layers += [norm_2d(norm, widths[-1]), make_activation(act)]
        layers += [conv_up(k["g_upsample"], widths[-1], channels, kernel, wrap), nn.Tanh()]
        self.body = nn.Sequential(*layers)
        self.mapping = MappingNetwork(spec.z_dim, k["g_mapping"], wrap) if k["g_mapping"] else None

    def forward(self, z):
        w = self.mapping(z) if self.mapping is not None else z
        return self.body(self.project(w).view(z.shape[0], *self.start))


class ConvDiscriminator(nn.Module):
    """images (B, C, H, W) → (B,) when ``out_dim == 1`` else (B, out_dim)."""

    def __init__(self, spec, data_shape: tuple[int, int, int], out_dim: int):
        super().__init__()
        k = {**CONV_DEFAULTS, **spec.knobs}
        channels, s0, n = image_plan(data_shape)
        widths = [k["d_filters"] * 2 ** level for level in range(n)]
        wrap, residual = weight_wrapper(k["d_norm"]), k["d_block"] == "residual"
        norm, act, kernel, down = k["d_norm"], k["d_act"], k["d_kernel"], k["d_downsample"]
        check_attention("d_attention", k["d_attention"], s0, n)
        layers: list[nn.Module] = [conv_down(down, channels, widths[0], kernel, wrap), make_activation(act)]
        extras = list(reversed(spread(k["d_extra_layers"], n)))  # D's levels run from high to low resolution
        for level, extra in enumerate(extras):
            layers += extra_layers(extra, widths[level], kernel, norm, act, wrap, residual)
            if k["d_attention"] == s0 * 2 ** (n - 1 - level):
                layers.append(SelfAttention(widths[level], wrap))
            if level == n - 1:
                break
            c_in, c_out = widths[level], widths[level + 1]
            if residual:
                layers.append(ResidualDown(c_in, c_out, kernel, down, norm, act, wrap))
            else:
                layers += plain_layer(conv_down(down, c_in, c_out, kernel, wrap), c_out, norm, act)
        if residual:
            layers.append(make_activation(act))
        self.body = nn.Sequential(*layers)
        self.out_dim = out_dim
        self.feature_dim = widths[-1] * s0 * s0
        self.head = wrap(nn.Linear(self.feature_dim, out_dim))

    def features(self, x):
        """D's trunk: everything before the output layer, flattened to (B, feature_dim)."""
        return self.body(x).flatten(1)

    def forward(self, x):
        out = self.head(self.features(x))
        return out.squeeze(1) if self.out_dim == 1 else out


def conv_depths(spec, data_shape: tuple) -> tuple[int, int]:
    """Number of weight layers (conv + linear, 1×1 skip convs excluded) of G and D at ``data_shape``.
    Plain networks at 32×32 have WGAN-GP Table 1's depth (4 + extra layers); a residual network
    has one more conv in each of its n − 1 resampling blocks."""
    k = {**CONV_DEFAULTS, **spec.knobs}
    _, _, n = image_plan(data_shape)
    g_res, d_res = (n - 1 if k[f"{net}_block"] == "residual" else 0 for net in ("g", "d"))
    return 1 + n + k["g_extra_layers"] + g_res, n + 1 + k["d_extra_layers"] + d_res


def _extra_params(count: int, channels: int, kernel: int, norm: str) -> int:
    """Plain: count × (conv + norm); residual: the same convs, each preceded by a norm."""
    return count * (conv_layer(channels, channels, kernel) + norm_layer(norm, channels))


def conv_generator_params(knobs: dict, z_dim: int, data_shape: tuple) -> int:
    """Trainable parameters of :class:`ConvGenerator` (closed form, layer by layer)."""
    k = {**CONV_DEFAULTS, **knobs}
    channels, s0, n = image_plan(data_shape)
    widths = [k["g_filters"] * 2 ** (n - 1 - level) for level in range(n)]
    norm, kernel, residual = k["g_norm"], k["g_kernel"], k["g_block"] == "residual"
    check_attention("g_attention", k["g_attention"], s0, n)
    # one norm after the projection (plain) or before the output layer (residual)
    total = linear_layer(z_dim, widths[0] * s0 * s0) + norm_layer(norm, widths[-1] if residual else widths[0])
    for level, extra in enumerate(spread(k["g_extra_layers"], n)):
        total += _extra_params(extra, widths[level], kernel, norm)
        if k["g_attention"] == s0 * 2 ** level:
            total += attention_params(widths[level])
        if level < n - 1:
            c_in, c_out = widths[level], widths[level + 1]
            total += conv_layer(c_in, c_out, kernel) + norm_layer(norm, c_out)
            if residual:
                total += norm_layer(norm, c_in) + conv_layer(c_out, c_out, kernel) + conv_layer(c_in, c_out, 1)
    return total + conv_layer(widths[-1], channels, kernel) + mapping_params(z_dim, k["g_mapping"])


def conv_discriminator_params(knobs: dict, data_shape: tuple, out_dim: int) -> int:
    """Trainable parameters of :class:`ConvDiscriminator` (closed form, layer by layer)."""
    k = {**CONV_DEFAULTS, **knobs}
    channels, s0, n = image_plan(data_shape)
    widths = [k["d_filters"] * 2 ** level for level in range(n)]
    norm, kernel, residual = k["d_norm"], k["d_kernel"], k["d_block"] == "residual"
    check_attention("d_attention", k["d_attention"], s0, n)
    total = conv_layer(channels, widths[0], kernel)
    for level, extra in enumerate(reversed(spread(k["d_extra_layers"], n))):
        total += _extra_params(extra, widths[level], kernel, norm)
        if k["d_attention"] == s0 * 2 ** (n - 1 - level):
            total += attention_params(widths[level])
        if level < n - 1:
            c_in, c_out = widths[level], widths[level + 1]
            total += conv_layer(c_in, c_out, kernel) + norm_layer(norm, c_out)
            if residual:
                total += norm_layer(norm, c_in) + conv_layer(c_in, c_in, kernel) + conv_layer(c_in, c_out, 1)
                total += norm_layer(norm, c_in) - norm_layer(norm, c_out)  # both norms of the main path act on c_in
    return total + linear_layer(widths[-1] * s0 * s0, out_dim)


def conv_counts(spec, data_shape: tuple, d_out_dim: int) -> tuple[int, int]:
    """(|G|, |D|) of ``spec`` at ``data_shape`` in closed form."""
    return (conv_generator_params(spec.knobs, spec.z_dim, data_shape),
            conv_discriminator_params(spec.knobs, data_shape, d_out_dim))


def conv_properties(spec, data_shape: tuple) -> dict:
    """``g_depth``/``d_depth``: the weight layers of G and D (:func:`conv_depths`)."""
    g_depth, d_depth = conv_depths(spec, data_shape)
    return {"g_depth": g_depth, "d_depth": d_depth}


def conv_g_layers(generator: ConvGenerator, data_shape: tuple) -> list:
    return [generator.project, ("reshape", lambda h: h.view(h.shape[0], *generator.start)), *generator.body]


def conv_d_layers(discriminator: ConvDiscriminator, data_shape: tuple) -> list:
    return [*discriminator.body, ("flatten", lambda h: h.flatten(1)), discriminator.head]


CONV = Family(
    ConvGenerator, ConvDiscriminator, "image", CONV_DEFAULTS, CONV_DOMAINS, CONV_OPTIONAL,
    count_params=conv_counts, check_shape=image_plan, properties=conv_properties,
    short_knobs=("g_filters", "d_filters", "g_extra_layers", "d_extra_layers", "g_norm", "d_norm", "g_act", "d_act",
                 "g_kernel", "d_kernel", "g_upsample", "d_downsample", "g_block", "d_block"),
    g_layers=conv_g_layers, d_layers=conv_d_layers,
)
