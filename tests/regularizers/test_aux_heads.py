"""InfoGAN and SS-GAN: known values of L_I, the code layout of z, the Hungarian code accuracy,
rotation labels, real trainer steps, bit-exact resume and the suite's refusals."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch

from bench.metrics.codes import matched_accuracy
from bench.regularizers.auxiliary import info_codes, mutual_information_loss, rotations
from bench.train import Trainer
from tests.resume_check import assert_resumes_bit_identically
from tests.train.test_trainer import IMAGES, config, no_metrics

LABELS = torch.arange(IMAGES.shape[0]) % 10


def test_mutual_information_loss_on_known_logits_and_codes():
    q = torch.tensor([[math.log(3.0), 0.0, 0.5], [0.0, 0.0, -1.0]])  # K = 2 logits, then one continuous mean
    codes = (torch.tensor([0, 1]), torch.tensor([[1.0], [0.0]]))
    ce = (-math.log(3 / 4) - math.log(1 / 2)) / 2  # softmax([log 3, 0]) = (3/4, 1/4); ([0, 0]) = (1/2, 1/2)
    gauss = 0.5 * ((0.5 - 1.0) ** 2 + (-1.0 - 0.0) ** 2) / 2
    value = mutual_information_loss(q, codes, categories=2, continuous=1, continuous_weight=1.0)
    assert value.item() == pytest.approx(ce + gauss, rel=1e-6)
    assert mutual_information_loss(q, codes, categories=2, continuous=1, continuous_weight=0.0).item() == pytest.approx(ce)


def test_codes_fill_the_last_entries_of_z():
    torch.manual_seed(0)
    z = torch.randn(6, 8)
    out, (cat, cont) = info_codes(z, categories=3, continuous=2)
    assert torch.equal(out[:, :3], z[:, :3])  # noise kept
    assert torch.equal(out[:, 3:6], torch.nn.functional.one_hot(cat, 3).float())
    assert torch.equal(out[:, 6:], cont) and cont.abs().max() <= 1


def test_matched_accuracy_on_constructed_cases():
    labels = np.array([0, 0, 1, 1, 2, 2])
    assert matched_accuracy(np.array([2, 2, 0, 0, 1, 1]), labels) == 1.0  # a relabelling is a perfect match
    assert matched_accuracy(np.array([1, 1, 1, 0, 2, 0]), labels) == pytest.approx(4 / 6)
    assert matched_accuracy(np.zeros(6, dtype=int), labels) == pytest.approx(2 / 6)  # one code: one class
    with pytest.raises(ValueError, match="equal-length"):
        matched_accuracy(np.array([0, 1]), labels)


def test_rotation_labels_and_images():
    x = torch.arange(4.0).reshape(1, 1, 2, 2)  # [[0, 1], [2, 3]]
    rotated, labels = rotations(torch.cat([x, x + 10]))
    assert labels.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert rotated[2, 0].tolist() == [[1.0, 3.0], [0.0, 2.0]]  # 90° counter-clockwise
    assert rotated[4, 0].tolist() == [[3.0, 2.0], [1.0, 0.0]]  # 180°


def aux_config(reg: str, **training) -> dict:
    cfg = config("ns", reg, 1.0, **training)
    cfg["regularizer"]["params"] = {"categories": 5, "continuous": 1} if reg == "infogan" else {}
    return cfg


@pytest.mark.parametrize("reg", ["infogan", "ssgan"])
def test_head_trains_and_resumes_bit_identically(tmp_path, reg):
    head = copy.deepcopy(Trainer(aux_config(reg, steps=6), IMAGES).D.aux_head.state_dict())
    full = assert_resumes_bit_identically(tmp_path, lambda: aux_config(reg, steps=6), IMAGES, 4, no_metrics,
                                          labels=LABELS)
    assert any(not torch.equal(v, full.D.aux_head.state_dict()[k]) for k, v in head.items())
    if reg == "infogan":
        assert 0.1 <= full.history[-1]["code_accuracy"] <= 1.0
    else:
        assert "code_accuracy" not in full.history[-1]


def test_trainer_refuses_codes_that_fill_z():
    cfg = aux_config("infogan")
    cfg["regularizer"]["params"] = {"categories": 8}
    with pytest.raises(ValueError, match="z_dim is 8"):
        Trainer(cfg, IMAGES)


def suite(tmp_path, **changes) -> dict:
    base = {"name": "s", "version": "1", "dataset": {"name": "digits", "resolution": 8},
            "architectures": {"space": "bogonet-small", "n": 1, "seed": 0, "knobs": {"z_dim": [32]}},
            "methods": [{"loss": "ns", "regularizer": "infogan"}], "training": {"steps": 2, "batch_size": 4},
            "evaluation": {"every": 2}, "results": str(tmp_path / "out")}
    return {**base, **changes}


def test_suite_accepts_the_heads(write_suite, tmp_path):
    from bench.suite import load_suite

    methods = [{"loss": "ns", "regularizer": "infogan"}, {"loss": "hinge", "regularizer": {"name": "ssgan"}}]
    trials = load_suite(write_suite(suite(tmp_path, methods=methods))).trials
    assert [t.method for t in trials] == ["ns+infogan", "hinge+ssgan"]
    assert trials[0].config["regularizer"]["weight"] == 1.0  # λ = 1 (Chen et al. 2016, discrete codes)


@pytest.mark.parametrize("changes,message", [
    ({"dataset": {"name": "ring8"}, "architectures": {"space": "mlp", "n": 1, "seed": 0},
      "methods": [{"loss": "ns", "regularizer": "ssgan"}]}, "'ssgan' is defined on image data; dataset 'ring8'"),
    ({"training": {"steps": 2, "pac": 2}}, "training.pac: 2"),
    ({"methods": [{"loss": "ns", "regularizer": {"name": "infogan", "params": {"categories": 30, "continuous": 2}}}]},
     "writes 32 code entries into z, but the architecture's z_dim is 32"),
    ({"methods": [{"loss": "ns", "regularizer": {"name": "infogan", "every": 2}}]}, "`every` does not apply"),
    ({"methods": [{"loss": "ns", "regularizer": {"name": "infogan", "params": {"categories": 1}}}]}, "'categories'"),
])
def test_suite_refuses_heads_that_do_not_fit(write_suite, tmp_path, changes, message):
    from bench.suite import SuiteError, load_suite

    with pytest.raises(SuiteError, match=message):
        load_suite(write_suite(suite(tmp_path, **changes)))
