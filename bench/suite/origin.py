"""Which file of an ``include:`` chain sets a field, so errors name the file where it is written.

The child's values win over its bases, and a later base over an earlier one (as
:func:`bench.suite.load.read_yaml` merges them); a list is set whole by one file.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml


def field_files(path: Path, fields: list[str]) -> dict[str, Path]:
    """field path (``training.steps``, ``losses[1].name``) → the file setting it, for the fields
    set in an included file rather than in ``path`` itself."""
    out = {}
    for field in fields:
        where = _setter(Path(path), _parts(field), ())
        if where is not None and where.resolve() != Path(path).resolve():
            out[field] = where
    return out


def _parts(field: str) -> list[str | int]:
    return [int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"\[\d+\]|[^.\[\]]+", field)]


def _setter(path: Path, parts: list, seen: tuple) -> Path | None:
    from bench.suite.bounds import load_bounded
    from bench.suite.load import SuiteLoader

    if not parts or path.resolve() in seen or not path.is_file():
        return None
    try:
        data = load_bounded(path.read_text(), SuiteLoader)
    except (yaml.YAMLError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if _sets(data, parts):
        return path
    include = data.get("include") or []
    for base in reversed(include if isinstance(include, list) else [include]):
        found = _setter(path.parent / str(base), parts, seen + (path.resolve(),))
        if found is not None:
            return found
    return None


def _sets(data, parts: list) -> bool:
    """Whether the mapping ``data`` holds the value at ``parts`` (a list counts as a whole)."""
    for part in parts:
        if isinstance(part, int) or isinstance(data, list):
            return True
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True
