"""The Parquet schema of result rows: one row per (trial, evaluation step).

Core columns always exist (NaN / null where they do not apply); metric columns exist for every
metric a suite asked for; ``arch_<knob>`` columns carry the architecture's choices.

Every column declares its **role**, once, here:

* ``identity`` — what a row is about and which method it belongs to (trial, step, architecture,
  seed, loss × regularizer label, suite, dataset); never a configuration axis of the report;
* ``config`` — a setting of the trial that a suite may vary; the report's candidate axes;
* ``metric`` — what an evaluation measured (metrics, losses, status, error);
* ``provenance`` — what produced the value (evaluation protocol, extractor, code, host): kept from
  the attempt that computed the row, never restamped by a later attempt;
* ``volatile`` — differs between two runs of the same suite and seed by design (timings, times,
  attempt counters); compared by nothing.

Columns outside :data:`CORE_COLUMNS` take their role from :data:`PREFIX_ROLES` (``arch_*`` are
the architecture's settings, ``search_*`` a search point's identity), else they are metrics.
"""

from __future__ import annotations

import pyarrow as pa

# The values of the ``status`` column, mildest first: a healthy evaluation, the trial's divergence
# (bench.train.trainer), an exception (bench.sweep.trainable).
STATUS_OK, STATUS_DIVERGED, STATUS_ERROR = "ok", "diverged", "error"
STATUSES = (STATUS_OK, STATUS_DIVERGED, STATUS_ERROR)

# name → (arrow type, role, description).  Order is the column order of written files.
CORE_COLUMNS: dict[str, tuple[pa.DataType, str, str]] = {
    "trial_id": (pa.string(), "identity", "stable id derived from the trial's config"),
    "suite": (pa.string(), "identity", "suite name"),
    "suite_version": (pa.string(), "identity", "suite `version`"),
    "step": (pa.int64(), "identity", "generator steps done at this evaluation"),
    "status": (pa.string(), "metric", " | ".join(STATUSES)),
    "dataset": (pa.string(), "identity", "dataset name"),
    "resolution": (pa.int64(), "identity", "image side in pixels (0 for points)"),
    "arch_id": (pa.string(), "identity", "content-derived architecture id"),
    "arch_family": (pa.string(), "identity", "architecture family (conv, mlp)"),
    "loss": (pa.string(), "identity", "loss registry name"),
    "loss_params": (pa.string(), "config", "loss parameters, canonical JSON"),
    "regularizer": (pa.string(), "identity", "regularizer registry name"),
    "reg_weight": (pa.float64(), "config", "λ of the penalty"),
    "reg_every": (pa.int64(), "config", "penalty applied every k D steps (lazy regularization)"),
    "reg_params": (pa.string(), "config", "regularizer parameters, canonical JSON"),
    "method": (pa.string(), "identity", "loss+regularizer label used by the report"),
    "optimizer": (pa.string(), "config", 'optimizer registry name (adam, rmsprop, …)'),
    "lr_g": (pa.float64(), "config", "generator learning rate"),
    "lr_d": (pa.float64(), "config", "discriminator learning rate"),
    "beta1": (pa.float64(), "config", 'Adam β1 (NaN for other optimizers)'),
    "beta2": (pa.float64(), "config", 'Adam β2 / RMSprop α (NaN for other optimizers)'),
    "opt_params": (pa.string(), "config", "the optimizer's own parameters by their names, canonical JSON"),
    "n_disc": (pa.int64(), "config", "D steps per round"),
    "n_gen": (pa.int64(), "config", "G steps per round"),
    "batch_size": (pa.int64(), "config", "batch size"),
    "pac": (pa.int64(), "config", "PacGAN packing degree m: D judges packs of m samples (1 = no packing)"),
    "augment": (pa.string(), "config", "DiffAugment policy applied before every D evaluation, comma-separated ('' = none)"),
    "z_dim": (pa.int64(), "config", "latent size"),
    "prior": (pa.string(), "config", "latent prior"),
    "seed": (pa.int64(), "identity", "trial seed"),
    "steps": (pa.int64(), "config", "step budget of the trial"),
    "d_loss": (pa.float64(), "metric", "mean D loss (incl. penalty) since the previous evaluation"),
    "g_loss": (pa.float64(), "metric", "mean G loss since the previous evaluation"),
    "code_accuracy": (pa.float64(), "metric", "InfoGAN: accuracy of Q's categorical code on the real data against the "
                      "classes after Hungarian matching (NaN without InfoGAN or labels)"),
    "wall_s": (pa.float64(), "volatile", "seconds since the trial started (training + evaluation)"),
    "feature_extractor": (pa.string(), "provenance", "extractor whose features the metrics use"),
    "num_samples": (pa.int64(), "provenance", "generated samples per evaluation"),
    "resize_mode": (pa.string(), "provenance", "how images reach the extractor's input size: none | tf-bilinear | clean (null for points)"),
    "num_real": (pa.int64(), "provenance", "real samples of the cached statistics (null for points)"),
    "prdc_k": (pa.int64(), "provenance", "k of the k-NN manifolds of precision/recall/density/coverage (null for points)"),
    "error": (pa.string(), "metric", "error message and traceback (status=error), else null"),
    "plugins": (pa.string(), "identity",
                "plugins whose entries the trial uses, {name: sha256 of the source}, canonical JSON ({} for none)"),
    "config_json": (pa.string(), "identity", "the full trial config, canonical JSON"),
    "git_commit": (pa.string(), "provenance", "git commit of bench that produced the row"),
    "versions": (pa.string(), "provenance", "library versions, JSON"),
    "host": (pa.string(), "provenance", "host name of the worker"),
    "device": (pa.string(), "provenance", "torch device the trial ran on"),
    "timestamp": (pa.string(), "volatile", "UTC time the row was computed, ISO 8601 (kept when a later attempt rewrites the file)"),
    "attempt": (pa.int64(), "volatile", "how many times the trial has been started (1 = first run; retries and resumes add 1)"),
    "resumed_from": (pa.int64(), "volatile", "step of the checkpoint this attempt started from (0 = from scratch)"),
}

ROLES = ("identity", "config", "metric", "provenance", "volatile")
# Roles of columns outside CORE_COLUMNS, by name prefix (first match wins).
PREFIX_ROLES: dict[str, str] = {
    "arch_": "config",  # architecture knobs and sizes (bench.arch.catalogue.arch_columns)
    "search_": "identity",  # which study and sample of a hyperparameter search (bench.suite.cells)
}


def column_role(column: str) -> str:
    """The declared role of ``column``: its core declaration, else its prefix's, else ``metric``."""
    if column in CORE_COLUMNS:
        return CORE_COLUMNS[column][1]
    for prefix, role in PREFIX_ROLES.items():
        if column.startswith(prefix):
            return role
    return "metric"


def columns_with_role(role: str, columns) -> list[str]:
    """The names in ``columns`` (in order) whose role is ``role``."""
    if role not in ROLES:
        raise ValueError(f"unknown column role {role!r}; valid: {', '.join(ROLES)}")
    return [c for c in columns if column_role(c) == role]


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
