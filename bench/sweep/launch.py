"""What a grid sweep (bench.sweep.runner) and each search round (bench.sweep.rounds) set up alike:
Ray Tune's environment, a local Ray (or a connection to a cluster), the trainable with the
inputs every trial shares, and trial names."""

from __future__ import annotations

import os

from bench.suite import LoadedSuite
from bench.sweep.inputs import SweepInputs


def tune_environment() -> None:
    """Save the experiment state often (for resume; ``TUNE_GLOBAL_CHECKPOINT_S`` set by the user
    wins), keep Tune's classic output, and do not warn about the frequent state saves."""
    os.environ.setdefault("TUNE_GLOBAL_CHECKPOINT_S", "2")
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    os.environ.setdefault("TUNE_WARN_EXCESSIVE_EXPERIMENT_CHECKPOINT_SYNC_THRESHOLD_S", "0")


def start_ray(address: str | None, num_cpus: int | None) -> bool:
    """Start a local Ray (or join ``address``) unless one is running; True when this call started it."""
    import ray

    if ray.is_initialized():
        return False
    ray.init(address=address or "local", include_dashboard=False, num_cpus=num_cpus if not address else None,
             logging_level="ERROR", log_to_driver=False)
    return True


def shared_args(loaded: LoadedSuite, inputs: SweepInputs) -> dict:
    """What every trial of the sweep receives besides its own config (bench.sweep.trainable)."""
    from bench.sweep.provenance import git_commit

    suite = loaded.suite
    return {"results_dir": str(loaded.results_dir), "suite": suite.name, "suite_version": suite.version,
            "dataset_args": inputs.dataset_args, "reference": inputs.reference, "git_commit": git_commit(),
            "samples": suite.evaluation.samples}


def make_trainable(shared: dict, settings: dict):
    """The Tune trainable: :func:`bench.sweep.trainable.train_trial` with the shared inputs and
    the per-trial CPUs/GPUs of ``settings`` (bench.sweep.settings)."""
    from ray import tune

    from bench.sweep.trainable import train_trial

    cpu, gpu = settings["cpu"], settings["gpu"]
    return tune.with_resources(tune.with_parameters(train_trial, shared={**shared, "cpu": cpu, "gpu": gpu}),
                               {"cpu": cpu, "gpu": gpu})


def trial_name(trial) -> str:
    """A Tune trial's name and folder: bench's trial id."""
    return trial.config["trial"]["id"]
