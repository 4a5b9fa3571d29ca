"""Suite errors that name the file and the field path."""

from __future__ import annotations

from pathlib import Path


class SuiteError(Exception):
    """A suite that cannot be used; ``problems`` are (field path, message) pairs."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]):
        self.path, self.problems = Path(path), problems
        lines = [f"{self.path}: {field or '<top level>'}: {message}" for field, message in problems]
        super().__init__("invalid suite\n  " + "\n  ".join(lines))


def field_path(loc: tuple) -> str:
    """('losses', 1, 'name') → 'losses[1].name'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
