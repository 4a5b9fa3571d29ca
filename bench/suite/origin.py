"""Which file of an ``include:`` chain sets each field, so errors name the file where a field is
written and input paths resolve beside it.  :func:`bench.suite.chain.read_chain` builds the map in
the same pass that merges the files; nothing here reads a file.

The child's values win over its bases, and a later base over an earlier one; a mapping present in
several files is set by the one that wins, each of its keys by the file that wins for that key; a
list is set whole by one file (``losses[1].name`` is set where ``losses`` is).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class Origins:
    """``files``: field path (``training.steps``, ``losses``) → the file whose value the merged
    suite holds, for every key of every mapping the files write (list items are not fields of
    their own).  ``path`` is the suite file itself."""

    path: Path
    files: Mapping[str, Path] = field(default_factory=dict)

    def file_of(self, field: str) -> Path:
        """The file that sets ``field``; the suite file for a field no file sets (a missing one)."""
        return self.files.get(field.partition("[")[0], self.path)

    def included(self, fields: list[str]) -> dict[str, Path]:
        """field → the included file that sets it, for the ``fields`` not set in the suite file itself."""
        out = {}
        for name in fields:
            where = self.file_of(name)
            if where.resolve() != self.path.resolve():
                out[name] = where
        return out

    def input_path(self, field: str, name: str) -> Path:
        """The input path ``name`` given at ``field`` (``dataset.path``, ``architectures.catalogue``…),
        resolved against the folder of the file that sets it — an ``include:``d base, or the suite."""
        return resolve_path(self.file_of(field), name)


def resolve_path(suite_path: Path, name: str) -> Path:
    """A path from a suite: absolute; else relative to the suite file; else to the cwd."""
    candidate = Path(name).expanduser()
    if candidate.is_absolute():
        return candidate
    beside = (suite_path.parent / candidate)
    return beside if beside.exists() else Path.cwd() / candidate
