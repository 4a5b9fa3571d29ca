"""Shared test set-up: one thread per test process (CI has 2 cores), small helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tests.tiny import SMALL_MLP, write_mlp_catalogue

torch.set_num_threads(1)

REPO = Path(__file__).resolve().parents[1]

# Session fixtures of the metrics tests (a digits classifier trained once into a temporary cache).
pytest_plugins = ["tests.metrics_fixtures"]


@pytest.fixture
def mlp_catalogue(tmp_path: Path) -> Path:
    """A one-architecture MLP catalogue file (:data:`tests.tiny.SMALL_MLP`)."""
    return write_mlp_catalogue(tmp_path, SMALL_MLP)


@pytest.fixture
def write_suite(tmp_path: Path):
    """Write a suite mapping as YAML and return its path."""
    import yaml

    def write(mapping: dict, name: str = "suite.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(mapping, sort_keys=False))
        return path

    return write


@pytest.fixture(autouse=True)
def no_plugins_left():
    """Every test leaves no plugin registered behind it (a docs example or a suite may load one),
    so no test's registries depend on the tests that ran before it."""
    from bench.plugins import unload_all

    yield
    unload_all()
