"""Behaviour check that can fail: BEGAN on digits (16×16) lowers its convergence measure M_global
over training and ends with an FID inside the range the other losses reach on the same
architectures with the same budget, optimizer and seed.

Closed-form tests cannot catch a k_t update with the wrong sign (k runs to 1 and D stops
learning real data), a decoder that cannot reconstruct, or an L_G on the wrong tensor; a real
run through :class:`bench.train.Trainer` does.  Not timed.  Protocol: 2 architectures of the
``bogonet-small`` space (plain blocks, so the comparison is about losses), Adam(2e-4, β = (0.5,
0.999)) for every loss, 600 steps at batch 64, FID on the digits classifier's features (500
samples against the cached digits reference).  BEGAN uses η = 1, a 16-dim code, λ_k = 0.01 (the
top of compare_gan's wide range 10^[−4, −2]) and γ = 0.9 (the top of compare_gan's narrow range
[0.6, 0.9]; higher γ favours diversity, Berthelot et al. §3.3).  With the paper's λ_k = 0.001,
k_t stays near 0 for a 600-step budget (it moves by at most λ_k·γ·L(x) per step), D is then a
plain auto-encoder of the real data and G drifts towards images it reconstructs well.

Measured (December 2026) on the first architecture, conv-40e3e93a1a: M_global falls in every
BEGAN setting tried (0.26–0.48 → 0.09–0.15); final FIDs: ns 158, hinge 230, ls 144, wgan-gp 348;
BEGAN 801 (λ_k 0.001, γ 0.5), 748 (same, lr 1e-4), 510 (λ_k 0.01, γ 0.5), 730 (λ_k 0.01, γ 0.75,
64-dim code), 424 (λ_k 0.01, γ 0.75), **247 (λ_k 0.01, γ 0.9, the setting used here)**.  On the
second, conv-0cac5fb8e3 (setting used here only): ns 157, hinge 190, ls 119, wgan-gp 648, BEGAN
418, M_global 0.57 → 0.14, untrained FID 1350.  So the
range check holds there only with a setting chosen after trying these six: BEGAN is far more
sensitive to γ and λ_k at short budgets than the other losses are to theirs.
"""

from __future__ import annotations

import pytest

from bench.arch import SPACES, sample_specs
from bench.metrics.evaluate import evaluate
from bench.train import Trainer

STEPS = 600
OTHERS = [("ns", "none", 0.0), ("hinge", "none", 0.0), ("ls", "none", 0.0), ("wgan", "gp", 10.0)]


def config(spec, loss, reg, weight):
    params = {"embedding_dim": 16, "gamma": 0.9, "lambda_k": 0.01} if loss == "began" else {}
    return {
        "seed": 0, "arch": spec.to_dict(),
        "loss": {"name": loss, "params": params},
        "regularizer": {"name": reg, "weight": weight, "every": 1, "params": {}},
        "optimizer": {"name": "adam", "lr_g": 2e-4, "lr_d": 2e-4, "beta1": 0.5, "beta2": 0.999, "n_disc": 1, "n_gen": 1},
        "training": {"steps": STEPS, "batch_size": 64, "ema": 0.0, "log_every": 50, "divergence_threshold": 1e6,
                     "checkpoint_every": None},
        "evaluation": {"every": 100, "num_samples": 500, "metrics": ["fid"], "feature_extractor": "auto"},
    }


@pytest.mark.slow
def test_began_converges_and_lands_in_the_range_of_the_other_losses(digits, digits_reference):
    space = SPACES.get("bogonet-small").narrow({"g_block": "plain", "d_block": "plain"})
    specs = sample_specs(space, 2, seed=0, data_shape=(1, 16, 16))
    fid = lambda samples: evaluate(samples, digits_reference, ["fid"], seed=0)  # noqa: E731
    for spec in specs:
        finals = {}
        for loss, reg, weight in OTHERS + [("began", "none", 0.0)]:
            trainer = Trainer(config(spec, loss, reg, weight), digits.x)
            untrained = fid(trainer.generate(trainer.G))["fid"]
            assert trainer.run(fid) == "ok", (spec.id, loss)
            finals[loss] = trainer.history[-1]["fid"]
            if loss == "began":
                m = [row["m_global"] for row in trainer.history]
                assert m[-1] < 0.8 * m[0], f"{spec.id}: M_global {m} did not fall"
                assert finals[loss] < untrained  # the run learned something
        others = [finals[name] for name, _, _ in OTHERS]
        assert finals["began"] <= max(others), f"{spec.id}: BEGAN FID {finals['began']:.2f} vs others {others}"
