"""Cost model of a study from measured per-step and per-evaluation figures.

For a study of A architectures × M methods × S seeds (T = A·M·S trials), each trial training
``steps`` G updates and evaluating ``E = ⌈steps / eval_every⌉`` times on ``n`` generated samples:

    trial_s = steps · step_s
            + E · passes · (n · (gen_s + feat_s) + dist_s · (n / n₀)²)
            + overhead_s
    device_hours = T · trial_s / (3600 · packing_gain)

``gen_s``/``feat_s`` are seconds per generated sample (generation, feature extraction: linear
in n), ``dist_s`` the distance seconds measured at n₀ samples, scaled as (n/n₀)² — the pairwise
k-NN terms of precision/recall/density/coverage dominate at large n, so this is an upper bound
(FID's eigendecompositions do not grow with n, KID's subsets are capped at 1,000).  ``passes`` is
2 when G's EMA is evaluated too.  ``packing_gain`` is throughput with k trials packed on one
device over one trial alone (1 for one trial per device; on CPUs, trials per core-slot).
Cost is linear in A, M and S, linear in ``steps``, and between linear and quadratic in ``n``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Measured:
    """Per-unit costs, in seconds, from ``bench perf`` (or supplied by hand for another device)."""

    step_seconds: float
    gen_seconds_per_sample: float
    feature_seconds_per_sample: float
    distance_seconds: float
    distance_samples: int
    trial_overhead_seconds: float = 0.0
    packing_gain: float = 1.0


@dataclass(frozen=True)
class Study:
    """What a study runs.  Defaults: the paper-scale BogoNet study (150 architectures × 5 methods
    × 3 seeds), 100k G updates per trial, an evaluation every 5k steps on 10k samples, no EMA (as
    ``suites/bogonet150.yaml``)."""

    architectures: int = 150
    methods: int = 5
    seeds: int = 3
    steps: int = 100_000
    eval_every: int = 5_000
    eval_samples: int = 10_000
    eval_passes: int = 1

    @property
    def trials(self) -> int:
        return self.architectures * self.methods * self.seeds

    @property
    def evaluations(self) -> int:
        return math.ceil(self.steps / self.eval_every)


def eval_seconds(m: Measured, samples: int) -> float:
    """One evaluation pass on ``samples`` generated samples (see module doc)."""
    scale = samples / m.distance_samples
    return samples * (m.gen_seconds_per_sample + m.feature_seconds_per_sample) + m.distance_seconds * scale**2


def study_cost(m: Measured, s: Study = Study()) -> dict:
    """Seconds per trial split into training / evaluation / overhead, and the study's device-hours."""
    train = s.steps * m.step_seconds
    evaluation = s.evaluations * s.eval_passes * eval_seconds(m, s.eval_samples)
    trial = train + evaluation + m.trial_overhead_seconds
    hours = s.trials * trial / 3600 / m.packing_gain
    return {"trials": s.trials, "trial_train_seconds": train, "trial_eval_seconds": evaluation,
            "trial_overhead_seconds": m.trial_overhead_seconds, "trial_seconds": trial,
            "device_hours": hours, "eval_share": evaluation / trial, "assumptions": asdict(s)}


def trials_per_hour(trial_seconds: float, slots: int) -> float:
    """Sweep throughput with ``slots`` trials running at once, each taking ``trial_seconds``."""
    return 3600.0 * slots / trial_seconds
