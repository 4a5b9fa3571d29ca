"""MLP family, for low-dimensional data (2-D Gaussian mixtures) and flattened images.

G: z → depth × [linear(width) → norm → act] → linear → data (points: linear output; images:
   reshaped to (C, H, W) and squashed by tanh into [−1, 1], like WGAN-GP's "4-layer 512-dim ReLU
   MLP generator", Gulrajani et al. 2017 §5.2).
D: x.flatten → depth × [linear(width) → norm → act] → linear → (B,) logit or (B, k) embedding.
``norm: sn`` wraps every linear layer of that network in spectral normalization (Miyato 2018).
``d_act: maxout`` makes D's hidden layers maxout units of ``d_pieces`` pieces (Goodfellow et al.
2013; :class:`~bench.arch.layers.Maxout`): maxout(width, k) → norm, the maxout being the
nonlinearity — PacGAN's 2-D discriminator is 3 such layers of 200 units, 5 pieces.  ``init``
is the weight initialization of every linear layer of G and D (:data:`~bench.arch.layers.INITS`).
``d_pieces`` and ``init`` are optional knobs (spaces may leave them out, so the ids of the
architectures drawn before they existed are unchanged); ``d_pieces`` is refused unless
``d_act: maxout``.  Any non-empty data shape works (it is flattened).  :data:`MLP` is the
family's registry entry, with closed-form parameter counts (:func:`mlp_counts`).
"""

from __future__ import annotations

import math

from torch import nn

from bench.arch.counting import linear_layer, norm_layer
from bench.arch.interface import Family
from bench.arch.knobs import Domain
from bench.arch.layers import (ACTIVATIONS, INITS, NORMS_1D, Maxout, init_linear, make_activation, norm_1d,
                               weight_wrapper)

MAXOUT = "maxout"
MLP_DEFAULTS = {
    "g_width": 128, "g_depth": 3, "d_width": 128, "d_depth": 3,
    "g_act": "relu", "d_act": "lrelu", "g_norm": "none", "d_norm": "none",
    "d_pieces": 5, "init": "torch",
}
MLP_OPTIONAL = ("d_pieces", "init")

MLP_DOMAINS = {
    "g_width": Domain.integer(1, 4096, "hidden units per layer of G"),
    "d_width": Domain.integer(1, 4096, "hidden units per layer of D"),
    "g_depth": Domain.integer(0, 32, "hidden layers of G"),
    "d_depth": Domain.integer(0, 32, "hidden layers of D"),
    "g_act": Domain.choice(ACTIVATIONS.names(), "nonlinearity of G"),
    "d_act": Domain.choice((*ACTIVATIONS.names(), MAXOUT), "nonlinearity of D (maxout: maxout units, d_pieces pieces)"),
    "g_norm": Domain.choice(NORMS_1D.names(), "normalization in G"),
    "d_norm": Domain.choice(NORMS_1D.names(), "normalization in D (sn: spectral norm of every layer)"),
    "d_pieces": Domain.integer(2, 64, "linear pieces per maxout unit of D (with d_act: maxout)"),
    "init": Domain.choice(INITS, "weight initialization of G and D (normal: N(0, 0.02²), zero biases)"),
}


def mlp_knobs(spec) -> dict:
    """The spec's knobs over the defaults; ``d_pieces`` without ``d_act: maxout`` is refused."""
    if "d_pieces" in spec.knobs and spec.knobs.get("d_act") != MAXOUT:
        raise ValueError(f"knob 'd_pieces' applies to maxout units only; d_act is {spec.knobs.get('d_act', 'lrelu')!r}")
    return {**MLP_DEFAULTS, **spec.knobs}


def _mlp(n_in: int, n_out: int, width: int, depth: int, act: str, norm: str, *, init: str = "torch",
         pieces: int = 1) -> nn.Sequential:
    wrap = weight_wrapper(norm)
    layers: list[nn.Module] = []
    size = n_in
    for _ in range(depth):
        if act == MAXOUT:
            layers += [Maxout(size, width, pieces, wrap, init), norm_1d(norm, width)]
        else:
            layers += [wrap(init_linear(nn.Linear(size, width), init)), norm_1d(norm, width), make_activation(act)]
        size = width
    layers.append(wrap(init_linear(nn.Linear(size, n_out), init)))
    return nn.Sequential(*layers)


class MLPGenerator(nn.Module):
    def __init__(self, spec, data_shape: tuple[int, ...]):
        super().__init__()
        k = mlp_knobs(spec)
        self.data_shape = tuple(data_shape)
        self.net = _mlp(spec.z_dim, math.prod(data_shape), k["g_width"], k["g_depth"], k["g_act"], k["g_norm"],
                        init=k["init"])
        self.squash = nn.Tanh() if len(self.data_shape) == 3 else nn.Identity()

    def forward(self, z):
        return self.squash(self.net(z).view(z.shape[0], *self.data_shape))


class MLPDiscriminator(nn.Module):
    def __init__(self, spec, data_shape: tuple[int, ...], out_dim: int):
        super().__init__()
        k = mlp_knobs(spec)
        self.out_dim = out_dim
        self.net = _mlp(math.prod(data_shape), out_dim, k["d_width"], k["d_depth"], k["d_act"], k["d_norm"],
                        init=k["init"], pieces=k["d_pieces"])
        self.feature_dim = k["d_width"] if k["d_depth"] else math.prod(data_shape)

    def features(self, x):
        """D's trunk: every layer but the last, (B, feature_dim)."""
        return self.net[:-1](x.flatten(1))

    def forward(self, x):
        out = self.net[-1](self.features(x))
        return out.squeeze(1) if self.out_dim == 1 else out


def mlp_params(n_in: int, n_out: int, width: int, depth: int, norm: str, pieces: int = 1) -> int:
    """Σ over hidden layers of linear(size, width·k) + norm(width), plus linear(width, n_out);
    k = 1 for a plain layer, k pieces for a maxout layer."""
    total, size = 0, n_in
    for _ in range(depth):
        total += linear_layer(size, width * pieces) + norm_layer(norm, width)
        size = width
    return total + linear_layer(size, n_out)


def mlp_counts(spec, data_shape: tuple, d_out_dim: int) -> tuple[int, int]:
    """(|G|, |D|) of ``spec`` at ``data_shape`` in closed form."""
    k = mlp_knobs(spec)
    size = math.prod(data_shape)
    pieces = k["d_pieces"] if k["d_act"] == MAXOUT else 1
    return (mlp_params(spec.z_dim, size, k["g_width"], k["g_depth"], k["g_norm"]),
            mlp_params(size, d_out_dim, k["d_width"], k["d_depth"], k["d_norm"], pieces))


def mlp_g_layers(generator: MLPGenerator, data_shape: tuple) -> list:
    return [*generator.net, ("reshape", lambda h: h.view(h.shape[0], *data_shape)), generator.squash]


def mlp_d_layers(discriminator: MLPDiscriminator, data_shape: tuple) -> list:
    return [("flatten", lambda h: h.flatten(1)), *discriminator.net]


MLP = Family(
    MLPGenerator, MLPDiscriminator, "points", MLP_DEFAULTS, MLP_DOMAINS, optional=MLP_OPTIONAL,
    count_params=mlp_counts,
    short_knobs=("g_width", "d_width", "g_depth", "d_depth", "g_norm", "d_norm", "g_act", "d_act"),
    g_layers=mlp_g_layers, d_layers=mlp_d_layers,
)
