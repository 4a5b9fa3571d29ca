"""What every section of the suite schema shares: unknown keys rejected, values frozen, types
strict (``steps: "800"`` is an error, not 800), no infinite or NaN floats; and the two helpers of
registry-named fields."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def registered(registry, name: str) -> str:
    """The registered name of ``name`` (aliases resolved); an unknown name raises ``ValueError``
    listing the valid ones, so pydantic reports it at the field."""
    try:
        return registry.canonical(name)
    except KeyError as exc:
        raise ValueError(str(exc)) from None


def named(value: Any) -> Any:
    """Shorthand: a bare string ``ns`` means ``{name: ns}``."""
    return {"name": value} if isinstance(value, str) else value
