"""Every catalogued architecture and 500 fresh samples per resolution build and map shapes right.

Every spec is built on the meta device (``meta_pair``: no memory, no initialization) and run on a
batch of one: G(z) must have shape (1, C, R, R) and D must map it to (1,) for a logit or (1, 16)
for an embedding, and the closed-form parameter counts the sampler budgets with must equal the
modules' own.  The 150 catalogued specs and one fresh sample in ten are also built for real
(``build_pair``: real initialization, spectral norm included) and run under ``torch.no_grad``:
the same shapes and counts, G's output finite and in [−1, 1], D's finite.  Channels alternate
between 1 and 3, and D's output between a logit and an embedding, so both cases are covered at
every resolution, on the meta device and for real.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from bench.arch import SPACES, build_pair, param_counts, read_catalogue, sample_latent, sample_specs
from bench.arch.build import meta_pair

ROOT = Path(__file__).resolve().parents[1]
RESOLUTIONS = (8, 16, 28, 32, 64)
REAL_EVERY = 40  # of every 40 fresh samples, 4 consecutive ones (each channel count × D output) run for real


def _count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def _shapes_and_counts(spec, data_shape, d_out_dim, generator, discriminator, device):
    assert (_count(generator), _count(discriminator)) == param_counts(spec, data_shape, d_out_dim), spec.id
    with torch.no_grad():
        images = generator(sample_latent(spec, 1, device=device))
        assert images.shape == (1, *data_shape), spec.id
        out = discriminator(images)
    assert out.shape == ((1,) if d_out_dim == 1 else (1, d_out_dim)), spec.id
    return images, out


def check_meta(spec, data_shape, d_out_dim):
    _shapes_and_counts(spec, data_shape, d_out_dim, *meta_pair(spec, data_shape, d_out_dim), "meta")


def check_real(spec, data_shape, d_out_dim, seed=0):
    generator, discriminator = build_pair(spec, data_shape, d_out_dim, seed)
    images, out = _shapes_and_counts(spec, data_shape, d_out_dim, generator, discriminator, None)
    assert torch.isfinite(images).all(), spec.id
    assert images.min() >= -1.0 and images.max() <= 1.0, spec.id
    assert torch.isfinite(out).all(), spec.id


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.slow
def test_every_catalogued_architecture_builds_on_cifar_shape():
    specs = read_catalogue(ROOT / "archs" / "bogonet150.jsonl")
    assert len(specs) == 150
    for index, spec in enumerate(specs):
        check_real(spec, (3, 32, 32), 1 if index % 2 else 16, seed=index)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_500_fresh_samples_build_at_every_resolution(resolution):
    specs = sample_specs(SPACES.get("bogonet"), 500, seed=1000 + resolution, data_shape=(3, resolution, resolution))
    assert len({spec.id for spec in specs}) == 500
    real = []
    for index, spec in enumerate(specs):
        shape, d_out_dim = (1 if index % 2 else 3, resolution, resolution), 1 if index % 4 < 2 else 16
        check_meta(spec, shape, d_out_dim)
        if index % REAL_EVERY < 4:
            check_real(spec, shape, d_out_dim)
            real.append(spec)
    assert len(real) == 52  # 13 groups of four
    assert any(spec.knobs["d_norm"] == "sn" for spec in real)  # spectral norm is built for real too
