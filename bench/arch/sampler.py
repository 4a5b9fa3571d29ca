"""Random architectures: draw distinct specs from a declared space, deterministically.

Each knob is drawn uniformly and independently from its declared choices, in the order the
space lists them, by ``random.Random(seed)`` (Python's Mersenne Twister; ``choice`` is stable
across Python versions).  A candidate is rejected — and the draw continues — when it repeats an
earlier spec or when G or D falls outside the space's parameter budget at the data shape; the
budget is a sampling-time constraint, so every sampled spec trains.  Rejection makes the
accepted distribution favour smaller networks; ``bench archs show`` prints what was drawn.
"""

from __future__ import annotations

import random

from bench.arch.build import param_counts
from bench.arch.family import FAMILIES
from bench.arch.space import Space
from bench.arch.spec import ArchSpec

MAX_DRAWS_PER_SPEC = 200


def check_data_shape(family: str, data_shape: tuple) -> None:
    """Raise ``ValueError`` if ``family`` cannot build networks for data of ``data_shape``: its
    own ``check_shape`` (conv: square images of a supported resolution), else any non-empty shape."""
    check = FAMILIES.get(family).check_shape
    if check is not None:
        check(tuple(data_shape))
    elif not data_shape:
        raise ValueError(f"family {family!r} cannot build for data of shape {tuple(data_shape)}")


def within_budget(space: Space, spec: ArchSpec, data_shape: tuple) -> bool:
    if space.max_params is None and space.min_params <= 0:
        return True
    counts = param_counts(spec, data_shape)
    upper = space.max_params if space.max_params is not None else float("inf")
    return all(space.min_params <= count <= upper for count in counts)


def draw(space: Space, rng: random.Random) -> ArchSpec:
    values = {name: rng.choice(choices) for name, choices in space.knobs.items()}
    z_dim, prior = values.pop("z_dim"), values.pop("prior")
    return ArchSpec(family=space.family, knobs=values, z_dim=z_dim, prior=prior)


def sample_specs(space: Space, n: int, seed: int, data_shape: tuple | None = None) -> list[ArchSpec]:
    """``n`` distinct specs from ``space``; the same (space, n, seed, data_shape) always gives the
    same list, and the first k of a larger draw equal a draw of k.  Raises ``ValueError`` when the
    space (within its budget) cannot supply ``n`` distinct architectures."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}")
    if n > space.size():
        raise ValueError(f"n = {n:,} distinct architectures asked, but the space has only {space.size():,} knob "
                         f"combinations: lower n or widen the space's knobs")
    shape = tuple(data_shape) if data_shape is not None else tuple(space.data_shape)
    check_data_shape(space.family, shape)
    rng = random.Random(seed)
    specs: list[ArchSpec] = []
    seen: set[tuple] = set()  # drawn values in the space's knob order: equal exactly when the specs are
    rejected_budget = 0
    for _ in range(MAX_DRAWS_PER_SPEC * n):
        spec = draw(space, rng)
        key = (*spec.knobs.values(), spec.z_dim, spec.prior)
        if key in seen:
            continue
        seen.add(key)
        if not within_budget(space, spec, shape):
            rejected_budget += 1
            continue
        specs.append(spec)
        if len(specs) == n:
            return specs
    raise ValueError(
        f"could draw only {len(specs)} of {n} distinct architectures in {MAX_DRAWS_PER_SPEC * n} draws "
        f"({rejected_budget} over the parameter budget [{space.min_params}, {space.max_params}] at shape {shape}; "
        f"the space has {space.size()} knob combinations): widen the space or lower n"
    )
