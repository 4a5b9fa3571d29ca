"""Small building blocks shared by the architecture families: activations, normalizations, resampling.

Every choice a knob can take is a registry entry here, so an unknown name fails with the list of
valid names (``UnknownNameError``) and the sampler's declared choices can be checked against what
the builders support.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils import parametrizations

from bench.registry import Registry

ACTIVATIONS: Registry = Registry("activation")
ACTIVATIONS.add("relu", lambda: nn.ReLU())
ACTIVATIONS.add("lrelu", lambda: nn.LeakyReLU(0.2), aliases=("leaky_relu", "leakyrelu"))
ACTIVATIONS.add("elu", lambda: nn.ELU())
ACTIVATIONS.add("tanh", lambda: nn.Tanh())


class ShiftedSoftplus(nn.Module):
    """softplus(2x + 2)/2 − 1: the smooth ELU look-alike of WGAN-GP (Gulrajani et al. 2017,
    Table 1 and Appendix D: ELU critics failed under the gradient penalty, this one trained)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.softplus(2.0 * x + 2.0) / 2.0 - 1.0


ACTIVATIONS.add("softplus", lambda: ShiftedSoftplus())


def make_activation(name: str) -> nn.Module:
    return ACTIVATIONS.get(name)()


class Maxout(nn.Module):
    """Maxout units (Goodfellow, Warde-Farley, Mirza, Courville & Bengio 2013, "Maxout Networks"):
    hᵢ(x) = maxⱼ (xᵀWᵢⱼ + bᵢⱼ), j = 1 … k, for i = 1 … n_out — a layer and its nonlinearity in one.
    One ``Linear(n_in, n_out·k)`` (``wrap``: e.g. spectral norm) whose output (B, n_out·k) is read
    as (B, n_out, k) — piece j of unit i is column i·k + j — and maxed over the pieces."""

    def __init__(self, n_in: int, n_out: int, pieces: int, wrap=lambda m: m, init: str = "torch"):
        super().__init__()
        self.n_out, self.pieces = n_out, pieces
        self.linear = wrap(init_linear(nn.Linear(n_in, n_out * pieces), init))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x).view(x.shape[0], self.n_out, self.pieces).amax(dim=2)


# --- initialization ----------------------------------------------------------------------------
# "torch": PyTorch's own default (Kaiming-uniform weights and biases); "normal": weights drawn from
# N(0, 0.02²) and zero biases, the initialization of DCGAN (Radford et al. 2016) and of the code of
# ALI and PacGAN (IsotropicGaussian(0.02), Constant(0)).
INITS = ("torch", "normal")


def init_linear(layer: nn.Linear, kind: str) -> nn.Linear:
    """``layer`` initialized as ``kind`` (one of :data:`INITS`), before any weight wrapper."""
    if kind == "normal":
        nn.init.normal_(layer.weight, 0.0, 0.02)
        nn.init.zeros_(layer.bias)
    elif kind != "torch":
        raise ValueError(f"unknown initialization {kind!r}; valid: {', '.join(INITS)}")
    return layer


# --- normalizations -------------------------------------------------------------------------
# 2-D (conv) normalizations of a (B, C, H, W) tensor.  "layer" normalizes each example over
# (C, H, W) (GroupNorm with one group, as WGAN-GP's critic); "instance" over (H, W) per channel;
# "sn" is spectral normalization of the *weights* (Miyato et al. 2018): no activation
# normalization, every conv/linear layer of the network is wrapped instead (see ``weight_wrapper``).
NORMS_2D: Registry = Registry("2-D normalization")
NORMS_2D.add("none", lambda c: nn.Identity())
NORMS_2D.add("batch", lambda c: nn.BatchNorm2d(c))
NORMS_2D.add("layer", lambda c: nn.GroupNorm(1, c))
NORMS_2D.add("instance", lambda c: nn.InstanceNorm2d(c, affine=True))
NORMS_2D.add("sn", lambda c: nn.Identity())

# 1-D (MLP) normalizations of a (B, F) tensor.
NORMS_1D: Registry = Registry("1-D normalization")
NORMS_1D.add("none", lambda f: nn.Identity())
NORMS_1D.add("batch", lambda f: nn.BatchNorm1d(f))
NORMS_1D.add("layer", lambda f: nn.LayerNorm(f))
NORMS_1D.add("sn", lambda f: nn.Identity())


def norm_2d(kind: str, channels: int) -> nn.Module:
    return NORMS_2D.get(kind)(channels)


def norm_1d(kind: str, features: int) -> nn.Module:
    return NORMS_1D.get(kind)(features)


def weight_wrapper(norm: str):
    """``spectral_norm`` for ``norm == "sn"`` (applied to every conv/linear layer), else identity."""
    if norm == "sn":
        return parametrizations.spectral_norm
    return lambda module: module


# --- resampling -------------------------------------------------------------------------------
UPSAMPLING = ("deconv", "nearest", "bilinear")
DOWNSAMPLING = ("strided", "avgpool")


def conv_same(c_in: int, c_out: int, kernel: int, wrap=lambda m: m) -> nn.Module:
    """k×k convolution keeping the spatial size (odd k, padding k//2)."""
    return wrap(nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2))


def conv_up(kind: str, c_in: int, c_out: int, kernel: int, wrap=lambda m: m) -> nn.Module:
    """×2 upsampling layer: a transposed conv (stride 2, padding k//2, output padding 1, so
    H → 2H for odd k), or nearest/bilinear interpolation followed by a same-size k×k conv."""
    if kind == "deconv":
        return wrap(nn.ConvTranspose2d(c_in, c_out, kernel, stride=2, padding=kernel // 2, output_padding=1))
    if kind in ("nearest", "bilinear"):
        upsample = nn.Upsample(scale_factor=2, mode=kind, **({"align_corners": False} if kind == "bilinear" else {}))
        return nn.Sequential(upsample, conv_same(c_in, c_out, kernel, wrap))
    raise ValueError(f"unknown upsampling {kind!r}; valid: {', '.join(UPSAMPLING)}")


def conv_down(kind: str, c_in: int, c_out: int, kernel: int, wrap=lambda m: m) -> nn.Module:
    """×½ downsampling layer: a stride-2 k×k conv (padding k//2: H → H/2 for even H), or a
    same-size k×k conv followed by 2×2 average pooling."""
    if kind == "strided":
        return wrap(nn.Conv2d(c_in, c_out, kernel, stride=2, padding=kernel // 2))
    if kind == "avgpool":
        return nn.Sequential(conv_same(c_in, c_out, kernel, wrap), nn.AvgPool2d(2))
    raise ValueError(f"unknown downsampling {kind!r}; valid: {', '.join(DOWNSAMPLING)}")
