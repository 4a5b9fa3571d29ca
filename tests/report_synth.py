"""Synthetic results directories for the report tests (test inputs, written through the real
store).  FID trajectories decay from 300 towards a final value
``80 + arch effect + method effect + noise``; KID and IS are monotone functions of FID."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bench.store import write_trial_rows

NORMS = ("none", "sn", "bn")


def arch_props(a: int) -> dict:
    return {
        "arch_family": "conv",
        "arch_d_norm": NORMS[a % 3],
        "arch_g_depth": 2 + a % 2,
        "arch_g_params": int(10_000 * (1 + a)),
        "arch_d_params": int(8_000 * (1 + a)),
    }


def trial_rows(trial: dict, final: float, steps: tuple[int, ...], rng, status: str = "ok") -> list[dict]:
    """Rows of one trial; ``status='diverged'`` makes the last evaluation NaN and marked diverged,
    ``status='error'`` gives one row at step 0 with NaN metrics."""
    if status == "error":
        return [{**trial, "step": 0, "status": "error", "fid": np.nan, "kid": np.nan, "is": np.nan,
                 "error": "RuntimeError: synthetic"}]
    rows = []
    horizon = max(steps)
    for s in steps:
        fid = final + (300.0 - final) * np.exp(-4.0 * s / horizon) + rng.normal(0, 1.0)
        rows.append({**trial, "step": s, "status": "ok", "fid": fid, "kid": fid / 1000.0, "is": 10.0 - fid / 40.0,
                     "d_loss": float(rng.normal()), "g_loss": float(rng.normal())})
    if status == "diverged":
        rows[-1].update(status="diverged", fid=np.nan, kid=np.nan, **{"is": np.nan})
    return rows


def write_suite(
    results_dir: Path,
    effects: dict[str, float],
    *,
    n_arch: int = 6,
    seeds: tuple[int, ...] = (0, 1),
    noise: float = 5.0,
    arch_sd: float = 20.0,
    rng_seed: int = 0,
    steps: tuple[int, ...] = (0, 250, 500),
    diverged: tuple[str, ...] = (),
    errors: tuple[str, ...] = (),
    skip: tuple[str, ...] = (),
    running: tuple[str, ...] = (),
    planned_extra: int = 0,
    lr_d: dict[str, list[float]] | None = None,
) -> list[str]:
    """Write one trial per method × architecture × seed (× ``lr_d`` value) and ``grid.json``.
    ``effects`` maps ``"loss+regularizer"`` to an additive FID effect; trial ids listed in
    ``diverged``/``errors`` fail, those in ``skip`` are planned but not written, those in
    ``running`` have only their first half of evaluations; ``planned_extra``
    adds planned ids that never ran.  Trial ids are ``{method}-a{arch}-s{seed}[-c{config}]``."""
    rng = np.random.default_rng(rng_seed)
    arch_effect = rng.normal(0, arch_sd, size=n_arch)
    planned = []
    for a in range(n_arch):
        for seed in seeds:
            for method, effect in effects.items():
                loss, reg = method.split("+")
                lrs = (lr_d or {}).get(method, [2e-4])
                for c, lr in enumerate(lrs):
                    tid = f"{method}-a{a}-s{seed}" + (f"-c{c}" if lr_d else "")
                    planned.append(tid)
                    if tid in skip:
                        continue
                    trial = {"trial_id": tid, "suite": "synthetic", "arch_id": f"conv-{a:03d}", "loss": loss,
                             "regularizer": reg, "method": method, "seed": seed, "lr_g": 2e-4, "lr_d": lr,
                             "beta1": 0.5, "beta2": 0.999, "n_disc": 1, "n_gen": 1, "steps": max(steps),
                             "z_dim": 16 + 16 * (a % 2), **arch_props(a)}
                    lr_effect = 30.0 * abs(np.log10(lr / 2e-4)) if lr_d else 0.0
                    final = 80.0 + arch_effect[a] + effect + lr_effect + rng.normal(0, noise)
                    status = "diverged" if tid in diverged else "error" if tid in errors else "ok"
                    rows = trial_rows(trial, final, steps, rng, status)
                    write_trial_rows(results_dir, tid, rows[: len(rows) // 2] if tid in running else rows)
    planned += [f"never-ran-{i}" for i in range(planned_extra)]
    (Path(results_dir) / "grid.json").write_text(json.dumps([{"trial_id": t} for t in planned]))
    return planned
