"""Suite errors that name the file and the field path."""

from __future__ import annotations

from pathlib import Path


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
    def of_suite(cls, path: Path | str, problems: list[tuple[str, str]]) -> "SuiteError":
        """The error for a suite file that may ``include:`` others: each field names its file."""
        from bench.suite.origin import field_files

        return cls(path, problems, field_files(Path(path), [field for field, _ in problems]))


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
