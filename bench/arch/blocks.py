"""Convolutional blocks of the ``conv`` family: plain DCGAN layers and pre-activation residual blocks.

Plain layer (DCGAN, Radford et al. 2016):   x → conv → norm → act.
Residual block (pre-activation, as in WGAN-GP's ResNet, Gulrajani et al. 2017 Appendix F):
    x → [norm → act → conv]×m → (+ skip(x)),  m ∈ {1, 2}
where a resampling block changes the size inside the main path (upsampling before the first
conv in G, downsampling in the last conv of D) and its skip path is a 1×1 conv with nearest
upsampling / 2×2 average pooling; same-size blocks use the identity skip.
"""

from __future__ import annotations

from torch import nn

from bench.arch.layers import conv_down, conv_same, conv_up, make_activation, norm_2d


def plain_layer(conv: nn.Module, channels: int, norm: str, act: str) -> list[nn.Module]:
    return [conv, norm_2d(norm, channels), make_activation(act)]


class ResidualBlock(nn.Module):
    """Same-size pre-activation residual block with ``convs`` k×k convolutions (1 or 2)."""

    def __init__(self, channels: int, kernel: int, norm: str, act: str, wrap, convs: int = 2):
        super().__init__()
        layers: list[nn.Module] = []
        for _ in range(convs):
            layers += [norm_2d(norm, channels), make_activation(act), conv_same(channels, channels, kernel, wrap)]
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.main(x)


class ResidualUp(nn.Module):
    """Pre-activation block doubling H and W: main = norm→act→up-conv→norm→act→conv."""

    def __init__(self, c_in: int, c_out: int, kernel: int, upsample: str, norm: str, act: str, wrap):
        super().__init__()
        self.main = nn.Sequential(
            norm_2d(norm, c_in), make_activation(act), conv_up(upsample, c_in, c_out, kernel, wrap),
            norm_2d(norm, c_out), make_activation(act), conv_same(c_out, c_out, kernel, wrap),
        )
        self.skip = nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), wrap(nn.Conv2d(c_in, c_out, 1)))

    def forward(self, x):
        return self.main(x) + self.skip(x)


class ResidualDown(nn.Module):
    """Pre-activation block halving H and W: main = norm→act→conv→norm→act→down-conv."""

    def __init__(self, c_in: int, c_out: int, kernel: int, downsample: str, norm: str, act: str, wrap):
        super().__init__()
        self.main = nn.Sequential(
            norm_2d(norm, c_in), make_activation(act), conv_same(c_in, c_in, kernel, wrap),
            norm_2d(norm, c_in), make_activation(act), conv_down(downsample, c_in, c_out, kernel, wrap),
        )
        self.skip = nn.Sequential(wrap(nn.Conv2d(c_in, c_out, 1)), nn.AvgPool2d(2))

    def forward(self, x):
        return self.main(x) + self.skip(x)


def extra_layers(count: int, channels: int, kernel: int, norm: str, act: str, wrap, residual: bool) -> list[nn.Module]:
    """``count`` extra same-resolution conv layers: plain layers, or residual blocks of two convs
    (an odd count ends with a one-conv block), so the number of convolutions is always ``count``."""
    if not residual:
        layers: list[nn.Module] = []
        for _ in range(count):
            layers += plain_layer(conv_same(channels, channels, kernel, wrap), channels, norm, act)
        return layers
    blocks = [ResidualBlock(channels, kernel, norm, act, wrap, 2) for _ in range(count // 2)]
    if count % 2:
        blocks.append(ResidualBlock(channels, kernel, norm, act, wrap, 1))
    return blocks


def spread(total: int, levels: int) -> list[int]:
    """Split ``total`` extra layers over ``levels`` as evenly as possible, listed from the lowest
    to the highest resolution; the remainder goes to the highest resolutions (fewest parameters)."""
    base, rest = divmod(total, levels)
    return [base + (1 if i >= levels - rest else 0) for i in range(levels)]
