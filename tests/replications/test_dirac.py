"""Dirac-GAN (Mescheder, Geiger & Nowozin 2018, §2): bench's losses and penalties against the
closed-form gradient field, the equilibrium metrics and verdict rule, a short training run of the
shipped suite's trials, and the suite itself.

Closed form, in bench's sign (D high on real; data x = 0, so d_r = D(0) = 0 and d_f = D(θ) = ψθ):

* minimax:  L_D = log 2 + softplus(ψθ)  → ∂L_D/∂ψ = θ σ(ψθ);   L_G = −softplus(ψθ) → ∂L_G/∂θ = −ψ σ(ψθ);
* NS:       L_G = softplus(−ψθ)                               → ∂L_G/∂θ = −ψ σ(−ψθ);
* WGAN:     L_D = ψθ, L_G = −ψθ                               → (∂L_G/∂θ, ∂L_D/∂ψ) = (−ψ, θ);
* R1 / R2 with weight γ add γ/2·ψ² to L_D (∇ₓD = ψ everywhere)   → ∂L_D/∂ψ gains γψ;
* WGAN-GP with weight λ adds λ(|ψ| − 1)²                       → ∂L_D/∂ψ gains 2λ(|ψ| − 1) sign ψ.

With ψ_paper = −ψ, gradient descent θ ← θ − h ∂L_G/∂θ, ψ ← ψ − h ∂L_D/∂ψ is the paper's field
v(θ, ψ_paper) = (−ψ_paper f'(ψ_paper θ), θ f'(ψ_paper θ)), f(t) = −log(1 + e^−t), f'(t) = σ(−t).
"""

from __future__ import annotations

import math

import pytest
import torch

from bench.arch import ArchSpec, build_pair
from bench.data import load_dataset, sample_shape
from bench.losses import LOSSES
from bench.metrics.context import EvalContext
from bench.metrics.equilibrium import dirac_psi, dirac_theta, equilibrium_distance, equilibrium_verdict
from bench.metrics.evaluate import evaluate
from bench.metrics.reference import build_reference
from bench.regularizers import REGULARIZERS
from bench.suite import load_suite
from bench.train import Trainer
from tests.conftest import REPO

SUITE = REPO / "suites" / "replications" / "dirac.yaml"
POINTS = [(1.0, -1.0), (0.5, 2.0), (-1.5, 0.5), (2.0, -3.5)]  # (θ, ψ) in bench's sign


def pair(theta: float, psi: float):
    return build_pair(ArchSpec("dirac", {"theta0": theta, "psi0": psi}, z_dim=1), (1,), 1, seed=0)


def gradients(loss: str, theta: float, psi: float, regularizer: str = "none", weight: float = 0.0) -> tuple[float, float]:
    """(∂L_G/∂θ, ∂L_D/∂ψ) of bench's loss (+ weight·penalty) on a batch of the Dirac data."""
    G, D = pair(theta, psi)
    real, z = torch.zeros(4, 1), torch.randn(4, 1)
    entry, reg = LOSSES.get(loss), REGULARIZERS.get(regularizer)
    fake = G(z).detach()
    d_loss = entry.discriminator(d_real=D(real), d_fake=D(fake))
    if reg.penalty is not None:
        d_loss = d_loss + weight * reg.penalty(discriminator=D, real=real, fake=fake)
    (d_psi,) = torch.autograd.grad(d_loss, D.psi)
    g_loss = entry.generator(d_real=D(real), d_fake=D(G(z)))
    (d_theta,) = torch.autograd.grad(g_loss, G.theta)
    return float(d_theta), float(d_psi)


def sigmoid(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t))


