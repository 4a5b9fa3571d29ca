"""The config columns every result row of a trial carries (the flattened trial config)."""

from __future__ import annotations

import socket
from typing import Mapping

from bench.arch import arch_columns
from bench.arch.spec import canonical_json
from bench.losses import LOSSES
from bench.suite.labels import trial_method
from bench.suite.trial import SearchPoint, TrialConfig, thaw
from bench.train.optim import OPTIMIZERS


def config_columns(trial_id: str, config: TrialConfig | Mapping, *, suite: str, suite_version: str,
                   data_shape: tuple) -> dict:
    """The row columns of a trial (a dict is read with ``TrialConfig.from_dict``)."""
    trial = TrialConfig.of(config)
    config = trial.to_dict()
    arch, opt, reg, dataset = trial.arch, trial.optimizer, trial.regularizer, trial.dataset
    optimizer = OPTIMIZERS.get(opt.name)
    stored = optimizer.stored_as.values()
    columns = {
        "trial_id": trial_id,
        "suite": suite,
        "suite_version": suite_version,
        "dataset": dataset.name,
        "resolution": int(dataset.resolution or 0),
        "arch_id": arch.id,
        "arch_family": arch.family,
        "loss": trial.loss.name,
        "loss_params": canonical_json(thaw(trial.loss.params)),
        "regularizer": reg.name,
        "reg_weight": float(reg.weight),
        "reg_every": int(reg.every),
        "reg_params": canonical_json(thaw(reg.params)),
        "method": trial_method(config),
        "optimizer": opt.name,
        "lr_g": float(opt.lr_g),
        "lr_d": float(opt.lr_d),
        "beta1": float(opt.stored["beta1"]) if "beta1" in stored else float("nan"),
        "beta2": float(opt.stored["beta2"]) if "beta2" in stored else float("nan"),
        "opt_params": canonical_json(optimizer.hyper(opt.to_dict())),
        "n_disc": int(opt.n_disc),
        "n_gen": int(opt.n_gen),
        "batch_size": int(trial.training.batch_size),
        "pac": int(trial.training.pac),
        "augment": ",".join(trial.augment),
        "z_dim": int(arch.z_dim),
        "prior": arch.prior,
        "seed": int(trial.seed),
        "steps": int(trial.training.steps),
        "num_samples": int(trial.evaluation.num_samples),
        "plugins": canonical_json(thaw(trial.plugins)),
        "config_json": canonical_json(config),
        "host": socket.gethostname(),
    }
    loss = LOSSES.get(trial.loss.name)
    columns.update(search_columns(trial.search))
    columns.update(arch_columns(arch, data_shape, loss.output_dim(trial.loss.params), loss.d_output))
    return columns


def search_columns(point: SearchPoint | None) -> dict:
    """Extra row columns of a search trial (none for a grid trial)."""
    if point is None:
        return {}
    return {"search_trial": f"{point.study}/{point.sample}", "search_study": point.study,
            "search_sample": int(point.sample), "search_sampler": point.sampler}
