"""BEGAN and EBGAN on an auto-encoder D: closed-form values on known tensors, the k_t update and
its clipping, M_global, the margin, the pull-away term, the head's parameter counts, and a BEGAN
trainer checkpoint round-trip that continues bit-identically (k_t included)."""

from __future__ import annotations

import pytest
import torch

from bench.arch import ArchSpec, build_pair, param_counts
from bench.arch.autoencoder import AEOutput, AutoencoderDiscriminator
from bench.arch.build import module_param_counts
from bench.arch.catalogue import arch_columns
from bench.losses import LOSSES
from bench.losses.autoencoder import BeganState, k_update, m_global, pull_away
from bench.train import Trainer
from tests.train.test_trainer import IMAGES, config, no_metrics

# residuals of 2 samples × 4 "pixels"
R_REAL = torch.tensor([[0.1, -0.1, 0.2, -0.2], [0.0, 0.3, -0.3, 0.0]])  # mean |r| = 0.15, mean r² = 0.035
R_FAKE = torch.tensor([[1.0, -1.0, 0.5, 0.5], [2.0, 0.0, 0.0, -1.0]])  # mean |r| = 0.75, energies 0.625, 1.25
CODES = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
REAL, FAKE = AEOutput(R_REAL, CODES), AEOutput(R_FAKE, CODES)


def test_began_losses_by_hand():
    began = LOSSES.get("began")
    assert began.discriminator(d_real=REAL, d_fake=FAKE, k=0.0).item() == pytest.approx(0.15)
    assert began.discriminator(d_real=REAL, d_fake=FAKE, k=0.2).item() == pytest.approx(0.15 - 0.2 * 0.75)
    assert began.generator(d_real=None, d_fake=FAKE, k=0.2).item() == pytest.approx(0.75)
    # η = 2: L(v) = mean r²
    assert began.generator(d_real=None, d_fake=FAKE, eta=2.0).item() == pytest.approx((0.625 + 1.25) / 2)
    assert began.param_names() == ("gamma", "lambda_k", "eta", "embedding_dim")  # k comes from the state


def test_k_update_and_clipping_and_m_global():
    k = torch.tensor(0.5)
    assert k_update(k, torch.tensor(0.2), torch.tensor(0.3), 0.5, 0.1).item() == pytest.approx(0.5 + 0.1 * (0.1 - 0.3))
    assert k_update(torch.tensor(0.999), torch.tensor(10.0), torch.tensor(0.0), 1.0, 0.1).item() == 1.0
    assert k_update(torch.tensor(0.001), torch.tensor(0.0), torch.tensor(10.0), 0.5, 0.1).item() == 0.0
    assert m_global(torch.tensor(0.2), torch.tensor(0.3), 0.5).item() == pytest.approx(0.2 + 0.2)
    assert m_global(torch.tensor(0.2), torch.tensor(0.05), 0.5).item() == pytest.approx(0.2 + 0.05)


def test_began_state_updates_k_after_each_d_step_and_reports_mean_m_global():
    state = BeganState({"gamma": 0.5, "lambda_k": 0.1})
    state.after_d_step(d_real=REAL, d_fake=FAKE)  # k = clip(0 + 0.1 (0.075 − 0.75)) = 0
    assert state.k.item() == 0.0
    swapped = (AEOutput(R_FAKE, CODES), AEOutput(R_REAL, CODES))  # now γ L(x) − L(G(z)) = 0.375 − 0.15
    state.after_d_step(d_real=swapped[0], d_fake=swapped[1])
    assert state.k.item() == pytest.approx(0.1 * 0.225)
    row = state.row()
    assert row["m_global"] == pytest.approx(((0.15 + 0.675) + (0.75 + 0.225)) / 2)
    assert row["began_k"] == pytest.approx(0.0225)
    assert state.row()["m_global"] != state.row()["m_global"]  # reset: NaN until the next D step


def test_ebgan_margin_and_losses_by_hand():
    ebgan = LOSSES.get("ebgan")
    # energies: real 0.025, 0.045 (mean 0.035); fake 0.625, 1.25; margin 1: max(0, 1 − e) = 0.375, 0
    assert ebgan.discriminator(d_real=REAL, d_fake=FAKE, margin=1.0).item() == pytest.approx(0.035 + 0.375 / 2)
    assert ebgan.discriminator(d_real=REAL, d_fake=FAKE, margin=0.5).item() == pytest.approx(0.035)  # both past m
    # orthogonal codes: f_PT = 0, so L_G = mean energy of the fakes
    assert ebgan.generator(d_real=None, d_fake=FAKE, pt_weight=0.1).item() == pytest.approx(0.9375)
    same = AEOutput(R_FAKE, torch.tensor([[1.0, 1.0], [2.0, 2.0]]))  # parallel codes: f_PT = 1
    assert ebgan.generator(d_real=None, d_fake=same, pt_weight=0.1).item() == pytest.approx(0.9375 + 0.1)


