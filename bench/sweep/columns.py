"""The config columns every result row of a trial carries (the flattened trial config)."""

from __future__ import annotations

import socket

from bench.arch import arch_columns
from bench.arch.spec import ArchSpec, canonical_json
from bench.losses import LOSSES
from bench.suite.cells import search_columns
from bench.suite.labels import trial_method
from bench.train.optim import OPTIMIZERS


def config_columns(trial_id: str, config: dict, *, suite: str, suite_version: str, data_shape: tuple) -> dict:
    arch, opt, reg = config["arch"], config["optimizer"], config["regularizer"]
    dataset = config["dataset"]
    stored = OPTIMIZERS.get(opt["name"]).stored_as.values()
    columns = {
        "trial_id": trial_id,
        "suite": suite,
        "suite_version": suite_version,
        "dataset": dataset["name"],
        "resolution": int(dataset.get("resolution", 0)),
        "arch_id": ArchSpec.from_dict(arch).id,
        "arch_family": arch["family"],
        "loss": config["loss"]["name"],
        "loss_params": canonical_json(config["loss"].get("params", {})),
        "regularizer": reg["name"],
        "reg_weight": float(reg["weight"]),
        "reg_every": int(reg.get("every", 1)),
        "reg_params": canonical_json(reg.get("params", {})),
        "method": trial_method(config),
        "optimizer": opt["name"],
        "lr_g": float(opt["lr_g"]),
        "lr_d": float(opt["lr_d"]),
        "beta1": float(opt["beta1"]) if "beta1" in stored else float("nan"),
        "beta2": float(opt["beta2"]) if "beta2" in stored else float("nan"),
        "opt_params": canonical_json(OPTIMIZERS.get(opt["name"]).hyper(opt)),
        "n_disc": int(opt["n_disc"]),
        "n_gen": int(opt["n_gen"]),
        "batch_size": int(config["training"]["batch_size"]),
        "pac": int(config["training"].get("pac", 1)),
        "augment": ",".join(config.get("augment", ())),
        "z_dim": int(arch["z_dim"]),
        "prior": arch["prior"],
        "seed": int(config["seed"]),
        "steps": int(config["training"]["steps"]),
        "num_samples": int(config["evaluation"]["num_samples"]),
        "plugins": canonical_json(config.get("plugins", {})),
        "config_json": canonical_json(config),
        "host": socket.gethostname(),
    }
    loss = LOSSES.get(config["loss"]["name"])
    d_out_dim = loss.output_dim(config["loss"].get("params", {}))
    columns.update(search_columns(config))
    columns.update(arch_columns(ArchSpec.from_dict(arch), data_shape, d_out_dim, loss.d_output))
    return columns
