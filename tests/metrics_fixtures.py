"""Session-wide fixtures for the metrics tests: one tmp cache holding the digits classifier and
the digits reference, shared by every test file that imports these fixtures (a second import
finds the files already cached on disk, so the classifier is trained once per session)."""

from __future__ import annotations

import pytest
import torch

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def metrics_cache(tmp_path_factory):
    path = tmp_path_factory.getbasetemp() / "bench-metrics-cache"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def digits():
    from bench.data import load_dataset

    return load_dataset({"name": "digits", "resolution": 16})


@pytest.fixture(scope="session")
def digits_reference(digits, metrics_cache):
    from bench.metrics.reference import build_reference

    return build_reference(digits, {"num_samples": 500, "feature_extractor": "auto"}, cache_dir=metrics_cache)
