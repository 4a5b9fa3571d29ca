"""Seeding and RNG state capture: a trial's randomness is torch's, numpy's and python's global
generators, all seeded from the trial seed, and on a GPU its own device's CUDA generator; all are
saved in checkpoints."""

from __future__ import annotations

import random
import warnings

import numpy as np
import torch


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _cuda(device: str | torch.device | None) -> torch.device | None:
    """``device`` when it is a CUDA device and CUDA is usable here, else None."""
    if device is None or not torch.cuda.is_available():
        return None
    device = torch.device(device)
    return device if device.type == "cuda" else None


def rng_state(device: str | torch.device | None = None) -> dict:
    """Every global RNG state the trial uses, as tensors and plain lists, loadable with
    ``weights_only=True``: torch's CPU generator, numpy's, python's and, for a CUDA ``device``,
    that device's generator only (``"cuda"``: one state tensor), so that the state restores on a
    node that sees a different number of GPUs."""
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    version, internal, py_gauss = random.getstate()
    state = {
        "torch": torch.get_rng_state(),
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), int(pos), int(has_gauss), float(gauss)],
        "python": [version, list(internal), py_gauss],
    }
    cuda = _cuda(device)
    if cuda is not None:
        state["cuda"] = torch.cuda.get_rng_state(cuda)
    return state


def set_rng_state(state: dict, device: str | torch.device | None = None) -> None:
    """Install ``state`` (from :func:`rng_state`).  Its CUDA state goes to ``device`` when that is a
    CUDA device.  Older checkpoints hold a list with every visible GPU's state: the entry of
    ``device``'s index is used when the list has one, else the CUDA generator keeps its seed (with a
    warning: the trial continues, but not bit-identically)."""
    torch.set_rng_state(state["torch"])
    kind, keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, gauss))
    version, internal, py_gauss = state["python"]
    random.setstate((version, tuple(internal), py_gauss))
    cuda = _cuda(device)
    if cuda is None or state.get("cuda") is None:
        return
    saved = state["cuda"]
    if isinstance(saved, (list, tuple)):  # the list form: every GPU the saving process saw
        index = cuda.index if cuda.index is not None else torch.cuda.current_device()
        if index >= len(saved):
            warnings.warn(f"checkpoint has CUDA RNG states for {len(saved)} GPU(s), none for cuda:{index}: "
                          "its CUDA generator is not restored", stacklevel=2)
            return
        saved = saved[index]
    torch.cuda.set_rng_state(saved, cuda)
