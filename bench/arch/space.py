"""Declared architecture search spaces, as data: knob → the choices the sampler draws from.

A :class:`Space` names a family, lists *every* knob of that family plus ``z_dim`` and ``prior``
with its declared choices (a fixed knob has one choice), and a parameter budget checked at
sampling time on a reference data shape.  Register a new space with ``SPACES.add(name, Space(...))``;
a suite narrows or widens any knob with ``knobs: {name: [choices]}`` (``Space.narrow``).
A family's *optional* knobs (conv: ``g_attention``, ``d_attention``, ``g_mapping``, off by default)
may be left out of a space: it then never draws them, so its samples and ids stay as they were.

Sources of the default choices:

* WGAN-GP §5.1, Table 1 (Gulrajani et al. 2017, arXiv 1704.00028): 200 random DCGAN-family
  architectures from nonlinearity of G and of D ∈ {ReLU, LeakyReLU, softplus(2x+2)/2 − 1, tanh},
  depth of G and of D ∈ {4, 8, 12, 20}, batch norm in G ∈ {True, False}, batch norm in D
  (layer norm for WGAN-GP) ∈ {True, False}, base filter count of G and of D ∈ {32, 64, 128};
  trained on 32×32 ImageNet for 100K generator iterations (Appendix B).
* BogoNet (Kodali et al. 2017, arXiv 1705.07215): 150 random architectures per method.
  ``bogonet`` is Table 1 widened with ELU, layer/instance norm in G, spectral norm in D, kernel
  size, upsampling, downsampling, residual blocks, latent size and prior.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bench.arch.family import FAMILIES
from bench.arch.knobs import check_knob_names
from bench.registry import Registry

ACTS_WGANGP = ("relu", "lrelu", "softplus", "tanh")
ACTS_ALL = ("relu", "lrelu", "elu", "softplus", "tanh")


@dataclass(frozen=True)
class Space:
    """A declared search space of one family.

    ``knobs`` maps every knob of the family (and ``z_dim``, ``prior``) to a tuple of choices;
    the sampler draws each knob uniformly and independently, then rejects candidates whose G or
    D has fewer than ``min_params`` or more than ``max_params`` parameters at the data shape
    (``data_shape`` unless the caller passes the dataset's).  ``max_params=None``: no upper bound.
    """

    family: str
    knobs: dict[str, tuple]
    description: str
    reference: str
    data_shape: tuple
    max_params: int | None = None
    min_params: int = 0
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        domains = FAMILIES.get(self.family).all_domains()
        check_knob_names(self.knobs, domains, f"family {self.family!r}")
        optional = FAMILIES.get(self.family).optional
        missing = [name for name in domains if name not in self.knobs and name not in optional]
        if missing:
            raise ValueError(f"space of family {self.family!r} must declare every knob; missing: {', '.join(missing)}")
        for name, choices in self.knobs.items():
            _check_choices(name, choices, domains[name])

    def narrow(self, overrides: dict[str, Any]) -> "Space":
        """A copy whose knobs in ``overrides`` take the given choices (a list, or one value).

        Raises ``ValueError`` for an unknown knob (listing the valid ones), an empty list, or a
        value the family's builder does not support (listing what it supports).
        """
        domains = FAMILIES.get(self.family).all_domains()
        check_knob_names(overrides, domains, f"space of family {self.family!r}")
        knobs = dict(self.knobs)
        for name, value in overrides.items():
            choices = tuple(value) if isinstance(value, (list, tuple)) else (value,)
            _check_choices(name, choices, domains[name])
            knobs[name] = choices
        return replace(self, knobs=knobs)

    def describe(self) -> dict:
        return {"family": self.family, "description": self.description, "paper": self.reference,
                "knobs": {k: list(v) for k, v in self.knobs.items()}, "combinations": self.size(),
                "max_params": self.max_params, "min_params": self.min_params}

    def size(self) -> int:
        """Number of distinct knob combinations (before the parameter budget)."""
        total = 1
        for choices in self.knobs.values():
            total *= len(choices)
        return total


def _check_choices(name: str, choices: tuple, domain) -> None:
    if not choices:
        raise ValueError(f"knob {name!r}: the list of choices is empty")
    if len(set(map(repr, choices))) != len(choices):
        raise ValueError(f"knob {name!r}: choices {list(choices)} contain duplicates")
    for value in choices:
        domain.check(name, value)


SPACES: Registry[Space] = Registry("architecture space")

SPACES.add("bogonet", Space(
    family="conv",
    knobs={
        "g_act": ACTS_ALL, "d_act": ACTS_ALL,
        "g_extra_layers": (0, 4, 8, 16), "d_extra_layers": (0, 4, 8, 16),
        "g_filters": (32, 64, 128), "d_filters": (32, 64, 128),
        "g_norm": ("none", "batch", "layer", "instance"), "d_norm": ("none", "batch", "layer", "sn"),
        "g_kernel": (3, 5), "d_kernel": (3, 5),
        "g_upsample": ("deconv", "nearest", "bilinear"), "d_downsample": ("strided", "avgpool"),
        "g_block": ("plain", "residual"), "d_block": ("plain", "residual"),
        "z_dim": (64, 128), "prior": ("normal", "uniform"),
    },
    description="default image space: WGAN-GP Table 1 widened with ELU, layer/instance/spectral norm, "
                "kernel size, up/downsampling, residual blocks, latent size and prior",
    reference="Gulrajani et al. 2017 §5.1 Table 1; Kodali et al. 2017 (BogoNet)",
    data_shape=(3, 32, 32),
    max_params=12_000_000,
))

SPACES.add("bogonet-attn", Space(
    family="conv",
    knobs={**SPACES.get("bogonet").knobs,
           "g_attention": (0, 8, 16), "d_attention": (0, 8, 16), "g_mapping": (0, 2, 4)},
    description="bogonet plus a SAGAN self-attention block in G and in D (none, at 8×8 or at 16×16) and a "
                "StyleGAN-style mapping network of 0, 2 or 4 layers in front of G",
    reference="bogonet; Zhang et al. 2019 (SAGAN, attention at the 32×32 feature maps of 128×128 images); "
              "Karras et al. 2019 (StyleGAN mapping network)",
    data_shape=(3, 32, 32),
    max_params=12_000_000,
))

SPACES.add("wgangp-table1", Space(
    family="conv",
    knobs={
        "g_act": ACTS_WGANGP, "d_act": ACTS_WGANGP,
        "g_extra_layers": (0, 4, 8, 16), "d_extra_layers": (0, 4, 8, 16),
        "g_filters": (32, 64, 128), "d_filters": (32, 64, 128),
        "g_norm": ("none", "batch"), "d_norm": ("none", "batch"),
        "g_kernel": (5,), "d_kernel": (5,),
        "g_upsample": ("deconv",), "d_downsample": ("strided",),
        "g_block": ("plain",), "d_block": ("plain",),
        "z_dim": (128,), "prior": ("normal",),
    },
    description="exactly WGAN-GP Table 1 on the DCGAN of gan_cifar.py (depth 4/8/12/20 = 0/4/8/16 extra "
                "layers at 32×32); WGAN-GP swapped D's batch norm for layer norm in its own runs",
    reference="Gulrajani et al. 2017 §5.1 Table 1 and Appendix B",
    data_shape=(3, 32, 32),
    max_params=None,
))

SPACES.add("bogonet-small", Space(
    family="conv",
    knobs={
        "g_act": ACTS_ALL, "d_act": ACTS_ALL,
        "g_extra_layers": (0, 1), "d_extra_layers": (0, 1),
        "g_filters": (8, 16), "d_filters": (8,),
        "g_norm": ("none", "batch", "layer", "instance"), "d_norm": ("none", "batch", "layer", "sn"),
        "g_kernel": (3,), "d_kernel": (3,),
        "g_upsample": ("deconv", "nearest", "bilinear"), "d_downsample": ("strided", "avgpool"),
        "g_block": ("plain", "residual"), "d_block": ("plain", "residual"),
        "z_dim": (32, 64), "prior": ("normal", "uniform"),
    },
    description="CPU-sized slice of bogonet for the quickstart (digits 16×16): few filters, shallow, 3×3 kernels",
    reference="bench (narrowing of bogonet)",
    data_shape=(1, 16, 16),
    max_params=100_000,
))

SPACES.add("mlp", Space(
    family="mlp",
    knobs={
        "g_act": ACTS_ALL, "d_act": ACTS_ALL,
        "g_width": (64, 128, 256, 512), "d_width": (64, 128, 256, 512),
        "g_depth": (1, 2, 3, 4), "d_depth": (1, 2, 3, 4),
        "g_norm": ("none", "batch", "layer"), "d_norm": ("none", "sn", "layer"),
        "z_dim": (2, 16, 64), "prior": ("normal", "uniform"),
    },
    description="MLPs for 2-D mixtures (ring8, grid25)",
    reference="bench; MLP G/D as in the 2-D experiments of Metz et al. 2017 and Srivastava et al. 2017",
    data_shape=(2,),
    max_params=None,
))
