"""The results folder of a sweep: the name of every file and folder bench writes there.

    <results>/suite.yaml          the suite as run (resolved, with includes merged)
    <results>/grid.json           the trial grid: [{"trial_id", "method", "config"}, ...]; of a search: its points so far
    <results>/plugins.json        the plugins the suite loaded (name, sha256, path, version), if any
    <results>/rows/<id>.parquet   a trial's result rows (bench.store.io)
    <results>/summaries/<id>.parquet  a trial's one-row summary (bench.store.io)
    <results>/logs/<id>.log       one log per trial: checkpoint fallbacks, resumes (bench.sweep.trainable)
    <results>/samples/<id>/       sample grids per evaluation step (bench.samples.store)
    <results>/tune/               Ray Tune's experiment of a grid sweep: state, trial checkpoints, TensorBoard files
    <results>/tune-repair/<n>/    a repair round: trials Tune ended short of their budget (bench.sweep.repair)
    <results>/tune-settings.json  concurrency, retries and trial resources a grid sweep started with (kept on resume)
    <results>/search/studies.journal  a search's Optuna JournalStorage (bench.sweep.studies)
    <results>/search/spec.json    what a search searches (cells, space, sampler, seed, objective)
    <results>/search/rounds.json  each search round's Tune experiment name → its points' trial ids
    <results>/search/round-<h>.settings.json  a search round's Tune settings (kept on resume)
    <results>/tune-search/round-<h>/  the Ray Tune experiment of one round of search points (bench.sweep.rounds)
    <results>/tune-search/round-<h>.<n>/  the n-th resumption of an interrupted round (its unfinished points)
    <results>/.bench-run.lock     held (flock) by the one driver running the sweep (bench.sweep.lock)
    <results>/mlflow.db, mlflow-artifacts/, wandb/  live tracking, when the suite asks for it (bench.sweep.tracking)
    <results>/report/             ``bench report``'s default output (bench.report)

Inside a Tune experiment, a trial's folder is named by its trial id and holds Tune's
``checkpoint_NNNNNN`` folders, each with ``trainer.pt`` and ``manifest.json``
(bench.sweep.checkpoints); Tune's own state is ``experiment_state-*.json``.

``<results>`` is a local folder, a shared-filesystem path or a pyarrow URI (``s3://…``,
bench.store.location).  Only names live here; what a sweep does with its folder (conflicts,
``--restart``, trial counts) is bench.sweep.folder.
"""

from __future__ import annotations

SUITE_FILE = "suite.yaml"
GRID_FILE = "grid.json"
PLUGINS_FILE = "plugins.json"
ROWS_DIR = "rows"
SUMMARIES_DIR = "summaries"
LOGS_DIR = "logs"
SAMPLES_DIR = "samples"
TUNE_DIR = "tune"
REPAIR_DIR = "tune-repair"
SETTINGS_FILE = "tune-settings.json"
SEARCH_DIR = "search"
JOURNAL_FILE = "studies.journal"
SPEC_FILE = "spec.json"
ROUNDS_FILE = "rounds.json"
TUNE_SEARCH_DIR = "tune-search"
ROUND_PREFIX = "round-"  # a search round's experiment: round-<hash of its trial ids>
LOCK_FILE = ".bench-run.lock"
MLFLOW_DB = "mlflow.db"
MLFLOW_ARTIFACTS_DIR = "mlflow-artifacts"
WANDB_DIR = "wandb"
REPORT_DIR = "report"

CHECKPOINT_PREFIX = "checkpoint_"  # Tune's checkpoint folders: checkpoint_NNNNNN
STATE_FILE = "trainer.pt"
MANIFEST_FILE = "manifest.json"
TUNE_STATE_PREFIX = "experiment_state-"  # Tune's experiment state files: experiment_state-<time>.json

# What ``--restart`` deletes: everything a grid sweep or a search wrote (rows, summaries, logs —
# which count attempts —, Ray Tune and search state, settings); tracking stores and reports stay.
RESTART_REMOVES = (GRID_FILE, PLUGINS_FILE, SUITE_FILE, ROWS_DIR, SUMMARIES_DIR, SAMPLES_DIR, LOGS_DIR, TUNE_DIR,
                   REPAIR_DIR, SETTINGS_FILE, SEARCH_DIR, TUNE_SEARCH_DIR)
# Tune experiments that can hold a trial's folder (glob patterns under <results>).
EXPERIMENTS = (TUNE_DIR, f"{REPAIR_DIR}/*", f"{TUNE_SEARCH_DIR}/*")


def table_name(trial_id: str) -> str:
    """A trial's file under ``rows/`` and ``summaries/``."""
    return f"{trial_id}.parquet"


def trial_of(path: str) -> str:
    """The trial id of a ``rows/`` or ``summaries/`` file path."""
    return path.rsplit("/", 1)[-1].removesuffix(".parquet")


def log_name(trial_id: str) -> str:
    """A trial's file under ``logs/``."""
    return f"{trial_id}.log"


def round_settings_name(round_name: str) -> str:
    """A search round's saved Tune settings under ``search/``."""
    return f"{round_name}.settings.json"


def trial_folders(location, trial_id: str) -> list[str]:
    """The trial's folder in every Tune experiment of the sweep (:data:`EXPERIMENTS`) that may hold
    it, existing or not; ``location`` is a bench.store.location.Location.  The only place that
    expands the experiments' glob patterns (checkpoint lookup and ``bench samples`` use it)."""
    import posixpath

    import pyarrow.fs as pafs

    folders = []
    for experiment in EXPERIMENTS:
        if experiment.endswith("/*"):
            parent = location.path(experiment[:-2])
            infos = location.fs.get_file_info(pafs.FileSelector(parent, recursive=False, allow_not_found=True))
            folders += [posixpath.join(i.path, trial_id) for i in infos if i.type == pafs.FileType.Directory]
        else:
            folders.append(location.path(experiment, trial_id))
    return folders
