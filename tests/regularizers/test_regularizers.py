"""Every regularizer on a linear D ``x ↦ w·x + b``, whose input gradient is ``w`` everywhere,
so each penalty has a closed form; plus gradient flow, clipping, lazy weights and augmentation."""

import pytest
import torch
from torch import nn

from bench.augment import augment, flip_and_translate
from bench.regularizers import REGULARIZERS, lazy_weight


class LinearD(nn.Module):
    def __init__(self, w: torch.Tensor, bias: float = 0.3):
        super().__init__()
        self.w = nn.Parameter(w.clone().double())
        self.b = nn.Parameter(torch.tensor(bias, dtype=torch.float64))

    def forward(self, x):
        return x.flatten(1) @ self.w + self.b


def linear_d(norm: float, dim: int = 12) -> LinearD:
    torch.manual_seed(1)
    w = torch.randn(dim, dtype=torch.float64)
    return LinearD(w / w.norm() * norm)


def batch(shape=(16, 3, 2, 2)):
    torch.manual_seed(2)
    return torch.randn(shape, dtype=torch.float64), torch.randn(shape, dtype=torch.float64)


def penalty(name, d, real, fake, **params):
    return REGULARIZERS.get(name).penalty(discriminator=d, real=real, fake=fake, **params).item()


@pytest.mark.parametrize("norm", [0.6, 2.5])
def test_gradient_penalties_on_linear_d(norm):
    d, (real, fake) = linear_d(norm), batch()
    assert penalty("gp", d, real, fake) == pytest.approx((norm - 1) ** 2, rel=1e-9, abs=1e-9)
    assert penalty("gp_one_sided", d, real, fake) == pytest.approx(max(0.0, norm - 1) ** 2, rel=1e-9, abs=1e-9)
    assert penalty("dragan", d, real, fake) == pytest.approx((norm - 1) ** 2, rel=1e-9, abs=1e-9)
    assert penalty("dragan", d, real, fake, c=2.0, noise="normal", k=0.5) == pytest.approx(
        (norm - 0.5) ** 2, rel=1e-9, abs=1e-9)
    # R1/R2 convention: penalty = ½E‖∇D‖², so weight γ gives the paper's γ/2·E‖∇D‖².
    assert penalty("r1", d, real, fake) == pytest.approx(norm**2 / 2, rel=1e-9)
    assert penalty("r2", d, real, fake) == pytest.approx(norm**2 / 2, rel=1e-9)


def test_penalty_gradients_reach_d_with_the_closed_form_derivative():
    """∂/∂w of ½‖w‖² is w; of (‖w‖−1)² is 2(‖w‖−1)·w/‖w‖.  The bias gets no gradient."""
    d, (real, fake) = linear_d(2.5), batch()
    REGULARIZERS.get("r1").penalty(discriminator=d, real=real, fake=fake).backward()
    torch.testing.assert_close(d.w.grad, d.w.detach())
    d.w.grad = None
    REGULARIZERS.get("gp").penalty(discriminator=d, real=real, fake=fake).backward()
    w = d.w.detach()
    torch.testing.assert_close(d.w.grad, 2 * (w.norm() - 1) * w / w.norm())
    assert d.b.grad is None or d.b.grad.abs().item() < 1e-12


@pytest.mark.parametrize("name", ["gp", "gp_one_sided", "dragan", "r1", "r2", "cr"])
def test_penalties_give_no_gradient_to_g(name):
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
    d = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Flatten(0))
    with torch.no_grad():
        d[0].weight.mul_(10.0)  # gradient norms > 1, so the one-sided penalty is active too
    fake = g(torch.randn(32, 3))
    real = torch.randn(32, 2)
    value = REGULARIZERS.get(name).penalty(discriminator=d, real=real, fake=fake)
    value.backward()
    assert all(p.grad is None for p in g.parameters())
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in d.parameters())


def test_gp_interpolates_lie_between_real_and_fake():
    """D(x) = ‖x‖²/2 has ∇D(x̂) = x̂, so the penalty is E(‖x̂‖ − 1)² with x̂ = εx + (1−ε)·0: replay ε."""
    real = torch.ones(64, 2, dtype=torch.float64)
    fake = torch.zeros(64, 2, dtype=torch.float64)

    class Quadratic(nn.Module):
        def forward(self, x):
            return 0.5 * x.pow(2).sum(1)

    torch.manual_seed(5)
    got = penalty("gp", Quadratic(), real, fake)
    torch.manual_seed(5)
    eps = torch.rand(64, 1, dtype=torch.float64)
    x_hat = eps * real  # + (1 − ε)·0
    assert got == pytest.approx(((x_hat.norm(dim=1) - 1) ** 2).mean().item(), rel=1e-9)


