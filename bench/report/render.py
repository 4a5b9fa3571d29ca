"""Write the report files: ``leaderboard.csv``, ``leaderboard.md``, the other tables as CSV, and
``report.html``."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pandas as pd

from bench.report import html
from bench.report.text import markdown_table, metrics_display

HOW_TO_READ = [
    "Block: one architecture with one seed. Within each block the methods are ranked on the ranking metric "
    "(1 = best, ties share the average rank); a diverged or failed trial ranks last.",
    "Mean rank: average of a method's ranks over the complete blocks (those where every method has a finished "
    "trial), with a 95% bootstrap interval that resamples architectures. Wins: architectures on which the method "
    "has the best rank, seeds averaged (BogoNet).",
    "Friedman test: are the mean ranks more different than chance would make them? Its blocks are architectures "
    "(a method's rank averaged over the seeds of each), since seeds of one architecture are not independent. A "
    "small p says at least one method differs; the critical-difference diagram then shows which pairs differ "
    "(Nemenyi): methods joined by a bar are not distinguishable with this many architectures.",
    "final metric: value at the last evaluation; median and interquartile range over trials, 95% bootstrap "
    "interval of the median. best: best value over the evaluations (an optimistic, early-stopped number).",
    "success@t: fraction of trials that did not diverge and ended within threshold t. end spread: median over "
    "trials of the standard deviation of the last evaluations (how much the metric still moves).",
    "Budget curves (hyperparameter searches): expected best value when k configurations are drawn at random; "
    "where curves meet at large k, the methods differ less than their tuned results suggest (Lucic et al. 2018).",
]


def write_outputs(summary, extra: dict[str, pd.DataFrame], figures: list[html.FigureEntry],
                  gallery: str = "") -> dict[str, Path]:
    """Write every file of the report under ``summary.out_dir``; returns name → path.  ``gallery``:
    the HTML section of sample images (bench.report.gallery), placed before the figures."""
    out = Path(summary.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["leaderboard.csv"] = out / "leaderboard.csv"
    summary.leaderboard.to_csv(files["leaderboard.csv"])
    for name, table in extra.items():
        path = out / f"{name}.csv"
        table.to_csv(path, index=name != "metrics")
        files[path.name] = path
    metrics_table = metrics_display(extra.get("metrics", pd.DataFrame()), summary.methods)
    title = f"bench report: {posixpath.basename(str(summary.results_dir))} (ranked on {summary.metric})"
    files["leaderboard.md"] = out / "leaderboard.md"
    files["leaderboard.md"].write_text(_markdown(title, summary, metrics_table, figures, out))
    files["report.html"] = out / "report.html"
    sections = [
        ("Leaderboard", "One row per method, best mean rank first.", summary.display),
        ("All metrics", "Median final value per method; * marks the best in each column (arrow: direction).",
         metrics_table),
    ]
    shown = [f for f in figures if f.png.stem != "gallery"] if gallery else figures  # the section shows its cells
    page = html.render(title=title, notes=summary.notes, sections=sections, figures=shown, how_to_read=HOW_TO_READ,
                       gallery=gallery)
    files["report.html"].write_text(page, encoding="utf-8")
    for fig in figures:
        files[f"figures/{fig.png.name}"] = fig.png
        files[f"figures/{fig.png.stem}.svg"] = fig.png.with_suffix(".svg")
    return files


def _markdown(title: str, summary, metrics_table: pd.DataFrame, figures, out: Path) -> str:
    parts = [f"# {title}", ""]
    parts += [f"- {note}" for note in summary.notes]
    parts += ["", "## Leaderboard", "", markdown_table(summary.display), ""]
    if not metrics_table.empty:
        parts += ["## All metrics (median final value; * = best)", "", markdown_table(metrics_table), ""]
    if figures:
        parts += ["## Figures", ""]
        parts += [f"![{f.title}]({f.png.relative_to(out).as_posix()})" for f in figures]
        parts.append("")
    parts += ["## How to read it", ""] + [f"- {line}" for line in HOW_TO_READ] + [""]
    return "\n".join(parts)
