"""Trial ids of the shipped suites, and of Adam and RMSprop settings, are those bench gave before the
optimizer and dataset registries and plugins existed (digests of the ids computed at 957684e)."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from bench.suite import load_suite
from tests.conftest import REPO


def digest(trials) -> str:
    return hashlib.sha256(",".join(t.id for t in trials).encode()).hexdigest()[:16]


@pytest.mark.parametrize("name, expected", [("quickstart", "3c70f5e960feb6dd"), ("mixtures", "6632a96ad4d85743"),
                                            ("lucic-search", "15807bf5c785660b"),
                                            ("replications/dirac", "28f24962773451ab")])  # dirac: at 2d46306
def test_shipped_suites_keep_their_trial_ids(name, expected):
    assert digest(load_suite(REPO / "suites" / f"{name}.yaml").trials) == expected


@pytest.mark.parametrize("optimizer, expected", [
    ({"name": "rmsprop", "lr_g": 5e-5, "lr_d": 5e-5}, "ab54a4b7c281214f"),
    ({"name": "rmsprop", "beta2": 0.9}, "7e5522f8002402cd"),  # the old spelling of alpha
    ({"name": "rmsprop", "alpha": 0.9}, "7e5522f8002402cd"),
    ({"name": "adam", "beta1": 0.0, "beta2": 0.9}, "5df78788cd151739"),
])
def test_optimizer_settings_keep_their_trial_ids(tmp_path, optimizer, expected):
    suite = yaml.safe_load((REPO / "suites" / "mixtures.yaml").read_text())
    path = tmp_path / "mixtures.yaml"
    path.write_text(yaml.safe_dump({**suite, "optimizer": optimizer}))
    assert digest(load_suite(path).trials) == expected
