"""A method's sections: the loss (:data:`bench.losses.LOSSES`), the regularizer
(:data:`bench.regularizers.REGULARIZERS`) and DiffAugment, each name and its parameters checked
against its registry entry, and the pair against each other (bench.methods)."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, field_validator, model_validator

from bench.diffaugment import check_policy
from bench.losses import LOSSES
from bench.methods import check_params, pair_problem
from bench.regularizers import REGULARIZERS
from bench.suite.section import Section, named, registered


class LossCfg(Section):
    name: str
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        return registered(LOSSES, name)

    @model_validator(mode="after")
    def _params_ok(self):
        check_params("loss", self.name, self.params)
        return self


class RegularizerCfg(Section):
    name: str
    weight: Optional[float] = Field(None, ge=0)
    every: int = Field(1, ge=1)
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        return registered(REGULARIZERS, name)

    @model_validator(mode="after")
    def _params_ok(self):
        check_params("regularizer", self.name, self.params)
        entry = REGULARIZERS.get(self.name)
        if entry.auxiliary is not None and self.every != 1:
            raise ValueError(f"regularizer {self.name!r} adds its head's terms on every step; `every` does not apply")
        if not entry.weighted:  # none, clip: nothing to weight or to make lazy
            given = [f"{k}: {getattr(self, k)}" for k, unset in (("weight", 0.0), ("every", 1))
                     if k in self.model_fields_set and getattr(self, k) not in (None, unset)]
            if given:
                raise ValueError(f"regularizer {self.name!r} adds no penalty to D's loss, so {', '.join(given)} "
                                 f"would do nothing; remove it" + (" (the clip value goes in params: {c: ...})"
                                                                   if self.name == "clip" else ""))
        return self

    @property
    def resolved_weight(self) -> float:
        return REGULARIZERS.get(self.name).default_weight if self.weight is None else self.weight


class MethodCfg(Section):
    loss: LossCfg
    regularizer: RegularizerCfg = RegularizerCfg(name="none")
    augment: list[str] = Field(default_factory=list, description="DiffAugment policy, e.g. [translation, cutout]")

    _shorthand = field_validator("loss", "regularizer", mode="before")(lambda v: named(v))

    @field_validator("augment")
    @classmethod
    def _known_augment(cls, policy: list[str]) -> list[str]:
        return list(check_policy(policy))

    @model_validator(mode="after")
    def _pair_ok(self):
        problem = pair_problem(self.loss.name, self.regularizer.name)
        if problem:
            raise ValueError(problem)
        return self
