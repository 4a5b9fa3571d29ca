"""The architecture families: name → :class:`~bench.arch.interface.Family` (what each declares is
documented there), and the checks of a spec against its family's knobs.

A family lives in one module (builders, knobs, its ``Family`` entry: :mod:`bench.arch.conv`,
:mod:`bench.arch.mlp`) and is registered here by one line; a plugin calls ``FAMILIES.add`` itself.
"""

from __future__ import annotations

from bench.arch.conv import CONV
from bench.arch.dirac import DIRAC
from bench.arch.interface import LATENT_DOMAINS, PRIORS, Family
from bench.arch.knobs import check_knobs
from bench.arch.mlp import MLP
from bench.arch.spec import ArchSpec
from bench.registry import Registry

__all__ = ["FAMILIES", "Family", "LATENT_DOMAINS", "PRIORS", "full_knobs", "validate_spec"]

FAMILIES: Registry[Family] = Registry("architecture family")
FAMILIES.add("conv", CONV)
FAMILIES.add("mlp", MLP)
FAMILIES.add("dirac", DIRAC)


def validate_spec(spec: ArchSpec) -> None:
    """Raise ``ValueError`` for an unknown family, knob name or unsupported knob value."""
    family = FAMILIES.get(spec.family)
    check_knobs(spec.knobs, family.domains, f"family {spec.family!r}")
    LATENT_DOMAINS["z_dim"].check("z_dim", spec.z_dim)
    LATENT_DOMAINS["prior"].check("prior", spec.prior)


def full_knobs(spec: ArchSpec) -> dict:
    """The spec's knobs with the family defaults filled in for the knobs it omits."""
    return {**FAMILIES.get(spec.family).defaults, **spec.knobs}
