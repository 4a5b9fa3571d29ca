"""The report's notes: one sentence each on what was ranked, what was left out and what the test found."""

from __future__ import annotations

import numpy as np

from bench.report.analysis import Ranking, Study
from bench.store.schema import STATUS_DIVERGED


def report_notes(study: Study, ranking: Ranking, thresholds: list[float]) -> list[str]:
    """The notes in the order the report prints them, after ``study.foreign``'s warning."""
    return [*study.foreign, study.progress.describe() + ".", *block_notes(study, ranking),
            *failure_notes(study), *method_notes(study), *significance_notes(ranking),
            *threshold_notes(study, thresholds)]


def block_notes(study: Study, ranking: Ranking) -> list[str]:
    """What the blocks are, how many are complete, and which were dropped."""
    scores, complete, per_arch = ranking.scores, ranking.complete, ranking.per_arch
    direction = "higher" if study.higher else "lower"
    notes = [f"Ranked on the final {study.metric} ({direction} is better) within blocks of architecture × seed: "
             f"{len(scores)} blocks, {len(complete)} complete, on {len(per_arch)} architectures."]
    if len(complete) > len(per_arch):
        notes.append("Seeds of one architecture are averaged (mean rank) before the wins, the test and the "
                     "intervals: the architectures are the independent blocks.")
    dropped = len(scores) - len(complete)
    if dropped:
        missing = scores.isna().sum()
        detail = ", ".join(f"{m}: {int(n)}" for m, n in missing[missing > 0].items())
        notes.append(f"{dropped} block(s) dropped from mean rank, wins and the test because a method has no "
                     f"finished trial there (blocks missing per method: {detail}).")
    return notes


def failure_notes(study: Study) -> list[str]:
    """How many finished trials have no final value, and how they rank."""
    finished, metric = study.finished, study.metric
    failed = int((~np.isfinite(finished[study.final].astype(float))).sum())
    if failed == len(finished):
        diverged = int((finished["status"] == STATUS_DIVERGED).sum())
        return [f"Every finished trial has no final {metric}: {diverged / len(finished):.0%} diverged, "
                f"{(len(finished) - diverged) / len(finished):.0%} failed otherwise; all methods tie."]
    if failed:
        return [f"{failed} finished trials have no final {metric} (diverged or failed): they rank last in "
                f"their block, tied with each other."]
    return []


def method_notes(study: Study) -> list[str]:
    """What a method is: loss+regularizer in a search, split by the varied axes in a grid."""
    if study.search:
        return ["Hyperparameter search: methods are loss+regularizer; a method's cell in a block is its best "
                "configuration; budget curves are drawn over configurations."]
    if study.axes:
        return [f"Methods are split by the configuration axes the suite varied: {', '.join(study.axes)}."]
    return []


def significance_notes(ranking: Ranking) -> list[str]:
    """The omnibus test's result and the critical difference."""
    notes = [ranking.test.describe(ranking.alpha) + "."]
    if np.isfinite(ranking.cd):
        notes.append(f"Nemenyi critical difference of mean ranks at α = {ranking.alpha}: {ranking.cd:.3g}.")
    return notes


def threshold_notes(study: Study, thresholds: list[float]) -> list[str]:
    """The definition of success at the thresholds."""
    if not thresholds:
        return []
    sign = "≥" if study.higher else "≤"
    listing = ", ".join(f"{t:g}" for t in thresholds)
    return [f"Success = not diverged and final {study.metric} {sign} threshold ({listing})."]
