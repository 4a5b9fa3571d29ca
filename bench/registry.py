"""One registry per axis: a name → entry mapping filled by a decorator.

Every axis of bench (losses, regularizers, datasets, metrics, feature extractors, architecture
families) is a :class:`Registry`.  Unknown names fail with the list of valid names and the closest
match, so a typo in a suite is an error, never a silent default.
"""

from __future__ import annotations

import difflib
import sys
from contextlib import contextmanager
from typing import Callable, Generic, Iterator, Optional, TypeVar

T = TypeVar("T")

ALL_REGISTRIES: list["Registry"] = []
_LOADING: list[str] = []  # the plugin being imported (bench.plugins), innermost last


@contextmanager
def registering_for(origin: str):
    """Entries added inside this block belong to the plugin ``origin`` (see :meth:`Registry.origin`)."""
    _LOADING.append(origin)
    try:
        yield
    finally:
        _LOADING.pop()


def _registering_module() -> str:
    """The module whose code adds an entry: the first caller outside this module."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    return frame.f_globals.get("__name__", "") if frame is not None else ""


def _is_bench_module(name: str) -> bool:
    """bench's own modules: their entries are built in even when a plugin's import is what first
    imports them (``from bench.train.optim import OPTIMIZERS`` in a plugin would otherwise make
    adam the plugin's, and unloading the plugin would remove it)."""
    return name == "bench" or name.startswith("bench.")


def forget_origin(origin: str) -> None:
    """Remove every entry the plugin ``origin`` registered, on every axis (before it is re-imported)."""
    for registry in ALL_REGISTRIES:
        registry.remove_origin(origin)


class UnknownNameError(KeyError):
    """Raised for a name that is not registered; the message lists the valid names."""

    def __init__(self, axis: str, name: str, valid: list[str]):
        self.axis, self.name, self.valid = axis, name, valid
        close = difflib.get_close_matches(name, valid, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        super().__init__(f"unknown {axis} {name!r}; valid: {', '.join(valid)}.{hint}")

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return self.args[0]


class Registry(Generic[T]):
    """A named mapping of entries of one axis (e.g. ``LOSSES``)."""

    def __init__(self, axis: str):
        self.axis = axis
        self._entries: dict[str, T] = {}
        self._aliases: dict[str, str] = {}
        self._origins: dict[str, str] = {}
        ALL_REGISTRIES.append(self)

    def add(self, name: str, entry: T, *, aliases: tuple[str, ...] = ()) -> T:
        if name in self._entries or name in self._aliases:
            raise ValueError(f"{self.axis} {name!r} is registered twice")
        self._entries[name] = entry
        for alias in aliases:
            self._aliases[alias] = name
        if _LOADING and not _is_bench_module(_registering_module()):
            self._origins[name] = _LOADING[-1]
        return entry

    def origin(self, name: str) -> Optional[str]:
        """The plugin that registered ``name`` (its :attr:`bench.plugins.Plugin.key`), ``None`` for bench's own."""
        return self._origins.get(self.canonical(name))

    def remove_origin(self, origin: str) -> None:
        for name in [n for n, o in self._origins.items() if o == origin]:
            del self._entries[name], self._origins[name]
            for alias in [a for a, n in self._aliases.items() if n == name]:
                del self._aliases[alias]

    def describe(self, name: str) -> dict:
        """Plain data about one entry: ``name``, ``aliases``, ``plugin`` and the entry's own
        ``describe()`` (formula, paper, parameters with defaults…) — what ``bench list`` prints."""
        key = self.canonical(name)
        entry = self._entries[key]
        info = entry.describe() if hasattr(entry, "describe") else {"description": (entry.__doc__ or "").strip()}
        return {"name": key, "aliases": sorted(a for a, n in self._aliases.items() if n == key),
                "plugin": self._origins.get(key), **info}

    def register(self, name: str, *, aliases: tuple[str, ...] = ()) -> Callable[[T], T]:
        """Decorator form of :meth:`add`."""

        def decorate(entry: T) -> T:
            return self.add(name, entry, aliases=aliases)

        return decorate

    def canonical(self, name: str) -> str:
        """The registered name for ``name`` (resolving aliases); raises :class:`UnknownNameError`."""
        if name in self._entries:
            return name
        if name in self._aliases:
            return self._aliases[name]
        raise UnknownNameError(self.axis, name, self.names())

    def get(self, name: str) -> T:
        return self._entries[self.canonical(name)]

    def names(self) -> list[str]:
        return list(self._entries)

    def aliases(self, name: str) -> tuple[str, ...]:
        """The other names ``name``'s entry answers to, in registration order."""
        canonical = self.canonical(name)
        return tuple(alias for alias, target in self._aliases.items() if target == canonical)

    def __contains__(self, name: object) -> bool:
        return name in self._entries or name in self._aliases

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def items(self):
        return self._entries.items()

    def own_items(self) -> list:
        """``(name, entry)`` of bench's own entries, without those a plugin registered."""
        return [(n, e) for n, e in self._entries.items() if n not in self._origins]

    def __len__(self) -> int:
        return len(self._entries)
