"""The Lucic et al. replication's table, from the budget curves `bench report` writes for a search.

    bench run suites/replications/lucic-ring8-wide.yaml
    bench report results/lucic-ring8-wide --metric mode_kl --out /tmp/lucic-ring8-wide
    python scripts/lucic_replication.py /tmp/lucic-ring8-wide/budget.csv

prints one Markdown row per budget k: each method's expected best score within k random settings
(``expected`` of budget.csv: the exact E[best of k], Lucic et al. 2018 §5, bench.report.budget),
the gap between the best and the worst method, and that gap relative to the gap at k = 1.  Lucic
et al.'s headline is that the gap shrinks as k grows: with enough settings most losses reach
similar scores (docs/replications/lucic.md).
"""

from __future__ import annotations

import argparse
import sys

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from bench.report.text import markdown_table  # noqa: E402


def gap_by_budget(curves: pd.DataFrame) -> pd.DataFrame:
    """Wide table indexed by ``k``: one column per method (its ``expected``), then ``gap`` (max − min
    over methods) and ``gap_vs_k1`` (gap / gap at the smallest k); only the k every method reaches."""
    wide = curves.pivot(index="k", columns="method", values="expected").dropna(axis=0, how="any")
    methods = list(wide.columns)
    wide["gap"] = wide[methods].max(axis=1) - wide[methods].min(axis=1)
    first = wide["gap"].iloc[0] if len(wide) else float("nan")
    wide["gap_vs_k1"] = wide["gap"] / first if first else float("nan")
    return wide


def markdown(wide: pd.DataFrame) -> str:
    return markdown_table(wide.map(lambda v: f"{v:.3g}" if isinstance(v, float) else v))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("budget_csv", help="budget.csv of a search's `bench report`")
    args = parser.parse_args(argv)
    print(markdown(gap_by_budget(pd.read_csv(args.budget_csv))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
