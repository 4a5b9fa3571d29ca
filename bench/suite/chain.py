"""A suite file and its ``include:`` chain, read once: the merged mapping and which file sets each
field (:class:`~bench.suite.origin.Origins`).

``include: base.yaml`` (or a list of bases, each relative to the file that names it) merges the
bases underneath the file: mappings merge key by key, anything else — a list included — is
replaced whole; the child's values win over its bases, a later base over an earlier one.  Every
file is read through :func:`bench.suite.bounds.load_bounded`.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.suite.bounds import load_bounded
from bench.suite.dialect import SuiteLoader
from bench.suite.errors import SuiteError
from bench.suite.origin import Origins

# A file's contribution: its mapping and, for each key, (the file that set it, the same for the
# keys of its value when that is a mapping).
Tree = dict


def read_chain(path: Path | str) -> tuple[dict, Origins]:
    """(the suite mapping with its bases merged underneath, the file of every field)."""
    path = Path(path)
    data, tree = _read(path, ())
    files: dict[str, Path] = {}
    stack = [("", tree)]
    while stack:
        prefix, node = stack.pop()
        for key, (source, children) in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            files[name] = source
            stack.append((name, children))
    return data, Origins(path, files)


def read_yaml(path: Path | str) -> dict:
    """The suite mapping, with ``include: base.yaml`` (relative to the file) merged underneath."""
    return read_chain(path)[0]


def _read(path: Path, seen: tuple[Path, ...]) -> tuple[dict, Tree]:
    if not path.is_file():
        raise SuiteError(path, [("", "file not found")])
    if path.resolve() in seen:
        raise SuiteError(path, [("include", "include cycle: " + " -> ".join(str(p) for p in seen + (path,)))])
    try:
        data = load_bounded(path.read_text(), SuiteLoader)
    except yaml.YAMLError as exc:
        raise SuiteError(path, [("", f"not valid YAML: {exc}")]) from None
    except ValueError as exc:
        raise SuiteError(path, [("", str(exc))]) from None
    if not isinstance(data, dict):
        raise SuiteError(path, [("", "a suite is a YAML mapping")])
    include = data.pop("include", None)
    own = _tree(data, path)
    if include is None:
        return data, own
    merged: tuple[dict, Tree] = ({}, {})
    for base in include if isinstance(include, list) else [include]:
        merged = _merge(*merged, *_read(path.parent / str(base), seen + (path.resolve(),)))
    return _merge(*merged, data, own)


def _tree(data: dict, source: Path) -> Tree:
    return {key: (source, _tree(value, source) if isinstance(value, dict) else {}) for key, value in data.items()}


def _merge(base: dict, base_tree: Tree, override: dict, override_tree: Tree) -> tuple[dict, Tree]:
    """``override`` merged onto ``base`` (mappings key by key, anything else replaced), with the
    files of the result's keys."""
    data, tree = dict(base), dict(base_tree)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key], children = _merge(data[key], tree[key][1], value, override_tree[key][1])
            tree[key] = (override_tree[key][0], children)
        else:
            data[key], tree[key] = value, override_tree[key]
    return data, tree
