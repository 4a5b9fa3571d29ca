"""What a suite file may ask for: the loader's bounds and the schema's upper limits, in one place.

A suite is a few kilobytes of YAML (the shipped ones are under 10 KB).  The loader refuses, before
building any Python object, a file over :data:`MAX_FILE_BYTES` and a document whose *expanded*
tree — every alias counted as a copy of what it names — has more than :data:`MAX_NODES` nodes: a
YAML "billion laughs" (aliases of aliases, 9 levels of 9 = 387 million nodes from 100 lines) is
refused in milliseconds instead of expanding until the memory runs out.  No list of a suite may hold
more than :data:`MAX_LIST` items, and no number may be infinite or NaN (``.inf``, ``-.inf``,
``.nan``): every float of a suite is a rate, a weight, a parameter or a bound, and none is
meaningful at infinity.  The check walks the raw mapping, so it covers the free-form ``params:`` of
losses and regularizers as well as the typed fields.

The upper limits of sizes (:data:`LIMITS`) are what fits in memory or time, each with its reason,
so a typo (``size: 1000000000``) fails at validation instead of as a 15 GiB allocation at run time.
docs/errors.md lists them.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import yaml
from pydantic import AfterValidator

from bench.layout import GRID_FILE

MAX_FILE_BYTES = 1 << 20  # 1 MiB
MAX_NODES = 100_000
MAX_LIST = 10_000

# field → (limit, why).  Sizes that are allocated at once, or that multiply the work of a sweep.
LIMITS: dict[str, tuple[int, str]] = {
    "dataset.size": (10_000_000, "the whole 2-D mixture is generated in memory"),
    "architectures.n": (10_000, "each architecture is trained with every method and seed; "
                                "published studies use 150-200"),
    "training.steps": (10_000_000, "50x the longest runs of WGAN-GP (200K generator steps)"),
    "training.batch_size": (8_192, "a batch and its activations are held on the device at once"),
    "optimizer.n_disc": (1_000, "D steps per G step; the papers use 1-5"),
    "optimizer.n_gen": (1_000, "G steps per D step; the original GGAN used 10"),
    "evaluation.num_samples": (100_000, "the generated samples of an evaluation are held in memory at once "
                                        "(FID studies use 10K-50K)"),
    "evaluation.num_real": (100_000, "the real samples of the statistics are held in memory at once"),
    "retries": (100, "retries of a failing trial"),
    "search.budget": (10_000, "sampled settings per grid cell; Lucic et al. used 100"),
    "trials": (100_000, f"{GRID_FILE} lists every trial and Ray Tune tracks each one"),
}


def at_most(field: str) -> AfterValidator:
    """A pydantic validator refusing values above ``LIMITS[field]``, saying why."""
    limit, why = LIMITS[field]

    def check(value: Optional[int]) -> Optional[int]:
        if value is not None and value > limit:
            raise ValueError(f"must be at most {limit:,} ({why})")
        return value

    return AfterValidator(check)


def limit_problem(field: str, value: int) -> Optional[str]:
    limit, why = LIMITS[field]
    return f"{value:,} is more than {limit:,} ({why})" if value > limit else None


def expanded_size(node: yaml.Node, limit: int = MAX_NODES) -> int:
    """Nodes of the tree ``node`` expands to (an alias counts as a copy of its anchor's subtree),
    stopping as soon as ``limit`` is passed.  Linear in the *composed* graph: subtrees are memoized."""
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        if id(n) in sizes:
            return sizes[id(n)]
        total = 1
        if isinstance(n, yaml.SequenceNode):
            children = n.value
        elif isinstance(n, yaml.MappingNode):
            children = [part for pair in n.value for part in pair]
        else:
            children = []
        for child in children:
            total += size(child)
            if total > limit:
                break
        sizes[id(n)] = total
        return total

    return size(node)


def load_bounded(text: str, loader_cls) -> Any:
    """YAML ``text`` → Python data, refusing (``ValueError``) what the module doc bounds."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise ValueError(f"the file has {len(text.encode()):,} bytes; a suite may have at most {MAX_FILE_BYTES:,}")
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            nodes = expanded_size(node)
        except RecursionError:
            raise ValueError("the document is nested too deeply") from None
        if nodes > MAX_NODES:
            raise ValueError(f"the document expands to more than {MAX_NODES:,} values (YAML aliases counted as "
                             f"copies); a suite needs a few hundred")
        return loader.construct_document(node)
    finally:
        loader.dispose()


def value_problems(data: Any) -> list[tuple[str, str]]:
    """(field path, problem) for every non-finite number and every list over :data:`MAX_LIST`
    items in the raw suite mapping ``data``."""
    from bench.suite.errors import field_path

    problems: list[tuple[str, str]] = []
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            problems.append((field_path(loc), f"must be a finite number (got {value})"))
        elif isinstance(value, dict):
            stack.extend(((*loc, str(k)), v) for k, v in value.items())
        elif isinstance(value, list):
            if len(value) > MAX_LIST:
                problems.append((field_path(loc), f"a list of {len(value):,} items; at most {MAX_LIST:,}"))
                continue
            stack.extend(((*loc, i), v) for i, v in enumerate(value))
    return sorted(problems)
