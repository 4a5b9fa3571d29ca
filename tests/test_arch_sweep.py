"""Every catalogued architecture and 500 fresh samples per resolution build and map shapes right.

Each spec is built once per resolution with the real builder (``build_pair``: real
initialization, spectral norm included) and run on a batch of one under ``torch.no_grad``:
G(z) must have shape (1, C, R, R), be finite and lie in [−1, 1]; D must map it to (1,) for a
logit or (1, 16) for an embedding.  Channels alternate between 1 and 3, and D's output between
a logit and an embedding, so both cases are covered at every resolution.  The closed-form
parameter counts the sampler budgets with are checked against the real modules on the way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from bench.arch import SPACES, build_pair, param_counts, read_catalogue, sample_latent, sample_specs

ROOT = Path(__file__).resolve().parents[1]
RESOLUTIONS = (8, 16, 28, 32, 64)


def _count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def check_spec(spec, data_shape, d_out_dim, seed=0):
    generator, discriminator = build_pair(spec, data_shape, d_out_dim, seed)
    assert (_count(generator), _count(discriminator)) == param_counts(spec, data_shape, d_out_dim), spec.id
    with torch.no_grad():
        images = generator(sample_latent(spec, 1))
        assert images.shape == (1, *data_shape), spec.id
        assert torch.isfinite(images).all(), spec.id
        assert images.min() >= -1.0 and images.max() <= 1.0, spec.id
        out = discriminator(images)
    assert out.shape == ((1,) if d_out_dim == 1 else (1, d_out_dim)), spec.id
    assert torch.isfinite(out).all(), spec.id


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_every_catalogued_architecture_builds_on_cifar_shape():
    specs = read_catalogue(ROOT / "archs" / "bogonet150.jsonl")
    assert len(specs) == 150
    for index, spec in enumerate(specs):
        check_spec(spec, (3, 32, 32), 1 if index % 2 else 16, seed=index)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_500_fresh_samples_build_at_every_resolution(resolution):
    specs = sample_specs(SPACES.get("bogonet"), 500, seed=1000 + resolution, data_shape=(3, resolution, resolution))
    assert len({spec.id for spec in specs}) == 500
    for index, spec in enumerate(specs):
        channels = 1 if index % 2 else 3
        check_spec(spec, (channels, resolution, resolution), 1 if index % 4 < 2 else 16)
