"""Simple, seeded data augmentation for consistency regularization (Zhang et al. 2020).

Images ``(B, C, H, W)``: a random horizontal flip (probability ½ per sample) and a random
translation by up to ``shift`` pixels in each direction (reflection padding, then a per-sample
crop back to H×W).  Zhang et al. used "flipping horizontally and shifting by a few pixels";
``shift`` defaults to ``max(1, H // 8)`` (4 pixels at 32×32).
Points ``(B, d)``: additive Gaussian jitter ``x + jitter · N(0, I)``.

All randomness comes from torch's global generator (seeded by the trainer per trial), so
results are reproducible; the functions never modify their input.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def flip_and_translate(x: torch.Tensor, *, flip: bool = True, shift: int | None = None) -> torch.Tensor:
    """Per-sample random horizontal flip and integer translation in [−shift, shift]² of images."""
    if x.dim() != 4:
        raise ValueError(f"expected images (B, C, H, W); got shape {tuple(x.shape)}")
    b, _, h, w = x.shape
    out = x
    if flip:
        flip_mask = torch.rand(b, device=x.device) < 0.5
        out = torch.where(flip_mask[:, None, None, None], out.flip(3), out)
    s = max(1, h // 8) if shift is None else int(shift)
    s = min(s, h - 1, w - 1)  # reflection padding needs pad < size
    if s <= 0:
        return out
    padded = F.pad(out, (s, s, s, s), mode="reflect")
    dy = torch.randint(0, 2 * s + 1, (b,), device=x.device)
    dx = torch.randint(0, 2 * s + 1, (b,), device=x.device)
    rows = (torch.arange(h, device=x.device)[None, :] + dy[:, None])  # (B, H)
    cols = (torch.arange(w, device=x.device)[None, :] + dx[:, None])  # (B, W)
    batch = torch.arange(b, device=x.device)[:, None, None, None]
    chan = torch.arange(x.shape[1], device=x.device)[None, :, None, None]
    return padded[batch, chan, rows[:, None, :, None], cols[:, None, None, :]]


def jitter_points(x: torch.Tensor, *, jitter: float = 0.01) -> torch.Tensor:
    """``x + jitter · ε``, ε ~ N(0, I), for low-dimensional points (B, d)."""
    return x + jitter * torch.randn_like(x)


def augment(x: torch.Tensor, *, flip: bool = True, shift: int | None = None, jitter: float = 0.01) -> torch.Tensor:
    """Augment a batch: images get flip + translation, anything else gets Gaussian jitter."""
    if x.dim() == 4:
        return flip_and_translate(x, flip=flip, shift=shift)
    return jitter_points(x, jitter=jitter)
