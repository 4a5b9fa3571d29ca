"""Per-trial stability statistics from a training history.

``history`` is the trial's list of rows in step order; a row is a dict with ``step`` and any of:
the evaluated metrics (``fid``, ``modes``, …, present only at evaluation steps), ``d_loss``,
``g_loss``, ``d_grad_norm``, ``g_grad_norm``.  Missing or ``None`` entries are ignored.

:func:`stability_summary` returns one flat dict (NaN / None where undefined):

- ``num_evals``; ``best``, ``best_step`` (best finite value; min or max by the metric's
  direction, first step on ties); ``final``, ``final_step`` (last evaluation, NaN if non-finite);
  ``gap`` = |final − best| signed so that ≥ 0 means the trial ended worse than its best
  (final − best for lower-is-better, best − final otherwise);
- ``last_k_std`` (population std) and ``last_k_iqr`` (75th − 25th percentile, linear
  interpolation) over the last ``last_k`` finite evaluations;
- ``auc``: trapezoid area under the finite metric curve over steps divided by the step range
  (the curve's time-average; the value itself for a single evaluation);
- ``diverged``, ``divergence_step``, ``divergence_reason``: the earliest of (a) a non-finite
  ``d_loss``/``g_loss`` (``nonfinite_loss``), (b) |loss| > ``loss_limit`` (``loss_blowup``),
  (c) a non-finite metric value (``nonfinite_metric``; :func:`evaluate` gives NaN for non-finite
  samples), (d) for lower-is-better metrics, a value > ``blowup_factor`` × the best value seen
  at earlier evaluations (``metric_blowup``);
- for each of ``d_loss``, ``g_loss``, ``d_grad_norm``, ``g_grad_norm``: ``<name>_first``,
  ``_final``, ``_mean``, ``_std``, ``_min``, ``_max`` over its finite values, and ``_count``;
- for trials whose rows carry BEGAN's convergence measure ``m_global`` (Berthelot et al. 2017,
  §3.4.1: M_global = L(x) + |γ L(x) − L(G(z))|, mean over the D steps since the previous
  evaluation): the same ``m_global_first`` … ``_count`` statistics and ``m_global_drop`` =
  (first − final) / first, the relative fall of the measure over training (> 0: converging);
- ``mode_collapse`` with ``collapse_indicator`` and ``collapse_value``, judged at the last
  evaluation carrying the indicator:
    * 2-D mixtures (rows carry ``modes`` and ``num_modes`` is given): modes < num_modes / 2;
    * images with a class head (rows carry ``top_class_fraction``, the share of generated samples
      predicted as the most frequent class): top_class_fraction ≥ ``collapse_top_class`` (0.5,
      i.e. half the samples in one class where a faithful 10-class generator gives ≈ 0.1);
    * otherwise images with ``variance_ratio`` (Tr Σ_gen / Tr Σ_real of the features):
      variance_ratio < ``collapse_variance_ratio`` (0.25);
    * ``None`` when no indicator was recorded.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

LOSS_KEYS = ("d_loss", "g_loss")
TRAJECTORY_KEYS = ("d_loss", "g_loss", "d_grad_norm", "g_grad_norm")
CONVERGENCE_KEYS = ("m_global",)  # loss diagnostics summarised only where the rows carry them


def _series(history: list[dict], key: str) -> tuple[np.ndarray, np.ndarray]:
    rows = [(r["step"], r[key]) for r in history if r.get(key) is not None]
    steps = np.array([s for s, _ in rows], dtype=np.float64)
    values = np.array([v for _, v in rows], dtype=np.float64)
    return steps, values


def _direction(metric: str, higher_is_better: Optional[bool]) -> bool:
    if higher_is_better is not None:
        return higher_is_better
    from bench.metrics import METRICS

    higher = METRICS.get(metric).higher_is_better
    if higher is None:
        raise ValueError(f"{metric!r} has a target value, not a direction: it has no best value to summarise")
    return higher


def _trajectory(history: list[dict], key: str) -> dict:
    _, values = _series(history, key)
    finite = values[np.isfinite(values)]
    stats = {"count": int(len(values))}
    if len(finite):
        stats.update(first=finite[0], final=finite[-1], mean=finite.mean(), std=finite.std(), min=finite.min(),
                     max=finite.max())
    else:
        stats.update({k: math.nan for k in ("first", "final", "mean", "std", "min", "max")})
    return {f"{key}_{k}": (float(v) if k != "count" else v) for k, v in stats.items()}


def _divergence(history, steps, values, higher, blowup_factor, loss_limit):
    events = []
    for key in LOSS_KEYS:
        s, v = _series(history, key)
        bad = ~np.isfinite(v)
        if bad.any():
            events.append((s[bad][0], "nonfinite_loss"))
        big = np.isfinite(v) & (np.abs(v) > loss_limit)
        if big.any():
            events.append((s[big][0], "loss_blowup"))
    bad = ~np.isfinite(values)
    if bad.any():
        events.append((steps[bad][0], "nonfinite_metric"))
    if not higher:
        best_so_far = math.inf
        for s, v in zip(steps, values):
            if math.isfinite(v):
                if best_so_far > 0 and math.isfinite(best_so_far) and v > blowup_factor * best_so_far:
                    events.append((s, "metric_blowup"))
                    break
                best_so_far = min(best_so_far, v)
    if not events:
        return {"diverged": False, "divergence_step": None, "divergence_reason": None}
    step, reason = min(events, key=lambda e: e[0])
    return {"diverged": True, "divergence_step": int(step), "divergence_reason": reason}


def _collapse(history, num_modes, collapse_top_class, collapse_variance_ratio) -> dict:
    checks = []
    if num_modes:
        checks.append(("modes", lambda v: v < num_modes / 2))
    checks += [("top_class_fraction", lambda v: v >= collapse_top_class),
               ("variance_ratio", lambda v: v < collapse_variance_ratio)]
    for key, collapsed in checks:
        _, values = _series(history, key)
        finite = values[np.isfinite(values)]
        if len(finite):
            return {"mode_collapse": bool(collapsed(finite[-1])), "collapse_indicator": key,
                    "collapse_value": float(finite[-1])}
    return {"mode_collapse": None, "collapse_indicator": None, "collapse_value": math.nan}


def stability_summary(history: list[dict], *, metric: str = "fid", last_k: int = 3, blowup_factor: float = 5.0,
                      loss_limit: float = 1e6, num_modes: Optional[int] = None,
                      higher_is_better: Optional[bool] = None, collapse_top_class: float = 0.5,
                      collapse_variance_ratio: float = 0.25) -> dict:
    """Summary of one trial's ``history`` for ``metric`` (see the module doc for every field)."""
    higher = _direction(metric, higher_is_better)
    steps, values = _series(history, metric)
    finite = np.isfinite(values)
    out = {"metric": metric, "higher_is_better": higher, "num_evals": int(len(values))}
    if finite.any():
        fs, fv = steps[finite], values[finite]
        i = int(np.argmax(fv) if higher else np.argmin(fv))
        best = float(fv[i])
        final = float(values[-1])
        tail = fv[-last_k:]
        q75, q25 = np.percentile(tail, [75, 25])
        span = fs[-1] - fs[0]
        auc = float(np.trapezoid(fv, fs) / span) if span > 0 else float(fv.mean())
        out.update(best=best, best_step=int(fs[i]), final=final, final_step=int(steps[-1]),
                   gap=(best - final) if higher else (final - best), last_k_std=float(tail.std()),
                   last_k_iqr=float(q75 - q25), auc=auc)
    else:
        out.update(best=math.nan, best_step=None, final=math.nan,
                   final_step=int(steps[-1]) if len(steps) else None, gap=math.nan, last_k_std=math.nan,
                   last_k_iqr=math.nan, auc=math.nan)
    out.update(_divergence(history, steps, values, higher, blowup_factor, loss_limit))
    for key in TRAJECTORY_KEYS:
        out.update(_trajectory(history, key))
    for key in CONVERGENCE_KEYS:
        if any(row.get(key) is not None for row in history):
            stats = _trajectory(history, key)
            first, final = stats[f"{key}_first"], stats[f"{key}_final"]
            stats[f"{key}_drop"] = (first - final) / first if first and math.isfinite(first) else math.nan
            out.update(stats)
    out.update(_collapse(history, num_modes, collapse_top_class, collapse_variance_ratio))
    return out