@pytest.mark.parametrize("theta, psi", POINTS)
def test_unregularized_gan_gradients_are_the_papers_field(theta, psi):
    g_theta, g_psi = gradients("mm", theta, psi)
    assert g_theta == pytest.approx(-psi * sigmoid(psi * theta), rel=1e-5, abs=1e-7)
    assert g_psi == pytest.approx(theta * sigmoid(psi * theta), rel=1e-5, abs=1e-7)
    # in the paper's sign ψ_p = −ψ: θ ← θ − h·∂L_G/∂θ = θ + h·v₁ and ψ_p ← ψ_p + h·∂L_D/∂ψ = ψ_p + h·v₂
    psi_p, f_prime = -psi, lambda t: sigmoid(-t)
    assert -g_theta == pytest.approx(-psi_p * f_prime(psi_p * theta), rel=1e-5, abs=1e-7)
    assert g_psi == pytest.approx(theta * f_prime(psi_p * theta), rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("theta, psi", POINTS)
def test_non_saturating_and_wgan_gradients(theta, psi):
    assert gradients("ns", theta, psi)[0] == pytest.approx(-psi * sigmoid(-psi * theta), rel=1e-5, abs=1e-7)
    assert gradients("wgan", theta, psi) == pytest.approx((-psi, theta), rel=1e-5, abs=1e-7)


@pytest.mark.parametrize("regularizer", ["r1", "r2"])
@pytest.mark.parametrize("theta, psi", POINTS)
def test_zero_centred_penalties_add_gamma_psi_to_psis_gradient(regularizer, theta, psi):
    gamma = 0.3
    base = gradients("mm", theta, psi)
    g_theta, g_psi = gradients("mm", theta, psi, regularizer, gamma)
    assert g_theta == pytest.approx(base[0], rel=1e-6)  # D's penalty never touches G's step
    assert g_psi - base[1] == pytest.approx(gamma * psi, rel=1e-5)


@pytest.mark.parametrize("theta, psi", POINTS)
def test_wgan_gp_adds_the_pull_towards_unit_slope(theta, psi):
    lam = 0.35
    g_psi = gradients("wgan", theta, psi, "gp", lam)[1]
    assert g_psi - theta == pytest.approx(2 * lam * (abs(psi) - 1) * math.copysign(1.0, psi), rel=1e-5)


def context(theta: float, psi: float, discriminator: bool = True) -> EvalContext:
    data = load_dataset({"name": "dirac"})
    G, D = pair(theta, psi)
    with torch.no_grad():
        samples = G(torch.randn(3, 1))
    return EvalContext(samples, build_reference(data, {}), discriminator=D if discriminator else None)


@pytest.mark.parametrize("theta, psi", POINTS)
def test_equilibrium_metrics_read_theta_and_psi(theta, psi):
    ctx = context(theta, psi)
    assert equilibrium_distance(ctx) == pytest.approx(math.hypot(theta, psi), rel=1e-6)
    assert dirac_theta(ctx) == pytest.approx(theta) and dirac_psi(ctx) == pytest.approx(psi)


def test_equilibrium_metrics_need_the_discriminator_and_point_data():
    with pytest.raises(ValueError, match="discriminator"):
        equilibrium_distance(context(1.0, 1.0, discriminator=False))
    ring = load_dataset({"name": "ring8", "size": 100})
    _, D = pair(1.0, 1.0)
    ctx = EvalContext(torch.zeros(2500, 2), build_reference(ring, {}), discriminator=D)
    with pytest.raises(ValueError, match="point-mass"):
        equilibrium_distance(ctx)


def test_the_family_has_one_parameter_per_network_and_one_logit():
    from bench.arch import param_counts
    from bench.arch.summary import layer_plan

    spec = ArchSpec("dirac", {"theta0": 1.0, "psi0": -1.0}, z_dim=1)
    assert param_counts(spec, (1,)) == (1, 1) and param_counts(spec, (3,)) == (3, 3)
    G, D = pair(1.0, -1.0)
    assert G(torch.randn(5, 1)).shape == (5, 1) and D(torch.ones(5, 1)).tolist() == [-1.0] * 5
    assert "D(x) = ψ·x" in layer_plan(spec, (1,))  # `bench archs show` prints the pair
    with pytest.raises(ValueError, match="one logit"):
        build_pair(spec, (1,), 4, seed=0)  # an MMD embedding head


def test_the_dirac_dataset_is_a_point_at_zero_in_one_dimension():
    data = load_dataset({"name": "dirac"})
    assert data.x.shape == (1000, 1) and not data.x.any()
    assert sample_shape({"name": "dirac"}) == (1,)


@pytest.mark.parametrize("distances, expected", [
    ([1.0, 0.5, 0.1, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7], "converged"),
    ([1.0, 0.8, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3], "contracting"),
    ([1.0, 1.1, 0.9, 1.05, 0.95, 1.0, 1.1, 0.9], "cycles"),
    ([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0], "diverged"),
    ([1.0, 1.0, float("nan")], "diverged"),
])
def test_verdict_rule(distances, expected):
    assert equilibrium_verdict(distances) == expected
    assert equilibrium_verdict(distances, status="diverged") == "diverged"


def test_verdict_reads_only_the_last_quarter():
    # far away in the first three quarters, back at 1e-4 of the start in the last: converged
    assert equilibrium_verdict([1.0, 5.0, 5.0, 5.0, 5.0, 5.0, 1e-4, 1e-4]) == "converged"
    assert equilibrium_verdict([1.0, 1e-5, 1e-5, 1e-5, 1e-5, 1e-5, 1.0, 1.0]) == "cycles"


def suite_trials() -> dict:
    return {trial.method: trial.config for trial in load_suite(SUITE).trials}


def test_the_replication_suite_validates_with_its_methods():
    loaded = load_suite(SUITE)
    assert len(loaded.trials) == 10 and [spec.id for spec in loaded.architectures] == ["dirac-2a01ad1d10"]
    methods = [trial.method for trial in loaded.trials]
    assert methods[:2] == ["mm+none", "ns+none"] and "mm+r1(weight=0.3)" in methods and "wgan+gp(weight=0.35)" in methods
    config = loaded.trials[0].config
    assert config["optimizer"]["name"] == "sgd" and config["optimizer"]["lr_g"] == config["optimizer"]["lr_d"] == 0.2
    assert config["arch"]["knobs"] == {"theta0": 1.0, "psi0": -1.0}  # the paper's (1, 1) in bench's sign


def train(config: dict, steps: int) -> list[float]:
    """Run one of the suite's trial configs (budget cut to ``steps``) through the trainer: per-step distances."""
    config = {**config, "training": {**config["training"], "steps": steps}}
    data = load_dataset({"name": "dirac"})
    reference = build_reference(data, config["evaluation"])
    trainer = Trainer(config, data.x)
    metrics = config["evaluation"]["metrics"]
    assert trainer.run(lambda s: evaluate(s, reference, metrics, seed=0, discriminator=trainer.D)) == "ok"
    return [row["equilibrium_distance"] for row in trainer.history]


def test_r1_converges_and_the_unregularized_gan_cycles():
    torch.set_num_threads(1)
    trials = suite_trials()
    r1 = train(trials["mm+r1(weight=0.3)"], 300)
    gan = train(trials["mm+none"], 300)
    assert len(r1) == len(gan) == 300
    assert equilibrium_verdict(r1) == "converged", r1[-5:]
    assert equilibrium_verdict(gan) == "cycles", gan[-5:]
    assert min(gan[-75:]) > 0.9 * gan[0]  # the unregularized iterates keep their distance


@pytest.mark.parametrize("method, words", [({"loss": "mmd"}, "a D of"), ({"loss": "began"}, "an auto-encoder D"),
                                           ({"loss": "ns", "regularizer": "infogan"}, "attaches a head")])
def test_a_method_needing_more_than_one_logit_is_refused_with_the_dirac_family(tmp_path, method, words):
    import yaml

    from bench.suite import SuiteError

    mapping = yaml.safe_load(SUITE.read_text())
    mapping["architectures"] = {"catalogue": str(REPO / "archs" / "dirac.jsonl")}
    mapping["methods"] = [{"loss": "ns"}, method]
    (tmp_path / "suite.yaml").write_text(yaml.safe_dump(mapping))
    with pytest.raises(SuiteError) as error:
        load_suite(tmp_path / "suite.yaml")
    message = str(error.value)
    assert words in message and "dirac family's D has one logit" in message, message
