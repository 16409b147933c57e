"""Metrics: the one place that says how a score becomes a decision.

``label_at_threshold`` is the workbench's single rule for a binary decision: a row is
positive when its positive-class score is at least the threshold (``score >= threshold``),
and a missing score is never positive. Scoring, evaluation, error analysis, explanations,
fairness, monitoring and the export check all call it, so a threshold means the same thing
everywhere.

>>> label_at_threshold(np.array([0.2, 0.5, 0.9]), 0.5, positive="Yes", negative="No")
array(['No', 'Yes', 'Yes'], dtype=object)
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["flag_at_threshold", "label_at_threshold"]


def flag_at_threshold(score: Any, threshold: float) -> np.ndarray:
    """True where ``score >= threshold``; a missing (NaN) score is False."""
    values = np.asarray(score, dtype=float)
    with np.errstate(invalid="ignore"):
        return values >= float(threshold)


def label_at_threshold(score: Any, threshold: float, *, positive: Any, negative: Any) -> np.ndarray:
    """``positive`` where the score reaches the threshold, else ``negative`` (object array)."""
    flagged = flag_at_threshold(score, threshold)
    out = np.empty(flagged.shape, dtype=object)
    out[flagged] = positive
    out[~flagged] = negative
    return out
