"""How each trial runs: the ``training``, ``evaluation`` and ``resources`` sections."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field, field_validator

from bench.suite.bounds import at_most
from bench.suite.section import Section


class FailAtCfg(Section):
    """A test hook: trials (all, or those with one of ``seeds``) raise on reaching ``step``."""

    step: int = Field(..., ge=1)
    seeds: Optional[list[int]] = None


class TrainingCfg(Section):
    steps: Annotated[int, at_most("training.steps")] = Field(..., ge=1, description="generator updates")
    batch_size: Annotated[int, at_most("training.batch_size")] = Field(64, ge=1)
    ema: float = Field(0.0, ge=0, lt=1, description="EMA decay of G's weights; 0 disables")
    log_every: int = Field(100, ge=1)
    divergence_threshold: float = Field(1e6, gt=0, description="|loss| above this counts as diverged")
    pac: Optional[int] = Field(None, ge=1, le=64, description="PacGAN: D judges packs of m samples; default 1 (off)")
    checkpoint_every: Optional[int] = Field(None, ge=1, description="G steps between checkpoints; default: every evaluation")
    fail_at: Optional[FailAtCfg] = Field(None, description="for testing only: trials raise on purpose at a step")


class EvaluationCfg(Section):
    every: int = Field(..., ge=1)
    num_samples: Optional[Annotated[int, at_most("evaluation.num_samples")]] = Field(None, ge=10, description="generated samples per evaluation; default sized for the dataset")
    num_real: Optional[Annotated[int, at_most("evaluation.num_real")]] = Field(None, ge=10, description="real samples of the cached statistics")
    metrics: Optional[list[str]] = None
    feature_extractor: str = Field("auto", description="auto | classifier[:<dataset>] | inception[:fid-helper|:clean-fid]")
    inception_path: Optional[str] = Field(None, description="a FID Inception TorchScript file (clean-fid's inception-2015-12-05.pt)")
    resize_mode: Optional[Literal["tf-bilinear", "clean"]] = None
    prdc_k: Optional[int] = Field(None, ge=1, description="k of the k-NN manifolds (precision/recall/density/coverage)")
    samples: int = Field(64, ge=0, le=1024, description="images in the sample grid saved at every evaluation "
                         "(2-D data: any value above 0 saves the scatter of the evaluation's points); 0: none. "
                         "Not part of trial ids: it changes no number")


class ResourcesCfg(Section):
    cpu: float = Field(1.0, gt=0)
    gpu: float = Field(0.0, ge=0, description="a fraction below 1 packs trials on a GPU; 1 or more must be whole")
    max_concurrent: Optional[int] = Field(None, ge=1)

    @field_validator("gpu")
    @classmethod
    def _ray_gpu(cls, gpu: float) -> float:
        problem = gpu_share_problem(gpu)
        if problem:
            raise ValueError(problem)
        return gpu


def gpu_share_problem(gpu: float) -> str | None:
    """Ray Tune accepts a GPU share below 1 (packing) or a whole number of GPUs, nothing between."""
    if gpu > 1 and gpu != int(gpu):
        return (f"Ray accepts a GPU share below 1 or a whole number of GPUs (got {gpu:g}); "
                f"use {int(gpu)} or {int(gpu) + 1}, or a share such as 0.5")
    return None
