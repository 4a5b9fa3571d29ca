"""Trial checkpoints on top of Ray Tune's: a verified file format and a fallback chain.

A checkpoint folder holds ``trainer.pt`` (``Trainer.state_dict()``: G, D, both optimizers, EMA,
step counters, every RNG state, the metric history) and ``manifest.json`` with its size and
SHA-256.  Loading checks that the folder exists, the manifest and its entries, the size
(truncation), the digest (corruption) and that ``torch.load(weights_only=True)`` succeeds.  A checkpoint that fails any check is skipped for the
trial's previous one (Tune keeps two, ``CheckpointConfig(num_to_keep=2)``, siblings named
``checkpoint_NNNNNN``); with none left the trial restarts from step 0.  Every decision is
reported through ``log`` in words.

A trial's checkpoints can sit in several Tune experiments of one results folder (``tune/``, the
repair rounds of ``tune-repair/``, a search's ``tune-search/round-*/``), always in a folder named by
the trial id; :func:`restore_newest` tries them all, newest step first, whatever Tune hands over:
training is deterministic, so every verified checkpoint lies on the uninterrupted trajectory.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import re
from typing import Callable, Optional

import torch

from bench.layout import CHECKPOINT_PREFIX, MANIFEST_FILE, STATE_FILE, trial_folders

FORMAT = "bench-trainer-1"
_INDEX = re.compile(re.escape(CHECKPOINT_PREFIX) + r"(\d+)$")


class CorruptCheckpoint(Exception):
    """A checkpoint folder that cannot be trusted; the message says why."""


def write_checkpoint(state: dict, folder: str, between=None) -> None:
    """``state`` → ``folder/trainer.pt`` + ``folder/manifest.json`` (size, SHA-256, step);
    ``between()`` (a test hook, bench.sweep.killpoints) runs after the first, before the second."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    data = buffer.getvalue()
    with open(os.path.join(folder, STATE_FILE), "wb") as handle:
        handle.write(data)
    if between is not None:
        between()
    manifest = {"format": FORMAT, "file": STATE_FILE, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                "step": int(state.get("step", 0))}
    with open(os.path.join(folder, MANIFEST_FILE), "w") as handle:
        json.dump(manifest, handle)