def test_dragan_perturbation_is_centred_and_scaled_by_std():
    from bench.regularizers.gradient import perturb_real

    torch.manual_seed(0)
    x = torch.randn(4000, 2, dtype=torch.float64) * 3.0
    sigma = x.std(correction=0)
    delta = perturb_real(x, 0.5, "uniform") - x
    assert delta.abs().max() <= 0.5 * sigma + 1e-12
    assert abs(delta.mean().item()) < 0.02 * sigma.item()  # centred (the one-quadrant bug has mean σ/4)
    assert delta.std().item() == pytest.approx(0.5 * sigma.item() / 3**0.5, rel=0.03)  # U[−a,a]: a/√3


def test_cr_on_linear_d_points():
    """D(x) − D(x + jδ) = −j·w·δ, so the penalty is E(j·w·δ)²: replay the noise exactly, and check
    its expectation j²‖w‖² on a large batch."""
    d = linear_d(2.0, dim=2)
    real = torch.randn(20000, 2, dtype=torch.float64)
    torch.manual_seed(3)
    got = penalty("cr", d, real, None, jitter=0.1)
    torch.manual_seed(3)
    delta = augment(real, jitter=0.1) - real
    assert got == pytest.approx(((delta @ d.w.detach()) ** 2).mean().item(), rel=1e-9)
    assert got == pytest.approx(0.1**2 * 2.0**2, rel=0.05)


def test_cr_on_linear_d_images_flip_only():
    """Flip-only CR: with probability ½ the image is mirrored, so E = ½(w·(x − flip(x)))²."""
    torch.manual_seed(4)
    image = torch.randn(1, 1, 4, 4, dtype=torch.float64)
    d = LinearD(torch.randn(16, dtype=torch.float64))
    real = image.expand(8000, 1, 4, 4)
    want = 0.5 * ((image - image.flip(3)).flatten() @ d.w.detach()).item() ** 2
    assert penalty("cr", d, real, None, shift=0) == pytest.approx(want, rel=0.05)
    symmetric = image + image.flip(3)
    assert penalty("cr", d, symmetric.expand(64, 1, 4, 4), None, shift=0) == pytest.approx(0.0, abs=1e-18)


def test_clip_clamps_all_weights_after_the_step():
    torch.manual_seed(0)
    d = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    with torch.no_grad():
        d[0].weight.mul_(100)
        d[2].bias.fill_(0.005)
    reg = REGULARIZERS.get("clip")
    assert reg.penalty is None
    reg.after_d_step(d, c=0.02)
    for p in d.parameters():
        assert p.abs().max().item() <= 0.02
    assert d[2].bias.item() == pytest.approx(0.005)  # values inside the box are untouched
    assert (d[0].weight.abs() == 0.02).any()


def test_gradient_penalties_reject_embedding_outputs():
    d = nn.Linear(2, 4)
    with pytest.raises(ValueError, match="one logit per sample"):
        REGULARIZERS.get("r1").penalty(discriminator=d, real=torch.randn(5, 2), fake=torch.randn(5, 2))


def test_lazy_weight():
    assert [lazy_weight(10.0, 4, s) for s in range(8)] == [40.0, 0, 0, 0, 40.0, 0, 0, 0]
    assert lazy_weight(2.0, 1, 7) == 2.0
    with pytest.raises(ValueError):
        lazy_weight(1.0, 0, 0)


def test_registry_names_and_metadata():
    assert REGULARIZERS.names() == ["none", "gp", "gp_one_sided", "dragan", "r1", "r2", "cr", "clip", "infogan", "ssgan"]
    for name, reg in REGULARIZERS.items():
        assert reg.formula and reg.paper
        assert reg.penalty is not None or name in ("none", "clip", "infogan", "ssgan")
        assert (reg.auxiliary is not None) == (name in ("infogan", "ssgan"))


# --- augmentation --------------------------------------------------------------------------------
def test_flip_and_translate_is_a_shifted_crop_of_the_reflected_image():
    torch.manual_seed(0)
    x = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).reshape(2, 3, 8, 8)
    out = flip_and_translate(x, flip=False, shift=2)
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2), mode="reflect")
    for i in range(2):
        crops = [padded[i, :, dy:dy + 8, dx:dx + 8] for dy in range(5) for dx in range(5)]
        assert any(torch.equal(out[i], c) for c in crops)
    assert out.shape == x.shape and torch.equal(x, torch.arange(384.0).reshape(2, 3, 8, 8))


def test_augment_is_seeded_and_keeps_range():
    x = torch.rand(32, 1, 8, 8) * 2 - 1
    torch.manual_seed(7)
    a = augment(x)
    torch.manual_seed(7)
    b = augment(x)
    assert torch.equal(a, b) and not torch.equal(a, x)
    assert a.min() >= x.min() and a.max() <= x.max()  # flips, shifts and reflections only
    flipped = flip_and_translate(x, flip=True, shift=0)
    assert all(torch.equal(f, s) or torch.equal(f, s.flip(2)) for f, s in zip(flipped, x))
