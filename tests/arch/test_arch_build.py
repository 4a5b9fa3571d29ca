"""The builders: determinism, knob validation, the layout the knobs promise, the MLP family."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils import parametrize

from bench.arch import ArchSpec, SPACES, build_pair, param_counts, sample_latent, sample_specs
from bench.arch.blocks import ResidualBlock, ResidualDown, ResidualUp
from bench.arch.conv import conv_depths, resolution_plan


def test_same_seed_same_weights_other_seed_other_weights():
    spec = sample_specs(SPACES.get("bogonet-small"), 1, seed=4)[0]
    g1, d1 = build_pair(spec, (1, 16, 16), 1, seed=3)
    g2, d2 = build_pair(spec, (1, 16, 16), 1, seed=3)
    g3, _ = build_pair(spec, (1, 16, 16), 1, seed=4)
    for a, b in zip(list(g1.parameters()) + list(d1.parameters()), list(g2.parameters()) + list(d2.parameters())):
        assert torch.equal(a, b)
    assert not all(torch.equal(a, b) for a, b in zip(g1.parameters(), g3.parameters()))


def test_spec_round_trip_and_content_id():
    spec = sample_specs(SPACES.get("bogonet"), 1, seed=9)[0]
    again = ArchSpec.from_dict(spec.to_dict())
    assert again == spec and again.id == spec.id
    assert ArchSpec("conv", dict(reversed(list(spec.knobs.items()))), spec.z_dim, spec.prior).id == spec.id
    with pytest.raises(ValueError, match="does not match its content"):
        ArchSpec.from_dict({**spec.to_dict(), "z_dim": spec.z_dim + 1})


def test_unknown_or_unsupported_knobs_fail_at_build():
    with pytest.raises(ValueError, match=r"unknown knob\(s\) 'g_filter'"):
        build_pair(ArchSpec("conv", {"g_filter": 8}), (1, 16, 16), 1, 0)
    with pytest.raises(ValueError, match="knob 'd_norm'"):
        build_pair(ArchSpec("conv", {"d_norm": "spectral"}), (1, 16, 16), 1, 0)
    with pytest.raises(ValueError, match="resolution 18 is not supported"):
        build_pair(ArchSpec("conv", {}), (1, 18, 18), 1, 0)
    with pytest.raises(ValueError, match="square images"):
        build_pair(ArchSpec("conv", {}), (2,), 1, 0)


@pytest.mark.parametrize("resolution,plan", [(8, (4, 1)), (16, (4, 2)), (28, (7, 2)), (32, (4, 3)), (64, (4, 4))])
def test_resolution_plan(resolution, plan):
    assert resolution_plan(resolution) == plan


@pytest.mark.parametrize("block", ["plain", "residual"])
def test_depth_matches_wgan_gp_table1_at_32(block):
    knobs = {"g_extra_layers": 8, "d_extra_layers": 16, "g_block": block, "d_block": block,
             "g_filters": 8, "d_filters": 8, "g_kernel": 3, "d_kernel": 3}
    spec = ArchSpec("conv", knobs, z_dim=16)
    generator, discriminator = build_pair(spec, (3, 32, 32), 1, 0)
    count = lambda m: sum(1 for x in m.modules() if isinstance(x, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))
                          and getattr(x, "kernel_size", (3, 3)) != (1, 1))  # noqa: E731
    # plain: WGAN-GP's depth 4 + extra layers; residual: one more conv per resampling block (n − 1 = 2)
    expected = (12, 20) if block == "plain" else (14, 22)
    assert (count(generator), count(discriminator)) == conv_depths(spec, (3, 32, 32)) == expected
    residual = any(isinstance(m, (ResidualBlock, ResidualUp, ResidualDown)) for m in generator.modules())
    assert residual == (block == "residual")


def test_dcgan_at_32_has_the_gan_cifar_widths():
    spec = ArchSpec("conv", {"g_filters": 64, "d_filters": 64}, z_dim=128)
    generator, discriminator = build_pair(spec, (3, 32, 32), 1, 0)
    g_convs = [m for m in generator.modules() if isinstance(m, nn.ConvTranspose2d)]
    d_convs = [m for m in discriminator.modules() if isinstance(m, nn.Conv2d)]
    assert generator.project.out_features == 4 * 64 * 4 * 4
    assert [(m.in_channels, m.out_channels) for m in g_convs] == [(256, 128), (128, 64), (64, 3)]
    assert [(m.in_channels, m.out_channels) for m in d_convs] == [(3, 64), (64, 128), (128, 256)]
    assert discriminator.head.in_features == 256 * 4 * 4


def test_spectral_norm_wraps_every_layer_of_d_only():
    spec = ArchSpec("conv", {"d_norm": "sn", "d_block": "residual", "d_extra_layers": 2, "d_filters": 8, "g_filters": 8})
    generator, discriminator = build_pair(spec, (1, 16, 16), 1, 0)
    weighted = [m for m in discriminator.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert weighted and all(parametrize.is_parametrized(m) for m in weighted)
    assert not any(parametrize.is_parametrized(m) for m in generator.modules())


@pytest.mark.parametrize("upsample", ["deconv", "nearest", "bilinear"])
def test_upsampling_choice_is_used(upsample):
    spec = ArchSpec("conv", {"g_upsample": upsample, "g_filters": 8, "d_filters": 8})
    generator, _ = build_pair(spec, (1, 16, 16), 1, 0)
    modes = {m.mode for m in generator.modules() if isinstance(m, nn.Upsample)}
    has_deconv = any(isinstance(m, nn.ConvTranspose2d) for m in generator.modules())
    assert (modes, has_deconv) == (({upsample}, False) if upsample != "deconv" else (set(), True))


def test_500_mlp_samples_build_for_points_and_images():
    specs = sample_specs(SPACES.get("mlp"), 500, seed=0)
    torch.set_num_threads(1)
    for index, spec in enumerate(specs):
        shape, d_out = ((2,), 1) if index % 5 else ((1, 8, 8), 16)
        generator, discriminator = build_pair(spec, shape, d_out, seed=index)
        assert (sum(p.numel() for p in generator.parameters()),
                sum(p.numel() for p in discriminator.parameters())) == param_counts(spec, shape, d_out)
        with torch.no_grad():
            x = generator(sample_latent(spec, 2))
            out = discriminator(x)
        assert x.shape == (2, *shape) and torch.isfinite(x).all()
        if len(shape) == 3:
            assert x.abs().max() <= 1.0
        assert out.shape == ((2,) if d_out == 1 else (2, d_out)) and torch.isfinite(out).all()


@pytest.mark.parametrize("prior", ["normal", "uniform"])
def test_sample_latent_follows_the_prior(prior):
    spec = ArchSpec("mlp", {}, z_dim=8, prior=prior)
    z = sample_latent(spec, 4000, generator=torch.Generator().manual_seed(0))
    assert z.shape == (4000, 8)
    if prior == "uniform":
        assert -1.0 <= z.min() < -0.99 and 0.99 < z.max() <= 1.0
        assert abs(z.var().item() - 1 / 3) < 0.02
    else:
        assert abs(z.mean().item()) < 0.03 and abs(z.std().item() - 1.0) < 0.03
