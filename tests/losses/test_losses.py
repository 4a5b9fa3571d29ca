"""Every loss against hand-computed values on fixed D outputs, and the direction of its gradients.

Expected numbers were computed with Python's ``math`` from the formulas in the docstrings
(softplus(t) = log(1 + eᵗ)), independently of torch.
"""

import math

import pytest
import torch

from bench.losses import LOSSES, Loss

REAL = torch.tensor([2.0, -1.0, 0.5], dtype=torch.float64)
FAKE = torch.tensor([-1.5, 0.0, 1.0], dtype=torch.float64)

# (loss, params, expected L_D, expected L_G)
LOGIT_VALUES = [
    ("ns", {}, 1.3740296096007407, 0.902607382020307),
    ("ns", {"label_smoothing": 0.1}, 1.424029609600741, 0.902607382020307),  # = L_D + s·mean(d_r)
    ("mm", {}, 1.3740296096007407, -0.7359407153536401),
    ("wgan", {}, -2.0 / 3.0, 1.0 / 6.0),
    ("ls", {}, 1.4166666666666665, 1.2083333333333333),
    ("hinge", {}, 1.8333333333333335, 1.0 / 6.0),
    ("rsgan", {}, 0.7723630299903167, 1.4390296966569833),
    ("ragan", {}, 1.0973762955102013, 2.4307096288435344),
]


@pytest.mark.parametrize("name,params,want_d,want_g", LOGIT_VALUES)
def test_logit_loss_values(name, params, want_d, want_g):
    loss = LOSSES.get(name)
    d_real_g = REAL if loss.g_needs_real else None
    got_d = loss.discriminator(d_real=REAL, d_fake=FAKE, **params).item()
    got_g = loss.generator(d_real=d_real_g, d_fake=FAKE, **params).item()
    assert got_d == pytest.approx(want_d, rel=1e-9, abs=1e-12)
    assert got_g == pytest.approx(want_g, rel=1e-9, abs=1e-12)


def test_label_smoothing_formula_by_hand():
    s = 0.2
    want = sum((1 - s) * math.log1p(math.exp(-r)) + s * math.log1p(math.exp(r)) for r in REAL.tolist()) / 3
    want += sum(math.log1p(math.exp(f)) for f in FAKE.tolist()) / 3
    got = LOSSES.get("ns").discriminator(d_real=REAL, d_fake=FAKE, label_smoothing=s).item()
    assert got == pytest.approx(want, rel=1e-12)


# Logits inside every loss's "active" region (hinge margin, LSGAN targets), moved by ±0.3.
BASE_REAL = torch.tensor([0.2, -0.3, 0.5])
BASE_FAKE = torch.tensor([0.35, 0.4, 0.3])
LOGIT_LOSSES = [n for n, entry in LOSSES.items() if entry.d_output == "logit"]


@pytest.mark.parametrize("name", LOGIT_LOSSES)
def test_d_loss_falls_when_d_separates_better(name):
    loss = LOSSES.get(name)
    before = loss.discriminator(d_real=BASE_REAL, d_fake=BASE_FAKE)
    after = loss.discriminator(d_real=BASE_REAL + 0.3, d_fake=BASE_FAKE - 0.3)
    assert after < before - 1e-3


@pytest.mark.parametrize("name", LOGIT_LOSSES)
def test_g_loss_falls_when_d_rates_fakes_higher(name):
    loss = LOSSES.get(name)
    d_real = BASE_REAL if loss.g_needs_real else None
    before = loss.generator(d_real=d_real, d_fake=BASE_FAKE)
    after = loss.generator(d_real=d_real, d_fake=BASE_FAKE + 0.3)
    assert after < before - 1e-3


def test_minimax_saturates_where_non_saturating_does_not():
    """At a confidently rejected fake (logit −10), ∂L_G/∂d_f ≈ 0 for mm but ≈ −1 for ns."""
    d_fake = torch.tensor([-10.0], requires_grad=True)
    (g_mm,) = torch.autograd.grad(LOSSES.get("mm").generator(d_real=None, d_fake=d_fake), d_fake)
    (g_ns,) = torch.autograd.grad(LOSSES.get("ns").generator(d_real=None, d_fake=d_fake), d_fake)
    assert abs(g_mm.item()) < 1e-4
    assert g_ns.item() == pytest.approx(-1.0, abs=1e-4)


def test_rsgan_rejects_unpaired_batches():
    with pytest.raises(ValueError, match="pairs real and fake"):
        LOSSES.get("rsgan").discriminator(d_real=torch.zeros(3), d_fake=torch.zeros(4))


@pytest.mark.parametrize("name", ["rsgan", "ragan"])
def test_relativistic_generators_say_they_need_d_real(name):
    with pytest.raises(ValueError, match="g_needs_real|pairs"):
        LOSSES.get(name).generator(d_real=None, d_fake=torch.zeros(4))


# --- MMD family ----------------------------------------------------------------------------------
E = math.exp
REAL_EMB = torch.tensor([[0.0, 0.0], [1.0, 0.0]], dtype=torch.float64)
FAKE_EMB = torch.tensor([[0.0, 1.0], [2.0, 0.0]], dtype=torch.float64)
# squared distances: real-real 1; fake-fake 5; real-fake 1, 4, 2, 1.  σ = 1: k = exp(−d²/2).
K_RR_OFF, K_FF_OFF = E(-0.5), E(-2.5)
K_RR_ALL, K_FF_ALL = (2 + 2 * E(-0.5)) / 4, (2 + 2 * E(-2.5)) / 4
K_RF = (E(-0.5) + E(-2.0) + E(-1.0) + E(-0.5)) / 4


