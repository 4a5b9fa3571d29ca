"""Plugins: the user's own losses, regularizers, metrics, datasets, spaces, extractors or
optimizers, from a file, a folder (a package) or an importable module.

A plugin registers its entries with bench's own decorators (``LOSSES.add``, ``METRICS.add``…);
:func:`load_plugin` imports it inside :func:`bench.registry.registering_for`, so every registry
knows which plugin added which name (``Registry.origin``).  Its identity is the SHA-256 of its
source (all ``.py`` files of a folder, sorted by path) — and the module's ``__version__``, when
it has one, is recorded beside it.  The trial id of a trial that uses a plugin's entry includes
that hash (:func:`bench.suite.grid.plugin_identity`), so editing the plugin changes exactly the
ids of those trials.

Ray workers receive file and folder plugins through Ray's ``runtime_env`` ``py_modules``: the
sources are copied into one temporary package (:func:`stage_for_workers`), which Ray uploads and
puts on every worker's ``sys.path``; a worker imports them with :func:`activate`.  Nothing
assumes a shared filesystem.

Errors (a missing file, a syntax error, an exception at import, a name registered twice) raise
:class:`PluginError` naming the file; the CLI exits 2 before anything is written.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from bench.registry import forget_origin, registering_for

STAGED_PACKAGE = "bench_user_plugins"


class PluginError(Exception):
    """A plugin that cannot be used; ``source`` is its file (or module name)."""

    def __init__(self, source: str, message: str):
        self.source, self.message = str(source), message
        super().__init__(f"plugin {source}: {message}")


@dataclass(frozen=True)
class Plugin:
    spec: str  # as the suite or --plugin gave it
    name: str  # module name (file stem, folder name or dotted module name)
    sha256: str
    path: Optional[str]  # the file or folder; None for an installed module without sources
    version: Optional[str] = None

    @property
    def key(self) -> str:
        """What the registries record as the entries' origin."""
        return self.name

    def identity(self) -> str:
        """``name@sha12`` (and ``==version`` when the module declares one)."""
        return f"{self.name}@{self.sha256[:12]}" + (f"=={self.version}" if self.version else "")

    def to_dict(self) -> dict:
        return {"name": self.name, "sha256": self.sha256, "path": self.path, "version": self.version}


_LOADED: dict[str, Plugin] = {}  # plugin name → the loaded plugin


