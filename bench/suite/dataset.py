"""The ``dataset`` section: an entry of :data:`bench.data.DATASETS` and the options it takes
(its folder is checked by :mod:`bench.suite.load`, which knows the suite file's directory)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import Field, field_validator, model_validator

from bench.data import DATASETS
from bench.suite.bounds import at_most
from bench.suite.section import Section, registered


class DatasetCfg(Section):
    name: str
    resolution: Optional[int] = Field(None, ge=4, le=1024)
    path: Optional[str] = None
    download: bool = False
    channels: Optional[Literal[1, 3]] = None
    train: Optional[bool] = None
    size: Optional[Annotated[int, at_most("dataset.size")]] = Field(None, ge=100)

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        return registered(DATASETS, name)

    @field_validator("channels", mode="before")
    @classmethod
    def _not_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):  # True == 1 would pass the Literal
            raise ValueError("Input should be 1 or 3")
        return value

    @model_validator(mode="after")
    def _fits(self):
        entry = DATASETS.get(self.name)
        if entry.needs_path and not self.path:
            raise ValueError(f"dataset {self.name!r} needs `path:` ({entry.description})")
        if not entry.needs_path and self.path is not None:
            readers = ", ".join(n for n in DATASETS.names() if DATASETS.get(n).needs_path)
            raise ValueError(f"dataset {self.name!r} is embedded and takes no `path:` (only {readers} read one)")
        if entry.kind == "points" and self.resolution is not None:
            raise ValueError(f"dataset {self.name!r} is 2-D points: `resolution` does not apply")
        for option in ("download", "channels", "train", "size"):
            if getattr(self, option) not in (None, False) and option not in entry.options():
                takers = [n for n in DATASETS.names() if option in DATASETS.get(n).options()]
                raise ValueError(f"`{option}` applies to {', '.join(takers) or 'no dataset'} only "
                                 f"(dataset {self.name!r} takes {', '.join(entry.options()) or 'no options'})")
        return self

    @property
    def kind(self) -> str:
        return DATASETS.get(self.name).kind

    def loader_args(self) -> dict:
        entry = DATASETS.get(self.name)
        args = self.model_dump(exclude_none=True, exclude=set() if "download" in entry.options() else {"download"})
        if entry.kind == "image" and "resolution" not in args:
            args["resolution"] = entry.default_resolution
        return args
