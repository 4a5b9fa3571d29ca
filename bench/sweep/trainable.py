"""The Ray Tune function trainable: one trial, from config to Parquet rows.

Rows are rewritten in full at every evaluation (idempotent by (trial id, step)) to the sweep's
storage location (a local folder or a URI, :mod:`bench.store.location`); a checkpoint is
reported to Tune every ``checkpoint_every`` steps, so a retried or resumed trial continues from
its last checkpoint and rewrites exactly the rows it would have written.  Checkpoints are
verified when loaded and a bad one falls back to the previous one (:mod:`bench.sweep.checkpoints`);
what happened is written to ``logs/<trial_id>.log`` and to the worker's stderr.

A resumed trial continues from the *newest verified checkpoint of the trial on storage*, whichever
Tune experiment holds it (bench.sweep.checkpoints.restore_newest): Tune's saved state may name an
older one or, in a repair round, none.  Each row keeps the provenance of the attempt that computed
it — ``attempt``, ``resumed_from``, ``timestamp``, the feature extractor, code and host (the
columns of roles provenance/volatile, bench.store.schema): they are stamped into the trainer's
history row at evaluation, so the checkpoint carries them and no later rewrite restamps them.  An exception is recorded as a row
with status ``error`` and its traceback (next to the rows already written, when it struck before
the trial's history was loaded), then re-raised so that Tune retries the trial (``retries``
times) before it is marked as errored.  A restored trial rewrites its rows from the checkpoint's
history at once, replacing an earlier attempt's error row (or a short or damaged row file).  A
trial that is *done on storage* — rows at every evaluation step up to its budget (or up to its
divergence) and its summary (bench.sweep.completeness) — returns at once: Tune's saved state can
predate the trial's end, and a restore would run it again; anything less is continued.

Test hooks (off unless ``BENCH_KILL_AT`` is set): named kill points (bench.sweep.killpoints) in a
checkpoint write, a row write, before the summary and after a restore.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import traceback
from datetime import datetime, timezone
from functools import lru_cache

import torch
from ray import tune

from bench.data import load_dataset, sample_shape
from bench.metrics import METRICS, ranked_metrics
from bench.metrics.evaluate import evaluate
from bench.metrics.stability import stability_summary
from bench.plugins import activate
from bench.layout import LOGS_DIR, log_name
from bench.samples import write_evaluation_samples
from bench.store import write_trial_rows, write_trial_summary
from bench.store.io import read_trial_rows, record_trial_error
from bench.store.location import Location
from bench.store.schema import STATUS_ERROR, column_role
from bench.suite.trial import TrialConfig
from bench.sweep import killpoints
from bench.sweep.checkpoints import restore_newest, write_checkpoint
from bench.sweep.columns import config_columns
from bench.sweep.completeness import DAMAGED, DONE, PARTIAL, check_one
from bench.sweep.provenance import library_versions
from bench.train import Trainer

STAMPED = ("provenance", "volatile")  # roles a row keeps from the attempt that computed it
_ATTEMPT = re.compile(r" attempt (\d+): ")


@lru_cache(maxsize=2)
def _dataset(args_json: str):
    return load_dataset(json.loads(args_json))


def pick_device(gpu_share: float) -> str:
    return "cuda" if gpu_share > 0 and torch.cuda.is_available() else "cpu"


def train_trial(param: dict, *, shared: dict) -> None:
    """Run (or resume) one trial; see the module docstring.  Ray Tune hands over the trial's
    canonical dict (``{"id", "config"}``); it is read back into a :class:`TrialConfig` here."""
    activate(shared.get("plugins", []))  # the suite's plugins, staged by bench.sweep.launch.start_ray
    trial_id, config = param["trial"]["id"], param["trial"]["config"]
    trial = TrialConfig.from_dict(config)
    results_dir = Location.of(shared["results_dir"])
    check = check_one(results_dir, trial_id, config)
    if check.state in DONE:
        # done on an earlier run, perhaps after Tune last saved its state (a restore restarts it)
        print(f"bench: {trial_id} already {check.state} ({check.reason}): not rerun", file=sys.stderr, flush=True)
        return
    _Attempt(trial_id, trial, shared, results_dir, check).run()


class _Attempt:
    """One attempt of a trial: its provenance, its log, its callbacks for the trainer."""

    def __init__(self, trial_id: str, trial: TrialConfig, shared: dict, results_dir: Location, check):
        torch.set_num_threads(max(1, int(shared["cpu"])))
        self.trial_id, self.trial, self.shared, self.results_dir = trial_id, trial, shared, results_dir
        self.device = pick_device(shared["gpu"])
        self.reference = shared["reference"]
        base = config_columns(trial_id, trial, suite=shared["suite"], suite_version=shared["suite_version"],
                              data_shape=sample_shape(shared["dataset_args"]))
        base.update({**self.reference.row_fields(), "git_commit": shared["git_commit"],
                     "versions": library_versions(), "device": self.device})
        base["attempt"] = previous_attempt(results_dir, trial_id) + 1
        base["resumed_from"] = 0
        self.base, self.notes, self.trainer, self.has_history = base, [], None, False
        append_log(results_dir, trial_id, f"attempt {base['attempt']}: started on {base['host']}")
        if check.state in (PARTIAL, DAMAGED):
            self.log(f"its rows fall short ({check.reason}): continuing from its newest checkpoint")

    def log(self, message: str) -> None:
        self.notes.append(message)
        append_log(self.results_dir, self.trial_id, f"attempt {self.base['attempt']}: {message}")

    def stamp(self, row: dict) -> None:
        """Write this attempt's provenance into a history row it computed: the row keeps it in
        every later rewrite and checkpoint (bench.store.schema roles provenance and volatile)."""
        row.update({k: self.base[k] for k in self.base if column_role(k) in STAMPED})
        row["timestamp"] = datetime.now(timezone.utc).isoformat(timespec="seconds")

    def rows(self, history: list[dict]) -> list[dict]:
        """Result rows: the trial's columns, then each history row's own values and provenance."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return [{**self.base, "timestamp": now, "error": None, **row} for row in history]

    def write_rows(self, history: list[dict], point: str | None = None) -> None:
        step = history[-1]["step"] if history else 0
        write_trial_rows(self.results_dir, self.trial_id, self.rows(history),
                         before_replace=killpoints.hook(point, step, self.trial_id) if point else None)

    def on_evaluation(self, t, row: dict) -> None:
        self.stamp(row)  # ``row`` is the trainer's history entry
        write_evaluation_samples(self.results_dir, self.trial_id, t, self.shared.get("samples", 0), self.reference.mixture)
        self.write_rows(t.history, "rows")
        if not t.checkpoint_due():  # else on_checkpoint reports this step with its checkpoint
            tune.report(self.report(t, row))

    def report(self, t, row: dict) -> dict:
        out = {"step": t.step, "status": t.status, **_finite(row)}
        if self.notes:
            out["note"] = "; ".join(self.notes)
            self.notes.clear()
        return out

    def on_checkpoint(self, t) -> None:
        with tempfile.TemporaryDirectory() as folder:
            write_checkpoint(t.state_dict(), folder, between=killpoints.hook("checkpoint", t.step, self.trial_id))
            last = t.history[-1] if t.history and t.history[-1]["step"] == t.step else {}
            tune.report(self.report(t, last), checkpoint=tune.Checkpoint.from_directory(folder))

    def run(self) -> None:
        try:
            self._train()
        except Exception as exc:
            self._record_error(exc)
            raise

    def _train(self) -> None:
        dataset = _dataset(json.dumps(self.shared["dataset_args"], sort_keys=True))
        trainer = self.trainer = Trainer(self.trial, dataset.x, device=self.device, labels=dataset.labels)
        self._restore(trainer)
        self.has_history = True
        metrics, seed = list(self.trial.evaluation.metrics), self.trial.seed
        trainer.run(lambda samples: evaluate(samples, self.reference, metrics, seed=seed, discriminator=trainer.D),
                    self.on_evaluation, self.on_checkpoint)
        killpoints.reached("summary", trainer.step, self.trial_id)
        write_trial_summary(self.results_dir, self.trial_id, trial_summary(self.base, trainer, self.reference, metrics))

    def _restore(self, trainer: Trainer) -> None:
        """Continue from the trial's newest verified checkpoint, if any (bench.sweep.checkpoints)."""
        state = restore_newest(self.results_dir, self.trial_id, tune.get_checkpoint(), self.log)
        if state is None:
            return
        trainer.load_state_dict(state)
        self.base["resumed_from"] = trainer.step
        self.log(f"resumed from the checkpoint at step {trainer.step}")
        # the rows on storage may be short, damaged or an earlier attempt's error row: rewrite
        # them from the checkpoint's history (a trial restored at its last step evaluates no more)
        self.write_rows(trainer.history)
        killpoints.reached("restored", trainer.step, self.trial_id)

    def _record_error(self, exc: Exception) -> None:
        trainer, base = self.trainer, self.base
        step = trainer.step if self.has_history else 0
        error_row = {**base, "step": step, "status": STATUS_ERROR,
                     "error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}",
                     "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if self.has_history:
            history = [r for r in trainer.history if r["step"] != step]
            write_trial_rows(self.results_dir, self.trial_id, self.rows(history) + [error_row])
        else:  # failed before the trial had a history: keep the rows earlier attempts wrote
            record_trial_error(self.results_dir, self.trial_id, error_row)


def previous_attempt(results_dir: Location, trial_id: str) -> int:
    """How many times the trial was started before: the highest attempt in its log (every attempt
    logs its start, even one that dies before writing a row) or in its rows; 0 if never."""
    logged = 0
    if results_dir.exists(LOGS_DIR, log_name(trial_id)):
        found = [int(m) for m in _ATTEMPT.findall(results_dir.read_text(LOGS_DIR, log_name(trial_id)))]
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
    log = log_name(trial_id)
    old = results_dir.read_text(LOGS_DIR, log) if results_dir.exists(LOGS_DIR, log) else ""
    results_dir.write_text(old + line + "\n", LOGS_DIR, log)


SUMMARY_KEEPS = ("trial_id", "suite", "suite_version", "method", "loss", "regularizer", "arch_id", "seed", "dataset",
                 "feature_extractor", "num_samples", "resize_mode", "num_real", "prdc_k", "git_commit")


def trial_summary(base: dict, trainer, reference, metrics: list[str]) -> dict:
    """The trial's stability statistics (bench.metrics.stability) on its first metric, with the
    identifying columns of its rows (:data:`SUMMARY_KEEPS`)."""
    metric = next(iter(ranked_metrics(metrics)), None)
    summary = {k: base[k] for k in SUMMARY_KEEPS} | {"status": trainer.status, "step": trainer.step, "wall_s": trainer.elapsed}
    if metric is not None:
        summary["summary_metric"] = metric
        summary.update(stability_summary(trainer.history, metric=metric, higher_is_better=METRICS.get(metric).higher_is_better,
                                         num_modes=reference.key.get("num_modes")))
    return summary


def _finite(row: dict) -> dict:
    """The numeric metric values of a history row (what Tune receives; provenance stays out)."""
    return {k: v for k, v in row.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and column_role(k) == "metric"}
