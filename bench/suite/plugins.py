"""The plugins a suite names (``plugins:``) and the ``--plugin`` ones, imported before the suite is
validated, so that an unknown-name error lists their entries too (bench.plugins)."""

from __future__ import annotations

from bench.suite.errors import SuiteError
from bench.suite.origin import Origins


def import_plugins(origins: Origins, listed, extra: tuple[str, ...]) -> list:
    """Import the suite's ``plugins:`` (paths beside the file that lists them) and the ``--plugin``
    ones (paths from the cwd); a plugin that fails raises :class:`SuiteError` naming its file."""
    from bench.plugins import PluginError, load_plugins

    if listed is not None and not (isinstance(listed, list) and all(isinstance(s, str) for s in listed)):
        raise SuiteError.from_origins(origins, [("plugins", "a list of plugin files, folders or module names")])
    base = origins.file_of("plugins").parent
    try:
        found = load_plugins(list(listed or []), base)
    except PluginError as exc:
        raise SuiteError.from_origins(origins, [("plugins", str(exc))]) from None
    try:
        found += [p for p in load_plugins(list(extra)) if p.name not in {f.name for f in found}]
    except PluginError as exc:
        raise SuiteError(origins.path, [("--plugin", str(exc))]) from None
    return found
