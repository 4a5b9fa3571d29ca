"""Shared test set-up: one thread per test process (CI has 2 cores), small helpers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

torch.set_num_threads(1)

REPO = Path(__file__).resolve().parents[1]

# Session fixtures of the metrics tests (a digits classifier trained once into a temporary cache).
pytest_plugins = ["tests.metrics_fixtures"]


@pytest.fixture
def mlp_catalogue(tmp_path: Path) -> Path:
    """A one-architecture MLP catalogue file."""
    from bench.arch.spec import ArchSpec

    path = tmp_path / "mlp.jsonl"
    path.write_text(json.dumps(ArchSpec("mlp", {"g_width": 32, "d_width": 32, "g_depth": 2, "d_depth": 2}, z_dim=4).to_dict()) + "\n")
    return path


@pytest.fixture
def write_suite(tmp_path: Path):
    """Write a suite mapping as YAML and return its path."""
    import yaml

    def write(mapping: dict, name: str = "suite.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(mapping, sort_keys=False))
        return path

    return write
