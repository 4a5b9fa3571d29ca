"""The Ray Tune function trainable: one trial, from config to Parquet rows.

Rows are rewritten in full at every evaluation (idempotent by (trial id, step)) to the sweep's
storage location (a local folder or a URI, :mod:`bench.store.location`); a checkpoint is
reported to Tune every ``checkpoint_every`` steps, so a retried or resumed trial continues from
its last checkpoint and rewrites exactly the rows it would have written.  Checkpoints are
verified when loaded and a bad one falls back to the previous one (:mod:`bench.sweep.checkpoints`);
what happened is written to ``logs/<trial_id>.log`` and to the worker's stderr.  Rows carry the
trial's ``attempt`` number and the step it ``resumed_from``.  An exception is recorded as a row
with status ``error`` and its traceback (next to the rows already written, when it struck before
the trial's history was loaded), then re-raised so that Tune retries the trial (``retries``
times) before it is marked as errored.  A restored trial rewrites its rows from the checkpoint's
history at once, replacing an earlier attempt's error row.  A trial whose summary exists finished
on an earlier run (its summary is its last write) and returns at once: Tune's saved state can
predate the trial's end, and a restore would run it again.
"""

from __future__ import annotations

import re
import sys
import tempfile
import traceback
from datetime import datetime, timezone
from functools import lru_cache

import torch

from bench.samples import write_evaluation_samples
from bench.store import write_trial_rows, write_trial_summary
from bench.store.io import SUMMARIES_DIR, read_trial_rows, record_trial_error
from bench.store.location import Location
from bench.sweep.checkpoints import restore_state, write_checkpoint
from bench.sweep.columns import config_columns
from bench.sweep.provenance import library_versions

LOGS_DIR = "logs"
_ATTEMPT = re.compile(r" attempt (\d+): ")


@lru_cache(maxsize=2)
def _dataset(args_json: str):
    import json

    from bench.data import load_dataset

    return load_dataset(json.loads(args_json))


def pick_device(gpu_share: float) -> str:
    return "cuda" if gpu_share > 0 and torch.cuda.is_available() else "cpu"


