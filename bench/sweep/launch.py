"""What a grid sweep (bench.sweep.grid), its repair rounds (bench.sweep.repair) and each search round
(bench.sweep.rounds) set up alike: Ray Tune's environment, a local Ray (or a connection to a
cluster), the trainable with the inputs every trial shares, trial names, and the Tuner."""

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


CONNECT_TIMEOUT_S = 5.0


class Infeasible(Exception):
    """The cluster cannot run the sweep as asked: no cluster answers, or no node has the resources."""


def start_ray(address: str | None, num_cpus: int | None, plugins: list | None = None) -> bool:
    """Start a local Ray (or join ``address``) unless one is running; True when this call started it.
    Raises :class:`Infeasible` when no cluster answers at ``address`` (bench.sweep.feasible).

    File and folder ``plugins`` (bench.plugins) travel to every worker in the job's
    ``runtime_env`` (``py_modules``: Ray uploads the staged package and puts it on the workers'
    ``sys.path``), so a cluster needs no shared filesystem for them."""
    import sys

    import ray

    from bench.plugins import stage_for_workers
    from bench.sweep.feasible import address_problem

    folder = stage_for_workers(plugins or [])

    if ray.is_initialized():
        if folder:
            print("bench: warning: Ray was started before bench; plugins reach its workers only if its "
                  "runtime_env carries them", file=sys.stderr, flush=True)
        return False
    problem = address_problem(address, CONNECT_TIMEOUT_S)
    if problem:
        raise Infeasible(problem)
    ray.init(address=address or "local", include_dashboard=False, num_cpus=num_cpus if not address else None,
             logging_level="ERROR", log_to_driver=False,
             runtime_env={"py_modules": [folder]} if folder else None)
    return True


def shared_args(loaded: LoadedSuite, inputs: SweepInputs) -> dict:
    """What every trial of the sweep receives besides its own config (bench.sweep.trainable)."""
    from bench.plugins import worker_imports
    from bench.sweep.provenance import git_commit

    suite = loaded.suite
    return {"results_dir": str(loaded.results_dir), "suite": suite.name, "suite_version": suite.version,
            "dataset_args": inputs.dataset_args, "reference": inputs.reference, "git_commit": git_commit(),
            "plugins": worker_imports(loaded.plugins), "samples": suite.evaluation.samples}


def check_resources(settings: dict, origin: str | None = None) -> None:
    """Raise :class:`Infeasible` when no node of the connected Ray cluster could give one trial the
    CPUs/GPUs of ``settings`` (bench.sweep.feasible)."""
    import ray

    from bench.sweep.feasible import resource_problem

    problem = resource_problem(settings, ray.cluster_resources(), origin)
    if problem:
        raise Infeasible(problem)


def make_trainable(shared: dict, settings: dict, origin: str | None = None):
    """The Tune trainable: :func:`bench.sweep.trainable.train_trial` with the shared inputs and
    the per-trial CPUs/GPUs of ``settings`` (bench.sweep.settings).  Raises :class:`Infeasible`
    when the connected Ray cluster cannot give one trial that much (``origin``: the saved settings
    file, when the settings come from there)."""
    from ray import tune

    from bench.sweep.trainable import train_trial

    check_resources(settings, origin)

    cpu, gpu = settings["cpu"], settings["gpu"]
    return tune.with_resources(tune.with_parameters(train_trial, shared={**shared, "cpu": cpu, "gpu": gpu}),
                               {"cpu": cpu, "gpu": gpu})


def trial_name(trial) -> str:
    """A Tune trial's name and folder: bench's trial id."""
    return trial.config["trial"]["id"]


def build_tuner(trainable, trials: list[tuple[str, dict]], settings: dict, *, name: str, storage_path: str,
                callbacks: list, storage: dict | None = None):
    """One Tune experiment ``storage_path/name`` of ``trials`` ((trial id, config) pairs, one Tune
    trial each, named by its id) under ``settings`` (bench.sweep.settings): at most
    ``max_concurrent`` at once, ``retries`` retries, the last two checkpoints of each kept.
    ``storage``: ``{"storage_filesystem": ...}`` for a results folder on an object store."""
    from ray import tune

    return tune.Tuner(
        trainable,
        param_space={"trial": tune.grid_search([{"id": trial_id, "config": config} for trial_id, config in trials])},
        tune_config=tune.TuneConfig(max_concurrent_trials=settings["max_concurrent"], reuse_actors=True,
                                    trial_name_creator=trial_name, trial_dirname_creator=trial_name),
        run_config=tune.RunConfig(
            name=name, storage_path=storage_path, verbose=0, callbacks=list(callbacks), **(storage or {}),
            failure_config=tune.FailureConfig(max_failures=settings["retries"]),
            checkpoint_config=tune.CheckpointConfig(num_to_keep=2)),
    )
