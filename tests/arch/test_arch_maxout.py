"""Maxout units in the MLP discriminator (Goodfellow et al. 2013) and the ``init`` knob: the layer's
output against max over its pieces on known values, parameter counts in closed form against the
built modules (PacGAN's 2-D networks), and the defaults that leave every existing spec unchanged."""

from __future__ import annotations

import pytest
import torch

from bench.arch import ArchSpec, SPACES, build_pair, param_counts, sample_specs
from bench.arch.layers import Maxout
from bench.arch.mlp import MLP_OPTIONAL

PACGAN_KNOBS = {"g_width": 400, "g_depth": 4, "g_norm": "batch", "g_act": "relu", "d_width": 200, "d_depth": 3,
                "d_act": "maxout", "d_pieces": 5, "d_norm": "none", "init": "normal"}


def test_maxout_is_the_max_over_its_pieces_on_known_values():
    layer = Maxout(2, 2, 3)
    with torch.no_grad():  # unit i, piece j is row i·3 + j: unit 0 = (x₀, x₁, −x₀ + 1), unit 1 = (2x₀, −x₁, 0)
        layer.linear.weight.copy_(torch.tensor([[1., 0.], [0., 1.], [-1., 0.], [2., 0.], [0., -1.], [0., 0.]]))
        layer.linear.bias.copy_(torch.tensor([0., 0., 1., 0., 0., 0.]))
    x = torch.tensor([[3., -2.], [-1., 0.5], [0.25, 0.25]])
    expected = torch.tensor([[3., 6.], [2., 0.], [0.75, 0.5]])
    assert torch.equal(layer(x), expected)


def test_maxout_matches_the_max_of_its_affine_pieces_on_random_values():
    torch.manual_seed(0)
    layer, x = Maxout(7, 4, 5), torch.randn(16, 7)
    pieces = (x @ layer.linear.weight.T + layer.linear.bias).view(16, 4, 5)
    assert torch.allclose(layer(x), pieces.max(dim=2).values, atol=1e-6)
    assert layer(x).shape == (16, 4)


@pytest.mark.parametrize("pac", [1, 2, 3, 4])
def test_pacgan_networks_have_their_closed_form_parameter_counts(pac):
    spec = ArchSpec("mlp", PACGAN_KNOBS, z_dim=2)
    G, D = build_pair(spec, (2,), 1, seed=0)
    _, D_packed = build_pair(spec, (2 * pac,), 1, seed=0)
    # G: linear(2, 400) + 3 · linear(400, 400) + linear(400, 2) + 4 BN(400) of 2·400 each
    g_expected = (2 * 400 + 400) + 3 * (400 * 400 + 400) + (400 * 2 + 2) + 4 * 800
    # D: maxout(2m → 200 × 5) = linear(2m, 1000), twice maxout(200 → 200 × 5), linear(200, 1)
    d_expected = (2 * pac * 1000 + 1000) + 2 * (200 * 1000 + 1000) + (200 + 1)
    assert sum(p.numel() for p in G.parameters()) == g_expected == 486_402
    assert sum(p.numel() for p in D_packed.parameters()) == d_expected
    assert param_counts(spec, (2 * pac,))[1] == d_expected and param_counts(spec, (2,))[0] == g_expected
    assert sum(p.numel() for p in D.parameters()) == 405_201


def test_maxout_discriminator_layout_and_features():
    G, D = build_pair(ArchSpec("mlp", PACGAN_KNOBS, z_dim=2), (2,), 1, seed=0)
    maxouts = [m for m in D.net if isinstance(m, Maxout)]
    assert [(m.linear.in_features, m.n_out, m.pieces) for m in maxouts] == [(2, 200, 5), (200, 200, 5), (200, 200, 5)]
    x = torch.randn(8, 2)
    assert D.features(x).shape == (8, 200) and D(x).shape == (8,)
    assert G(torch.randn(8, 2)).shape == (8, 2)


def test_normal_init_draws_small_weights_and_zero_biases():
    G, D = build_pair(ArchSpec("mlp", PACGAN_KNOBS, z_dim=2), (2,), 1, seed=0)
    linears = [m for m in [*G.modules(), *D.modules()] if isinstance(m, torch.nn.Linear)]
    weights = torch.cat([m.weight.flatten() for m in linears])
    assert weights.std().item() == pytest.approx(0.02, rel=0.02)
    assert all(torch.count_nonzero(m.bias) == 0 for m in linears)
    G_torch, _ = build_pair(ArchSpec("mlp", {**PACGAN_KNOBS, "init": "torch"}, z_dim=2), (2,), 1, seed=0)
    assert G_torch.net[3].weight.std().item() > 0.025  # Kaiming-uniform on 400 inputs: 1/√(3·400) ≈ 0.029


def test_pieces_without_maxout_are_refused():
    with pytest.raises(ValueError, match="d_pieces.*maxout"):
        build_pair(ArchSpec("mlp", {"d_act": "relu", "d_pieces": 3}, z_dim=2), (2,), 1, seed=0)


def test_the_mlp_space_never_draws_the_optional_knobs():
    specs = sample_specs(SPACES.get("mlp"), 50, seed=0)
    assert not any(set(MLP_OPTIONAL) & set(spec.knobs) for spec in specs)
    assert not any(spec.knobs["d_act"] == "maxout" for spec in specs)
