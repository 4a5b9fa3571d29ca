"""`bench list`: every axis's registry with its metadata, as tables and as JSON; no module looks a
dataset or an optimizer up by name."""

from __future__ import annotations

import json
import re

import pytest

from bench.axes import AXES, describe, registry
from bench.cli.main import main
from tests.conftest import REPO


@pytest.mark.parametrize("axis", list(AXES))
def test_list_shows_every_entry_of_the_axis(axis, capsys):
    assert main(["list", axis]) == 0
    table = capsys.readouterr().out
    assert all(name in table for name in registry(axis).names())
    assert main(["list", axis, "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["name"] for e in entries] == registry(axis).names() and entries == json.loads(json.dumps(describe(axis)))


def test_list_json_carries_formulas_papers_parameters_and_directions(capsys):
    assert main(["list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert set(listing) == set(AXES)
    by_name = {axis: {e["name"]: e for e in entries} for axis, entries in listing.items()}
    assert by_name["losses"]["mmd"]["d_output"] == "embedding" and by_name["losses"]["mmd"]["params"]["embedding_dim"] == 16
    assert "Goodfellow" in by_name["losses"]["ns"]["paper"] and "L_D" in by_name["losses"]["ns"]["formula"]
    assert by_name["metrics"]["fid"]["direction"] == "lower" and by_name["metrics"]["modes"]["direction"] == "higher"
    assert by_name["optimizers"]["rmsprop"]["params"] == {"alpha": 0.99}
    assert by_name["datasets"]["digits"]["channels"] == 1 and by_name["datasets"]["digits"]["extractor"] == "classifier"
    assert by_name["regularizers"]["gp"]["default_weight"] == 10.0


def test_no_module_looks_a_dataset_or_an_optimizer_up_by_name():
    names = "digits|mnist5k|image-folder|cifar10|ring8|grid25|adam|rmsprop"
    lookup = re.compile(rf'(==|!=|\bin)\s*\(?\s*"({names})"|IMAGE_CHANNELS|EMBEDDED_DATASETS|DEFAULT_NUM_(SAMPLES|REAL)')
    found = [f"{path.relative_to(REPO)}:{i}" for path in (REPO / "bench").rglob("*.py")
             for i, line in enumerate(path.read_text().splitlines(), 1) if lookup.search(line)]
    assert found == []
