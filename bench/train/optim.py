"""Optimizers of a trial: Adam (β1, β2) or RMSprop (α = β2), separate lr for G and D (TTUR,
Heusel et al. 2017)."""

from __future__ import annotations

import torch


def make_optimizer(name: str, params, lr: float, beta1: float, beta2: float) -> torch.optim.Optimizer:
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(beta1, beta2))
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=beta2)
    raise ValueError(f"unknown optimizer {name!r}; valid: adam, rmsprop")


@torch.no_grad()
def update_ema(ema: torch.nn.Module, model: torch.nn.Module, decay: float) -> None:
    """θ_ema ← decay·θ_ema + (1 − decay)·θ; buffers (BatchNorm statistics) are copied."""
    for p_ema, p in zip(ema.parameters(), model.parameters()):
        p_ema.lerp_(p, 1.0 - decay)
    for b_ema, b in zip(ema.buffers(), model.buffers()):
        b_ema.copy_(b)
