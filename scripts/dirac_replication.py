"""The Dirac-GAN replication's table and figure, from the results of ``suites/replications/dirac.yaml``.

    bench run suites/replications/dirac.yaml
    python scripts/dirac_replication.py results/dirac --figure docs/replications/dirac-trajectories.png

prints one Markdown row per method — the verdict of :func:`bench.metrics.equilibrium.equilibrium_verdict`
on its per-step distances, the distance at the first evaluation, the largest distance over the
last quarter, and the final (θ, ψ) — and draws every method's trajectory in the (θ, ψ) plane in
the paper's sign (ψ_paper = −ψ_bench, :mod:`bench.arch.dirac`), starting point in red.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from bench.metrics.equilibrium import TAIL_FRACTION, equilibrium_verdict  # noqa: E402

COLUMNS = ("method", "verdict", "r_first", "r_tail_max", "theta_final", "psi_paper_final", "r_final", "steps")


SUITE = ROOT / "suites" / "replications" / "dirac.yaml"


def method_order(suite: Path = SUITE) -> list[str]:
    """The suite's method labels in the order it lists them."""
    from bench.suite import load_suite

    return list(dict.fromkeys(trial.method for trial in load_suite(suite).trials))


def trajectories(rows: pd.DataFrame, order: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Per method (in ``order``, default as found), its rows in step order with the starting point
    (step 0, from the ``arch_theta0`` and ``arch_psi0`` columns) prepended and ``psi_paper`` = −``dirac_psi``."""
    out = {}
    groups = dict(list(rows.groupby("method", sort=False)))
    for method in order or list(groups):
        group = groups[method]
        group = group.sort_values("step")
        start = pd.DataFrame({"step": [0], "dirac_theta": [group["arch_theta0"].iloc[0]],
                              "dirac_psi": [group["arch_psi0"].iloc[0]], "status": ["ok"]})
        start["equilibrium_distance"] = math.hypot(start["dirac_theta"][0], start["dirac_psi"][0])
        path = pd.concat([start, group[list(start.columns)]], ignore_index=True)
        out[method] = path.assign(psi_paper=-path["dirac_psi"])
    return out


def verdict_table(rows: pd.DataFrame, order: list[str] | None = None) -> pd.DataFrame:
    """One row per method (in ``order``): verdict and the numbers it rests on (evaluations only)."""
    records = []
    for method, path in trajectories(rows, order).items():
        evaluated = path[path["step"] > 0]
        r = evaluated["equilibrium_distance"].to_numpy(dtype=float)
        status = "diverged" if (evaluated["status"] == "diverged").any() else "ok"
        last = evaluated.iloc[-1]
        records.append({"method": method, "verdict": equilibrium_verdict(r, status), "r_first": r[0],
                        "r_tail_max": r[-math.ceil(len(r) * TAIL_FRACTION):].max(),
                        "theta_final": last["dirac_theta"], "psi_paper_final": last["psi_paper"],
                        "r_final": last["equilibrium_distance"], "steps": int(last["step"])})
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def markdown(table: pd.DataFrame) -> str:
    lines = ["| method | bench verdict | r at step 1 | max r, last quarter | final θ | final ψ (paper's sign) | final r |",
             "|---|---|---|---|---|---|---|"]
    for row in table.itertuples():
        lines.append(f"| `{row.method}` | **{row.verdict}** | {row.r_first:.3f} | {row.r_tail_max:.3g} | "
                     f"{row.theta_final:.3g} | {row.psi_paper_final:.3g} | {row.r_final:.3g} |")
    return "\n".join(lines) + "\n"


def draw(rows: pd.DataFrame, path: Path, order: list[str] | None = None, columns: int = 5) -> None:
    """Small multiples of the (θ, ψ_paper) trajectories, one panel per method, written as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = trajectories(rows, order)
    table = verdict_table(rows, order).set_index("method")
    n_rows = math.ceil(len(paths) / columns)
    fig, axes = plt.subplots(n_rows, columns, figsize=(2.1 * columns, 2.2 * n_rows), sharex=True, sharey=True)
    for ax, (method, traj) in zip(axes.flat, paths.items()):
        ax.plot(traj["dirac_theta"], traj["psi_paper"], lw=0.8, color="tab:blue")
        ax.plot(traj["dirac_theta"].iloc[0], traj["psi_paper"].iloc[0], "o", color="tab:red", ms=4)
        ax.plot(0, 0, "+", color="black", ms=6)
        ax.set_title(f"{method}\n{table.loc[method, 'verdict']}", fontsize=7)
        ax.set_xlim(-2, 2)
        ax.set_ylim(-2, 2)
        ax.tick_params(labelsize=6)
        ax.set_aspect("equal")
    for ax in list(axes.flat)[len(paths):]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("θ", fontsize=7)
    for ax in axes[:, 0]:
        ax.set_ylabel("ψ (paper's sign)", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    from bench.store.io import load_results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="results folder of suites/replications/dirac.yaml")
    parser.add_argument("--figure", type=Path, help="write the trajectories PNG here")
    parser.add_argument("--suite", type=Path, default=SUITE, help="the suite that made the results (method order)")
    args = parser.parse_args(argv)
    rows = load_results(args.results)
    order = method_order(args.suite)
    print(markdown(verdict_table(rows, order)), end="")
    print(f"\ncommit {rows['git_commit'].iloc[0]}; rows {len(rows)}")
    if args.figure:
        draw(rows, args.figure, order)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
