"""Progress lines printed by the driver while a sweep runs (a Ray Tune callback)."""

from __future__ import annotations

import sys
import time

from ray import tune


class ProgressPrinter(tune.Callback):
    """One line per evaluation and per finished trial: ``[done/total] trial method arch step metrics``."""

    def __init__(self, total: int, metric_names: list[str], already_done: int = 0, stream=None):
        self.total, self.metric_names, self.done, self.stream = total, metric_names, already_done, stream
        self.started = time.time()  # stream None: sys.stdout at print time (Tune pickles callbacks)

    def _line(self, text: str) -> None:
        elapsed = time.time() - self.started
        print(f"[{self.done}/{self.total} {elapsed:6.0f}s] {text}", file=self.stream or sys.stdout, flush=True)

    @staticmethod
    def _who(trial) -> str:
        config = trial.config["trial"]["config"]
        reg = config["regularizer"]["name"]
        return f"{trial.config['trial']['id']} {config['loss']['name']}+{reg} {config['arch']['family']} seed={config['seed']}"

    def on_trial_result(self, iteration, trials, trial, result, **info):
        values = " ".join(f"{m}={result[m]:.4g}" for m in self.metric_names if isinstance(result.get(m), (int, float)))
        self._line(f"{self._who(trial)} step={result.get('step')} {result.get('status', '')} {values}")
        if result.get("note"):
            self._line(f"{self._who(trial)} note: {result['note']}")

    def on_trial_complete(self, iteration, trials, trial, **info):
        self.done += 1
        self._line(f"{self._who(trial)} finished")

    def on_trial_error(self, iteration, trials, trial, **info):
        self.done += 1
        self._line(f"{self._who(trial)} ERROR (after retries): see the `error` column of its rows")
