"""DiffAugment (Zhao, Liu, Lin, Zhu & Han 2020, *Differentiable Augmentation for Data-Efficient GAN
Training*, arXiv 2006.10738): differentiable transforms T applied to real *and* generated images
before every evaluation of D, in D's step and in G's step, so G's gradient flows through T.

One registry, ``DIFF_AUGMENTATIONS``: policy name → :class:`Augmentation` (its ops, in order).
The constants are those of the authors' ``DiffAugment_pytorch.py`` (mit-han-lab/data-efficient-gans),
per sample of a batch ``(B, C, H, W)``:

* ``color``: brightness ``x + (u − ½)``, u ~ U[0, 1); saturation ``(x − x̄_c)·2u + x̄_c`` with
  x̄_c the mean over channels; contrast ``(x − x̄)·(u + ½) + x̄`` with x̄ the mean over C, H, W;
* ``translation``: an integer shift by (t_y, t_x) ∈ [−⌊H/8⌋, ⌊H/8⌋] × [−⌊W/8⌋, ⌊W/8⌋], the
  uncovered border filled with zeros;
* ``cutout``: a ⌊H/2⌋ × ⌊W/2⌋ square (clipped at the border) set to 0, centred uniformly at random.

All randomness comes from torch's global generator, which the trainer seeds per trial and saves
in its checkpoints, so a resumed trial augments exactly as an uninterrupted one.  Inputs are
never modified in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import torch
import torch.nn.functional as F

from bench.registry import Registry


def _uniform(x: torch.Tensor) -> torch.Tensor:
    return torch.rand(x.shape[0], 1, 1, 1, dtype=x.dtype, device=x.device)


def brightness(x: torch.Tensor) -> torch.Tensor:
    """x + (u − ½), u ~ U[0, 1) per sample."""
    return x + (_uniform(x) - 0.5)


def saturation(x: torch.Tensor) -> torch.Tensor:
    """(x − mean_c x)·2u + mean_c x, u ~ U[0, 1) per sample (mean over channels)."""
    mean = x.mean(dim=1, keepdim=True)
    return (x - mean) * (_uniform(x) * 2) + mean


def contrast(x: torch.Tensor) -> torch.Tensor:
    """(x − mean x)·(u + ½) + mean x, u ~ U[0, 1) per sample (mean over C, H, W)."""
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (_uniform(x) + 0.5) + mean


def shift_images(x: torch.Tensor, dy: torch.Tensor, dx: torch.Tensor) -> torch.Tensor:
    """Image b moved by (dy[b], dx[b]) pixels (down, right), zeros where nothing moves in;
    |dy| ≤ ⌊H/8⌋ and |dx| ≤ ⌊W/8⌋ reach at most one pixel past the one-pixel zero frame."""
    b, _, h, w = x.shape
    rows = torch.arange(h, device=x.device)[None, :] - dy[:, None] + 1  # (B, H) in the padded image
    cols = torch.arange(w, device=x.device)[None, :] - dx[:, None] + 1
    rows, cols = rows.clamp(0, h + 1), cols.clamp(0, w + 1)
    padded = F.pad(x, (1, 1, 1, 1))
    batch = torch.arange(b, device=x.device)[:, None, None]
    # advanced indexing on dims 0, 2, 3 puts the channel last: (B, H, W, C)
    return padded[batch, :, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)


def translation(x: torch.Tensor) -> torch.Tensor:
    """A random integer translation in [−⌊H/8⌋, ⌊H/8⌋] × [−⌊W/8⌋, ⌊W/8⌋] per sample, zero fill."""
    sy, sx = x.shape[2] // 8, x.shape[3] // 8
    dy = torch.randint(-sy, sy + 1, (x.shape[0],), device=x.device)
    dx = torch.randint(-sx, sx + 1, (x.shape[0],), device=x.device)
    return shift_images(x, dy, dx)


def cutout_mask(shape: tuple, cy: torch.Tensor, cx: torch.Tensor, device=None, dtype=None) -> torch.Tensor:
    """(B, 1, H, W) mask: 0 on the ⌊H/2⌋ × ⌊W/2⌋ square whose rows run from cy − ⌊H/4⌋ (clipped
    to the image), 1 elsewhere."""
    b, _, h, w = shape
    size_y, size_x = h // 2, w // 2
    rows = torch.arange(h, device=device)[None, :]
    cols = torch.arange(w, device=device)[None, :]
    top, left = (cy - size_y // 2)[:, None], (cx - size_x // 2)[:, None]
    in_rows = (rows >= top) & (rows < top + size_y)  # (B, H)
    in_cols = (cols >= left) & (cols < left + size_x)  # (B, W)
    return (~(in_rows[:, :, None] & in_cols[:, None, :])).to(dtype)[:, None]


def cutout(x: torch.Tensor) -> torch.Tensor:
    """Zero a ⌊H/2⌋ × ⌊W/2⌋ square per sample, centre uniform over the image (the authors'
    offset range [0, H + 1 − (⌊H/2⌋ mod 2)))."""
    b, _, h, w = x.shape
    cy = torch.randint(0, h + (1 - (h // 2) % 2), (b,), device=x.device)
    cx = torch.randint(0, w + (1 - (w // 2) % 2), (b,), device=x.device)
    return x * cutout_mask(x.shape, cy, cx, device=x.device, dtype=x.dtype)


@dataclass(frozen=True)
class Augmentation:
    ops: tuple[Callable[[torch.Tensor], torch.Tensor], ...]
    formula: str
    paper: str = "Zhao, Liu, Lin, Zhu & Han 2020, Differentiable Augmentation for Data-Efficient GAN Training"


DIFF_AUGMENTATIONS: Registry[Augmentation] = Registry("augmentation")
DIFF_AUGMENTATIONS.add("color", Augmentation(
    (brightness, saturation, contrast),
    formula="brightness x+(u-1/2); saturation (x-x̄_c)·2u+x̄_c; contrast (x-x̄)(u+1/2)+x̄; u~U[0,1) per sample"))
DIFF_AUGMENTATIONS.add("translation", Augmentation(
    (translation,), formula="integer shift in [-H/8, H/8]×[-W/8, W/8] per sample, zero fill"))
DIFF_AUGMENTATIONS.add("cutout", Augmentation(
    (cutout,), formula="a (H/2)×(W/2) square set to 0 at a uniform random centre per sample"))


def check_policy(policy: Sequence[str]) -> tuple[str, ...]:
    """The canonical names of ``policy``; ``ValueError`` for an unknown or repeated name."""
    names = []
    for name in policy:
        try:
            key = DIFF_AUGMENTATIONS.canonical(name)
        except KeyError as exc:
            raise ValueError(str(exc)) from None
        if key in names:
            raise ValueError(f"augmentation {key!r} is listed twice")
        names.append(key)
    return tuple(names)


def diff_augment(x: torch.Tensor, policy: Sequence[str]) -> torch.Tensor:
    """T(x): the ops of each policy entry, in the order listed (the authors apply
    ``color,translation,cutout`` in that order).  ``policy = ()`` returns ``x`` itself."""
    if not policy:
        return x
    if x.dim() != 4:
        raise ValueError(f"DiffAugment needs images (B, C, H, W); got shape {tuple(x.shape)}")
    for name in policy:
        for op in DIFF_AUGMENTATIONS.get(name).ops:
            x = op(x)
    return x