def read_checkpoint(folder: str) -> dict:
    """The verified state in ``folder``; raises :class:`CorruptCheckpoint` saying what is wrong."""
    manifest_path, state_path = os.path.join(folder, MANIFEST_FILE), os.path.join(folder, STATE_FILE)
    try:
        with open(manifest_path) as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        raise CorruptCheckpoint(f"{MANIFEST_FILE} is missing") from None
    except (OSError, ValueError) as exc:
        raise CorruptCheckpoint(f"{MANIFEST_FILE} is unreadable ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CorruptCheckpoint(f"{MANIFEST_FILE} is not a {FORMAT} manifest")
    for key, kind in (("bytes", int), ("sha256", str)):
        if not isinstance(manifest.get(key), kind):
            raise CorruptCheckpoint(f"{MANIFEST_FILE} has no valid `{key}` entry")
    try:
        with open(state_path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise CorruptCheckpoint(f"{STATE_FILE} is missing") from None
    if len(data) != manifest["bytes"]:
        raise CorruptCheckpoint(f"{STATE_FILE} is truncated or padded: {len(data)} bytes, manifest says {manifest['bytes']}")
    if hashlib.sha256(data).hexdigest() != manifest["sha256"]:
        raise CorruptCheckpoint(f"{STATE_FILE} is corrupt: SHA-256 differs from the manifest")
    try:
        return torch.load(io.BytesIO(data), weights_only=True)
    except Exception as exc:  # noqa: BLE001 — any unpickling failure means an unusable file
        raise CorruptCheckpoint(f"{STATE_FILE} does not load ({type(exc).__name__}: {exc})") from None


def sibling_checkpoints(checkpoint) -> tuple[list, list]:
    """Tune checkpoints of the same trial (the same folder) newer and older than ``checkpoint``,
    each list newest first."""
    import pyarrow.fs as pafs
    from ray import tune

    path = checkpoint.path.rstrip("/")
    match = _INDEX.search(path)
    if match is None:
        return [], []
    index, parent = int(match.group(1)), posixpath.dirname(path)
    infos = checkpoint.filesystem.get_file_info(pafs.FileSelector(parent, recursive=False, allow_not_found=True))
    found = []
    for info in infos:
        hit = _INDEX.search(info.base_name) if info.type == pafs.FileType.Directory else None
        if hit and int(hit.group(1)) != index:
            found.append((int(hit.group(1)), info.path))
    found.sort(reverse=True)
    as_checkpoint = lambda p: tune.Checkpoint(p, filesystem=checkpoint.filesystem)  # noqa: E731
    return [as_checkpoint(p) for i, p in found if i > index], [as_checkpoint(p) for i, p in found if i < index]


def load_checkpoint(checkpoint) -> dict:
    """The verified state of a Tune checkpoint (local or remote); raises :class:`CorruptCheckpoint`
    also when its folder is missing or cannot be fetched."""
    import pyarrow.fs as pafs

    try:
        if checkpoint.filesystem.get_file_info(checkpoint.path).type != pafs.FileType.Directory:
            raise CorruptCheckpoint("the checkpoint folder is missing")
        with checkpoint.as_directory() as folder:
            return read_checkpoint(folder)
    except CorruptCheckpoint:
        raise
    except Exception as exc:  # noqa: BLE001 — a folder that cannot be listed or downloaded is unusable
        raise CorruptCheckpoint(f"the checkpoint folder cannot be read ({type(exc).__name__}: {exc})") from None


def restore_state(checkpoint, log: Callable[[str], None]) -> Optional[dict]:
    """The newest usable state of the trial, or None (restart from step 0).  ``log`` receives one
    line per rejected checkpoint and the decision taken.

    Candidates, newest first: checkpoints of the trial *newer* than ``checkpoint`` (Tune's saved
    experiment state can lag behind the trial, which meanwhile reported — and, keeping two,
    deleted — checkpoints: the one Tune names may be gone), then ``checkpoint``, then older ones.
    Every candidate is verified (:func:`read_checkpoint`); training is deterministic, so any
    verified checkpoint of the trial lies on the trajectory an uninterrupted run takes."""
    if checkpoint is None:
        return None
    newer, older = sibling_checkpoints(checkpoint)
    for candidate in [*newer, checkpoint, *older]:
        try:
            state = load_checkpoint(candidate)
        except CorruptCheckpoint as exc:
            log(f"checkpoint {candidate.path} rejected: {exc}")
            continue
        if candidate is not checkpoint:
            which = "a newer checkpoint than Tune's" if candidate in newer else "the previous checkpoint"
            log(f"falling back to {which} {candidate.path} (step {state['step']})")
        return state
    log("no usable checkpoint left: restarting the trial from step 0")
    return None


def stored_checkpoints(location, trial_id: str) -> list:
    """Every ``checkpoint_*`` folder of the trial in the experiments of ``location`` (a
    bench.store.location.Location), as Tune checkpoints, highest manifest step first (an
    unreadable manifest sorts last)."""
    import pyarrow.fs as pafs
    from ray import tune

    found = []
    for folder in trial_folders(location, trial_id):
        infos = location.fs.get_file_info(pafs.FileSelector(folder, recursive=False, allow_not_found=True))
        for info in infos:
            hit = _INDEX.search(info.base_name) if info.type == pafs.FileType.Directory else None
            if hit:
                found.append((_manifest_step(location.fs, info.path), int(hit.group(1)), info.path))
    found.sort(reverse=True)
    return [tune.Checkpoint(path, filesystem=location.fs) for _, _, path in found]


def restore_newest(location, trial_id: str, checkpoint, log: Callable[[str], None]) -> Optional[dict]:
    """The verified state of the trial's newest checkpoint on storage (:func:`stored_checkpoints`),
    else of Tune's ``checkpoint`` chain (:func:`restore_state`), else None (restart from step 0)."""
    candidates = stored_checkpoints(location, trial_id)
    if not candidates:
        return restore_state(checkpoint, log)
    rejected = False
    for candidate in candidates:
        try:
            state = load_checkpoint(candidate)
        except CorruptCheckpoint as exc:
            log(f"checkpoint {candidate.path} rejected: {exc}")
            rejected = True
            continue
        if rejected:
            log(f"falling back to the previous checkpoint {candidate.path} (step {state['step']})")
        elif checkpoint is None or candidate.path.rstrip("/") != checkpoint.path.rstrip("/"):
            log(f"using the newest verified checkpoint {candidate.path} (step {state['step']})"
                + ("" if checkpoint is None else f" instead of Tune's {checkpoint.path}"))
        return state
    log("no usable checkpoint left: restarting the trial from step 0")
    return None


def _manifest_step(fs, folder: str) -> int:
    try:
        with fs.open_input_stream(posixpath.join(folder, MANIFEST_FILE)) as handle:
            return int(json.loads(handle.read())["step"])
    except Exception:  # noqa: BLE001 — a missing or broken manifest: tried last, then rejected
        return -1
