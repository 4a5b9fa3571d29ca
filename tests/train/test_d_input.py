"""What D sees: PacGAN packing and DiffAugment — known values, shapes, gradients, real trainer
steps with every loss and penalty, bit-exact checkpoint round-trips, and the suite checks."""

from __future__ import annotations

import copy

import pytest
import torch

from bench.diffaugment import (
    DIFF_AUGMENTATIONS, brightness, check_policy, contrast, cutout, cutout_mask, diff_augment, saturation,
    shift_images, translation,
)
from bench.methods import pair_problem
from bench.losses import LOSSES
from bench.regularizers import REGULARIZERS
from bench.train import Trainer
from bench.train.d_input import DiscriminatorInput, pack
from tests.resume_check import assert_resumes_bit_identically
from tests.train.test_trainer import IMAGES, config, no_metrics

POINTS = torch.randn(256, 2)
MLP = {"family": "mlp", "knobs": {"g_width": 16, "g_depth": 1, "d_width": 16, "d_depth": 1}, "z_dim": 4, "prior": "normal"}


# --- packing ---------------------------------------------------------------------------------------
def test_pack_concatenates_consecutive_samples_along_channels_and_features():
    x = torch.arange(4 * 2 * 3 * 3, dtype=torch.float32).reshape(4, 2, 3, 3)
    packed = pack(x, 2)
    assert packed.shape == (2, 4, 3, 3)
    assert torch.equal(packed[1, :2], x[2]) and torch.equal(packed[1, 2:], x[3])
    points = torch.arange(12.0).reshape(6, 2)
    assert torch.equal(pack(points, 3), torch.tensor([[0.0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]))
    assert pack(x, 1) is x
    with pytest.raises(ValueError, match="packs of 3"):
        pack(x, 3)


def test_pac_1_is_exactly_no_packing():
    plain, pac1 = Trainer(config(steps=2), IMAGES), Trainer(config(steps=2, pac=1), IMAGES)
    plain.run(no_metrics), pac1.run(no_metrics)
    for (k, a), b in zip(plain.D.state_dict().items(), pac1.D.state_dict().values()):
        assert torch.equal(a, b), k
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("wall_s", "d_grad_norm", "g_grad_norm")} for r in rows]  # noqa: E731
    assert strip(plain.history) == strip(pac1.history)


def test_packed_discriminator_reads_m_times_the_channels_and_scores_packs():
    trainer = Trainer(config(pac=3), IMAGES)
    assert trainer.D.body[0].in_channels == 3  # digits are 1 channel: D's first conv reads 3 packed images
    assert trainer._batch().shape == (24, 1, 8, 8)  # batch_size · m samples per step, as fjxmlzn/PacGAN
    assert trainer.D_in(trainer._batch()).shape == (8,)
    mlp = Trainer({**config("wgan", "gp", 0.1, steps=2, pac=2), "arch": MLP}, POINTS)
    assert mlp.D.net[0].in_features == 4 and mlp.D_in(mlp._batch()).shape == (8,)
    before = copy.deepcopy(mlp.D.state_dict())
    assert mlp.run(lambda samples: {}) == "ok"  # real steps on points, with a gradient penalty on packs
    assert any(not torch.equal(v, mlp.D.state_dict()[k]) for k, v in before.items())


PAIRS = [(loss, reg) for loss in LOSSES.names() for reg in REGULARIZERS.names() if pair_problem(loss, reg) is None]