def train_trial(param: dict, *, shared: dict) -> None:
    from ray import tune

    from bench.metrics.evaluate import evaluate
    from bench.train import Trainer

    import json

    from bench.plugins import activate

    activate(shared.get("plugins", []))  # the suite's plugins, staged by bench.sweep.launch.start_ray
    trial_id, config = param["trial"]["id"], param["trial"]["config"]
    results_dir = Location.of(shared["results_dir"])
    if results_dir.exists(SUMMARIES_DIR, f"{trial_id}.parquet"):
        # finished on an earlier run after Tune last saved its state: a restore restarts it, but
        # its rows and summary are final
        print(f"bench: {trial_id} already finished (its summary exists): not rerun", file=sys.stderr, flush=True)
        return
    torch.set_num_threads(max(1, int(shared["cpu"])))
    device = pick_device(shared["gpu"])
    from bench.data import sample_shape

    base = config_columns(trial_id, config, suite=shared["suite"], suite_version=shared["suite_version"],
                          data_shape=sample_shape(shared["dataset_args"]))
    reference = shared["reference"]
    base.update({**reference.row_fields(), "git_commit": shared["git_commit"],
                 "versions": library_versions(), "device": device})
    metrics = config["evaluation"]["metrics"]
    base["attempt"] = previous_attempt(results_dir, trial_id) + 1
    base["resumed_from"] = 0
    trainer = None
    has_history = False  # True once the trainer holds the trial's history (fresh or restored)
    notes: list[str] = []
    append_log(results_dir, trial_id, f"attempt {base['attempt']}: started on {base['host']}")

    def log(message: str) -> None:
        notes.append(message)
        append_log(results_dir, trial_id, f"attempt {base['attempt']}: {message}")

    def rows(history: list[dict]) -> list[dict]:
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return [{**base, "timestamp": stamp, "error": None, **row} for row in history]

    def evaluate_fn(samples: torch.Tensor) -> dict:
        return evaluate(samples, reference, metrics, seed=config["seed"])

    def on_evaluation(t: Trainer, row: dict) -> None:
        write_evaluation_samples(results_dir, trial_id, t, shared.get("samples", 0), reference.mixture)
        write_trial_rows(results_dir, trial_id, rows(t.history))
        if not t.checkpoint_due():  # else on_checkpoint reports this step with its checkpoint
            tune.report(report(t, row))

    def report(t: Trainer, row: dict) -> dict:
        out = {"step": t.step, "status": t.status, **_finite(row)}
        if notes:
            out["note"] = "; ".join(notes)
            notes.clear()
        return out

    def on_checkpoint(t: Trainer) -> None:
        with tempfile.TemporaryDirectory() as folder:
            write_checkpoint(t.state_dict(), folder)
            last = t.history[-1] if t.history and t.history[-1]["step"] == t.step else {}
            tune.report(report(t, last), checkpoint=tune.Checkpoint.from_directory(folder))

    try:
        dataset = _dataset(json.dumps(shared["dataset_args"], sort_keys=True))
        trainer = Trainer(config, dataset.x, device=device, labels=dataset.labels)
        state = restore_state(tune.get_checkpoint(), log)
        if state is not None:
            trainer.load_state_dict(state)
            base["resumed_from"] = trainer.step
            log(f"resumed from the checkpoint at step {trainer.step}")
            # the rows on storage may be an earlier attempt's error row; restore them from the
            # checkpoint's history (a trial restored at its last step runs no further evaluation)
            write_trial_rows(results_dir, trial_id, rows(trainer.history))
        has_history = True
        trainer.run(evaluate_fn, on_evaluation, on_checkpoint)
        write_trial_summary(results_dir, trial_id, trial_summary(base, trainer, reference, metrics))
    except Exception as exc:
        step = trainer.step if has_history else 0
        error_row = {**base, "step": step, "status": "error",
                     "error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}",
                     "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if has_history:
            history = [r for r in trainer.history if r["step"] != step]
            write_trial_rows(results_dir, trial_id, rows(history) + [error_row])
        else:  # failed before the trial had a history: keep the rows earlier attempts wrote
            record_trial_error(results_dir, trial_id, error_row)
        raise


def previous_attempt(results_dir: Location, trial_id: str) -> int:
    """How many times the trial was started before: the highest attempt in its log (every attempt
    logs its start, even one that dies before writing a row) or in its rows; 0 if never."""
    logged = 0
    if results_dir.exists(LOGS_DIR, f"{trial_id}.log"):
        found = [int(m) for m in _ATTEMPT.findall(results_dir.read_text(LOGS_DIR, f"{trial_id}.log"))]
        logged = max(found, default=0)
    try:
        rows = read_trial_rows(results_dir, trial_id)
    except Exception:  # noqa: BLE001 — an unreadable row file is rewritten by this attempt
        rows = None
    if rows is None or "attempt" not in rows or rows["attempt"].isna().all():
        return logged
    return max(logged, int(rows["attempt"].max()))


def append_log(results_dir: Location, trial_id: str, message: str) -> None:
    """One timestamped line in ``logs/<trial_id>.log`` (rewritten whole: object stores cannot
    append) and on the worker's stderr."""
    line = f"{datetime.now(timezone.utc).isoformat(timespec='seconds')} {trial_id} {message}"
    print(f"bench: {line}", file=sys.stderr, flush=True)
    old = results_dir.read_text(LOGS_DIR, f"{trial_id}.log") if results_dir.exists(LOGS_DIR, f"{trial_id}.log") else ""
    results_dir.write_text(old + line + "\n", LOGS_DIR, f"{trial_id}.log")


def trial_summary(base: dict, trainer, reference, metrics: list[str]) -> dict:
    """The trial's stability statistics (bench.metrics.stability) on its first metric, with the
    identifying columns of its rows."""
    from bench.metrics import METRICS
    from bench.metrics.stability import stability_summary

    keep = ("trial_id", "suite", "suite_version", "method", "loss", "regularizer", "arch_id", "seed", "dataset",
            "feature_extractor", "num_samples", "resize_mode", "num_real", "prdc_k", "git_commit")
    from bench.metrics import ranked_metrics

    metric = next(iter(ranked_metrics(metrics)), None)
    summary = {k: base[k] for k in keep} | {"status": trainer.status, "step": trainer.step, "wall_s": trainer.elapsed}
    if metric is not None:
        summary["summary_metric"] = metric
        summary.update(stability_summary(trainer.history, metric=metric, higher_is_better=METRICS.get(metric).higher_is_better,
                                         num_modes=reference.key.get("num_modes")))
    return summary


def _finite(row: dict) -> dict:
    return {k: v for k, v in row.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
