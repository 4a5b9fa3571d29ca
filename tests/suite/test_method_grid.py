"""Every loss × regularizer pair allowed by ``pair_problem`` does one real D step and one G step on a
tiny architecture, following the trainer contract:

    D step: d_loss(d_real=D(x), d_fake=D(G(z).detach()), **loss_params)
            + weight · penalty(discriminator=D, real=x, fake=G(z), **reg_params); step;
            after_d_step(D, **reg_params)
    G step: g_loss(d_real=D(x) if g_needs_real else None, d_fake=D(G(z)), **loss_params); step

Both steps run through bench's own :class:`bench.train.Trainer`.
"""

import pytest
import torch

from bench.arch import ArchSpec, sample_latent
from bench.losses import LOSSES
from bench.methods import accepted_params, check_params, pair_problem
from bench.registry import UnknownNameError
from bench.regularizers import REGULARIZERS
from bench.train import Trainer

torch.set_num_threads(1)

LOSS_PARAMS = {"ns": {"label_smoothing": 0.1}, "mmd_repulsive": {"bounded": True, "embedding_dim": 4},
               "mmd": {"embedding_dim": 4}, "began": {"embedding_dim": 4}, "ebgan": {"embedding_dim": 4}}
REG_PARAMS = {"dragan": {"c": 0.5}, "clip": {"c": 0.05}, "cr": {"shift": 1}, "infogan": {"categories": 2, "continuous": 1}}
ARCHS = {
    "conv": (ArchSpec("conv", {"g_filters": 8, "d_filters": 8}, z_dim=8), (1, 8, 8)),
    "mlp": (ArchSpec("mlp", {"g_width": 16, "g_depth": 2, "d_width": 16, "d_depth": 2}, z_dim=4), (2,)),
}
PAIRS = [(loss, reg) for loss in LOSSES.names() for reg in REGULARIZERS.names() if pair_problem(loss, reg) is None]
KINDS = {"conv": "image", "mlp": "points"}


def fits(reg: str, arch: str) -> bool:
    """SS-GAN's rotations are defined on images only (the suite refuses it on points)."""
    aux = REGULARIZERS.get(reg).auxiliary
    return aux is None or KINDS[arch] in aux.data_kinds


CASES = [(arch, loss, reg) for arch in sorted(ARCHS) for loss, reg in PAIRS if fits(reg, arch)]


def one_step(loss_name, reg_name, spec, shape, batch=8, seed=0):
    """One D step and one G step through the real :class:`bench.train.Trainer`."""
    reg = REGULARIZERS.get(reg_name)
    loss_params, reg_params = LOSS_PARAMS.get(loss_name, {}), REG_PARAMS.get(reg_name, {})
    check_params("loss", loss_name, loss_params)
    check_params("regularizer", reg_name, reg_params)
    config = {
        "seed": seed, "arch": spec.to_dict(),
        "loss": {"name": loss_name, "params": loss_params},
        "regularizer": {"name": reg_name, "weight": reg.default_weight, "every": 1, "params": reg_params},
        "optimizer": {"name": "adam", "lr_g": 1e-3, "lr_d": 1e-3, "beta1": 0.5, "beta2": 0.999, "n_disc": 1, "n_gen": 1},
        "training": {"steps": 1, "batch_size": batch, "ema": 0.0, "log_every": 1, "divergence_threshold": 1e6},
        "evaluation": {"every": 1, "num_samples": batch, "metrics": [], "feature_extractor": "auto"},
    }
    torch.manual_seed(seed)
    data = torch.rand(64, *shape) * 2 - 1
    trainer = Trainer(config, data)
    d, g = trainer.D, trainer.G
    d_before = [p.detach().clone() for p in d.parameters()]
    g_before = [p.detach().clone() for p in g.parameters()]
    pen = None
    if reg.penalty is not None:  # the penalty's value on this batch, as the D step will see it
        pen = reg.penalty(discriminator=d, real=data[:batch], fake=g(sample_latent(spec, batch)).detach(), **reg_params)
        d.zero_grad(set_to_none=True)
    trainer.d_step(track_grad=True)
    assert all(p.grad is None for p in g.parameters()), "the D step must not reach G"
    trainer.g_step(track_grad=True)
    d_loss, g_loss = trainer._acc[0], trainer._acc[2]
    return d, g, d_loss, pen, g_loss, d_before, g_before


