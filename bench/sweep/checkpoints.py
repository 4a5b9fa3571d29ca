"""Trial checkpoints on top of Ray Tune's: a verified file format and a fallback chain.

A checkpoint folder holds ``trainer.pt`` (``Trainer.state_dict()``: G, D, both optimizers, EMA,
step counters, every RNG state, the metric history) and ``manifest.json`` with its size and
SHA-256.  Loading checks that the folder exists, the manifest and its entries, the size
(truncation), the digest (corruption) and that ``torch.load(weights_only=True)`` succeeds.  A checkpoint that fails any check is skipped for the
trial's previous one (Tune keeps two, ``CheckpointConfig(num_to_keep=2)``, siblings named
``checkpoint_NNNNNN``); with none left the trial restarts from step 0.  Every decision is
reported through ``log`` in words.
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

STATE_FILE = "trainer.pt"
MANIFEST_FILE = "manifest.json"
FORMAT = "bench-trainer-1"
_INDEX = re.compile(r"checkpoint_(\d+)$")


class CorruptCheckpoint(Exception):
    """A checkpoint folder that cannot be trusted; the message says why."""


def write_checkpoint(state: dict, folder: str) -> None:
    """``state`` → ``folder/trainer.pt`` + ``folder/manifest.json`` (size, SHA-256, step)."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    data = buffer.getvalue()
    with open(os.path.join(folder, STATE_FILE), "wb") as handle:
        handle.write(data)
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


def older_siblings(checkpoint) -> list:
    """Tune checkpoints of the same trial older than ``checkpoint``, newest first."""
    import pyarrow.fs as pafs
    from ray import tune

    path = checkpoint.path.rstrip("/")
    match = _INDEX.search(path)
    if match is None:
        return []
    index, parent = int(match.group(1)), posixpath.dirname(path)
    infos = checkpoint.filesystem.get_file_info(pafs.FileSelector(parent, recursive=False, allow_not_found=True))
    older = []
    for info in infos:
        found = _INDEX.search(info.base_name) if info.type == pafs.FileType.Directory else None
        if found and int(found.group(1)) < index:
            older.append((int(found.group(1)), info.path))
    return [tune.Checkpoint(p, filesystem=checkpoint.filesystem) for _, p in sorted(older, reverse=True)]


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
    """The newest usable state among ``checkpoint`` and its older siblings, or None (restart
    from step 0).  ``log`` receives one line per rejected checkpoint and the decision taken."""
    if checkpoint is None:
        return None
    for i, candidate in enumerate([checkpoint, *older_siblings(checkpoint)]):
        try:
            state = load_checkpoint(candidate)
        except CorruptCheckpoint as exc:
            log(f"checkpoint {candidate.path} rejected: {exc}")
            continue
        if i > 0:
            log(f"falling back to the previous checkpoint {candidate.path} (step {state['step']})")
        return state
    log("no usable checkpoint left: restarting the trial from step 0")
    return None
