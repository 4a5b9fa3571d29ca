"""The classifier extractor is identified by its weights' content, not by its file's bytes:
two fresh caches give the same label although torch.save writes different files."""

from __future__ import annotations

import torch

from bench.data import load_dataset
from bench.metrics.classifier import RECIPE, load_or_train, weights_digest

TINY = dict(RECIPE, steps=3)  # the identity is a property of any recipe; 3 steps keep the test short


def test_two_fresh_caches_give_the_same_identity(tmp_path):
    digits = load_dataset({"name": "digits"})
    (_, first), (_, second) = (load_or_train(digits, tmp_path / name, recipe=TINY) for name in ("a", "b"))
    assert first["file_sha256"] != second["file_sha256"]  # torch.save records the temporary file's name
    assert first["sha256"] == second["sha256"]
    assert f"classifier:digits@{first['sha256'][:8]}" == f"classifier:digits@{second['sha256'][:8]}"


def test_digest_follows_names_dtypes_shapes_bytes_and_recipe():
    weights = {"a.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3), "a.n": torch.tensor(3)}
    base = weights_digest(weights, TINY)
    assert weights_digest(dict(reversed(weights.items())), TINY) == base  # order of the dict does not matter
    changed = {**weights, "a.weight": weights["a.weight"].clone()}
    changed["a.weight"][0, 0] = 1e-7
    assert weights_digest(changed, TINY) != base
    assert weights_digest({**weights, "a.weight": weights["a.weight"].reshape(3, 2)}, TINY) != base
    assert weights_digest({**weights, "a.weight": weights["a.weight"].double()}, TINY) != base
    assert weights_digest({"b.weight": weights["a.weight"], "a.n": weights["a.n"]}, TINY) != base
    assert weights_digest(weights, dict(TINY, steps=4)) != base
