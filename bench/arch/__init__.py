"""Architectures: specs, families (name → builders), declared spaces, the sampler and catalogues.

Public interface used by the rest of bench:

* ``ArchSpec(family, knobs, z_dim, prior)`` with ``.id``, ``.to_dict()``, ``ArchSpec.from_dict``;
* ``FAMILIES`` (``conv``, ``mlp``, ``dirac``; what a family declares: ``Family``, :mod:`bench.arch.interface`) and ``SPACES`` (``bogonet``, ``wgangp-table1``,
  ``bogonet-small``, ``mlp``);
* ``build_pair(spec, data_shape, d_out_dim, seed)``, ``sample_latent(spec, batch, ...)``,
  ``param_counts(spec, data_shape, d_out_dim)``;
* ``sample_specs(space, n, seed, data_shape)``; ``read_catalogue`` / ``write_catalogue``;
* ``resolve_architectures(section, resolve_path, data_shape=None)`` for a suite's
  ``architectures:`` mapping, and ``arch_columns(spec, data_shape)`` for result rows.
"""

from __future__ import annotations

from bench.arch.build import build_pair, param_counts, sample_latent
from bench.arch.catalogue import arch_columns, read_catalogue, resolve_architectures, write_catalogue
from bench.arch.family import FAMILIES, Family, full_knobs, validate_spec
from bench.arch.sampler import sample_specs
from bench.arch.space import SPACES, Space
from bench.arch.spec import ArchSpec

__all__ = [
    "ArchSpec", "FAMILIES", "Family", "SPACES", "Space", "arch_columns", "build_pair", "full_knobs",
    "param_counts", "read_catalogue", "resolve_architectures", "sample_latent", "sample_specs",
    "validate_spec", "write_catalogue",
]
