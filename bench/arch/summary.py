"""Readable summaries of specs: one line per catalogue entry, or the layer-by-layer plan of one.

Layer plans are traced on the meta device (shapes only, no memory, no weights), so a summary of
a large architecture is instant and needs no accelerator.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils import parametrize

from bench.arch.autoencoder import decoder_spec
from bench.arch.blocks import ResidualBlock, ResidualDown, ResidualUp
from bench.arch.build import param_counts
from bench.arch.family import FAMILIES, full_knobs
from bench.arch.layers import Maxout
from bench.arch.spec import ArchSpec

def _millions(count: int) -> str:
    """A parameter count for a listing: ``4.64M``, ``12.3k`` or ``850``."""
    if count >= 1e6:
        return f"{count / 1e6:.2f}M"
    return f"{count / 1e3:.1f}k" if count >= 1e3 else str(count)


def one_line(spec: ArchSpec, data_shape: tuple, d_out_dim: int = 1, d_output: str = "logit") -> str:
    """``id  G 1.23M  D 0.45M  z=128 normal  g_filters=64 …`` for a catalogue listing (D with the
    head ``d_output`` of ``d_out_dim`` outputs: a logit by default)."""
    g, d = param_counts(spec, data_shape, d_out_dim, d_output)
    knobs = full_knobs(spec)
    keys = FAMILIES.get(spec.family).short_knobs or tuple(sorted(knobs))
    text = " ".join(f"{key}={knobs[key]}" for key in keys if key in knobs)
    return f"{spec.id}  G {_millions(g)}  D {_millions(d)}  z={spec.z_dim} {spec.prior}  {text}"


def describe_module(module: nn.Module) -> str:
    """A short, readable name of one layer, e.g. ``ConvTranspose2d 256→128 k5 s2 +SN``."""
    sn = " +SN" if parametrize.is_parametrized(module) else ""
    if isinstance(module, ResidualUp):
        return f"ResidualUp {module.skip[1].in_channels}→{module.skip[1].out_channels}"
    if isinstance(module, ResidualDown):
        return f"ResidualDown {module.skip[0].in_channels}→{module.skip[0].out_channels}"
    if isinstance(module, ResidualBlock):
        convs = [m for m in module.main if isinstance(m, nn.Conv2d)]
        return f"ResidualBlock {convs[0].in_channels} ×{len(convs)} conv"
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        kind = type(module).__name__.replace("Parametrized", "")
        return f"{kind} {module.in_channels}→{module.out_channels} k{module.kernel_size[0]} s{module.stride[0]}{sn}"
    if isinstance(module, Maxout):
        linear = module.linear
        return f"Maxout {linear.in_features}→{module.n_out} ×{module.pieces} pieces{' +SN' if parametrize.is_parametrized(linear) else ''}"
    if isinstance(module, nn.Linear):
        return f"Linear {module.in_features}→{module.out_features}{sn}"
    if isinstance(module, nn.Sequential):
        return " + ".join(describe_module(m) for m in module)
    if isinstance(module, nn.Upsample):
        return f"Upsample ×2 {module.mode}"
    return type(module).__name__


def _trace(steps: list[tuple[str, nn.Module]], x: torch.Tensor) -> list[str]:
    lines = []
    for label, module in steps:
        x = module(x)
        lines.append(f"    {label:<48} → {tuple(x.shape[1:])}")
    return lines


def _steps(layers, network: nn.Module, data_shape: tuple) -> list[tuple[str, object]]:
    """(label, callable) per step of the family's layer list (``Family.g_layers``/``d_layers``;
    without one, the whole network is one step)."""
    steps = layers(network, data_shape) if layers is not None else [network]
    return [step if isinstance(step, tuple) else (describe_module(step), step) for step in steps]


def layer_plan(spec: ArchSpec, data_shape: tuple, d_out_dim: int = 1, d_output: str = "logit") -> str:
    """The spec's header, knobs, parameter counts and both networks layer by layer with shapes;
    with ``d_output="autoencoder"`` D is listed as its encoder (D's trunk to a ``d_out_dim``-dim
    code) and its decoder (G's architecture from the code)."""
    family = FAMILIES.get(spec.family)
    g_params, d_params = param_counts(spec, data_shape, d_out_dim, d_output)
    lines = [f"{spec.id}  family={spec.family}  z_dim={spec.z_dim}  prior={spec.prior}  data={tuple(data_shape)}",
             f"  parameters: G {g_params:,}  D {d_params:,}" + ("  (auto-encoder D)" if d_output == "autoencoder" else ""),
             "  knobs: " + ", ".join(f"{k}={v}" for k, v in sorted(full_knobs(spec).items()))]
    with torch.device("meta"), torch.no_grad():
        generator = family.generator(spec, tuple(data_shape)).eval()
        discriminator = family.discriminator(spec, tuple(data_shape), d_out_dim).eval()
        lines += ["  G:"] + _trace(_steps(family.g_layers, generator, data_shape), torch.empty(2, spec.z_dim))
        x = torch.empty(2, *data_shape)
        if d_output != "autoencoder":
            return "\n".join(lines + ["  D:"] + _trace(_steps(family.d_layers, discriminator, data_shape), x))
        decoder_arch = decoder_spec(spec, d_out_dim)
        decoder = family.generator(decoder_arch, tuple(data_shape)).eval()
        lines += ["  D encoder:"] + _trace(_steps(family.d_layers, discriminator, data_shape), x)
        lines += ["  D decoder (G's architecture from the code):"]
        lines += _trace(_steps(family.g_layers, decoder, data_shape), torch.empty(2, d_out_dim))
    return "\n".join(lines)
