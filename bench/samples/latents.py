"""The fixed latents of a trial's sample grids.

They depend only on the trial's seed, the latent size ``z_dim`` and the prior (normal or
uniform), never on the loss, the regularizer or the training RNG: trials of different methods on
the same architecture and seed show the same z, so a gallery compares methods, not luck.  They
come from their own CPU ``torch.Generator`` (seeded ``seed + SAMPLES_SEED_OFFSET``), so drawing
them changes nothing in training and gives the same z on every device.  They are drawn in blocks
of :data:`BLOCK` rows, so the first 64 latents of a larger grid (``bench samples --n 256``) are
the 64 of the grids written during training.
"""

from __future__ import annotations

import torch

SAMPLES_SEED_OFFSET = 2_000_029  # distinct from the evaluation latents' offset (bench.train.trainer)
BLOCK = 64


def fixed_latents(seed: int, z_dim: int, prior: str, n: int) -> torch.Tensor:
    """(n, z_dim) float32 latents on the CPU: N(0, I) for ``prior='normal'``, U[−1, 1] for
    ``'uniform'``."""
    if prior not in ("normal", "uniform"):
        raise ValueError(f"unknown latent prior {prior!r} (normal or uniform)")
    rng = torch.Generator().manual_seed(int(seed) + SAMPLES_SEED_OFFSET)
    blocks = []
    for _ in range(-(-int(n) // BLOCK)):
        if prior == "uniform":
            blocks.append(torch.rand(BLOCK, z_dim, generator=rng) * 2 - 1)
        else:
            blocks.append(torch.randn(BLOCK, z_dim, generator=rng))
    return torch.cat(blocks)[:n] if blocks else torch.zeros(0, z_dim)
