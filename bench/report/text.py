"""The leaderboard as text: a display table of strings, Markdown, and a rich terminal table."""

from __future__ import annotations

import math

import pandas as pd

from bench.report.columns import higher_is_better


def fmt(value, digits: int = 3) -> str:
    """Compact number: 3 significant digits, '–' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}g}"


def pct(value) -> str:
    return "–" if value is None or value != value else f"{100 * value:.0f}%"


def display_table(board: pd.DataFrame, metric: str, n_archs: int) -> pd.DataFrame:
    """The leaderboard as strings, one row per method, in leaderboard order; wins are out of
    ``n_archs`` architectures."""
    arrow = "↑" if higher_is_better(metric) else "↓"
    out = pd.DataFrame(index=board.index)
    out["trials"] = board["trials"].astype(int).astype(str)
    out["mean rank [95% CI]"] = [
        f"{fmt(r)} [{fmt(lo)}, {fmt(hi)}]"
        for r, lo, hi in zip(board["mean_rank"], board["mean_rank_lo"], board["mean_rank_hi"])
    ]
    out[f"wins /{n_archs}"] = [
        f"{w}" + (f" ({s} tied)" if s else "") for w, s in zip(board["wins"], board["shared_wins"])
    ]
    out[f"final {metric} {arrow} median [IQR]"] = [
        f"{fmt(m)} [{fmt(a)}–{fmt(b)}]" for m, a, b in zip(board["final_median"], board["final_q25"], board["final_q75"])
    ]
    out["median 95% CI"] = [f"[{fmt(a)}, {fmt(b)}]" for a, b in zip(board["final_median_lo"], board["final_median_hi"])]
    out[f"best {metric} median"] = board["best_median"].map(fmt)
    for col in [c for c in board.columns if c.startswith("success@")]:
        out[col] = board[col].map(pct)
    out["diverged"] = board["diverged"].map(pct)
    out["errors"] = board["errors"].map(pct)
    out["end spread"] = board["spread_median"].map(fmt)
    out.index.name = "method"
    return out


def terminal_table(board: pd.DataFrame, metric: str, n_archs: int) -> pd.DataFrame:
    """A compact version of :func:`display_table` with short headers for an 80–140 column terminal."""
    arrow = "↑" if higher_is_better(metric) else "↓"
    out = pd.DataFrame(index=board.index)
    out["n"] = board["trials"].astype(int).astype(str)
    out["rank"] = board["mean_rank"].map(fmt)
    out["95% CI"] = [f"{fmt(lo)}–{fmt(hi)}" for lo, hi in zip(board["mean_rank_lo"], board["mean_rank_hi"])]
    out[f"wins/{n_archs}"] = board["wins"].astype(str)
    out[f"{metric}{arrow}"] = board["final_median"].map(fmt)
    out["IQR"] = [f"{fmt(a)}–{fmt(b)}" for a, b in zip(board["final_q25"], board["final_q75"])]
    out["best"] = board["best_median"].map(fmt)
    for col in [c for c in board.columns if c.startswith("success@")]:
        out[col.replace("success", "ok")] = board[col].map(pct)
    out["div"] = board["diverged"].map(pct)
    out["err"] = board["errors"].map(pct)
    out.index.name = "method"
    return out


def metrics_display(metric_long: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """Method × metric table of median final values; headers carry the direction arrow ("≈"
    for a metric with a target value, which is not ranked) and the best value of each ranked
    column is marked with '*'."""
    if metric_long.empty:
        return pd.DataFrame()
    columns = {}
    for metric, part in metric_long.groupby("metric", sort=False):
        higher = part["higher_is_better"].iloc[0]
        arrow = "≈" if higher is None or higher != higher else ("↑" if higher else "↓")
        part = part.set_index("method")
        columns[f"{metric} {arrow}"] = [
            fmt(v) + ("*" if r == 1 else "") for v, r in zip(part["final_median"], part["rank"])
        ]
        index = part.index
    table = pd.DataFrame(columns, index=index)
    if order is not None:
        table = table.reindex([m for m in order if m in table.index])
    table.index.name = "method"
    return table


def markdown_table(table: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (index as the first column)."""
    header = [table.index.name or ""] + [str(c) for c in table.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    for idx, row in table.iterrows():
        cells = [str(idx)] + [str(v).replace("|", "\\|") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_terminal(table: pd.DataFrame, title: str, notes: list[str], console=None) -> None:
    """Print the display table with rich, followed by the notes."""
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=140)
    rich_table = Table(title=title, show_lines=False)
    rich_table.add_column(table.index.name or "", style="bold")
    for col in table.columns:
        rich_table.add_column(str(col), justify="right")
    for idx, row in table.iterrows():
        rich_table.add_row(str(idx), *[str(v) for v in row])
    console.print(rich_table)
    for note in notes:
        console.print(f"• {note}", markup=False, highlight=False)