def test_mmd_biased_value():
    mmd = LOSSES.get("mmd")
    want = K_RR_ALL + K_FF_ALL - 2 * K_RF
    got_g = mmd.generator(d_real=REAL_EMB, d_fake=FAKE_EMB, sigmas=[1.0]).item()
    got_d = mmd.discriminator(d_real=REAL_EMB, d_fake=FAKE_EMB, sigmas=[1.0]).item()
    assert got_g == pytest.approx(want, rel=1e-12)
    assert got_d == pytest.approx(-want, rel=1e-12)


def test_mmd_unbiased_and_mixture_values():
    mmd = LOSSES.get("mmd")
    want_unbiased = K_RR_OFF + K_FF_OFF - 2 * K_RF
    got = mmd.generator(d_real=REAL_EMB, d_fake=FAKE_EMB, sigmas=[1.0], unbiased=True).item()
    assert got == pytest.approx(want_unbiased, rel=1e-12)
    # σ = 2 alone: exp(−d²/8); a mixture is the sum of the single-σ MMDs.
    two = (2 + 2 * E(-1 / 8)) / 4 + (2 + 2 * E(-5 / 8)) / 4 - 2 * (2 * E(-1 / 8) + E(-4 / 8) + E(-2 / 8)) / 4
    got_mix = mmd.generator(d_real=REAL_EMB, d_fake=FAKE_EMB, sigmas=[1.0, 2.0]).item()
    assert got_mix == pytest.approx(K_RR_ALL + K_FF_ALL - 2 * K_RF + two, rel=1e-12)


def test_repulsive_values():
    rep = LOSSES.get("mmd_repulsive")
    got_d = rep.discriminator(d_real=REAL_EMB, d_fake=FAKE_EMB).item()
    got_g = rep.generator(d_real=REAL_EMB, d_fake=FAKE_EMB).item()
    assert got_d == pytest.approx(K_RR_OFF - K_FF_OFF, rel=1e-12)
    assert got_g == pytest.approx(K_RR_OFF + K_FF_OFF - 2 * K_RF, rel=1e-12)


def test_bounded_kernel_clamps_distances_and_stops_gradients():
    """Real pair at squared distance 9 > b_u = 4, fake pair at 0.09 < b_l = 0.25."""
    rep = LOSSES.get("mmd_repulsive")
    real = torch.tensor([[0.0, 0.0], [3.0, 0.0]], dtype=torch.float64, requires_grad=True)
    fake = torch.tensor([[0.0, 0.0], [0.3, 0.0]], dtype=torch.float64, requires_grad=True)
    plain = rep.discriminator(d_real=real, d_fake=fake).item()
    assert plain == pytest.approx(E(-4.5) - E(-0.045), rel=1e-12)
    bounded = rep.discriminator(d_real=real, d_fake=fake, bounded=True)
    assert bounded.item() == pytest.approx(E(-2.0) - E(-0.125), rel=1e-12)
    g_real, g_fake = torch.autograd.grad(bounded, (real, fake))
    assert torch.count_nonzero(g_real) == 0 and torch.count_nonzero(g_fake) == 0
    # the generator loss never uses the bounded kernel
    g_plain = rep.generator(d_real=real, d_fake=fake).item()
    assert rep.generator(d_real=real, d_fake=fake, bounded=True).item() == pytest.approx(g_plain, rel=1e-12)


def test_mmd_signs():
    """D's MMD loss falls when fake embeddings move away from real ones; G's loss falls when they
    move closer; the repulsive D loss falls when real embeddings spread apart."""
    torch.manual_seed(0)
    real, noise = torch.randn(16, 4), torch.randn(16, 4)
    near, far = real + 0.3 + 0.1 * noise, real + 1.5 + 0.1 * noise
    mmd, rep = LOSSES.get("mmd"), LOSSES.get("mmd_repulsive")
    assert mmd.discriminator(d_real=real, d_fake=far) < mmd.discriminator(d_real=real, d_fake=near) - 1e-3
    for loss in (mmd, rep):
        assert loss.generator(d_real=real, d_fake=near) < loss.generator(d_real=real, d_fake=far) - 1e-3
    assert rep.discriminator(d_real=2 * real, d_fake=near) < rep.discriminator(d_real=real, d_fake=near) - 1e-3


def test_mmd_needs_embeddings():
    with pytest.raises(ValueError, match="embedding"):
        LOSSES.get("mmd").discriminator(d_real=torch.zeros(4), d_fake=torch.zeros(4))


# --- registry contract ---------------------------------------------------------------------------
def test_registry_has_the_issue_names():
    assert LOSSES.names() == ["mm", "ns", "wgan", "ls", "hinge", "rsgan", "ragan", "mmd", "mmd_repulsive", "began", "ebgan"]


@pytest.mark.parametrize("name", LOSSES.names())
def test_d_and_g_functions_take_the_same_params(name):
    from bench.losses.base import DATA_ARGS, keyword_params

    loss: Loss = LOSSES.get(name)
    assert keyword_params(loss.discriminator, DATA_ARGS) == keyword_params(loss.generator, DATA_ARGS)
    assert loss.formula and loss.paper and loss.d_output in ("logit", "embedding", "autoencoder")
    assert loss.discriminator.__doc__ and loss.generator.__doc__


def test_output_dim():
    assert LOSSES.get("ns").output_dim({}) == 1
    assert LOSSES.get("mmd").output_dim({}) == 16
    assert LOSSES.get("mmd_repulsive").output_dim({"embedding_dim": 8}) == 8
