"""The value-optimal threshold: money per month at every threshold of a scored sample.

The rule is the one of ``core.metrics.flag_at_threshold``, "positive when score >= threshold";
here it is computed for every distinct score at once from one sort (cumulative sums), and each
point is priced with the goal's payoff matrix.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from core.goal.model import PayoffMatrix
from core.goal.money import BusinessError, ConfusionCounts, _check_volume

MSG_LENGTHS = "scores and labels must have the same length, got {n_scores} and {n_labels}"
MSG_EMPTY_SCORES = "a value curve needs at least one scored row"
MSG_SCORES_FINITE = "scores must be finite numbers; found {count} NaN or infinite value(s)"
MSG_LABELS_BINARY = "labels must hold at most two classes, found {count}: {examples}"
MSG_POS_LABEL_MISSING = "pos_label {pos_label!r} is not among the labels {examples}"


@dataclasses.dataclass(frozen=True)
class ThresholdChoice:
    """The threshold that earns most; predict positive when score >= threshold."""

    threshold: float
    value_per_month: float
    counts: ConfusionCounts


@dataclasses.dataclass(frozen=True, eq=False)
class ValueCurve:
    """Money per month at every distinct threshold, counts scaled from the sample to the volume.

    Thresholds ascend; the last one lies just above the top score and flags nobody.
    """

    thresholds: np.ndarray
    value_per_month: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray
    n_samples: int
    volume_per_month: float

    def best(self) -> ThresholdChoice:
        """Highest value; among equal values the highest threshold (fewest flagged)."""
        top = np.max(self.value_per_month)
        tolerance = 1e-9 * max(1.0, abs(top))
        i = int(np.flatnonzero(self.value_per_month >= top - tolerance)[-1])
        counts = ConfusionCounts(
            float(self.tp[i]), float(self.fp[i]), float(self.fn[i]), float(self.tn[i])
        )
        return ThresholdChoice(float(self.thresholds[i]), float(self.value_per_month[i]), counts)


def _binary_labels(labels: Any, pos_label: Any, n_scores: int) -> np.ndarray:
    import pandas as pd  # for speed: the goal is read by the cheap stage-status path

    raw = np.asarray(labels).ravel()
    if raw.shape[0] != n_scores:
        raise BusinessError(
            MSG_LENGTHS.format(n_scores=n_scores, n_labels=raw.shape[0]), field="labels"
        )
    uniques = pd.unique(raw)
    examples = ", ".join(repr(u) for u in uniques[:5])
    if len(uniques) > 2:
        raise BusinessError(
            MSG_LABELS_BINARY.format(count=len(uniques), examples=examples), field="labels"
        )
    if len(uniques) == 2 and not any(u == pos_label for u in uniques):
        raise BusinessError(
            MSG_POS_LABEL_MISSING.format(pos_label=pos_label, examples=examples),
            field="pos_label",
        )
    return raw == pos_label


def value_curve(
    scores: Any,
    labels: Any,
    payoff: PayoffMatrix,
    *,
    volume_per_month: float,
    pos_label: Any = 1,
) -> ValueCurve:
    """Value per month for every threshold, from one sort of the scores (O(n log n)).

    At threshold t the rule is "positive when score >= t"; cumulative sums over the scores
    sorted high to low give TP and FP at every distinct score. Counts are scaled by
    volume_per_month / n_samples and priced with expected_value.
    """
    volume = _check_volume("volume_per_month", volume_per_month)
    s = np.asarray(scores, dtype=float).ravel()
    if s.size == 0:
        raise BusinessError(MSG_EMPTY_SCORES, field="scores")
    bad = int(np.count_nonzero(~np.isfinite(s)))
    if bad:
        raise BusinessError(MSG_SCORES_FINITE.format(count=bad), field="scores")
    y = _binary_labels(labels, pos_label, s.size)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last_of_group = np.r_[np.flatnonzero(s[1:] != s[:-1]), s.size - 1]
    tp = np.r_[0, np.cumsum(y)[last_of_group]].astype(float)
    fp = np.r_[0, np.cumsum(~y)[last_of_group]].astype(float)
    thresholds = np.r_[np.nextafter(s[0], np.inf), s[last_of_group]]
    positives = float(np.count_nonzero(y))
    negatives = s.size - positives
    scale = volume / s.size
    tp, fp = tp[::-1] * scale, fp[::-1] * scale
    fn, tn = positives * scale - tp, negatives * scale - fp
    value = payoff.tp * tp + payoff.fp * fp + payoff.fn * fn + payoff.tn * tn
    return ValueCurve(thresholds[::-1], value, tp, fp, fn, tn, int(s.size), volume)


def value_optimal_threshold(
    scores: Any,
    labels: Any,
    payoff: PayoffMatrix,
    *,
    volume_per_month: float,
    pos_label: Any = 1,
) -> ThresholdChoice:
    """The threshold that earns most per month on this sample (see ValueCurve.best)."""
    curve = value_curve(
        scores, labels, payoff, volume_per_month=volume_per_month, pos_label=pos_label
    )
    return curve.best()
