"""Self-attention (SAGAN) and the mapping network (StyleGAN) as conv knobs: shapes, known values,
parameter counts, refusals, a real trainer step with a bit-exact resume."""

from __future__ import annotations

import pytest
import torch

from bench.arch import ArchSpec, build_pair, param_counts
from bench.arch.build import module_param_counts
from bench.arch.extras import MappingNetwork, SelfAttention, attention_params
from tests.resume_check import assert_resumes_bit_identically
from tests.train.test_trainer import IMAGES, config, no_metrics


def test_attention_block_shapes_and_identity_at_initialisation():
    torch.manual_seed(0)
    block = SelfAttention(16)
    x = torch.randn(2, 16, 4, 4)
    assert torch.equal(block(x), x)  # γ = 0: a fresh block is the identity
    beta = block.attention(x)
    assert beta.shape == (2, 16, 16) and torch.allclose(beta.sum(1), torch.ones(2, 16))
    with torch.no_grad():
        block.gamma.fill_(1.0)
    y = block(x)
    assert y.shape == x.shape and not torch.allclose(y, x)
    y.sum().backward()
    assert all(p.grad is not None for p in block.parameters())
    assert sum(p.numel() for p in block.parameters()) == attention_params(16)


def test_mapping_network_normalises_z_first():
    torch.manual_seed(0)
    mapping = MappingNetwork(8, 3)
    z = torch.randn(5, 8)
    assert mapping(z).shape == (5, 8)
    assert torch.allclose(mapping(z), mapping(3 * z), atol=1e-6)  # pixel norm: the scale of z does not matter
    assert len([m for m in mapping.modules() if isinstance(m, torch.nn.Linear)]) == 3


@pytest.mark.parametrize("knobs", [
    {"g_attention": 8, "d_attention": 4},
    {"g_attention": 4, "d_attention": 8, "g_block": "residual", "d_block": "residual", "d_norm": "sn"},
    {"g_mapping": 2},
])
def test_conv_networks_with_the_new_knobs(knobs):
    spec = ArchSpec("conv", {"g_filters": 8, "d_filters": 8, **knobs}, z_dim=8)
    generator, discriminator = build_pair(spec, (1, 16, 16), 1, 0)
    z = torch.randn(3, 8)
    assert generator(z).shape == (3, 1, 16, 16) and discriminator(generator(z)).shape == (3,)
    blocks = sum(isinstance(m, SelfAttention) for m in list(generator.modules()) + list(discriminator.modules()))
    assert blocks == bool(knobs.get("g_attention")) + bool(knobs.get("d_attention"))
    assert param_counts(spec, (1, 16, 16)) == module_param_counts(spec, (1, 16, 16))
    plain = ArchSpec("conv", {"g_filters": 8, "d_filters": 8}, z_dim=8)
    assert param_counts(spec, (1, 16, 16)) != param_counts(plain, (1, 16, 16))


def test_knobs_at_their_defaults_change_no_id():
    plain = ArchSpec("conv", {"g_filters": 8}, z_dim=8)
    assert "g_attention" not in plain.knobs and plain.id == ArchSpec("conv", {"g_filters": 8}, z_dim=8).id


def test_attention_at_a_missing_resolution_is_refused_with_the_possible_ones(write_suite, tmp_path):
    from bench.suite import SuiteError, load_suite

    with pytest.raises(ValueError, match=r"'g_attention': no hidden level of side 12 .* one of 4, 8"):
        param_counts(ArchSpec("conv", {"g_attention": 12}, z_dim=8), (1, 16, 16))
    suite = {"name": "s", "version": "1", "dataset": {"name": "digits", "resolution": 16},
             "architectures": {"space": "bogonet-small", "n": 1, "seed": 0, "knobs": {"d_attention": [16]}},
             "methods": [{"loss": "ns"}], "training": {"steps": 2}, "evaluation": {"every": 2},
             "results": str(tmp_path / "out")}
    with pytest.raises(SuiteError, match="d_attention"):
        load_suite(write_suite(suite))


def test_attention_and_mapping_train_and_resume_bit_identically(tmp_path):
    def cfg():
        c = config(steps=4)
        c["arch"]["knobs"].update(g_attention=4, d_attention=4, g_mapping=2)
        return c

    full = assert_resumes_bit_identically(tmp_path, cfg, IMAGES, 2, no_metrics)
    (attention,) = [m for m in full.G.modules() if isinstance(m, SelfAttention)]
    assert attention.gamma.item() != 0.0  # G's attention block learned (γ moved off 0)
