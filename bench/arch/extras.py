"""Optional blocks of the ``conv`` family: SAGAN self-attention and a StyleGAN-style mapping network.

Self-attention (Zhang, Goodfellow, Metaxas & Odena 2019, *Self-Attention Generative Adversarial
Networks*, §3): on features x (B, C, H, W) with N = H·W positions and C̄ = max(1, ⌊C/8⌋),

    f = W_f x, g = W_g x, h = W_h x  (1×1 convs C → C̄),   β = softmax_i(fᵢᵀ gⱼ)  (N × N),
    o = W_v (h β)  (1×1 conv C̄ → C),                        y = γ·o + x,  γ initialised to 0,

so a fresh block is the identity.  Knobs ``g_attention``/``d_attention`` name the resolution of
the hidden level after which the block sits (0: none); the resolutions a network has are
s₀·2ʲ, j = 0 … n−1 (4, 8, 16 at 32×32).

Mapping network (Karras, Laine & Aila 2019, *A Style-Based Generator Architecture for GANs*,
§2): w = MLP(z / √(mean(z²) + 1e-8)) with ``g_mapping`` layers of z_dim units and leaky ReLU
(slope 0.2), fed to G's first layer instead of z.  StyleGAN's 100× lower learning rate of the
mapping layers is not reproduced: G's optimizer is the suite's.
"""

from __future__ import annotations

import torch
from torch import nn


def reduced(channels: int) -> int:
    return max(1, channels // 8)


class SelfAttention(nn.Module):
    """y = γ·W_v(W_h x · softmax(W_f xᵀ W_g x)) + x on (B, C, H, W); shape preserved."""

    def __init__(self, channels: int, wrap=lambda m: m):
        super().__init__()
        inner = reduced(channels)
        self.f, self.g, self.h = (wrap(nn.Conv2d(channels, inner, 1)) for _ in range(3))
        self.v = wrap(nn.Conv2d(inner, channels, 1))
        self.gamma = nn.Parameter(torch.zeros(()))

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        """β (B, N, N): β[b, i, j] = softmax over i of f_iᵀ g_j, the weight of position i for output j."""
        f, g = self.f(x).flatten(2), self.g(x).flatten(2)  # (B, C̄, N)
        return torch.softmax(torch.bmm(f.transpose(1, 2), g), dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, hgt, wid = x.shape
        h = self.h(x).flatten(2)  # (B, C̄, N)
        o = self.v(torch.bmm(h, self.attention(x)).view(b, -1, hgt, wid))
        return x + self.gamma * o


def attention_params(channels: int) -> int:
    """Trainable parameters of :class:`SelfAttention` (γ included)."""
    inner = reduced(channels)
    return 3 * (channels * inner + inner) + inner * channels + channels + 1


class MappingNetwork(nn.Module):
    """z (B, d) → w (B, d): pixel-normalised z through ``depth`` × [linear(d, d) → LeakyReLU(0.2)]."""

    def __init__(self, z_dim: int, depth: int, wrap=lambda m: m):
        super().__init__()
        layers: list[nn.Module] = []
        for _ in range(depth):
            layers += [wrap(nn.Linear(z_dim, z_dim)), nn.LeakyReLU(0.2)]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z * torch.rsqrt(z.pow(2).mean(1, keepdim=True) + 1e-8))


def mapping_params(z_dim: int, depth: int) -> int:
    return depth * (z_dim * z_dim + z_dim)


def level_resolutions(s0: int, n: int) -> list[int]:
    """Sides of the hidden levels: s₀·2ʲ for j = 0 … n−1 (G's level j; D's level n−1−j)."""
    return [s0 * 2 ** j for j in range(n)]


def check_attention(knob: str, resolution: int, s0: int, n: int) -> None:
    """``ValueError`` naming the knob and the possible resolutions if the network has no such level."""
    if resolution and resolution not in level_resolutions(s0, n):
        sides = ", ".join(map(str, level_resolutions(s0, n)))
        raise ValueError(f"knob {knob!r}: no hidden level of side {resolution} at {s0 * 2 ** n}×{s0 * 2 ** n} "
                         f"images; use 0 (off) or one of {sides}")
