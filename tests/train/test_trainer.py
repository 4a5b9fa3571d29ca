"""The trainer: real steps for every registered loss, determinism, exact checkpoint round-trips,
divergence as an outcome."""

from __future__ import annotations

import copy

import pytest
import torch

from bench.data import load_dataset
from bench.losses import LOSSES
from bench.train import Trainer

IMAGES = load_dataset({"name": "digits", "resolution": 8}).x[:256]


def config(loss: str = "ns", regularizer: str = "none", weight: float = 0.0, **training) -> dict:
    return {
        "seed": 0,
        "arch": {"family": "conv", "knobs": {"g_filters": 8, "d_filters": 8}, "z_dim": 8, "prior": "normal"},
        "loss": {"name": loss, "params": {}},
        "regularizer": {"name": regularizer, "weight": weight, "every": 1, "params": {}},
        "optimizer": {"name": "adam", "lr_g": 2e-4, "lr_d": 2e-4, "beta1": 0.5, "beta2": 0.999, "n_disc": 1, "n_gen": 1},
        "training": {"steps": 4, "batch_size": 8, "ema": 0.0, "log_every": 2, "divergence_threshold": 1e6,
                     "checkpoint_every": None, **training},
        "evaluation": {"every": 2, "num_samples": 16, "metrics": [], "feature_extractor": "auto"},
    }


def no_metrics(samples: torch.Tensor) -> dict:
    assert samples.shape == (16, 1, 8, 8) and samples.abs().max() <= 1
    return {}


@pytest.mark.parametrize("loss", LOSSES.names())
def test_one_real_step_per_loss_changes_both_networks(loss):
    trainer = Trainer(config(loss), IMAGES)
    g_before, d_before = copy.deepcopy(trainer.G.state_dict()), copy.deepcopy(trainer.D.state_dict())
    assert trainer.run(no_metrics) == "ok"
    assert [r["step"] for r in trainer.history] == [2, 4]
    assert all(torch.isfinite(torch.tensor([r["d_loss"], r["g_loss"]])).all() for r in trainer.history)
    assert any(not torch.equal(v, trainer.G.state_dict()[k]) for k, v in g_before.items() if v.is_floating_point())
    assert any(not torch.equal(v, trainer.D.state_dict()[k]) for k, v in d_before.items() if v.is_floating_point())


def test_same_seed_same_weights_and_n_disc_n_gen_counts():
    a, b = Trainer(config(), IMAGES), Trainer(config(), IMAGES)
    a.run(no_metrics), b.run(no_metrics)
    for (k, va), vb in zip(a.G.state_dict().items(), b.G.state_dict().values()):
        assert torch.equal(va, vb), k
    ggan = config()
    ggan["optimizer"].update(n_disc=1, n_gen=3)  # the original Geometric GAN setting had 10 G steps per D step
    trainer = Trainer(ggan, IMAGES)
    trainer.run(no_metrics)
    assert (trainer.step, trainer.d_steps) == (4, 2)


@pytest.mark.parametrize("n_gen", [1, 3])
def test_checkpoint_round_trip_continues_bit_identically(tmp_path, n_gen):
    """With n_gen = 3 the checkpoint at step 4 falls after the first G step of a round: the
    resumed trainer finishes that round's G steps before the next D step."""

    def cfg():
        c = config(steps=6, ema=0.9)
        c["optimizer"]["n_gen"] = n_gen
        return c

    full = Trainer(cfg(), IMAGES)
    full.run(no_metrics)

    saved = {}
    first = Trainer(cfg(), IMAGES)

    class Stop(Exception):
        pass

    def checkpoint(t):
        torch.save(t.state_dict(), tmp_path / "state.pt")
        saved["step"] = t.step
        if t.step == 4:
            raise Stop

    with pytest.raises(Stop):
        first.run(no_metrics, on_checkpoint=checkpoint)
    resumed = Trainer(cfg(), IMAGES)
    resumed.load_state_dict(torch.load(tmp_path / "state.pt", weights_only=True))
    assert resumed.step == 4
    resumed.run(no_metrics)
    assert resumed.d_steps == full.d_steps == (6 if n_gen == 1 else 2)
    for name in ("G", "D", "G_ema"):
        for (k, va), vb in zip(getattr(full, name).state_dict().items(), getattr(resumed, name).state_dict().values()):
            assert torch.equal(va, vb), (name, k)
    strip = lambda rows: [{k: "nan" if v != v else v for k, v in r.items() if k != "wall_s"} for r in rows]
    assert strip(full.history) == strip(resumed.history)


def test_exploding_loss_is_recorded_as_diverged():
    cfg = config("wgan", steps=40, log_every=2)
    cfg["optimizer"].update(lr_d=1e4, lr_g=1e4)  # an unconstrained critic with a huge step size explodes
    cfg["training"]["divergence_threshold"] = 1e3
    trainer = Trainer(cfg, IMAGES)
    assert trainer.run(no_metrics) == "diverged"
    last = trainer.history[-1]
    assert last["status"] == "diverged" and trainer.step < 40