@pytest.mark.parametrize("arch,loss_name,reg_name", CASES)
def test_one_step_is_finite_and_moves_both_nets(loss_name, reg_name, arch):
    spec, shape = ARCHS[arch]
    d, g, d_loss, pen, g_loss, d_before, g_before = one_step(loss_name, reg_name, spec, shape)
    for value in (d_loss, g_loss) + ((pen,) if pen is not None else ()):
        assert value.dim() == 0 and torch.isfinite(value)
    assert all(torch.isfinite(p).all() for p in list(d.parameters()) + list(g.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(d_before, d.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(g_before, g.parameters()))
    if reg_name == "clip":
        c = torch.tensor(REG_PARAMS["clip"]["c"]).item()  # the float32 value of c
        assert max(p.abs().max().item() for p in d.parameters()) <= c


@pytest.mark.parametrize("reg_name", REGULARIZERS.names())
def test_spectral_norm_discriminator_with_every_regularizer(reg_name):
    spec = ArchSpec("conv", {"g_filters": 8, "d_filters": 8, "d_norm": "sn"}, z_dim=8)
    _, _, d_loss, pen, g_loss, _, _ = one_step("hinge", reg_name, spec, (1, 8, 8))
    assert torch.isfinite(d_loss) and torch.isfinite(g_loss)


def test_pair_problem_rejects_exactly_gradient_penalties_with_embeddings():
    rejected = {(lo, r) for lo in LOSSES.names() for r in REGULARIZERS.names() if pair_problem(lo, r)}
    penalties = ("gp", "gp_one_sided", "dragan", "r1", "r2")
    assert rejected == ({(lo, r) for lo in ("mmd", "mmd_repulsive") for r in penalties}
                        | {(lo, r) for lo in ("began", "ebgan") for r in penalties + ("cr", "infogan", "ssgan")})
    message = pair_problem("began", "gp")
    assert "auto-encoder" in message and "'began'" in message and "none, clip" in message
    message = pair_problem("mmd_rep", "wgan_gp")  # aliases resolve
    assert "gradient penalty" in message and "'mmd_repulsive'" in message and "clip" in message
    with pytest.raises(UnknownNameError, match="valid"):
        pair_problem("nss", "none")


def test_check_params_names_the_bad_parameter_and_the_valid_ones():
    with pytest.raises(ValueError, match=r"no parameter 'label_smooth'.*valid parameters: label_smoothing"):
        check_params("loss", "ns", {"label_smooth": 0.1})
    with pytest.raises(ValueError, match=r"'gp' has no parameter 'c'; valid parameters: none"):
        check_params("regularizer", "gp", {"c": 1})
    with pytest.raises(ValueError, match="label_smoothing"):
        check_params("loss", "ns", {"label_smoothing": 1.5})
    with pytest.raises(ValueError, match="sigmas"):
        check_params("loss", "mmd_repulsive", {"sigmas": []})
    with pytest.raises(ValueError, match="'c'"):
        check_params("regularizer", "clip", {"c": -0.01})
    with pytest.raises(ValueError, match="kind"):
        check_params("optimizer", "adam", {})
    check_params("loss", "mmd_repulsive", {"bounded": True, "sigmas": [1.0, 2.0], "embedding_dim": 16})
    check_params("regularizer", "dragan", {"c": 0.5, "noise": "normal"})
    check_params("regularizer", "r1", None)


def test_accepted_params_come_from_signatures():
    assert accepted_params("loss", "ns") == ("label_smoothing",)
    assert accepted_params("loss", "wgan") == ()
    assert set(accepted_params("loss", "mmd_repulsive")) == {
        "sigmas", "bounded", "lower_bound", "upper_bound", "embedding_dim"}
    assert accepted_params("regularizer", "clip") == ("c",)
    assert accepted_params("regularizer", "dragan") == ("c", "noise", "k")
    assert accepted_params("regularizer", "cr") == ("flip", "shift", "jitter")
