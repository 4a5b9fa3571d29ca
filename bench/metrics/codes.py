"""Accuracy of a discovered categorical code against the true classes, after the best matching.

``matched_accuracy(codes, labels) = max_π (1/N) Σᵢ [π(codesᵢ) = labelsᵢ]`` over one-to-one maps π
from codes to classes, found by the Hungarian algorithm on the K × C contingency table
(``scipy.optimize.linear_sum_assignment``, maximising matched counts); with K ≠ C the unmatched
codes or classes count as errors.  Chance level for K = C balanced classes is about 1/C.
"""

from __future__ import annotations

import numpy as np


def matched_accuracy(codes: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of samples whose code maps to their label under the best one-to-one matching."""
    from scipy.optimize import linear_sum_assignment

    codes, labels = np.asarray(codes, dtype=np.int64), np.asarray(labels, dtype=np.int64)
    if codes.shape != labels.shape or codes.ndim != 1 or codes.size == 0:
        raise ValueError(f"codes and labels must be equal-length 1-D arrays; got {codes.shape} and {labels.shape}")
    table = np.zeros((codes.max() + 1, labels.max() + 1), dtype=np.int64)
    np.add.at(table, (codes, labels), 1)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return float(table[rows, cols].sum() / codes.size)
