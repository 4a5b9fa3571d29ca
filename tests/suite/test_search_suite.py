"""The `search:` section: validation at the edge, the shipped Lucic example, and the Optuna
studies behind a search (same seed → same points; reopening continues without resampling).
No Ray here: the studies are told synthetic scores."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest

from bench.suite import SuiteError, load_suite
from tests.conftest import REPO


@pytest.fixture
def good(mlp_catalogue, tmp_path):
    return {
        "name": "tiny-search",
        "version": 1,
        "dataset": {"name": "ring8"},
        "architectures": {"catalogue": str(mlp_catalogue)},
        "methods": [{"loss": "ns"}, {"loss": "wgan", "regularizer": {"name": "gp"}}],
        "training": {"steps": 10, "batch_size": 8},
        "evaluation": {"every": 5},
        "seeds": [0, 1],
        "results": str(tmp_path / "out"),
        "search": {
            "sampler": "random",
            "budget": 3,
            "seed": 0,
            "space": {
                "lr": {"low": 1e-5, "high": 1e-2, "log": True},
                "beta1": {"low": 0.0, "high": 1.0},
                "n_disc": {"choices": [1, 5]},
                "weight": {"low": 0.1, "high": 100.0, "log": True},
            },
        },
    }


def test_search_suite_counts_cells_times_budget(write_suite, good):
    loaded = load_suite(write_suite(good))
    assert len(loaded.trials) == 4  # grid cells: 2 methods × 2 seeds
    assert loaded.planned_trials == 12


@pytest.mark.slow
def test_validate_prints_cells_times_budget(write_suite, good):
    proc = subprocess.run([sys.executable, "-m", "bench.cli.main", "validate", str(write_suite(good))],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "trials        12" in proc.stdout and "grid cells    4 × budget 3" in proc.stdout
    assert "objective modes (max, final)" in proc.stdout  # first evaluation metric, direction from the registry
    assert "methods       2: ns+none, wgan+gp" in proc.stdout  # λ searched: no weight in the label


@pytest.mark.parametrize("name, cells", [("lucic-search.yaml", 4), ("lucic-search-narrow.yaml", 4)])
def test_shipped_lucic_suites_validate(name, cells):
    loaded = load_suite(REPO / "suites" / name)
    assert len(loaded.trials) == cells and loaded.planned_trials == cells * loaded.suite.search.budget
    assert loaded.suite.search.objective.metric == "mode_kl"


def _set(path: str, value):
    def mutate(mapping):
        *parents, last = path.split(".")
        target = mapping
        for key in parents:
            target = target[key]
        if value is _DROP:
            target.pop(last)
        else:
            target[last] = value
    return mutate


_DROP = object()


def _on_digits(metrics, objective=None):
    """Image data (digits), the given evaluation metrics and, optionally, the objective."""
    def mutate(mapping):
        mapping["dataset"] = {"name": "digits"}
        mapping["evaluation"]["metrics"] = metrics
        if objective is not None:
            mapping["search"]["objective"] = objective
    return mutate


@pytest.mark.parametrize(
    "mutate, field, words",
    [
        (_set("search.space.lrr", {"low": 1, "high": 2}), "search.space.lrr", ["unknown key 'lrr'", "lr_g", "weight"]),
        (_set("search.space.lr", {"low": 1e-2, "high": 1e-5}), "search.space.lr", ["`low` must be below `high`"]),
        (_set("search.space.lr", {"low": 0, "high": 1e-2, "log": True}), "search.space.lr", ["log", "low > 0"]),
        (_set("search.space.lr", {"low": 1e-4}), "search.space.lr", ["both `low` and `high`"]),
        (_set("search.space.beta1", {"low": 0.0, "high": 1.5}), "search.space", ["beta1", "outside its valid range"]),
        (_set("search.space.beta2", {"choices": [0.9, 1.0]}), "search.space", ["beta2", "below 1"]),
        (_set("search.space.n_disc", {"low": 1, "high": 4.5}), "search.space", ["n_disc is an integer parameter"]),
        (_set("search.space.n_disc", {"choices": [1, 1]}), "search.space.n_disc", ["repeat"]),
        (_set("search.space.lr_g", {"low": 1e-4, "high": 1e-3}), "search.space", ["`lr`", "not both"]),
        (_set("search.space", {}), "search.space", ["empty"]),
        (_set("search.sampler", "grid"), "search.sampler", ["'random'", "'tpe'", "'qmc'"]),
        (_set("search.budget", 0), "search.budget", ["greater than or equal to 1"]),
        (_set("search.budget", _DROP), "search.budget", ["Field required"]),
        (_set("search.objective", {"metric": "fid"}), "search.objective.metric", ["'fid' is not one of the evaluated", "modes"]),
        (_set("search.objective", {"mode": "up"}), "search.objective.mode", ["'min'", "'max'"]),
        (_on_digits(["variance_ratio", "fid"], {"metric": "variance_ratio"}), "search.objective.metric",
         ["'variance_ratio' has a target value", "cannot be optimised", "fid"]),
        (_on_digits(["variance_ratio"]), "search.objective.metric", ["none of the evaluated metrics", "variance_ratio"]),
        (_set("methods", [{"loss": "ns"}]), "search.space.weight", ["no method has a regularizer"]),
        (_set("search.budget", "12"), "search.budget", ["valid integer", "'12'"]),
        (_set("search.space.lr", {"low": "0.001", "high": 1e-2}), "search.space.lr.low", ["a number", "'0.001'"]),
        (_set("search.space.n_disc", {"choices": [1, True]}), "search.space.n_disc.choices[1]", ["a number", "True"]),
        (_set("search.space.lr", {"low": 1e-4, "high": 1e-2, "log": "yes"}), "search.space.lr.log", ["valid boolean"]),
    ],
)
def test_bad_search_sections_name_the_field(write_suite, good, mutate, field, words):
    mapping = copy.deepcopy(good)
    mutate(mapping)
    with pytest.raises(SuiteError) as info:
        load_suite(write_suite(mapping))
    problems = info.value.problems
    assert field in [f for f, _ in problems], problems
    message = dict(problems)[field]
    for word in words:
        assert word in message, (word, message)
    assert str(write_suite(mapping)) in str(info.value)


# --- the studies (Optuna on a journal file) -----------------------------------------------------


def _studies(write_suite, good, folder, **search):
    from bench.suite.cells import objective_of
    from bench.sweep.studies import Studies, search_cells

    mapping = copy.deepcopy(good)
    mapping["search"].update(search)
    loaded = load_suite(write_suite(mapping, f"suite-{len(list(folder.parent.iterdir()))}.yaml"))
    _, mode = objective_of(loaded.suite.search, ["modes"])
    return Studies(folder, loaded.suite.search, search_cells(loaded), mode)


def _score(point) -> float:
    """A synthetic objective: best near lr = 1e-3."""
    import math

    return -abs(math.log10(point.params["lr"]) + 3)


def _run(studies, *, rounds: int | None = None) -> list:
    """The driver's loop without training: ask rounds and tell synthetic scores."""
    done = 0
    while rounds is None or done < rounds:
        if not studies.pending() and studies.ask_round() == 0:
            break
        for point in studies.pending():
            studies.tell(point, _score(point), "ok")
        done += 1
    return studies.all_points()


