"""Regularizers of D: one registry (``REGULARIZERS``) of penalties and after-step hooks.

See :mod:`bench.regularizers.base` for the :class:`Regularizer` contract; the entries live in
:mod:`bench.regularizers.gradient` (gp, gp_one_sided, dragan, r1, r2) and
:mod:`bench.regularizers.other` (none, cr, clip) and :mod:`bench.regularizers.auxiliary` (infogan,
ssgan: heads on D's trunk with terms for D's and G's losses).
"""

from bench.regularizers.base import REGULARIZERS, Regularizer, gradient_norm, lazy_weight

REGULARIZERS.add("none", Regularizer(None, formula="0", paper="—", default_weight=0.0))

# Importing the modules fills the registry.
from bench.regularizers import gradient as _gradient  # noqa: E402,F401
from bench.regularizers import other as _other  # noqa: E402,F401
from bench.regularizers import auxiliary as _auxiliary  # noqa: E402,F401

__all__ = ["REGULARIZERS", "Regularizer", "gradient_norm", "lazy_weight"]
