"""The suite's ``tracking`` section (bench.sweep.tracking builds the logger callbacks from it)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bench.layout import MLFLOW_DB


class TrackingCfg(BaseModel):
    """Where Ray Tune's logger callbacks send each trial's config and metrics, besides the
    TensorBoard files it always writes under ``<results>/tune``: ``mlflow`` (a local store under
    the results folder unless ``uri`` names a tracking server or store) or ``wandb`` (offline
    unless you are logged in or set ``WANDB_MODE``).  ``project``: the MLflow experiment / W&B
    project (default: the suite's name)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    logger: Literal["none", "mlflow", "wandb"] = "none"
    uri: Optional[str] = Field(None, description=f"MLflow tracking URI (default: sqlite:///<results>/{MLFLOW_DB})")
    project: Optional[str] = Field(None, description="MLflow experiment or W&B project (default: the suite name)")

    @model_validator(mode="after")
    def _uri_for_mlflow(self):
        if self.uri is not None and self.logger != "mlflow":
            raise ValueError("`uri` applies to `logger: mlflow` only")
        return self
