"""The typed trial config (bench.suite.trial): its dict is the canonical serialisation (ids and
config_json), it is rebuilt exactly from that dict, and it cannot be changed after it is made."""

from __future__ import annotations

import copy
import pickle

import pytest

from bench.arch.spec import canonical_json, content_id
from bench.suite import load_suite
from bench.suite.cells import apply_params
from bench.suite.trial import FrozenMap, TrialConfig
from tests.conftest import REPO

SHIPPED = ["quickstart", "mixtures", "lucic2018-narrow", "lucic-search"]


@pytest.fixture(scope="module", params=SHIPPED)
def trials(request):
    return load_suite(REPO / "suites" / f"{request.param}.yaml").trials


def test_the_dict_round_trips_and_is_what_the_id_hashes(trials):
    for trial in trials:
        config = trial.config
        assert TrialConfig.from_dict(config) == trial.spec
        assert TrialConfig.from_dict(config).to_dict() == config
        assert canonical_json(TrialConfig.from_dict(config).to_dict()) == canonical_json(config)
        assert trial.id == trial.spec.trial_id == content_id(config, prefix="t-", length=12)


def test_a_search_point_round_trips():
    cell = load_suite(REPO / "suites" / "lucic-search.yaml").trials[0]
    meta = {"study": "c-1", "sample": 3, "sampler": "random", "method": "x"}
    config = apply_params(cell.config, {"lr": 3e-4, "beta1": 0.2}, meta)
    typed = TrialConfig.from_dict(config)
    assert typed.to_dict() == config and typed.search.sample == 3 and typed.optimizer.lr_d == 3e-4
    assert typed.trial_id != cell.id


def test_sections_are_typed_and_defaults_resolved():
    loaded = load_suite(REPO / "suites" / "quickstart.yaml")
    spec = loaded.trials[0].spec
    assert spec.training.batch_size == loaded.suite.training.batch_size
    assert spec.evaluation == loaded.evaluation and spec.evaluation.num_samples > 0 and spec.evaluation.metrics
    assert spec.dataset.resolution is not None  # an image dataset's default resolution is filled in
    assert spec.training.pac == 1 and "pac" not in spec.to_dict()["training"]  # off: left out of the id


def test_a_trial_config_is_frozen_but_its_dict_is_a_plain_copy():
    spec = load_suite(REPO / "suites" / "mixtures.yaml").trials[0].spec
    with pytest.raises(AttributeError):
        spec.seed = 1
    with pytest.raises(TypeError, match="frozen"):
        spec.regularizer.params["x"] = 1
    with pytest.raises(TypeError, match="frozen"):
        spec.optimizer.stored.update(beta1=0.0)
    config = spec.to_dict()
    config["regularizer"]["params"]["x"] = 1
    config["arch"]["knobs"]["extra"] = 1
    assert "x" not in spec.regularizer.params and "extra" not in spec.arch.knobs
    assert type(config["regularizer"]["params"]) is dict
    assert pickle.loads(pickle.dumps(spec)) == spec and copy.deepcopy(spec) == spec


def test_unknown_keys_are_refused():
    config = load_suite(REPO / "suites" / "mixtures.yaml").trials[0].config
    with pytest.raises(ValueError, match=r"`training` has unknown keys \['bacth_size'\]"):
        TrialConfig.from_dict({**config, "training": {**config["training"], "bacth_size": 8}})
    with pytest.raises(ValueError, match=r"`trial` has unknown keys \['extra'\]"):
        TrialConfig.from_dict({**config, "extra": 1})


def test_frozen_maps_serialise_as_dicts():
    frozen = FrozenMap({"b": 1, "a": (1, 2)})
    assert canonical_json(frozen) == '{"a":[1,2],"b":1}' and {**frozen} == {"a": (1, 2), "b": 1}


def test_the_columns_of_a_search_point_come_from_its_typed_point():
    from bench.sweep.columns import config_columns

    loaded = load_suite(REPO / "suites" / "mixtures.yaml")
    cell = loaded.trials[0]
    config = apply_params(cell.config, {"lr": 3e-4}, {"study": "c-1", "sample": 2, "sampler": "qmc", "method": "m"})
    columns = config_columns("t-x", config, suite="s", suite_version="1", data_shape=(2,))
    assert {k: columns[k] for k in ("search_trial", "search_study", "search_sample", "search_sampler", "method")} == {
        "search_trial": "c-1/2", "search_study": "c-1", "search_sample": 2, "search_sampler": "qmc", "method": "m"}
    assert columns["lr_g"] == columns["lr_d"] == 3e-4 and columns["config_json"] == canonical_json(config)
    plain = config_columns(cell.id, cell.spec, suite="s", suite_version="1", data_shape=(2,))
    assert "search_trial" not in plain and plain["method"] == cell.method and plain["config_json"] == canonical_json(cell.config)
