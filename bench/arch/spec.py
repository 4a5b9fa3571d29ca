"""Architecture specs: a plain, serializable record of every architectural choice.

A spec is a family name plus a flat dict of knobs; its id is derived from its content, so the
same choices always get the same id and a frozen catalogue (JSON lines) can be shared.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: the form every content hash in bench uses."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def content_id(obj: Any, prefix: str, length: int = 10) -> str:
    return prefix + hashlib.sha1(canonical_json(obj).encode()).hexdigest()[:length]


@dataclass(frozen=True)
class ArchSpec:
    """One G/D pair.  ``family`` picks the builder (``conv`` for images, ``mlp`` for 2-D points);
    ``knobs`` holds every choice of that family; ``z_dim`` and ``prior`` describe the latent."""

    family: str
    knobs: dict = field(default_factory=dict)
    z_dim: int = 64
    prior: str = "normal"  # "normal": N(0, I); "uniform": U[-1, 1]

    def content(self) -> dict:
        return {"family": self.family, "knobs": self.knobs, "z_dim": self.z_dim, "prior": self.prior}

    @property
    def id(self) -> str:
        return content_id(self.content(), prefix=f"{self.family}-")

    def to_dict(self) -> dict:
        return {"id": self.id, **self.content()}

    @classmethod
    def from_dict(cls, record: dict) -> "ArchSpec":
        spec = cls(
            family=record["family"],
            knobs=dict(record.get("knobs", {})),
            z_dim=int(record.get("z_dim", 64)),
            prior=record.get("prior", "normal"),
        )
        if "id" in record and record["id"] != spec.id:
            raise ValueError(f"architecture id {record['id']!r} does not match its content ({spec.id})")
        return spec
