"""Frozen catalogues (JSON lines of specs), a suite's ``architectures:`` section, result columns.

A catalogue line is ``ArchSpec.to_dict()`` plus provenance (``space``, ``seed``, ``index``,
``data_shape``) and, given the data shape, the parameter counts ``g_params``/``d_params`` at that
shape (D with one output logit; the MMD losses' embedding adds a few), written as JSON with
sorted keys, so the same sample always gives a byte-identical file.  Reading checks every id
against its content; the counts are information, recomputed wherever they are used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Mapping

from bench.arch.build import param_counts
from bench.arch.family import FAMILIES, full_knobs, validate_spec
from bench.arch.sampler import check_data_shape, sample_specs
from bench.arch.space import SPACES
from bench.arch.spec import ArchSpec
from bench.registry import UnknownNameError

CATALOGUE_KEYS = ("catalogue", "ids", "first")
SPACE_KEYS = ("space", "n", "seed", "knobs")


def catalogue_lines(specs: list[ArchSpec], provenance: dict | None = None) -> list[str]:
    lines = []
    for index, spec in enumerate(specs):
        record = {**spec.to_dict(), **({**provenance, "index": index} if provenance else {})}
        if provenance and provenance.get("data_shape"):
            record["g_params"], record["d_params"] = param_counts(spec, tuple(provenance["data_shape"]), 1)
        lines.append(json.dumps(record, sort_keys=True, separators=(", ", ": ")))
    return lines


def write_catalogue(path, specs: list[ArchSpec], provenance: dict | None = None) -> Path:
    """Write ``specs`` as JSON lines to ``path`` (parents created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in catalogue_lines(specs, provenance)), encoding="utf-8")
    return path


def read_catalogue(path) -> list[ArchSpec]:
    """The specs of a JSON-lines catalogue; ``ValueError`` naming the line for a bad record."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"architecture catalogue {str(path)!r} does not exist")
    specs, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            spec = ArchSpec.from_dict(json.loads(line))
            validate_spec(spec)
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: invalid architecture record: {error}") from error
        if spec.id in seen:
            raise ValueError(f"{path}:{number}: architecture {spec.id} appears twice")
        seen.add(spec.id)
        specs.append(spec)
    return specs


def _from_catalogue(section: Mapping, resolve_path: Callable[[str], Path]) -> list[ArchSpec]:
    path = resolve_path(section["catalogue"])
    specs = read_catalogue(path)
    ids, first = section.get("ids"), section.get("first")
    if ids is not None and first is not None:
        raise ValueError("give either 'ids' or 'first' for a catalogue, not both")
    if ids is not None:
        if isinstance(ids, str) or not isinstance(ids, (list, tuple)):
            raise ValueError(f"'ids' must be a list of architecture ids; got {ids!r}")
        by_id = {spec.id: spec for spec in specs}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            sample = ", ".join(list(by_id)[:3])
            raise ValueError(f"unknown architecture id(s) {', '.join(map(str, unknown))} in {path} "
                             f"({len(by_id)} ids, e.g. {sample})")
        if len(set(ids)) != len(ids):
            raise ValueError(f"'ids' lists an architecture twice: {ids}")
        specs = [by_id[i] for i in ids]
    if first is not None:
        if type(first) is not int or not 1 <= first <= len(specs):
            raise ValueError(f"'first' must be an integer in [1, {len(specs)}] for {path}; got {first!r}")
        specs = specs[:first]
    return specs


def _from_space(section: Mapping, data_shape: tuple | None) -> list[ArchSpec]:
    try:
        space = SPACES.get(section["space"])
    except UnknownNameError as error:
        raise ValueError(str(error)) from None
    if "n" not in section:
        raise ValueError("a sampled 'architectures' section needs 'n' (how many architectures)")
    n, seed = section["n"], section.get("seed", 0)
    if type(n) is not int or n < 1:
        raise ValueError(f"'n' must be a positive integer; got {n!r}")
    if type(seed) is not int:
        raise ValueError(f"'seed' must be an integer; got {seed!r}")
    knobs = section.get("knobs") or {}
    if not isinstance(knobs, Mapping):
        raise ValueError(f"'knobs' must be a mapping of knob name to choices; got {knobs!r}")
    return sample_specs(space.narrow(dict(knobs)), n, seed, data_shape)


def resolve_architectures(section: Mapping, resolve_path: Callable[[str], Path],
                          data_shape: tuple | None = None) -> list[ArchSpec]:
    """The architectures a suite names: ``{catalogue, ids?, first?}`` or ``{space, n, seed?, knobs?}``.

    ``resolve_path`` turns a file name from the suite into a path; ``data_shape`` (the dataset's
    (C, H, W) or (2,)) is checked against every family and used for the sampling budget
    (default: the space's reference shape).  Raises ``ValueError`` with a precise message.
    """
    if not isinstance(section, Mapping):
        raise ValueError(f"'architectures' must be a mapping with 'catalogue' or 'space'; got {section!r}")
    if ("catalogue" in section) == ("space" in section):
        raise ValueError("'architectures' needs exactly one of 'catalogue' (a frozen file) or 'space' (sampled)")
    allowed = CATALOGUE_KEYS if "catalogue" in section else SPACE_KEYS
    unknown = [key for key in section if key not in allowed]
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(map(repr, unknown))} in 'architectures'; valid: {', '.join(allowed)}")
    specs = _from_catalogue(section, resolve_path) if "catalogue" in section else _from_space(section, data_shape)
    if not specs:
        raise ValueError("'architectures' resolves to no architecture")
    if data_shape is not None:
        for family in sorted({spec.family for spec in specs}):
            check_data_shape(family, tuple(data_shape))
        for spec in specs:  # knobs that depend on the resolution (attention at a level) fail here, not in training
            param_counts(spec, tuple(data_shape))
    return specs


def arch_columns(spec: ArchSpec, data_shape: tuple | None = None, d_out_dim: int = 1,
                 d_output: str = "logit") -> dict:
    """Flat scalar columns for result rows: ``arch_id``, ``arch_family``, ``arch_z_dim``,
    ``arch_prior``, ``arch_<knob>`` for every knob (defaults filled in) and, given the data shape,
    ``arch_g_params``/``arch_d_params`` and ``arch_<name>`` for each property the family derives
    (``Family.properties``; conv: ``g_depth``, ``d_depth``); D's count is that of the head the loss
    declares (``d_output``: logit, embedding or the auto-encoder)."""
    columns = {"arch_id": spec.id, "arch_family": spec.family, "arch_z_dim": spec.z_dim, "arch_prior": spec.prior}
    columns.update({f"arch_{name}": value for name, value in sorted(full_knobs(spec).items())})
    if data_shape is not None:
        columns["arch_g_params"], columns["arch_d_params"] = param_counts(spec, tuple(data_shape), d_out_dim, d_output)
        properties = FAMILIES.get(spec.family).properties
        if properties is not None:
            columns.update({f"arch_{name}": value for name, value in properties(spec, tuple(data_shape)).items()})
    return columns
