"""`--restart` starts clean: a grid sweep's restart also removes a search's state (`search/`,
`tune-search/`), a search's restart also removes the trial logs (which count attempts).  No Ray."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.store.location import Location
from bench.suite import load_suite
from bench.sweep.folder import prepare_results_dir, prepare_search_dir, search_spec
from bench.sweep.studies import search_cells
from bench.sweep.trainable import previous_attempt


@pytest.fixture
def suite(mlp_catalogue, tmp_path):
    return {
        "name": "tiny",
        "version": 1,
        "dataset": {"name": "ring8"},
        "architectures": {"catalogue": str(mlp_catalogue)},
        "methods": [{"loss": "ns"}],
        "training": {"steps": 10, "batch_size": 8},
        "evaluation": {"every": 5},
        "results": str(tmp_path / "out"),
    }


def leftovers(out: Path, trial_id: str) -> None:
    """What earlier runs (a search, then a grid sweep, or the other way round) leave in ``out``."""
    for folder in ("rows", "summaries", "samples/" + trial_id, "tune", "search", "tune-search/round-0123456789/" + trial_id):
        (out / folder).mkdir(parents=True, exist_ok=True)
    (out / "search" / "studies.journal").write_text("{}\n")
    (out / "search" / "spec.json").write_text("{}")
    (out / "logs").mkdir()
    (out / "logs" / f"{trial_id}.log").write_text(f"2026-01-01T00:00:00+00:00 {trial_id} attempt 3: started on host\n")


def test_grid_restart_removes_a_previous_search(write_suite, suite):
    loaded = load_suite(write_suite(suite))
    out, trial_id = Path(loaded.results_dir), loaded.trials[0].id
    leftovers(out, trial_id)
    assert not prepare_results_dir(loaded, restart=True)
    assert sorted(p.name for p in out.iterdir()) == ["grid.json", "suite.yaml"]
    assert previous_attempt(Location.of(out), trial_id) == 0


def test_search_restart_removes_the_logs_so_attempts_start_again_at_one(write_suite, suite):
    suite["search"] = {"sampler": "random", "budget": 2, "seed": 0, "space": {"lr": {"low": 1e-4, "high": 1e-2}}}
    loaded = load_suite(write_suite(suite))
    loaded.results_dir = Path(loaded.results_dir)
    out = loaded.results_dir
    leftovers(out, "t-0123456789ab")
    assert previous_attempt(Location.of(out), "t-0123456789ab") == 3
    assert not prepare_search_dir(loaded, search_spec(loaded, search_cells(loaded), "modes", "max"), restart=True)
    assert sorted(p.name for p in out.iterdir()) == ["search", "suite.yaml"]
    assert [p.name for p in (out / "search").iterdir()] == ["spec.json"]
    assert previous_attempt(Location.of(out), "t-0123456789ab") == 0
