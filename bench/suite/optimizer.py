"""The ``optimizer`` section of a suite: an entry of :data:`bench.train.optim.OPTIMIZERS` with its
own parameters (see :class:`OptimizerCfg`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bench.suite.bounds import at_most

OPTIMIZER_COMMON = ("name", "lr_g", "lr_d", "n_disc", "n_gen")


class OptimizerCfg(BaseModel):
    """An optimizer of :data:`bench.train.optim.OPTIMIZERS` with its own parameters by their
    names beside the common ones, or under ``params`` (Adam: ``beta1``, ``beta2``, defaults 0.5,
    0.999; RMSprop: ``alpha``, default 0.99 as torch and the WGAN reference code — ``beta2`` is
    read as its old spelling).  :meth:`config` stores them as the entry says, so the trial ids
    of Adam and RMSprop suites are those from before the registry."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)  # as every suite section

    name: str = "adam"
    lr_g: float = Field(2e-4, gt=0)
    lr_d: float = Field(2e-4, gt=0)
    n_disc: Annotated[int, at_most("optimizer.n_disc")] = Field(1, ge=1)
    n_gen: Annotated[int, at_most("optimizer.n_gen")] = Field(1, ge=1)
    params: dict[str, Any] = Field(default_factory=dict, description="the optimizer's own parameters, defaults filled in")

    @model_validator(mode="before")
    @classmethod
    def _own_parameters(cls, data: Any) -> Any:
        from bench.train.optim import OPTIMIZERS

        if not isinstance(data, dict) or not isinstance(data.get("name", "adam"), str):
            return data
        try:
            name = OPTIMIZERS.canonical(data.get("name", "adam"))
        except KeyError as exc:  # UnknownNameError: lists the optimizers, plugins' included
            raise ValueError(str(exc)) from None
        entry = OPTIMIZERS.get(name)
        given = {**(data.get("params") or {}), **{k: v for k, v in data.items() if k not in (*OPTIMIZER_COMMON, "params")}}
        hyper = {}
        for key, value in given.items():
            own = entry.aliases.get(key, key)
            if own not in entry.params():
                listing = ", ".join(entry.params()) or "none"
                raise ValueError(f"optimizer {name!r} has no parameter {key!r}; valid parameters: {listing}")
            if own.startswith(("beta", "alpha")):
                _check_unit_interval(f"optimizer.{key}", value)
            hyper[own] = value
        return {**{k: data[k] for k in OPTIMIZER_COMMON if k in data}, "name": name,
                "params": {**entry.params(), **hyper}}

    def config(self) -> dict:
        """The trial's optimizer config: common fields and the parameters where the entry stores them."""
        from bench.train.optim import OPTIMIZERS

        return {**{k: getattr(self, k) for k in OPTIMIZER_COMMON},
                **OPTIMIZERS.get(self.name).config_fields(dict(self.params))}


def _check_unit_interval(field: str, value: Any) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < 1:
        raise ValueError(f"{field} must be a number in [0, 1); got {value!r}")
