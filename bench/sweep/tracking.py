"""Live tracking through Ray Tune's own logger callbacks.

- **TensorBoard**, always: Tune's TBX logger writes every reported scalar under
  ``<results>/tune/<trial_id>/events.out.tfevents.*``; :class:`SampleTBXLogger` (a subclass that
  replaces Tune's default one) puts them at the trial's G step instead of Tune's iteration count
  and adds the trial's sample grid of that step (``samples/G``, ``samples/ema``) as an image,
  read from the PNG the trial wrote (bench.samples) — no image array travels in the reported
  results, so ``result.json``/``progress.csv`` stay small.  ``tensorboard --logdir <results>/tune``.
- **MLflow** (``--logger mlflow`` / ``tracking: {logger: mlflow}``): ``MLflowLoggerCallback``,
  one run per trial named by its trial id, bench's flattened trial config as the run's params,
  to ``sqlite:///<results>/mlflow.db`` (MLflow's local store; artifacts beside it) unless
  ``tracking.uri`` names another store or server.
- **Weights & Biases** (``wandb``): ``WandbLoggerCallback``, one run per trial, files under
  ``<results>/wandb``; offline (``WANDB_MODE=offline``) unless the user set ``WANDB_MODE`` or is
  logged in (``WANDB_API_KEY`` or a ``wandb login`` entry in ``~/.netrc``), so no network call
  is made that the user did not ask for.
"""

from __future__ import annotations

import io
import netrc
import os

from ray.air.integrations.mlflow import MLflowLoggerCallback
from ray.tune.logger import TBXLoggerCallback

from bench.layout import MLFLOW_ARTIFACTS_DIR, MLFLOW_DB, SAMPLES_DIR, WANDB_DIR
from bench.store.location import Location


def trial_id_of(trial) -> str:
    return trial.config["trial"]["id"]


def at_step(result: dict) -> dict:
    """The result with ``timesteps_total`` = bench's step (G updates), which Tune's loggers use
    as the x axis before their iteration count."""
    return {**result, "timesteps_total": result["step"]} if result.get("step") else result


class SampleTBXLogger(TBXLoggerCallback):
    """Tune's TensorBoard logger, at bench's step, with the sample grids as images."""

    def __init__(self, results: str):
        super().__init__()
        self.results = str(results)

    def log_trial_result(self, iteration: int, trial, result: dict):
        super().log_trial_result(iteration, trial, at_step(result))
        if result.get("step") is not None:
            self._add_samples(trial, int(result["step"]))

    def _add_samples(self, trial, step: int) -> None:
        import numpy as np
        from PIL import Image

        from bench.samples import sample_name

        location = Location.of(self.results)
        for tag, ema in (("samples/G", False), ("samples/ema", True)):
            parts = (SAMPLES_DIR, trial_id_of(trial), sample_name(step, ema))
            if location.exists(*parts):
                image = np.asarray(Image.open(io.BytesIO(location.read_bytes(*parts))).convert("RGB"))
                self._trial_writer[trial].add_image(tag, image, global_step=step, dataformats="HWC")
        self._trial_writer[trial].flush()


class TrialMLflowLogger(MLflowLoggerCallback):
    """Ray Tune's MLflow callback with bench's flattened trial config (``loss.name``,
    ``arch.knobs.g_depth``, …, plus ``trial_id``) as the params of each trial's run."""

    def __init__(self, tracking_uri: str, experiment_name: str, artifact_location: str | None):
        super().__init__(tracking_uri, experiment_name=experiment_name, tags={"bench": "1"})
        self.artifact_location = artifact_location

    def setup(self, *args, **kwargs):
        import mlflow

        client = mlflow.tracking.MlflowClient(self.tracking_uri)
        if self.artifact_location and client.get_experiment_by_name(self.experiment_name) is None:
            client.create_experiment(self.experiment_name, artifact_location=self.artifact_location)
        super().setup(*args, **kwargs)

    def log_trial_result(self, iteration: int, trial, result: dict):
        super().log_trial_result(iteration, trial, at_step(result))

    def log_trial_start(self, trial):
        if trial not in self._trial_runs:
            run = self.mlflow_util.start_run(tags={**self.tags, "trial_name": str(trial)}, run_name=str(trial))
            self._trial_runs[trial] = run.info.run_id
            params = {"trial_id": trial_id_of(trial), **flat_config(trial.config["trial"]["config"])}
            self.mlflow_util.log_params(run_id=self._trial_runs[trial], params_to_log=params)


def flat_config(config: dict, prefix: str = "") -> dict:
    """``{"loss": {"name": "ns"}}`` → ``{"loss.name": "ns"}``; lists become their text."""
    out = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flat_config(value, f"{name}."))
        else:
            out[name] = value if isinstance(value, (int, float, str, bool)) or value is None else str(value)
    return out


def wandb_logged_in() -> bool:
    """An API key in the environment or a ``wandb login`` entry in ``~/.netrc`` (no network)."""
    if os.environ.get("WANDB_API_KEY"):
        return True
    try:
        hosts = netrc.netrc(os.environ.get("NETRC")).hosts
    except (OSError, netrc.NetrcParseError):
        return False
    return any("wandb" in host for host in hosts)


def tracking_callbacks(loaded) -> list:
    """The logger callbacks of a sweep (a ``LoadedSuite``): TensorBoard always, and its
    ``tracking.logger``.  Raises SuiteError when the default MLflow/W&B store cannot live in the
    results folder (not a local one) — before anything is written."""
    from bench.suite import SuiteError

    results, tracking = str(loaded.results_dir), loaded.suite.tracking
    callbacks = [SampleTBXLogger(results)]
    location = Location.of(results)
    if tracking.logger != "none" and not location.local and not tracking.uri:
        hint = "give tracking.uri (an MLflow server or store)" if tracking.logger == "mlflow" else "use a local --results"
        raise SuiteError(loaded.path, [("tracking.logger", f"{tracking.logger} keeps its files in a local results "
                                                           f"folder and {results} is not one: {hint}")])
    project = tracking.project or loaded.suite.name
    if tracking.logger == "mlflow":
        uri = tracking.uri or f"sqlite:///{location.path(MLFLOW_DB)}"
        artifacts = None if tracking.uri else location.path(MLFLOW_ARTIFACTS_DIR)
        callbacks.append(TrialMLflowLogger(uri, project, artifacts))
    elif tracking.logger == "wandb":
        from ray.air.integrations.wandb import WandbLoggerCallback

        if "WANDB_MODE" not in os.environ and not wandb_logged_in():
            os.environ["WANDB_MODE"] = "offline"  # Tune's callback then needs no API key
        os.makedirs(location.path(WANDB_DIR), exist_ok=True)
        callbacks.append(WandbLoggerCallback(project=project, dir=location.path(WANDB_DIR),
                                             mode=os.environ.get("WANDB_MODE", "online")))
    return callbacks
