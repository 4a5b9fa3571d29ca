"""What an architecture family declares: the :class:`Family` record the ``FAMILIES`` registry holds.

Builders, knobs and the data they take are required; everything else the rest of bench needs
of a family is an optional field with a generic fallback, so a new family is one module
(builders, knobs, its ``Family``) plus one line registering it in :mod:`bench.arch.family`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

from torch import nn

from bench.arch.knobs import Domain
from bench.arch.spec import ArchSpec

PRIORS = ("normal", "uniform")
LATENT_DOMAINS = {
    "z_dim": Domain.integer(1, 4096, "latent size"),
    "prior": Domain.choice(PRIORS, "latent prior: N(0, I) or U[-1, 1]^z_dim"),
}
"""Knobs every family has; a spec stores them as ``ArchSpec.z_dim`` / ``ArchSpec.prior``."""

LayerStep = Union[nn.Module, tuple[str, Callable]]
"""One step of a layer plan: a module (named by :func:`bench.arch.summary.describe_module`) or a
``(label, function)`` pair for what is not a module, such as a reshape."""


@dataclass(frozen=True)
class Family:
    """An architecture family.

    Required: ``generator(spec, data_shape)`` → G mapping z (B, z_dim) to (B, *data_shape);
    ``discriminator(spec, data_shape, out_dim)`` → D mapping data to (B,) or (B, out_dim);
    ``data_kind`` ("image" or "points"); ``defaults`` and ``domains`` (knob → default, knob →
    :class:`~bench.arch.knobs.Domain`); ``optional``: knobs off by default that a declared space
    may leave out.

    Optional, each with its fallback:

    * ``count_params(spec, data_shape, d_out_dim)`` → (|G|, |D|) trainable parameters in closed
      form (the sampler checks a budget on thousands of candidates); None: counted on modules
      built on the meta device (:func:`bench.arch.build.module_param_counts`).
    * ``check_shape(data_shape)`` raises ``ValueError`` for a data shape the builders cannot take;
      None: any non-empty shape.
    * ``properties(spec, data_shape)`` → {name: scalar}, derived properties recorded as
      ``arch_<name>`` result columns beside the knobs (the report's breakdown by architecture
      property groups by these columns too); None: none.
    * ``short_knobs``: the knobs of a one-line listing (``bench archs show``); empty: all, sorted.
    * ``one_logit``: D has exactly one output per sample (a loss that asks for more, e.g. an MMD
      embedding or an auto-encoder code, or an auxiliary head on D's features, is refused when the
      suite loads: ``bench.suite.load.head_problems``); False: any.
    * ``g_layers(G, data_shape)`` / ``d_layers(D, data_shape)`` → [:data:`LayerStep`], the layer
      plan of ``bench archs show FILE ID``; None: the whole network as one step.
    """

    generator: Callable[[ArchSpec, tuple], nn.Module]
    discriminator: Callable[[ArchSpec, tuple, int], nn.Module]
    data_kind: str  # "image" or "points"
    defaults: dict = field(default_factory=dict)
    domains: dict = field(default_factory=dict)
    optional: tuple[str, ...] = ()
    count_params: Callable[[ArchSpec, tuple, int], tuple[int, int]] | None = None
    check_shape: Callable[[tuple], object] | None = None
    properties: Callable[[ArchSpec, tuple], dict] | None = None
    short_knobs: tuple[str, ...] = ()
    one_logit: bool = False
    g_layers: Callable[[nn.Module, tuple], list] | None = None
    d_layers: Callable[[nn.Module, tuple], list] | None = None

    def all_domains(self) -> dict[str, Domain]:
        """Family knobs plus the latent knobs ``z_dim`` and ``prior``."""
        return {**self.domains, **LATENT_DOMAINS}

    def describe(self) -> dict:
        return {"data_kind": self.data_kind, "knobs": sorted(self.all_domains()),
                "defaults": {k: v for k, v in self.defaults.items()}}