def _key(points) -> list:
    return [(p.cell.id, p.sample, p.trial_id, tuple(sorted(p.params.items()))) for p in points]


@pytest.mark.parametrize("sampler, budget", [("random", 5), ("qmc", 5), ("tpe", 14)])
def test_same_seed_same_points_and_interrupted_studies_continue(write_suite, good, tmp_path, sampler, budget):
    """TPE's budget goes past its 10 random start-up points, so its model picks the last ones."""
    batch = {"batch": 4} if sampler == "tpe" else {}
    whole = _run(_studies(write_suite, good, tmp_path / "a", sampler=sampler, budget=budget, **batch))
    again = _run(_studies(write_suite, good, tmp_path / "b", sampler=sampler, budget=budget, **batch))
    assert _key(whole) == _key(again) and len(whole) == 4 * budget
    other = _run(_studies(write_suite, good, tmp_path / "c", sampler=sampler, budget=budget, seed=1, **batch))
    assert {p.trial_id for p in other}.isdisjoint({p.trial_id for p in whole})

    # Interrupted: two samples per cell told, then the next ones asked but never told (driver died).
    part = _studies(write_suite, good, tmp_path / "d", sampler=sampler, budget=2)
    _run(part)
    resumed = _studies(write_suite, good, tmp_path / "d", sampler=sampler, budget=budget, **batch)
    resumed.ask_round()
    asked = _key(resumed.pending())
    reopened = _studies(write_suite, good, tmp_path / "d", sampler=sampler, budget=budget, **batch)
    assert _key(reopened.pending()) == asked  # the untold points come back, not new ones
    assert reopened.ask_round() == 0  # tpe: no new round while points are untold; others: all asked
    final = _run(_studies(write_suite, good, tmp_path / "d", sampler=sampler, budget=budget, **batch))
    assert len(final) == 4 * budget
    assert _key(final) == _key(whole)  # same points as the uninterrupted run, nothing resampled


