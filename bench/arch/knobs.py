"""Knob domains: what an architecture family's builder supports for each knob.

A *domain* says which values a builder can turn into modules (a finite set, or an integer
range).  A *space* (``bench.arch.space``) declares which of those values the sampler draws.
Keeping the two apart lets a suite narrow or widen a space freely while a value the builder
cannot build (``g_norm: sn2``, ``g_filters: 0``) is rejected when the suite is validated,
never at training time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable


@dataclass(frozen=True)
class Domain:
    """Allowed values of one knob: ``values`` (categorical) or the integer range [low, high]."""

    values: tuple = ()
    low: int | None = None
    high: int | None = None
    doc: str = ""

    @classmethod
    def choice(cls, values: Iterable[Any], doc: str = "") -> "Domain":
        return cls(values=tuple(values), doc=doc)

    @classmethod
    def integer(cls, low: int, high: int, doc: str = "") -> "Domain":
        return cls(low=low, high=high, doc=doc)

    def describe(self) -> str:
        if self.values:
            return "one of " + ", ".join(map(str, self.values))
        return f"an integer in [{self.low}, {self.high}]"

    def contains(self, value: Any) -> bool:
        if self.values:
            return any(type(value) is type(v) and value == v for v in self.values)
        return type(value) is int and self.low <= value <= self.high

    def check(self, knob: str, value: Any) -> None:
        """Raise ``ValueError`` naming the knob and the supported values if ``value`` is outside."""
        if not self.contains(value):
            raise ValueError(f"knob {knob!r}: {value!r} is not supported; it must be {self.describe()}")


def check_knob_names(names: Iterable[str], domains: dict[str, Domain], what: str) -> None:
    """Raise ``ValueError`` listing the valid knobs if any name in ``names`` is not a knob."""
    unknown = [name for name in names if name not in domains]
    if unknown:
        raise ValueError(
            f"unknown knob(s) {', '.join(map(repr, unknown))} for {what}; valid knobs: {', '.join(domains)}"
        )


def check_knobs(knobs: dict, domains: dict[str, Domain], what: str) -> None:
    """Validate every name and value of a knob dict against ``domains``."""
    check_knob_names(knobs, domains, what)
    for name, value in knobs.items():
        domains[name].check(name, value)
