"""Fused trials (bench.train.fused): one fused D and G step from identical states equals k
separate Trainer steps on the same batches, for every loss × fusable regularizer × normalization;
what cannot be fused is refused with the reason."""

from __future__ import annotations

import copy

import pytest
import torch

from bench.losses import LOSSES
from bench.train import Trainer
from bench.train.fused import FUSABLE_REGULARIZERS, FusedTrainer, check_fusable
from tests.train.test_trainer import IMAGES, config

K, B = 3, 8
WEIGHTS = {"none": 0.0, "clip": 0.0, "gp": 10.0, "gp_one_sided": 10.0, "r1": 1.0, "r2": 1.0}
FUSABLE_LOSSES = [n for n in LOSSES.names() if LOSSES.get(n).d_output != "autoencoder" and LOSSES.get(n).state is None]
PENALTY_LOSSES = ("wgan", "ns", "hinge")  # one-logit D losses (the suite refuses a penalty on an embedding D)


def member_configs(loss: str, regularizer: str, norm: str) -> list[dict]:
    out = []
    for seed in range(K):
        c = config(loss, regularizer, WEIGHTS[regularizer])
        c["seed"] = seed
        c["arch"]["knobs"].update({"g_norm": norm, "d_norm": norm})
        out.append(c)
    return out


def _relative(a: torch.Tensor, b: torch.Tensor) -> float:
    return ((a - b).abs().max() / b.abs().max().clamp_min(1e-12)).item()


def assert_members_equal(fused: FusedTrainer, trainers: list[Trainer], lr: float = 2e-4, tol: float = 1e-5) -> None:
    """Every member's parameters and buffers equal its separate trainer's within ``tol`` of the
    tensor's scale, on the elements whose gradient in this step is at least 1e-3 of the network's
    largest.  On the others Adam's first step, lr·g/(|g| + ε), is ill-conditioned (a gradient that
    is float noise, e.g. a bias that cancels out of a relativistic loss, gives a step anywhere in
    [−lr, lr] in both runs); there the two may differ by at most the two steps, 2·lr."""
    for i, t in enumerate(trainers):
        for net, fused_net in ((t.G, fused.G), (t.D, fused.D)):
            member = fused_net.member_state_dict(i)
            grads = {n: p.grad for n, p in net.named_parameters() if p.grad is not None}
            scale = max((g.abs().max().item() for g in grads.values()), default=0.0)
            for name, value in net.state_dict().items():
                if not value.is_floating_point():
                    continue
                diff = (member[name] - value).abs()
                well = grads[name].abs() >= 1e-3 * scale if name in grads else torch.ones_like(value, dtype=torch.bool)
                bound = tol * value.abs().max().clamp_min(1e-12)
                assert diff[well].max().item() <= bound if well.any() else True, (i, name, diff[well].max().item())
                assert diff.max().item() <= 2 * lr + bound, (i, name, diff.max().item())


def sync_from_fused(fused: FusedTrainer, trainers: list[Trainer]) -> None:
    """Give each separate trainer its fused member's exact G and D (so the next step starts from identical states)."""
    for i, t in enumerate(trainers):
        t.G.load_state_dict(fused.G.member_state_dict(i))
        t.D.load_state_dict(fused.D.member_state_dict(i))


def assert_gradients_equal(fused: FusedTrainer, trainers: list[Trainer], tol: float = 1e-5) -> None:
    """The step's gradients per member, relative to the network's largest gradient."""
    for i, t in enumerate(trainers):
        for net, fused_net in ((t.G, fused.G), (t.D, fused.D)):
            grads = {n: p.grad for n, p in net.named_parameters() if p.grad is not None}
            if not grads:
                continue
            fused_grads = {n: getattr(fused_net, n.replace(".", "__")).grad[i] for n in grads}
            scale = max(g.abs().max().item() for g in grads.values())
            for name, g in grads.items():
                assert (fused_grads[name] - g).abs().max().item() <= tol * max(scale, 1e-12), (i, name)


def one_step_each(loss: str, regularizer: str, norm: str) -> None:
    configs = member_configs(loss, regularizer, norm)
    gen = torch.Generator().manual_seed(1)
    real = IMAGES[torch.randint(IMAGES.shape[0], (K, B), generator=gen)]
    z_d, z_g = torch.randn(K, B, 8, generator=gen), torch.randn(K, B, 8, generator=gen)
    real_g = IMAGES[torch.randint(IMAGES.shape[0], (K, B), generator=gen)]
    trainers = [Trainer(c, IMAGES) for c in configs]
    fused = FusedTrainer(configs, tuple(IMAGES.shape[1:]))
    assert_members_equal(fused, trainers, tol=0.0)  # identical initial states
    torch.manual_seed(7)  # the penalties' per-sample draws: k·B at once equal k draws of B in turn
    fused.d_step(real, z_d)
    torch.manual_seed(7)
    for i, t in enumerate(trainers):
        t._batch, t._latent = (lambda x=real[i]: x), (lambda z=z_d[i]: z)
        t.d_step(track_grad=False)
    assert_gradients_equal(fused, trainers)
    assert_members_equal(fused, trainers)
    sync_from_fused(fused, trainers)
    fused.g_step(z_g, real_g)
    for i, t in enumerate(trainers):
        t._batch, t._latent = (lambda x=real_g[i]: x), (lambda z=z_g[i]: z)
        t.g_step(track_grad=False)
    assert_gradients_equal(fused, trainers)
    assert_members_equal(fused, trainers)


@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
@pytest.mark.parametrize("loss", FUSABLE_LOSSES)
def test_fused_step_equals_separate_steps_for_every_loss(loss, norm):
    one_step_each(loss, "none", norm)


@pytest.mark.parametrize("norm", ["none", "batch"])
@pytest.mark.parametrize("regularizer", sorted(FUSABLE_REGULARIZERS - {"none"}))
@pytest.mark.parametrize("loss", PENALTY_LOSSES)
def test_fused_step_equals_separate_steps_for_every_penalty(loss, regularizer, norm):
    one_step_each(loss, regularizer, norm)


def test_unfusable_trials_are_refused_with_the_reason():
    base = member_configs("ns", "none", "none")
    with pytest.raises(ValueError, match="differ only in their seed.*optimizer"):
        other = copy.deepcopy(base[1])
        other["optimizer"]["lr_d"] = 1e-3
        check_fusable([base[0], other])
    with pytest.raises(ValueError, match="spectral normalization"):
        check_fusable(member_configs("ns", "none", "sn"))
    for loss in sorted(set(LOSSES.names()) - set(FUSABLE_LOSSES)):
        with pytest.raises(ValueError, match="auto-encoder"):
            check_fusable([config(loss)])
    dragan = [config("wgan", "dragan", 10.0)]
    with pytest.raises(ValueError, match="std of the whole batch"):
        check_fusable(dragan)
