"""Training: the plain PyTorch loop of one trial."""

from bench.train.trainer import Trainer

__all__ = ["Trainer"]