@pytest.mark.parametrize("loss,reg", PAIRS)
def test_every_loss_and_penalty_trains_on_packed_and_augmented_inputs(loss, reg):
    aux = REGULARIZERS.get(reg).auxiliary is not None  # heads on D's trunk are refused with packing
    cfg = config(loss, reg, REGULARIZERS.get(reg).default_weight, steps=1, log_every=1, pac=1 if aux else 2)
    cfg["loss"]["params"] = {"embedding_dim": 4} if loss.startswith("mmd") else {}
    cfg["regularizer"]["params"] = {"categories": 3, "continuous": 1} if reg == "infogan" else {}
    cfg["augment"] = ["color", "translation", "cutout"]
    cfg["evaluation"]["every"] = 1
    trainer = Trainer(cfg, IMAGES)
    before = copy.deepcopy(trainer.D.state_dict())
    assert trainer.run(no_metrics) == "ok"
    assert all(torch.isfinite(torch.tensor([r["d_loss"], r["g_loss"]])).all() for r in trainer.history)
    assert any(not torch.equal(v, trainer.D.state_dict()[k]) for k, v in before.items() if v.is_floating_point())


# --- DiffAugment on known images ---------------------------------------------------------------------
def test_shift_moves_pixels_and_fills_zeros():
    x = torch.arange(1, 17, dtype=torch.float32).reshape(1, 1, 4, 4)
    moved = shift_images(x, torch.tensor([1]), torch.tensor([-1]))  # one down, one left
    expected = torch.tensor([[0, 0, 0, 0], [2, 3, 4, 0], [6, 7, 8, 0], [10, 11, 12, 0]], dtype=torch.float32)
    assert torch.equal(moved[0, 0], expected)
    assert torch.equal(shift_images(x, torch.tensor([0]), torch.tensor([0])), x)


def test_translation_stays_within_an_eighth_of_the_side():
    torch.manual_seed(0)
    x = torch.zeros(64, 1, 16, 16)
    x[:, :, 8, 8] = 1.0
    out = translation(x)
    where = out[:, 0].flatten(1).argmax(1)
    rows, cols = where // 16, where % 16
    assert out.sum() == 64  # shifts of at most 2 px keep the dot inside the image
    assert rows.min() == 6 and rows.max() == 10 and cols.min() == 6 and cols.max() == 10


def test_cutout_zeroes_a_half_side_square():
    mask = cutout_mask((1, 1, 8, 8), torch.tensor([4]), torch.tensor([2]))
    expected = torch.ones(8, 8)
    expected[2:6, 0:4] = 0
    assert torch.equal(mask[0, 0], expected)
    clipped = cutout_mask((1, 1, 8, 8), torch.tensor([0]), torch.tensor([8]))
    assert clipped[0, 0].sum() == 64 - 2 * 2  # the square hangs over the corner: 2×2 pixels remain inside
    torch.manual_seed(1)
    out = cutout(torch.ones(32, 3, 8, 8))
    zeros = (out == 0).flatten(1).sum(1)
    assert zeros.max() == 3 * 16 and zeros.min() >= 3 * 4 and torch.all(zeros % 3 == 0)


def test_color_ops_match_their_formulas_for_the_drawn_factors():
    x = torch.rand(4, 3, 5, 5) * 2 - 1
    torch.manual_seed(2)
    u = torch.rand(4, 1, 1, 1)
    torch.manual_seed(2)
    assert torch.allclose(brightness(x), x + u - 0.5)
    torch.manual_seed(2)
    mean_c = x.mean(1, keepdim=True)
    assert torch.allclose(saturation(x), (x - mean_c) * 2 * u + mean_c)
    torch.manual_seed(2)
    mean = x.mean((1, 2, 3), keepdim=True)
    assert torch.allclose(contrast(x), (x - mean) * (u + 0.5) + mean)


def test_gradients_flow_through_every_policy():
    for name in DIFF_AUGMENTATIONS.names():
        x = torch.rand(4, 3, 8, 8, requires_grad=True)
        diff_augment(x, [name]).sum().backward()
        assert x.grad is not None and x.grad.abs().sum() > 0, name


def test_policy_names_are_checked_and_points_are_refused():
    assert check_policy(["translation", "cutout"]) == ("translation", "cutout")
    with pytest.raises(ValueError, match="valid: color, translation, cutout"):
        check_policy(["flip"])
    with pytest.raises(ValueError, match="twice"):
        check_policy(["color", "color"])
    with pytest.raises(ValueError, match="needs images"):
        diff_augment(POINTS, ["color"])
    assert diff_augment(POINTS, ()) is POINTS


