"""Architecture families: name → (G builder, D builder, data kind, knob defaults, knob domains)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from torch import nn

from bench.arch.conv import CONV_DEFAULTS, CONV_DOMAINS, CONV_OPTIONAL, ConvDiscriminator, ConvGenerator
from bench.arch.dirac import DIRAC_DEFAULTS, DIRAC_DOMAINS, DiracDiscriminator, DiracGenerator
from bench.arch.knobs import Domain, check_knobs
from bench.arch.mlp import MLP_DEFAULTS, MLP_DOMAINS, MLPDiscriminator, MLPGenerator
from bench.arch.spec import ArchSpec
from bench.registry import Registry

PRIORS = ("normal", "uniform")
LATENT_DOMAINS = {
    "z_dim": Domain.integer(1, 4096, "latent size"),
    "prior": Domain.choice(PRIORS, "latent prior: N(0, I) or U[-1, 1]^z_dim"),
}
"""Knobs every family has; a spec stores them as ``ArchSpec.z_dim`` / ``ArchSpec.prior``."""


@dataclass(frozen=True)
class Family:
    generator: Callable[[ArchSpec, tuple], nn.Module]
    discriminator: Callable[[ArchSpec, tuple, int], nn.Module]
    data_kind: str  # "image" or "points"
    defaults: dict = field(default_factory=dict)
    domains: dict = field(default_factory=dict)
    optional: tuple[str, ...] = ()  # knobs off by default that a declared space may leave out

    def all_domains(self) -> dict[str, Domain]:
        """Family knobs plus the latent knobs ``z_dim`` and ``prior``."""
        return {**self.domains, **LATENT_DOMAINS}

    def describe(self) -> dict:
        return {"data_kind": self.data_kind, "knobs": sorted(self.all_domains()),
                "defaults": {k: v for k, v in self.defaults.items()}}


FAMILIES: Registry[Family] = Registry("architecture family")
FAMILIES.add("conv", Family(ConvGenerator, ConvDiscriminator, "image", CONV_DEFAULTS, CONV_DOMAINS, CONV_OPTIONAL))
FAMILIES.add("mlp", Family(MLPGenerator, MLPDiscriminator, "points", MLP_DEFAULTS, MLP_DOMAINS))
FAMILIES.add("dirac", Family(DiracGenerator, DiracDiscriminator, "points", DIRAC_DEFAULTS, DIRAC_DOMAINS))


def validate_spec(spec: ArchSpec) -> None:
    """Raise ``ValueError`` for an unknown family, knob name or unsupported knob value."""
    family = FAMILIES.get(spec.family)
    check_knobs(spec.knobs, family.domains, f"family {spec.family!r}")
    LATENT_DOMAINS["z_dim"].check("z_dim", spec.z_dim)
    LATENT_DOMAINS["prior"].check("prior", spec.prior)


def full_knobs(spec: ArchSpec) -> dict:
    """The spec's knobs with the family defaults filled in for the knobs it omits."""
    return {**FAMILIES.get(spec.family).defaults, **spec.knobs}
