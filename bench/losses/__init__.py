"""GAN losses: one registry (``LOSSES``) of pure functions of D's outputs.

See :mod:`bench.losses.base` for the :class:`Loss` contract; the entries live in
:mod:`bench.losses.logit` (one logit per sample) and :mod:`bench.losses.mmd` (D embeddings) and
:mod:`bench.losses.autoencoder` (an auto-encoder D: BEGAN, EBGAN).
"""

from bench.losses.base import LOSSES, Loss

# Importing the modules fills the registry.
from bench.losses import logit as _logit  # noqa: E402,F401
from bench.losses import mmd as _mmd  # noqa: E402,F401
from bench.losses import autoencoder as _autoencoder  # noqa: E402,F401

__all__ = ["LOSSES", "Loss"]
