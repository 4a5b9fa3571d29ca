"""Every catalogued architecture and 500 fresh samples per resolution build and map shapes right.

A real check builds a spec with the real builder (``build_pair``: real initialization, spectral
norm included) and runs it on a batch of one under ``torch.no_grad``: G(z) must have shape
(1, C, R, R), be finite and lie in [−1, 1]; D must map it to (1,) for a logit or (1, 16) for an
embedding, finite; and the closed-form parameter counts the sampler budgets with must equal the
modules' own.  Channels alternate between 1 and 3, and D's output between a logit and an
embedding, so both cases are covered at every resolution.

The fast tier runs the real check on one fresh sample in ten at every resolution.  The slow tier
runs it on all 150 catalogued architectures and checks the parameter counts of all 500 fresh
samples per resolution on modules built on the meta device (``meta_pair``: no memory, no
initialization; a real build and forward cost about 10× more, a forward on the meta device more
still).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from bench.arch import SPACES, build_pair, param_counts, read_catalogue, sample_latent, sample_specs
from bench.arch.build import meta_pair

ROOT = Path(__file__).resolve().parents[2]
RESOLUTIONS = (8, 16, 28, 32, 64)
SAMPLE_EVERY = 40  # of every 40 fresh samples, 4 consecutive ones (each channel count × D output) run for real


def _count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def case(index: int, resolution: int) -> tuple[tuple, int]:
    """Data shape and D output size of the ``index``-th sample: channels 3, 1, 3, 1 …; logit, logit, embedding, embedding …"""
    return (1 if index % 2 else 3, resolution, resolution), 1 if index % 4 < 2 else 16


def check_real(spec, data_shape, d_out_dim, seed=0):
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


def fresh(resolution: int) -> list:
    specs = sample_specs(SPACES.get("bogonet"), 500, seed=1000 + resolution, data_shape=(3, resolution, resolution))
    assert len({spec.id for spec in specs}) == 500
    return specs


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
def test_a_sample_of_the_fresh_architectures_builds_and_runs_at_every_resolution(resolution):
    sample = [(index, spec) for index, spec in enumerate(fresh(resolution)) if index % SAMPLE_EVERY < 4]
    assert len(sample) == 52  # 13 groups of four
    assert {spec.knobs["d_norm"] for _, spec in sample} >= {"sn", "batch", "layer", "none"}
    for index, spec in sample:
        check_real(spec, *case(index, resolution))


@pytest.mark.slow
@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_500_fresh_samples_have_the_closed_form_parameter_counts(resolution):
    for index, spec in enumerate(fresh(resolution)):
        shape, d_out_dim = case(index, resolution)
        counts = tuple(_count(module) for module in meta_pair(spec, shape, d_out_dim))
        assert counts == param_counts(spec, shape, d_out_dim), spec.id
