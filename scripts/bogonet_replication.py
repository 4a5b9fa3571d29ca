"""The BogoNet replication's tables, from the results of ``suites/replications/bogonet-digits.yaml``
(random architectures) and ``bogonet-digits-dcgan.yaml`` (the hand-picked one).

    bench run suites/replications/bogonet-digits.yaml
    bench run suites/replications/bogonet-digits-dcgan.yaml
    python scripts/bogonet_replication.py results/bogonet-digits --single results/bogonet-digits-dcgan --threshold 150

prints three Markdown tables (docs/replications/bogonet.md):

* per method over the random architectures: its mean rank (the report's Friedman blocks: one per
  architecture), the spread of its rank (quartiles, min–max), the architectures it wins, its
  success rate (``status`` ok and final metric ≤ ``--threshold``; Gulrajani et al. 2017 §5.1
  counted successes at an Inception-score threshold) and its divergence rate, beside its rank on
  the single architecture (mean over that suite's seeds);
* how often one architecture's ranking agrees with the ranking over all of them: the share of
  architectures whose winner is the overall winner and whose full order is the overall order;
* per architecture knob, the failure rate (1 − success) of each of its values over all methods,
  knobs sorted by the largest gap between values seen in at least 5 trials: the knobs that
  explain the failures.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench.report.analysis import Ranking, load_study, rank_methods  # noqa: E402
from bench.report.plots import breakdown_columns  # noqa: E402
from bench.report.ranks import rank_summary  # noqa: E402
from bench.report.tables import succeeded  # noqa: E402
from bench.report.text import markdown_table  # noqa: E402
from bench.store.location import Location  # noqa: E402
from bench.store.schema import STATUS_DIVERGED  # noqa: E402


def study_of(results: str | Path, metric: str):
    """The report's view of a results folder: (finished trials, the report's ranking; its
    ``per_arch`` is the architecture × method table of mean ranks)."""
    study = load_study(Location.of(str(results)), results, metric)
    return study, rank_methods(study, alpha=0.05)


def method_table(finished: pd.DataFrame, ranking: Ranking, metric: str, threshold: float,
                 single: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per method (best mean rank first): ranks over architectures, wins (the report's
    count, :func:`bench.report.ranks.rank_summary`), success, divergence, and (``single``: the
    hand-picked architecture's per_arch ranks) the rank there."""
    ranks = ranking.per_arch
    wins = rank_summary(ranking.scores)["wins"]
    success = succeeded(finished, metric, threshold).groupby(finished["method"]).mean()
    diverged = (finished["status"] == STATUS_DIVERGED).groupby(finished["method"]).mean()
    table = pd.DataFrame({
        "architectures": ranks.notna().sum(),
        "mean_rank": ranks.mean(),
        "rank_q25": ranks.quantile(0.25),
        "rank_median": ranks.median(),
        "rank_q75": ranks.quantile(0.75),
        "rank_min": ranks.min(),
        "rank_max": ranks.max(),
        "wins": wins,
        "success": success,
        "diverged": diverged,
    })
    if single is not None:
        table["single_arch_rank"] = single.mean()
    return table.sort_values("mean_rank")


def agreement(per_arch: pd.DataFrame) -> dict[str, float]:
    """Share of architectures whose best method is the overall best (by mean rank), and whose whole
    order (ties broken by name) is the overall order."""
    overall = list(per_arch.mean().sort_values(kind="stable").index)
    orders = [list(row.sort_values(kind="stable").index) for _, row in per_arch[overall].iterrows()]
    return {"architectures": len(orders),
            "same_winner": float(np.mean([o[0] == overall[0] for o in orders])) if orders else float("nan"),
            "same_order": float(np.mean([o == overall for o in orders])) if orders else float("nan")}


def knob_table(finished: pd.DataFrame, metric: str, threshold: float, min_trials: int = 5) -> pd.DataFrame:
    """Long table (knob, value, trials, failure rate, gap), knobs with the widest gap first; a knob's
    gap is the spread of the failure rates of its values with at least ``min_trials`` trials (a
    value seen once says little), NaN when fewer than two values have that many."""
    failed = ~succeeded(finished, metric, threshold)
    parts = []
    for knob in breakdown_columns(finished, limit=64):
        rates = failed.groupby(finished[knob].astype(str)).agg(["size", "mean"])
        counted = rates.loc[rates["size"] >= min_trials, "mean"]
        gap = counted.max() - counted.min() if len(counted) >= 2 else float("nan")
        parts.append(pd.DataFrame({"knob": knob.removeprefix("arch_"), "value": rates.index,
                                   "trials": rates["size"].to_numpy(), "failure": rates["mean"].to_numpy(),
                                   "gap": gap}))
    if not parts:
        return pd.DataFrame(columns=["knob", "value", "trials", "failure", "gap"])
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["gap", "knob", "failure"], ascending=[False, True, False], kind="stable",
                             na_position="last")


def markdown(frame: pd.DataFrame, index: bool = True) -> str:
    """``frame`` (its index as the first column, else its first column) with floats to 2 decimals."""
    cells = frame.map(lambda v: f"{v:.2f}" if isinstance(v, float) else v)
    return markdown_table(cells if index else cells.set_index(cells.columns[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", help="results folder of bogonet-digits.yaml")
    parser.add_argument("--single", help="results folder of bogonet-digits-dcgan.yaml (the hand-picked architecture)")
    parser.add_argument("--metric", default="fid")
    parser.add_argument("--threshold", type=float, required=True, help="success: final metric ≤ this")
    args = parser.parse_args(argv)
    study, ranking = study_of(args.results, args.metric)
    single = study_of(args.single, args.metric)[1].per_arch if args.single else None
    print(markdown(method_table(study.finished, ranking, args.metric, args.threshold, single)))
    print()
    print(", ".join(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}"
                    for k, v in agreement(ranking.per_arch).items()))
    print()
    print(markdown(knob_table(study.finished, args.metric, args.threshold), index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