def source_hash(path: Path) -> str:
    """SHA-256 of a file, or of a folder's ``.py`` files (relative path and content, sorted)."""
    digest = hashlib.sha256()
    if path.is_file():
        digest.update(path.read_bytes())
        return digest.hexdigest()
    for file in sorted(path.rglob("*.py")):
        if "__pycache__" not in file.parts:
            digest.update(file.relative_to(path).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _locate(spec: str, base: Optional[Path]) -> Optional[Path]:
    """The file or folder ``spec`` names (beside ``base``, else in the cwd), or None for a module name."""
    looks_like_path = spec.endswith(".py") or "/" in spec or "\\" in spec or spec.startswith(".")
    candidate = Path(spec).expanduser()
    if not candidate.is_absolute():
        options = ([base / candidate] if base is not None else []) + [Path.cwd() / candidate]
        candidate = next((c for c in options if c.exists()), options[0])
    return candidate.absolute() if looks_like_path or candidate.exists() else None


def load_plugin(spec: str, base: Optional[Path] = None) -> Plugin:
    """Import the plugin ``spec`` (a ``.py`` file, a package folder or a module name); paths are
    resolved beside ``base`` (the suite's folder) first, then the cwd.  Loading the same source
    twice is a no-op; a changed source replaces the entries its previous version registered."""
    path = _locate(spec, base)
    if path is None:
        return _load_module(spec)
    if not path.exists():
        raise PluginError(path, "no such file or folder")
    if path.is_dir() and not (path / "__init__.py").is_file():
        raise PluginError(path, "a plugin folder must be a package (hold an __init__.py)")
    if path.is_file() and path.suffix != ".py":
        raise PluginError(path, "a plugin file must be a Python file (.py)")
    name = path.stem if path.is_file() else path.name
    if not name.isidentifier():
        raise PluginError(path, f"{name!r} is not a valid Python module name")
    if name in sys.modules and name not in _LOADED:
        raise PluginError(path, f"a module named {name!r} is already imported; rename the plugin")
    plugin = Plugin(spec, name, source_hash(path), str(path))
    file = path if path.is_file() else path / "__init__.py"
    return _import(plugin, lambda: _exec_file(name, file, is_package=path.is_dir()))


def _load_module(module_name: str) -> Plugin:
    try:
        found = importlib.util.find_spec(module_name)
    except (ImportError, ValueError) as exc:
        raise PluginError(module_name, f"cannot be found ({exc})") from None
    if found is None:
        raise PluginError(module_name, "no such file, folder or importable module")
    origin = Path(found.origin) if found.origin and found.origin not in ("built-in", "frozen") else None
    source = origin.parent if origin is not None and found.submodule_search_locations else origin
    sha = source_hash(source) if source is not None else hashlib.sha256(module_name.encode()).hexdigest()
    plugin = Plugin(module_name, module_name, sha, str(source) if source else None)
    return _import(plugin, lambda: importlib.import_module(module_name))


def _exec_file(name: str, file: Path, *, is_package: bool):
    spec = importlib.util.spec_from_file_location(
        name, file, submodule_search_locations=[str(file.parent)] if is_package else None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _import(plugin: Plugin, do_import) -> Plugin:
    previous = _LOADED.get(plugin.name)
    if previous is not None and previous.sha256 == plugin.sha256 and previous.path == plugin.path:
        return previous
    if previous is not None:  # edited since it was loaded (or another file of the same name)
        forget_origin(previous.key)
        for mod in [m for m in sys.modules if m == plugin.name or m.startswith(plugin.name + ".")]:
            del sys.modules[mod]
    where = plugin.path or plugin.name
    try:
        with registering_for(plugin.key):
            module = do_import()
    except SyntaxError as exc:
        forget_origin(plugin.key)
        raise PluginError(exc.filename or where, f"syntax error at line {exc.lineno}: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - any failure of user code is reported, naming the file
        forget_origin(plugin.key)
        frames = traceback.extract_tb(exc.__traceback__)
        own = [f for f in frames if plugin.path and f.filename.startswith(plugin.path)] or frames[-1:]
        raise PluginError(where, f"{type(exc).__name__}: {exc} (at {own[-1].filename}:{own[-1].lineno})") from None
    version = getattr(module, "__version__", None)
    plugin = Plugin(plugin.spec, plugin.name, plugin.sha256, plugin.path, str(version) if version else None)
    _LOADED[plugin.name] = plugin
    return plugin


def load_plugins(specs: list[str], base: Optional[Path] = None) -> list[Plugin]:
    """:func:`load_plugin` for each of ``specs``, in order; two specs naming one module are one plugin."""
    plugins: dict[str, Plugin] = {}
    for spec in specs:
        plugin = load_plugin(str(spec), base)
        first = plugins.setdefault(plugin.name, plugin)
        if first.path != plugin.path:
            raise PluginError(plugin.path or plugin.name, f"another plugin is also named {plugin.name!r} ({first.path})")
    return list(plugins.values())


def loaded(name: str) -> Plugin:
    return _LOADED[name]


def unload_all() -> None:
    """Forget every loaded plugin: its entries leave the registries and its modules ``sys.modules``
    (tests use it so that one test's plugins do not show up in another's registries)."""
    for name in list(_LOADED):
        forget_origin(name)
        for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[mod]
        del _LOADED[name]


def _staged_package(plugins: list[Plugin]) -> str:
    return f"{STAGED_PACKAGE}_{hashlib.sha256(''.join(p.sha256 for p in plugins).encode()).hexdigest()[:12]}"


def _stageable(plugin: Plugin) -> bool:
    """A file or folder plugin (copied for the workers), not an installed module."""
    source = Path(plugin.path) if plugin.path else None
    return source is not None and plugin.name == (source.stem if source.is_file() else source.name) and (
        source.suffix == ".py" if source.is_file() else (source / "__init__.py").is_file())


def worker_imports(plugins: list[Plugin]) -> list[dict]:
    """What each Ray worker imports (:func:`activate`): ``{"name", "sha256", "import"}``; a staged
    plugin by its place in the staged package, an installed module by its own name (it must be
    installed on the workers too)."""
    package = _staged_package(plugins)
    return [{"name": p.name, "sha256": p.sha256, "import": f"{package}.{p.name}" if _stageable(p) else p.name}
            for p in plugins]


def stage_for_workers(plugins: list[Plugin]) -> Optional[str]:
    """Copy the file and folder plugins into one temporary package, for Ray's ``py_modules``;
    returns its folder (None when there is nothing to copy)."""
    import shutil

    staged = [p for p in plugins if _stageable(p)]
    if not staged:
        return None
    root = Path(tempfile.mkdtemp(prefix="bench-plugins-")) / _staged_package(plugins)
    root.mkdir()
    (root / "__init__.py").write_text('"""Plugins staged by bench for Ray workers."""\n')
    for plugin in staged:
        source = Path(plugin.path)
        if source.is_file():
            shutil.copy2(source, root / source.name)
        else:
            shutil.copytree(source, root / source.name, ignore=shutil.ignore_patterns("__pycache__"))
    return str(root)


def activate(imports: list[dict]) -> None:
    """In a Ray worker: import the staged plugins (once per process), so their entries are registered."""
    for item in imports:
        if item["import"] in sys.modules:
            continue
        with registering_for(item["name"]):
            importlib.import_module(item["import"])
