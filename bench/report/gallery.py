"""The report's gallery: which trial's samples go in which cell, and the HTML section.

Rows are architectures, columns methods; each cell holds the final sample grid of that
(architecture, method) trial at the study's smallest seed (every method shows the same latents,
bench.samples.latents).  Up to :data:`MAX_ROWS` architectures are all shown; past that the rows
are, for each method, its best, median and worst architecture by that method's final metric,
plus :data:`RANDOM_ROWS` more drawn with ``numpy.random.default_rng(GALLERY_SEED)`` from the rest
(the rule is printed in the caption).  A diverged or failed trial is marked as such, with its
last grid when it has one.  The "samples over training" strip follows the best and the worst
trial of each method through its evaluations.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bench.samples.store import read_sample, sample_steps
from bench.store.location import Location
from bench.store.schema import STATUS_DIVERGED, STATUS_ERROR, STATUS_OK

MAX_ROWS = 12
RANDOM_ROWS = 3
GALLERY_SEED = 0
STRIP_STEPS = 8


@dataclass(frozen=True)
class Cell:
    arch: str
    method: str
    trial_id: str | None
    status: str  # ok | diverged | error | missing
    value: float
    step: int | None
    png: bytes | None

    def label(self, metric: str) -> str:
        if self.trial_id is None:
            return "no trial"
        value = f"{metric} {self.value:.4g}" if np.isfinite(self.value) else f"no final {metric}"
        if self.status == STATUS_OK:
            return value if self.png is not None else f"{value} (no samples)"
        return f"{self.status.upper()}" + (f" (grid of step {self.step})" if self.png is not None else "")


def choose_architectures(trials: pd.DataFrame, final: str, order: list[str], higher: bool) -> tuple[list[str], str]:
    """The gallery's rows and the rule that chose them (for the caption)."""
    archs = sorted(trials["arch_id"].astype(str).unique())
    if len(archs) <= MAX_ROWS:
        return archs, f"all {len(archs)} architectures"
    chosen: list[str] = []
    for method in order:
        mine = trials[trials["method"] == method].copy()
        mine["score"] = mine[final].astype(float).where(np.isfinite(mine[final].astype(float)))
        per_arch = mine.groupby(mine["arch_id"].astype(str))["score"].median()
        per_arch = per_arch.fillna(-np.inf if higher else np.inf).sort_values(ascending=not higher, kind="stable")
        if len(per_arch):
            for pick in (per_arch.index[0], per_arch.index[len(per_arch) // 2], per_arch.index[-1]):
                if pick not in chosen:
                    chosen.append(pick)
    rest = [a for a in archs if a not in chosen]
    rng = np.random.default_rng(GALLERY_SEED)
    extra = sorted(rng.choice(rest, size=min(RANDOM_ROWS, len(rest)), replace=False).tolist()) if rest else []
    rule = (f"{len(chosen) + len(extra)} of {len(archs)} architectures: the best, median and worst of each method by "
            f"its final metric, plus {len(extra)} drawn at random (numpy default_rng({GALLERY_SEED})) from the rest")
    return chosen + extra, rule


def gallery_cells(results, trials: pd.DataFrame, final: str, archs: list[str], order: list[str],
                  higher: bool) -> list[list[Cell]]:
    """``cells[row][column]`` for the architectures ``archs`` and the methods ``order``."""
    location = Location.of(results)
    seed = trials["seed"].min() if "seed" in trials.columns else None
    pick = trials if seed is None else trials[trials["seed"] == seed]
    grid = []
    for arch in archs:
        row = []
        for method in order:
            found = pick[(pick["arch_id"].astype(str) == arch) & (pick["method"] == method)]
            if found.empty:
                row.append(Cell(arch, method, None, "missing", float("nan"), None, None))
                continue
            found = found.assign(_v=found[final].astype(float)).sort_values("_v", ascending=not higher, kind="stable")
            trial_id = str(found.index[0])  # a search's cell: its best configuration
            steps = sample_steps(location, trial_id)
            step = max(steps) if steps else None
            png = read_sample(location, steps[step]) if steps else None
            row.append(Cell(arch, method, trial_id, str(found["status"].iloc[0]), float(found[final].iloc[0]), step, png))
        grid.append(row)
    return grid


def strip_trials(trials: pd.DataFrame, final: str, order: list[str], higher: bool) -> list[tuple[str, str, str]]:
    """(method, "best"/"worst", trial id) of each method's best and worst finished trial with a
    finite final metric."""
    out = []
    for method in order:
        mine = trials[(trials["method"] == method) & np.isfinite(trials[final].astype(float))]
        if mine.empty:
            continue
        ranked = mine[final].astype(float).sort_values(ascending=not higher, kind="stable")
        out.append((method, "best", str(ranked.index[0])))
        if len(ranked) > 1:
            out.append((method, "worst", str(ranked.index[-1])))
    return out


def strip_images(results, trial_id: str) -> list[tuple[int, bytes]]:
    """Up to :data:`STRIP_STEPS` of the trial's grids, evenly spaced over its evaluations (the last included)."""
    steps = sample_steps(results, trial_id)
    keys = list(steps)
    if len(keys) > STRIP_STEPS:
        keys = [keys[int(round(i))] for i in np.linspace(0, len(keys) - 1, STRIP_STEPS)]
    return [(k, read_sample(results, steps[k])) for k in keys]


def gallery_html(cells: list[list[Cell]], metric: str, caption: str) -> str:
    """A table of <img> cells (data URIs: the page stays self-contained), one per architecture × method."""
    if not cells:
        return ""
    methods = [c.method for c in cells[0]]
    head = "<th>architecture</th>" + "".join(f"<th>{html.escape(m)}</th>" for m in methods)
    body = []
    for row in cells:
        parts = [f"<td>{html.escape(row[0].arch)}</td>"]
        for cell in row:
            mark = " gallery-failed" if cell.status in (STATUS_DIVERGED, STATUS_ERROR) else ""
            img = ""
            if cell.png is not None:
                data = base64.b64encode(cell.png).decode("ascii")
                img = (f"<img class=\"gallery-cell\" alt=\"{html.escape(cell.trial_id or '')}\" "
                       f"src=\"data:image/png;base64,{data}\"><br>")
            parts.append(f"<td class=\"gallery{mark}\">{img}<span>{html.escape(cell.label(metric))}</span></td>")
        body.append("<tr>" + "".join(parts) + "</tr>")
    return (f"<h2>Gallery</h2><p>{html.escape(caption)}</p><table class=\"gallery\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def write_gallery(results, out_dir, trials: pd.DataFrame, metric: str, order: list[str], higher: bool):
    """Write ``figures/gallery`` and ``figures/samples_over_training`` (PNG + SVG); returns their
    :class:`~bench.report.html.FigureEntry` list and the HTML section (both empty when no trial
    saved samples, e.g. results of a sweep with ``evaluation.samples: 0``)."""
    from bench.report import plots
    from bench.report.gallery_plots import gallery_figure, strip_figure
    from bench.report.html import FigureEntry

    final = f"final_{metric}"
    if "arch_id" not in trials.columns or not any(sample_steps(results, str(t)) for t in trials.index):
        return [], ""
    archs, rule = choose_architectures(trials, final, order, higher)
    cells = gallery_cells(results, trials, final, archs, order, higher)
    seed = f", seed {trials['seed'].min()}" if "seed" in trials.columns else ""
    caption = (f"rows: {rule}; columns: methods; each cell the last sample grid of that trial{seed} (every method "
               f"shows the same latents), its final {metric} under it; DIVERGED/ERROR cells in red")
    png, _ = plots.save(gallery_figure(cells, metric, caption), out_dir, "gallery")
    entries = [FigureEntry("Gallery of final samples", png, caption.capitalize() + ".")]
    strips = [(m, w, t, strip_images(results, t)) for m, w, t in strip_trials(trials, final, order, higher)]
    strips = [s for s in strips if s[3]]
    if strips:
        png, _ = plots.save(strip_figure(strips, metric), out_dir, "samples_over_training")
        entries.append(FigureEntry("Samples over training", png, f"The best and worst trial of each method by final "
                                   f"{metric}, at up to {STRIP_STEPS} evaluations spread over training."))
    return entries, gallery_html(cells, metric, caption.capitalize() + ".")
