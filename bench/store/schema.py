"""The Parquet schema of result rows: one row per (trial, evaluation step).

Core columns always exist (NaN / null where they do not apply); metric columns exist for every
metric a suite asked for; ``arch_<knob>`` columns carry the architecture's choices.
"""

from __future__ import annotations

import pyarrow as pa

# name → (arrow type, description), or (arrow type, role, description) in the form the columns
# move to (roles: identity, config, metric, provenance, volatile).  Order is the column order of
# written files.
CORE_COLUMNS: dict[str, tuple] = {
    "trial_id": (pa.string(), "stable id derived from the trial's config"),
    "suite": (pa.string(), "suite name"),
    "suite_version": (pa.string(), "suite `version`"),
    "step": (pa.int64(), "generator steps done at this evaluation"),
    "status": (pa.string(), "ok | diverged | error"),
    "dataset": (pa.string(), "dataset name"),
    "resolution": (pa.int64(), "image side in pixels (0 for points)"),
    "arch_id": (pa.string(), "content-derived architecture id"),
    "arch_family": (pa.string(), "architecture family (conv, mlp)"),
    "loss": (pa.string(), "loss registry name"),
    "loss_params": (pa.string(), "loss parameters, canonical JSON"),
    "regularizer": (pa.string(), "regularizer registry name"),
    "reg_weight": (pa.float64(), "λ of the penalty"),
    "reg_every": (pa.int64(), "penalty applied every k D steps (lazy regularization)"),
    "reg_params": (pa.string(), "regularizer parameters, canonical JSON"),
    "method": (pa.string(), "loss+regularizer label used by the report"),
    "optimizer": (pa.string(), "optimizer registry name (adam, rmsprop, …)"),
    "lr_g": (pa.float64(), "generator learning rate"),
    "lr_d": (pa.float64(), "discriminator learning rate"),
    "beta1": (pa.float64(), "Adam β1 (NaN for other optimizers)"),
    "beta2": (pa.float64(), "Adam β2 / RMSprop α (NaN for other optimizers)"),
    "opt_params": (pa.string(), "config", "the optimizer's own parameters by their names, canonical JSON"),
    "n_disc": (pa.int64(), "D steps per round"),
    "n_gen": (pa.int64(), "G steps per round"),
    "batch_size": (pa.int64(), "batch size"),
    "pac": (pa.int64(), "config", "PacGAN packing degree m: D judges packs of m samples (1 = no packing)"),
    "augment": (pa.string(), "config", "DiffAugment policy applied before every D evaluation, comma-separated ('' = none)"),
    "z_dim": (pa.int64(), "latent size"),
    "prior": (pa.string(), "latent prior"),
    "seed": (pa.int64(), "trial seed"),
    "steps": (pa.int64(), "step budget of the trial"),
    "d_loss": (pa.float64(), "mean D loss (incl. penalty) since the previous evaluation"),
    "g_loss": (pa.float64(), "mean G loss since the previous evaluation"),
    "code_accuracy": (pa.float64(), "metric", "InfoGAN: accuracy of Q's categorical code on the real data against the "
                      "classes after Hungarian matching (NaN without InfoGAN or labels)"),
    "wall_s": (pa.float64(), "seconds since the trial started (training + evaluation)"),
    "feature_extractor": (pa.string(), "extractor whose features the metrics use"),
    "num_samples": (pa.int64(), "generated samples per evaluation"),
    "resize_mode": (pa.string(), "how images reach the extractor's input size: none | tf-bilinear | clean (null for points)"),
    "num_real": (pa.int64(), "real samples of the cached statistics (null for points)"),
    "prdc_k": (pa.int64(), "k of the k-NN manifolds of precision/recall/density/coverage (null for points)"),
    "error": (pa.string(), "error message and traceback (status=error), else null"),
    "plugins": (pa.string(), "identity",
                "plugins whose entries the trial uses, {name: sha256 of the source}, canonical JSON ({} for none)"),
    "config_json": (pa.string(), "the full trial config, canonical JSON"),
    "git_commit": (pa.string(), "git commit of bench that produced the row"),
    "versions": (pa.string(), "library versions, JSON"),
    "host": (pa.string(), "host name of the worker"),
    "device": (pa.string(), "torch device the trial ran on"),
    "timestamp": (pa.string(), "UTC time the row was written, ISO 8601"),
    "attempt": (pa.int64(), "how many times the trial has been started (1 = first run; retries and resumes add 1)"),
    "resumed_from": (pa.int64(), "step of the checkpoint this attempt started from (0 = from scratch)"),
}

STATUSES = ("ok", "diverged", "error")


def arrow_type(column: str, value) -> pa.DataType:
    """Arrow type of a column: the declared one for core columns, float64 for metrics, else inferred."""
    if column in CORE_COLUMNS:
        return CORE_COLUMNS[column][0]
    if isinstance(value, bool):
        return pa.bool_()
    if isinstance(value, int):
        return pa.int64()
    if isinstance(value, float) or value is None:
        return pa.float64()
    return pa.string()
