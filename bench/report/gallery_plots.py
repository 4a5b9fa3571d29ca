"""The gallery figures of the report (matplotlib :class:`Figure` objects, no pyplot state):
the architecture × method grid of final samples and the "samples over training" strip."""

from __future__ import annotations

import io
import textwrap

import numpy as np
from matplotlib.figure import Figure

from bench.store.schema import STATUS_DIVERGED, STATUS_ERROR

CELL_INCHES = 1.9
FAILED = "#c62828"


def png_array(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _blank(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def gallery_figure(cells, metric: str, caption: str) -> Figure:
    """Rows = architectures, columns = methods; each cell the final grid with the final metric
    under it; diverged or failed trials framed and labelled in red."""
    rows, cols = len(cells), len(cells[0])
    fig = Figure(figsize=(CELL_INCHES * cols + 1.2, CELL_INCHES * rows + 1.0))
    axes = np.atleast_2d(fig.subplots(rows, cols, squeeze=False))
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            ax = axes[r, c]
            _blank(ax)
            failed = cell.status in (STATUS_DIVERGED, STATUS_ERROR)
            if cell.png is not None:
                ax.imshow(png_array(cell.png), interpolation="antialiased")
            else:
                ax.set_facecolor("#f1f1f1")
                ax.text(0.5, 0.5, "failed" if failed else "no samples", ha="center", va="center",
                        transform=ax.transAxes, fontsize=8, color=FAILED if failed else "#555")
            if failed:
                for spine in ax.spines.values():
                    spine.set_visible(True)
                    spine.set_color(FAILED)
                    spine.set_linewidth(2)
            ax.set_xlabel(cell.label(metric), fontsize=7, color=FAILED if failed else "#222", labelpad=2)
            if r == 0:
                ax.set_title("\n".join(textwrap.wrap(cell.method, 22)), fontsize=8)
            if c == 0:
                ax.set_ylabel(cell.arch, fontsize=7)
    fig.suptitle("\n".join(textwrap.wrap(f"Final samples ({caption})", 110)), fontsize=8)
    fig.tight_layout()
    return fig


def strip_figure(strips: list[tuple[str, str, str, list[tuple[int, bytes]]]], metric: str) -> Figure:
    """One row per (method, best/worst trial): its grids over training, step under each."""
    cols = max(len(images) for *_, images in strips)
    fig = Figure(figsize=(1.5 * cols + 1.8, 1.6 * len(strips) + 0.6))
    axes = np.atleast_2d(fig.subplots(len(strips), cols, squeeze=False))
    for r, (method, which, trial_id, images) in enumerate(strips):
        for c in range(cols):
            ax = axes[r, c]
            _blank(ax)
            if c < len(images):
                step, data = images[c]
                ax.imshow(png_array(data), interpolation="antialiased")
                ax.set_xlabel(f"step {step}", fontsize=7, labelpad=2)
        axes[r, 0].set_ylabel("\n".join(textwrap.wrap(f"{method} — {which} {metric}", 18)) + f"\n{trial_id}",
                              fontsize=7)
    fig.suptitle(f"Samples over training: the best and the worst trial of each method by final {metric}", fontsize=8)
    fig.tight_layout()
    return fig
