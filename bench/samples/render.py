"""Sample figures as PNG bytes, byte-identical for identical inputs (no timestamps, no software
tag): a grid of images, or a scatter of 2-D points over the true modes of a mixture."""

from __future__ import annotations

import io
import math

import numpy as np
import torch

HQ_STDS = 3.0  # a 2-D sample is high quality within 3σ of its nearest mode (bench.metrics.mixture)


def image_grid_png(images: torch.Tensor, *, scale: int = 0) -> bytes:
    """(N, C, H, W) images in [−1, 1] (C = 1 or 3) → one PNG grid, ⌈√N⌉ per row, 1-pixel
    padding.  Non-finite values become black.  ``scale`` (default: 2 below 24 pixels, else 1)
    enlarges each pixel, so tiny images stay visible."""
    from PIL import Image
    from torchvision.utils import make_grid

    x = torch.nan_to_num(images.detach().float().cpu(), nan=-1.0, posinf=1.0, neginf=-1.0)
    x = ((x.clamp(-1, 1) + 1) / 2)
    scale = scale or (2 if x.shape[-1] < 24 else 1)
    if scale > 1:
        x = x.repeat_interleave(scale, dim=-1).repeat_interleave(scale, dim=-2)
    grid = make_grid(x, nrow=max(1, math.ceil(math.sqrt(len(x)))), padding=1, pad_value=1.0)
    array = (grid * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    if x.shape[1] == 1:  # make_grid repeats a single channel three times
        array = array[..., 0]
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(array)).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def points_png(points: torch.Tensor | np.ndarray, centers: np.ndarray, std: float, *, title: str = "") -> bytes:
    """Scatter of generated 2-D ``points`` (N, 2) over the mixture's ``centers`` (K, 2), each mode
    drawn with a circle of radius 3σ (the high-quality radius of the mode-collapse metrics,
    PacGAN/VEEGAN protocol).  Points far outside the modes are clipped to the frame."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    pts = np.asarray(points.detach().cpu() if isinstance(points, torch.Tensor) else points, dtype=np.float64)
    pts = pts[np.isfinite(pts).all(axis=1)]
    centers = np.asarray(centers, dtype=np.float64)
    span = np.abs(centers).max() + max(0.5, 0.25 * np.abs(centers).max())
    fig = Figure(figsize=(3, 3))
    ax = fig.subplots()
    ax.scatter(np.clip(pts[:, 0], -span, span), np.clip(pts[:, 1], -span, span), s=4, alpha=0.5,
               color="tab:blue", linewidths=0, rasterized=True)
    for cx, cy in centers:
        ax.add_patch(Circle((cx, cy), HQ_STDS * std, fill=False, color="tab:red", linewidth=0.8))
    ax.scatter(centers[:, 0], centers[:, 1], marker="x", s=12, color="tab:red", linewidths=0.8)
    ax.set_xlim(-span, span)
    ax.set_ylim(-span, span)
    ax.set_aspect("equal")
    ax.tick_params(labelsize=6)
    if title:
        ax.set_title(title, fontsize=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()