def test_discriminator_input_augments_then_packs():
    torch.manual_seed(3)
    view = DiscriminatorInput(torch.nn.Identity(), pac=2, policy=["cutout"])
    x = torch.ones(4, 1, 8, 8)
    out = view(x)
    assert out.shape == (2, 2, 8, 8) and (out == 0).any()


# --- resume --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("extra", [{"pac": 2}, {"augment": ["color", "translation", "cutout"]}])
def test_checkpoint_round_trip_with_packing_or_augmentation(tmp_path, extra):
    def cfg():
        c = config(steps=6, pac=extra.get("pac", 1))
        if "augment" in extra:
            c["augment"] = extra["augment"]
        return c

    assert_resumes_bit_identically(tmp_path, cfg, IMAGES, 4, no_metrics)


# --- suites ----------------------------------------------------------------------------------------------
def suite(tmp_path, **changes) -> dict:
    base = {"name": "s", "version": "1", "dataset": {"name": "digits", "resolution": 8},
            "architectures": {"space": "bogonet-small", "n": 1, "seed": 0},
            "methods": [{"loss": "ns"}], "training": {"steps": 2, "batch_size": 4},
            "evaluation": {"every": 2}, "results": str(tmp_path / "out")}
    return {**base, **changes}


def test_suite_syntax_ids_and_labels(write_suite, tmp_path):
    from bench.suite import load_suite

    plain = load_suite(write_suite(suite(tmp_path))).trials
    pac1 = load_suite(write_suite(suite(tmp_path, training={"steps": 2, "batch_size": 4, "pac": 1}), "p1.yaml")).trials
    assert [t.id for t in pac1] == [t.id for t in plain]  # pac: 1 is no packing, the same trial
    tricks = load_suite(write_suite(suite(tmp_path, training={"steps": 2, "batch_size": 4, "pac": 2},
                                          methods=[{"loss": "ns", "augment": ["translation", "cutout"]}]), "t.yaml")).trials
    assert tricks[0].config["training"]["pac"] == 2 and tricks[0].config["augment"] == ["translation", "cutout"]
    assert tricks[0].method == "ns+none+diffaug(translation,cutout)" and tricks[0].id != plain[0].id


@pytest.mark.parametrize("changes,message", [
    ({"methods": [{"loss": "ns", "augment": ["flip"]}]}, "unknown augmentation 'flip'"),
    ({"dataset": {"name": "ring8"}, "architectures": {"space": "mlp", "n": 1, "seed": 0},
      "methods": [{"loss": "ns", "augment": ["color"]}]}, "DiffAugment.*ring8"),
    ({"training": {"steps": 2, "pac": 0}}, "pac"),
])
def test_suite_refuses_bad_tricks_with_the_reason(write_suite, tmp_path, changes, message):
    from bench.suite import SuiteError, load_suite

    with pytest.raises(SuiteError, match=message):
        load_suite(write_suite(suite(tmp_path, **changes)))


def test_rows_carry_pac_and_augment():
    from bench.sweep.columns import config_columns

    cfg = {**config(pac=2), "augment": ["color"], "dataset": {"name": "digits", "resolution": 8}}
    cfg["arch"] = {**cfg["arch"]}
    columns = config_columns("t-x", cfg, suite="s", suite_version="1", data_shape=(1, 8, 8))
    assert (columns["pac"], columns["augment"], columns["method"]) == (2, "color", "ns+none+diffaug(color)")
    plain = config_columns("t-y", {**config(), "dataset": {"name": "digits", "resolution": 8}}, suite="s",
                           suite_version="1", data_shape=(1, 8, 8))
    assert (plain["pac"], plain["augment"]) == (1, "")
