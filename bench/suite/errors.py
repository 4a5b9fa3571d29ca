"""Suite errors that name the file and the field path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.suite.origin import Origins


class SuiteError(Exception):
    """A suite that cannot be used; ``problems`` are (field path, message) pairs."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]], files: dict | None = None):
        """``files``: field → the included file that sets it, when not ``path`` itself."""
        self.path, self.problems, self.files = Path(path), problems, dict(files or {})
        lines = []
        for field, message in problems:
            where = f"{self.files[field]} (included by {self.path})" if field in self.files else str(self.path)
            lines.append(f"{where}: {field or '<top level>'}: {clip(message)}")
        super().__init__("invalid suite\n  " + "\n  ".join(lines))

    @classmethod
    def from_origins(cls, origins: "Origins", problems: list[tuple[str, str]]) -> "SuiteError":
        """The error for a suite read with its ``include:`` chain: each field names the file that
        sets it (``origins``, from :func:`bench.suite.chain.read_chain`)."""
        return cls(origins.path, problems, origins.included([field for field, _ in problems]))


def field_path(loc: tuple) -> str:
    """('losses', 1, 'name') → 'losses[1].name'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


MAX_MESSAGE = 300


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text``, or its first ``limit`` characters and how many were left out: an error echoes at
    most a short prefix of the value it complains about (a repeated list can be megabytes)."""
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit:,} more characters)"
