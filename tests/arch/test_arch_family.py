"""What an architecture family declares (bench.arch.interface.Family): every registered family's
optional parts agree with its builders, and a family with only the required parts works through
the generic fallbacks (meta-device counts, any non-empty shape, all knobs listed, one-step plans)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from bench.arch import SPACES, ArchSpec, Family, Space, arch_columns, build_pair, param_counts, sample_specs
from bench.arch.build import module_param_counts
from bench.arch.family import FAMILIES
from bench.arch.knobs import Domain
from bench.arch.sampler import check_data_shape
from bench.arch.summary import layer_plan, one_line
from bench.registry import forget_origin, registering_for

RESERVED = {"id", "family", "z_dim", "prior", "g_params", "d_params"}  # arch_* columns arch_columns writes itself


def family_shape(name: str) -> tuple:
    """A data shape the family builds for: that of its first declared space, else bench's default
    for its kind of data (3×32×32 images, 2-D points)."""
    default = {"image": (3, 32, 32), "points": (2,)}[FAMILIES.get(name).data_kind]
    return next((tuple(space.data_shape) for _, space in SPACES.items() if space.family == name), default)


@pytest.mark.parametrize("name", FAMILIES.names())
def test_every_family_declares_parts_that_agree_with_its_builders(name):
    family, shape = FAMILIES.get(name), family_shape(name)
    assert set(family.defaults) <= set(family.domains) and set(family.optional) <= set(family.domains)
    assert set(family.short_knobs) <= set(family.domains)
    spec = ArchSpec(name, {}, z_dim=8)
    check_data_shape(name, shape)
    with pytest.raises(ValueError):
        check_data_shape(name, ())
    if family.count_params is not None:  # the closed form counts what the builders build
        for d_out_dim in (1,) if family.one_logit else (1, 5):
            assert family.count_params(spec, shape, d_out_dim) == module_param_counts(spec, shape, d_out_dim)
    if family.one_logit:  # a family of one logit refuses a head of more, with the reason
        with pytest.raises(ValueError, match="one logit"):
            family.discriminator(spec, shape, 5)
    properties = family.properties(spec, shape) if family.properties is not None else {}
    assert not set(properties) & (set(family.domains) | RESERVED)  # no property overwrites a knob column
    assert {f"arch_{p}" for p in properties} <= set(arch_columns(spec, shape))
    plan = layer_plan(spec, shape).splitlines()
    d_at = plan.index("  D:")
    assert plan[d_at - 1].endswith(f"→ {shape}")  # G's last step gives the data's shape
    assert plan[-1].endswith(("→ (1,)", "→ ()"))  # D's last step one output per sample (before any squeeze)


class TinyGenerator(nn.Module):
    def __init__(self, spec, data_shape):
        super().__init__()
        self.data_shape = tuple(data_shape)
        self.net = nn.Sequential(nn.Linear(spec.z_dim, spec.knobs.get("width", 4)), nn.ReLU(),
                                 nn.Linear(spec.knobs.get("width", 4), math.prod(data_shape)))

    def forward(self, z):
        return self.net(z).view(z.shape[0], *self.data_shape)


class TinyDiscriminator(nn.Module):
    def __init__(self, spec, data_shape, out_dim):
        super().__init__()
        self.out_dim = out_dim
        self.net = nn.Linear(math.prod(data_shape), out_dim)

    def forward(self, x):
        out = self.net(x.flatten(1))
        return out.squeeze(1) if self.out_dim == 1 else out


@pytest.fixture
def tiny():
    """A family (and a space of it) with only the required parts, registered for this test only."""
    with registering_for("test-tiny-family"):
        FAMILIES.add("tiny", Family(TinyGenerator, TinyDiscriminator, "points", {"width": 4},
                                    {"width": Domain.integer(1, 64, "hidden units of G")}))
        SPACES.add("tiny", Space("tiny", {"width": (2, 4, 8, 16), "z_dim": (2, 3), "prior": ("normal",)},
                                 "test space", "none", (2,), max_params=60))
    yield FAMILIES.get("tiny")
    forget_origin("test-tiny-family")


def test_a_family_with_only_the_required_parts_works_through_the_fallbacks(tiny):
    spec = ArchSpec("tiny", {"width": 8}, z_dim=3)
    # G: 3·8 + 8 + 8·2 + 2 = 50; D: 2·1 + 1 = 3, or with an auto-encoder head of a 5-dim code:
    # encoder 2·5 + 5 = 15 plus a decoder with G's architecture from the code, 5·8 + 8 + 8·2 + 2 = 66
    assert param_counts(spec, (2,)) == (50, 3)
    assert param_counts(spec, (2,), 5, "autoencoder") == (50, 81)
    check_data_shape("tiny", (2,))
    with pytest.raises(ValueError, match="cannot build for data of shape"):
        check_data_shape("tiny", ())
    columns = arch_columns(spec, (2,))
    assert columns["arch_width"] == 8 and columns["arch_g_params"] == 50 and columns["arch_d_params"] == 3
    assert sorted(c for c in columns if c.startswith("arch_")) == sorted(
        ["arch_id", "arch_family", "arch_z_dim", "arch_prior", "arch_width", "arch_g_params", "arch_d_params"])
    assert one_line(spec, (2,)).endswith("width=8")
    plan = layer_plan(spec, (2,))
    assert plan.splitlines()[-3].split() == ["TinyGenerator", "→", "(2,)"]  # G:, its one step, D:, its one step
    assert plan.splitlines()[-1].split() == ["TinyDiscriminator", "→", "()"]
    assert param_counts(ArchSpec("tiny", {"width": 16}, z_dim=2), (2,))[0] == 82  # over the space's budget of 60
    sampled = sample_specs(SPACES.get("tiny"), 6, seed=0)  # 6 of the 8 combinations fit the budget
    assert sorted((s.knobs["width"], s.z_dim) for s in sampled) == [(w, z) for w in (2, 4, 8) for z in (2, 3)]
    generator, discriminator = build_pair(spec, (2,), 1, seed=0)
    z = torch.randn(4, 3)
    assert generator(z).shape == (4, 2) and discriminator(generator(z)).shape == (4,)
