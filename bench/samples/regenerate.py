"""``bench samples``: a larger grid from a trial's checkpoint (its G, or its EMA, at a step), for
figures in papers.

The trial's config comes from its rows (``config_json``); its checkpoints are those of every Tune
experiment that trained it (``tune/``, ``tune-repair/<n>/`` after a resume, ``tune-search/<round>/``;
bench.layout.trial_folders), each verified (size, SHA-256, loadable) by :func:`bench.sweep.checkpoints.load_checkpoint`.  Tune
keeps the last two checkpoints of a trial (``CheckpointConfig(num_to_keep=2)``), so ``--step``
can name only those.  The grid uses the trial's fixed latents (bench.samples.latents): its first
64 images are those of the grids saved during training.
"""

from __future__ import annotations

import json
import posixpath

import pyarrow.fs as pafs

from bench.layout import CHECKPOINT_PREFIX, GRID_FILE, MANIFEST_FILE, trial_folders
from bench.store.location import Location


class SamplesError(Exception):
    """The trial, its checkpoint or the requested generator is not there; the message says which."""


def trial_config(results: Location, trial_id: str) -> dict:
    from bench.store.io import read_trial_rows

    rows = read_trial_rows(results, trial_id)
    if rows is None or rows.empty or "config_json" not in rows or rows["config_json"].isna().all():
        raise SamplesError(f"trial {trial_id!r} has no rows in {results} (see {GRID_FILE} or `bench status {results}`)")
    return json.loads(rows["config_json"].dropna().iloc[-1])


def trial_checkpoints(results: Location, trial_id: str) -> dict[int, str]:
    """Step → checkpoint folder of every checkpoint of the trial that names its step."""
    found = {}
    for parent in trial_folders(results, trial_id):
        infos = results.fs.get_file_info(pafs.FileSelector(parent, recursive=False, allow_not_found=True))
        for info in infos:
            if info.type == pafs.FileType.Directory and info.base_name.startswith(CHECKPOINT_PREFIX):
                try:
                    with results.fs.open_input_stream(posixpath.join(info.path, MANIFEST_FILE)) as handle:
                        found[int(json.loads(handle.read())["step"])] = info.path
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # unreadable: not offered (load_checkpoint would reject it)
    return dict(sorted(found.items()))


def load_generator(results: Location, trial_id: str, step: int | None, ema: bool):
    """(config, G in eval mode, its step) from the trial's checkpoint at ``step`` (default: the last)."""
    from ray import tune

    from bench.arch import build_pair
    from bench.arch.spec import ArchSpec
    from bench.data import sample_shape
    from bench.losses import LOSSES
    from bench.sweep.checkpoints import CorruptCheckpoint, load_checkpoint

    config = trial_config(results, trial_id)
    checkpoints = trial_checkpoints(results, trial_id)
    if not checkpoints:
        raise SamplesError(f"trial {trial_id!r} has no checkpoint left in the Tune experiments of {results} "
                           "(deleted, or the trial never reached one)")
    if step is None:
        step = max(checkpoints)
    if step not in checkpoints:
        raise SamplesError(f"trial {trial_id!r} has no checkpoint at step {step}; kept: "
                           f"{', '.join(map(str, checkpoints))} (Tune keeps the last two)")
    try:
        state = load_checkpoint(tune.Checkpoint(checkpoints[step], filesystem=results.fs))
    except CorruptCheckpoint as exc:
        raise SamplesError(f"checkpoint {checkpoints[step]} of trial {trial_id!r} is unusable: {exc}") from None
    if ema and state.get("G_ema") is None:
        raise SamplesError(f"trial {trial_id!r} was trained without EMA (training.ema: 0): no --ema generator")
    spec = ArchSpec.from_dict(config["arch"])
    loss = LOSSES.get(config["loss"]["name"])
    G, _ = build_pair(spec, sample_shape(config["dataset"]), loss.output_dim(config["loss"].get("params", {})),
                      config["seed"])
    G.load_state_dict(state["G_ema"] if ema else state["G"])
    return config, G.eval(), step


def regenerate_png(results, trial_id: str, *, step: int | None = None, n: int = 256, ema: bool = False) -> tuple[bytes, int]:
    """The PNG (a grid of ``n`` images, or for 2-D data a scatter of ``n`` points over the modes)
    and the checkpoint step it shows."""
    from bench.arch.spec import ArchSpec
    from bench.data import load_dataset
    from bench.samples.render import image_grid_png, points_png
    from bench.samples.store import generate_grid
    from bench.suite.schema import DatasetCfg

    location = Location.of(results)
    config, G, step = load_generator(location, trial_id, step, ema)
    spec = ArchSpec.from_dict(config["arch"])
    out = generate_grid(G, spec, config["seed"], n, "cpu")
    if out.ndim == 2:
        meta = load_dataset(DatasetCfg.model_validate(config["dataset"]).loader_args()).meta
        return points_png(out, meta["centers"], meta["std"], title=f"{trial_id} step {step}"), step
    return image_grid_png(out), step
