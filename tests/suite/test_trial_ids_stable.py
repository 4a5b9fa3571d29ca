"""Trial ids of the shipped suites, and of Adam and RMSprop settings, are those bench gave before the
optimizer and dataset registries and plugins existed (digests of the ids computed at 957684e).
``MIXTURES_957684E`` is ``suites/mixtures.yaml`` as it was then (the shipped file has since moved to
the PacGAN replication's settings), kept here so the ids it gave stay a test of the code."""

from __future__ import annotations

import hashlib

import pytest
import yaml

from bench.suite import load_suite
from tests.conftest import REPO


MIXTURES_957684E = """
name: mixtures
version: "1"
dataset: {name: ring8}
architectures: {space: mlp, n: 8, seed: 0}
methods:
  - {loss: ns}
  - {loss: wgan, regularizer: {name: gp, weight: 0.1}}
  - {loss: hinge}
optimizer: {name: adam, lr_g: 1.0e-4, lr_d: 1.0e-4, beta1: 0.5, beta2: 0.9, n_disc: 1, n_gen: 1}
training: {steps: 5000, batch_size: 256, ema: 0.0}
evaluation: {every: 1000, num_samples: 2500, metrics: [modes, hq_fraction]}
seeds: [0, 1, 2]
resources: {cpu: 1, gpu: 0}
"""


@pytest.fixture
def old_mixtures(tmp_path):
    path = tmp_path / "mixtures.yaml"
    path.write_text(MIXTURES_957684E)
    return path


def digest(trials) -> str:
    return hashlib.sha256(",".join(t.id for t in trials).encode()).hexdigest()[:16]


def test_the_old_mixtures_suite_keeps_its_trial_ids(old_mixtures):
    assert digest(load_suite(old_mixtures).trials) == "6632a96ad4d85743"


@pytest.mark.parametrize("name, expected", [("quickstart", "3c70f5e960feb6dd"), ("lucic-search", "15807bf5c785660b"),
                                            ("replications/dirac", "28f24962773451ab")])  # dirac: at 2d46306
def test_shipped_suites_keep_their_trial_ids(name, expected):
    assert digest(load_suite(REPO / "suites" / f"{name}.yaml").trials) == expected


@pytest.mark.parametrize("optimizer, expected", [
    ({"name": "rmsprop", "lr_g": 5e-5, "lr_d": 5e-5}, "ab54a4b7c281214f"),
    ({"name": "rmsprop", "beta2": 0.9}, "7e5522f8002402cd"),  # the old spelling of alpha
    ({"name": "rmsprop", "alpha": 0.9}, "7e5522f8002402cd"),
    ({"name": "adam", "beta1": 0.0, "beta2": 0.9}, "5df78788cd151739"),
])
def test_optimizer_settings_keep_their_trial_ids(tmp_path, old_mixtures, optimizer, expected):
    suite = yaml.safe_load(old_mixtures.read_text())
    path = tmp_path / "mixtures.yaml"
    path.write_text(yaml.safe_dump({**suite, "optimizer": optimizer}))
    assert digest(load_suite(path).trials) == expected
