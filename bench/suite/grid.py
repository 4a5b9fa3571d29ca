"""Expansion of a suite into its trial grid: architecture × method × optimizer setting × seed.

A trial's id is a hash of its config (everything that changes its numbers: data, architecture,
loss, regularizer, optimizer, training and evaluation settings, seed), so the same trial always
gets the same id, across runs and machines.  Suite name, version, resources and results folder
do not enter the id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bench.arch.spec import ArchSpec
from bench.data import DATASETS
from bench.metrics import default_metrics
from bench.regularizers import REGULARIZERS
from bench.suite.labels import trial_method
from bench.suite.schema import MethodCfg, Suite
from bench.suite.trial import EvaluationConfig, TrialConfig



@dataclass(frozen=True)
class Trial:
    id: str
    spec: TrialConfig  # typed and frozen; ``config`` is its canonical dict

    @property
    def config(self) -> dict:
        return self.spec.to_dict()

    @property
    def method(self) -> str:
        return trial_method(self.config)


def load_architectures(suite: Suite, resolve_path: Callable[[str], Path]) -> list[ArchSpec]:
    from bench.arch import resolve_architectures
    from bench.data import sample_shape

    section = suite.architectures.model_dump(exclude_none=True, exclude_defaults=True)
    if suite.architectures.space is not None:
        section["seed"] = suite.architectures.seed
    return resolve_architectures(section, resolve_path, data_shape=sample_shape(suite.dataset.model_dump(exclude_none=True)))


def evaluation_config(suite: Suite) -> EvaluationConfig:
    """The suite's ``evaluation`` section with the defaults filled in (sample count sized for the
    dataset, default metrics for its kind); unset options are left out, and so is ``samples``: the
    sample grids change no number, so they stay out of trial ids (trials get it from the sweep's
    shared inputs, bench.sweep.launch).  Resolved once, when the suite is loaded
    (``LoadedSuite.evaluation``)."""
    from bench.metrics.reference import default_num_samples

    ev = suite.evaluation
    config = ev.model_dump(exclude_none=True, exclude={"samples"})
    config["num_samples"] = ev.num_samples or default_num_samples(suite.dataset.name)
    config["metrics"] = list(ev.metrics) if ev.metrics else default_metrics(suite.dataset.kind)
    return EvaluationConfig.from_dict(config)


def method_config(method: MethodCfg) -> tuple[dict, dict]:
    loss = {"name": method.loss.name, "params": dict(method.loss.params)}
    reg = method.regularizer
    regularizer = {"name": reg.name, "weight": float(reg.resolved_weight), "every": reg.every, "params": dict(reg.params)}
    return loss, regularizer


def plugin_identity(config: dict) -> dict:
    """``{"plugins": {name: sha256}}`` of the plugins whose entries the trial config uses (its
    dataset, architecture family, loss, regularizer, optimizer, feature extractor, metrics), or
    ``{}``: trials of bench's own entries keep the ids they had before plugins existed."""
    from bench.arch.family import FAMILIES
    from bench.losses import LOSSES
    from bench.metrics import METRICS
    from bench.metrics.features import FEATURE_EXTRACTORS
    from bench.plugins import loaded
    from bench.train.optim import OPTIMIZERS

    evaluation = config["evaluation"]
    extractor = str(evaluation.get("feature_extractor", "auto")).partition(":")[0]
    used = [(DATASETS, config["dataset"]["name"]), (FAMILIES, config["arch"]["family"]),
            (LOSSES, config["loss"]["name"]), (REGULARIZERS, config["regularizer"]["name"]),
            (OPTIMIZERS, config["optimizer"]["name"])]
    used += [(FEATURE_EXTRACTORS, extractor)] if extractor in FEATURE_EXTRACTORS else []
    used += [(METRICS, name) for name in evaluation.get("metrics", [])]
    origins = sorted({registry.origin(name) for registry, name in used} - {None})
    return {"plugins": {name: loaded(name).sha256 for name in origins}} if origins else {}


def expand_trials(suite: Suite, architectures: list[ArchSpec], evaluation: EvaluationConfig) -> list[Trial]:
    """The cross product, in a fixed order (architecture, method, optimizer, seed)."""
    dataset = suite.dataset.model_dump(exclude_none=True)
    if DATASETS.get(suite.dataset.name).kind == "image":
        dataset.setdefault("resolution", DATASETS.get(suite.dataset.name).default_resolution)
    training = suite.training.model_dump(exclude_none=True)  # unset options do not change trial ids
    trials: list[Trial] = []
    seen: set[str] = set()
    for spec in architectures:
        for method in suite.method_list():
            loss, regularizer = method_config(method)
            for optimizer in suite.optimizer:
                for seed in suite.seeds:
                    config = {
                        "dataset": dataset,
                        "arch": spec.to_dict(),
                        "loss": loss,
                        "regularizer": regularizer,
                        "optimizer": optimizer.config(),
                        "training": training,
                        "evaluation": evaluation.to_dict(),
                        "seed": seed,
                        "augment": method.augment,
                    }
                    config.update(plugin_identity(config))
                    trial_config = TrialConfig.from_dict(config)
                    trial = Trial(trial_config.trial_id, trial_config)
                    if trial.id not in seen:  # a repeated axis value gives the same trial once
                        seen.add(trial.id)
                        trials.append(trial)
    return trials