def test_pull_away_term_by_hand():
    s = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 3.0]])
    # cos² of the pairs: (1,2) 1/2, (1,3) 0, (2,3) 1/2 → 2·(1/2 + 0 + 1/2) / (3·2)
    assert pull_away(s).item() == pytest.approx(1.0 / 3.0)
    with pytest.raises(ValueError, match="at least 2"):
        pull_away(s[:1])


def test_losses_refuse_a_logit_d():
    with pytest.raises(ValueError, match="auto-encoder"):
        LOSSES.get("began").discriminator(d_real=torch.zeros(2), d_fake=torch.zeros(2))


@pytest.mark.parametrize("spec, shape", [
    (ArchSpec("conv", {"g_filters": 8, "d_filters": 4, "g_norm": "batch", "g_block": "residual"}, z_dim=8), (1, 16, 16)),
    (ArchSpec("conv", {"g_filters": 4, "d_filters": 4, "g_upsample": "bilinear", "d_norm": "layer"}, z_dim=8), (3, 8, 8)),
    (ArchSpec("mlp", {"g_width": 16, "g_depth": 2, "d_width": 8, "d_depth": 1, "g_norm": "layer"}, z_dim=4), (2,)),
])
def test_autoencoder_head_shapes_and_parameter_counts(spec, shape):
    g, d = build_pair(spec, shape, 5, seed=0, d_output="autoencoder")
    assert isinstance(d, AutoencoderDiscriminator)
    out = d(torch.rand(3, *shape) * 2 - 1)
    assert out.residual.shape == (3, *shape) and out.embedding.shape == (3, 5)
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert param_counts(spec, shape, 5, "autoencoder") == (count(g), count(d))
    assert module_param_counts(spec, shape, 5)[0] == count(g)
    assert param_counts(spec, shape, 5, "autoencoder")[1] > param_counts(spec, shape, 5)[1]  # the decoder adds
    columns = arch_columns(spec, shape, 5, "autoencoder")
    assert columns["arch_d_params"] == count(d)
    g_logit, _ = build_pair(spec, shape, 1, seed=0)
    assert all(torch.equal(a, b) for a, b in zip(g.state_dict().values(), g_logit.state_dict().values()))


def test_began_trainer_row_and_checkpoint_round_trip_is_bit_identical(tmp_path):
    def cfg(steps=6):
        c = config("began", steps=steps)
        c["loss"]["params"] = {"embedding_dim": 8, "lambda_k": 0.05, "gamma": 0.9}
        return c

    full = Trainer(cfg(), IMAGES)
    full.run(no_metrics)
    assert full.loss_state.k.item() > 0  # k moved, so the check below covers it
    assert all(r["m_global"] > 0 and 0 <= r["began_k"] <= 1 for r in full.history)

    killed = Trainer(cfg(steps=4), IMAGES)  # the same trial stopped after its step-4 checkpoint
    killed.run(no_metrics)
    torch.save(killed.state_dict(), tmp_path / "state.pt")
    resumed = Trainer(cfg(), IMAGES)
    resumed.load_state_dict(torch.load(tmp_path / "state.pt", weights_only=True))
    resumed.run(no_metrics)
    assert torch.equal(resumed.loss_state.k, full.loss_state.k)
    for name in ("G", "D"):
        for (k, va), vb in zip(getattr(full, name).state_dict().items(), getattr(resumed, name).state_dict().values()):
            assert torch.equal(va, vb), (name, k)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "wall_s"} for r in rows]  # noqa: E731
    assert strip(full.history) == strip(resumed.history)


def test_archs_show_lists_the_autoencoder_head(capsys):
    from bench.cli.main import main
    from tests.conftest import REPO

    catalogue = str(REPO / "archs" / "bogonet150.jsonl")
    arch_id = next(iter(ArchSpec.from_dict(r) for r in [__import__("json").loads(open(catalogue).readline())])).id
    assert main(["archs", "show", catalogue, arch_id, "--loss", "began"]) == 0
    out = capsys.readouterr().out
    assert "(auto-encoder D)" in out and "D encoder:" in out and "D decoder" in out
    assert "Linear 64→" in out.split("D decoder")[1]  # the decoder starts from BEGAN's 64-dim code


def test_stability_summary_uses_m_global_where_rows_carry_it():
    from bench.metrics.stability import stability_summary

    rows = [{"step": s, "fid": f, "m_global": m} for s, f, m in ((1, 50.0, 0.4), (2, 40.0, 0.3), (3, 30.0, 0.1))]
    summary = stability_summary(rows)
    assert summary["m_global_first"] == 0.4 and summary["m_global_final"] == 0.1
    assert summary["m_global_drop"] == pytest.approx(0.75) and summary["m_global_count"] == 3
    assert "m_global_drop" not in stability_summary([{k: v for k, v in r.items() if k != "m_global"} for r in rows])