def test_same_random_points_in_every_cell(write_suite, good, tmp_path):
    points = _run(_studies(write_suite, good, tmp_path / "a", budget=3))
    by_cell: dict[str, list] = {}
    for p in points:
        by_cell.setdefault(p.cell.id, []).append((p.params["lr"], p.params["beta1"], p.params["n_disc"]))
    assert len(by_cell) == 4 and len({tuple(v) for v in by_cell.values()}) == 1
    assert len(set(next(iter(by_cell.values())))) == 3
    ns = [p for p in points if p.cell.method == "ns+none"]
    assert all("weight" not in p.params and p.config["regularizer"]["weight"] == 0.0 for p in ns)
    gp = [p for p in points if p.cell.method == "wgan+gp"]
    assert all(0.1 <= p.config["regularizer"]["weight"] <= 100 for p in gp)
    assert all(p.config["optimizer"]["lr_g"] == p.config["optimizer"]["lr_d"] == p.params["lr"] for p in points)


def test_objective_read_from_rows(tmp_path):
    """Final or best value; worst (±inf) for a diverged trial or an undefined metric; None (a
    failed Optuna trial) for an error; an unfinished trial is not scored until the round ends."""
    import math

    from bench.store import write_trial_rows
    from bench.sweep.objective import read_outcome

    def rows(trial_id, *entries):
        write_trial_rows(tmp_path, trial_id, [{"trial_id": trial_id, "step": s, "status": st, "mode_kl": v}
                                              for s, st, v in entries])

    rows("t-ok", (10, "ok", 0.5), (20, "ok", 0.8))
    rows("t-nan", (10, "ok", 0.5), (20, "ok", float("nan")))
    rows("t-div", (10, "ok", 0.5), (20, "diverged", float("nan")))
    rows("t-err", (10, "ok", 0.5), (15, "error", float("nan")))
    rows("t-half", (10, "ok", 0.5))
    read = lambda t, at="final", final=True, mode="min": read_outcome(tmp_path, t, "mode_kl", mode, at, 20, final=final)  # noqa: E731
    assert read("t-ok") == (0.8, "ok") and read("t-ok", "best") == (0.5, "ok")
    assert read("t-ok", "best", mode="max") == (0.8, "ok")
    assert read("t-nan") == (math.inf, "ok") and read("t-nan", mode="max") == (-math.inf, "ok")
    assert read("t-div") == (math.inf, "diverged")
    assert read("t-err") == (None, "error") and read("t-err", final=False) is None
    assert read("t-half", final=False) is None and read("t-half") == (None, "error")
    assert read("t-missing", final=False) is None and read("t-missing") == (None, "error")


def test_a_point_cut_off_mid_ask_is_dropped_not_counted(write_suite, good, tmp_path):
    """The driver died between writing a point's first and last value: on reopening, that point is
    failed and marked aborted, and the budget is filled with the points an intact run would get."""
    from bench.sweep.studies import distribution

    whole = _run(_studies(write_suite, good, tmp_path / "a", budget=2))
    studies = _studies(write_suite, good, tmp_path / "b", budget=2)
    cell = studies.cells[0]
    trial = studies.studies[cell.id].ask()
    trial.suggest_float("lr", 1e-5, 1e-2, log=True)  # ... and then nothing: the other values are missing
    assert distribution("lr", cell.params["lr"]).log
    reopened = _studies(write_suite, good, tmp_path / "b", budget=2)
    trials = reopened.studies[cell.id].get_trials()
    assert [t.state.name for t in trials] == ["FAIL"] and trials[0].user_attrs["aborted"] is True
    assert reopened.pending() == [] and reopened.all_points() == []
    assert _key(_run(reopened)) == _key(whole)
