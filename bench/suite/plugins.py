"""The plugins a suite names (``plugins:``) and the ``--plugin`` ones, imported before the suite is
validated, so that an unknown-name error lists their entries too (bench.plugins)."""

from __future__ import annotations

from pathlib import Path

from bench.suite.errors import SuiteError


def import_plugins(path: Path, listed, extra: tuple[str, ...]) -> list:
    """Import the suite's ``plugins:`` (paths beside the file that lists them) and the ``--plugin``
    ones (paths from the cwd); a plugin that fails raises :class:`SuiteError` naming its file."""
    from bench.plugins import PluginError, load_plugins
    from bench.suite.origin import field_files

    if listed is not None and not (isinstance(listed, list) and all(isinstance(s, str) for s in listed)):
        raise SuiteError.of_suite(path, [("plugins", "a list of plugin files, folders or module names")])
    base = field_files(path, ["plugins"]).get("plugins", path).parent
    try:
        found = load_plugins(list(listed or []), base)
    except PluginError as exc:
        raise SuiteError.of_suite(path, [("plugins", str(exc))]) from None
    try:
        found += [p for p in load_plugins(list(extra)) if p.name not in {f.name for f in found}]
    except PluginError as exc:
        raise SuiteError(path, [("--plugin", str(exc))]) from None
    return found
