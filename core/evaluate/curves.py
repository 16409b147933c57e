"""Evaluate stage: ROC and precision-recall curves, calibration, gains, score histogram, and
money read off the value curve at a threshold.

Curves are thinned to ``MAX_CURVE_POINTS`` points so pages stay light. The value curve itself
(money per month at every threshold) is ``core.goal.value_curve``; a row is flagged when
its score reaches the threshold (``core.metrics.flag_at_threshold``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_recall_curve, roc_curve

from core.evaluate.inputs import Classified
from core.goal import ConfusionCounts, ValueCurve

MAX_CURVE_POINTS = 500  # per ROC / PR curve
CALIBRATION_BINS = 10
SCORE_BINS = 20

NOTE_CLASS_ABSENT = "class {label!r} has no rows in the evaluated data; its curves are left out"


def _thin(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Evenly spaced rows (first and last kept) so a curve stays light."""
    if len(frame) <= limit:
        return frame.reset_index(drop=True)
    picked = np.unique(np.linspace(0, len(frame) - 1, limit).round().astype(int))
    return frame.iloc[picked].reset_index(drop=True)


def roc_pr_curves(
    data: Classified, notes: list[str]
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """ROC and PR curves: the positive class, or one-vs-rest per class for multiclass."""
    k = len(data.classes)
    targets = [data.positive] if data.positive is not None else list(range(k))
    limit = MAX_CURVE_POINTS if len(targets) == 1 else max(50, MAX_CURVE_POINTS // len(targets))
    rocs, prs = [], []
    for c in targets:
        is_c = data.y == c
        label = data.classes[c]
        if not is_c.any() or is_c.all():
            if data.positive is None and not is_c.any():
                notes.append(NOTE_CLASS_ABSENT.format(label=label))
            continue
        fpr, tpr, roc_t = roc_curve(is_c, data.proba[:, c])
        roc = pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": roc_t})
        precision, recall, pr_t = precision_recall_curve(is_c, data.proba[:, c])
        pr = pd.DataFrame({"precision": precision, "recall": recall, "threshold": [*pr_t, np.nan]})
        rocs.append(_thin(roc, limit).assign(**{"class": label}))
        prs.append(_thin(pr, limit).assign(**{"class": label}))
    if not rocs:
        return None, None
    return pd.concat(rocs, ignore_index=True), pd.concat(prs, ignore_index=True)


def calibration_table(is_pos: np.ndarray, score: np.ndarray) -> pd.DataFrame:
    """sklearn's quantile calibration curve, plus the rows behind each point."""
    observed, mean_predicted = calibration_curve(
        is_pos, score, n_bins=CALIBRATION_BINS, strategy="quantile"
    )
    edges = np.percentile(score, np.linspace(0, 100, CALIBRATION_BINS + 1))
    counts = np.bincount(np.searchsorted(edges[1:-1], score), minlength=CALIBRATION_BINS)
    return pd.DataFrame(
        {"mean_predicted": mean_predicted, "observed": observed, "rows": counts[counts > 0]}
    )


def gains_table(is_pos: np.ndarray, score: np.ndarray, bins: int) -> pd.DataFrame | None:
    """Cumulative share of positives captured when targeting the top share of scores."""
    positives = int(is_pos.sum())
    n = is_pos.size
    if positives == 0 or n < bins:
        return None
    hits = np.cumsum(is_pos[np.argsort(-score, kind="mergesort")])
    targeted = np.ceil(np.arange(1, bins + 1) / bins * n).astype(int)
    captured = hits[targeted - 1]
    in_bin = np.diff(np.r_[0, captured])
    bin_rows = np.diff(np.r_[0, targeted])
    base_rate = positives / n
    share_targeted = targeted / n
    share_captured = captured / positives
    return pd.DataFrame(
        {
            "bin": np.arange(1, bins + 1),
            "share_targeted": share_targeted,
            "rows_targeted": targeted,
            "positives_captured": captured,
            "share_of_positives": share_captured,
            "lift": share_captured / share_targeted,
            "bin_positive_rate": in_bin / bin_rows,
            "bin_lift": in_bin / bin_rows / base_rate,
        }
    )


def score_histogram(data: Classified) -> pd.DataFrame:
    """Rows per score bin and actual class, on a fixed 0..1 grid."""
    if data.positive is not None:
        score = data.proba[:, data.positive]
    else:
        score = data.proba[np.arange(data.y.size), data.y]
    edges = np.linspace(0.0, 1.0, SCORE_BINS + 1)
    bins = np.clip(np.searchsorted(edges, score, side="right") - 1, 0, SCORE_BINS - 1)
    counts = np.zeros((len(data.classes), SCORE_BINS), dtype=np.int64)
    np.add.at(counts, (data.y, bins), 1)
    return pd.DataFrame(
        {
            "actual": np.repeat(list(data.classes), SCORE_BINS),
            "bin_low": np.tile(edges[:-1], len(data.classes)),
            "bin_high": np.tile(edges[1:], len(data.classes)),
            "rows": counts.ravel(),
        }
    )


# --- money at a threshold, read off the value curve ------------------------------------------


def value_at_threshold(curve: ValueCurve, threshold: float) -> float:
    """Value per month when flagging score >= threshold, read off the curve (no recompute).

    The curve's thresholds are the distinct scores (plus one above the top); any threshold
    between two of them flags the same rows as the next one up.
    """
    return float(curve.value_per_month[_curve_position(curve, threshold)])


def counts_at_threshold(curve: ValueCurve, threshold: float) -> ConfusionCounts:
    """TP, FP, FN, TN per month at this threshold, read off the curve."""
    i = _curve_position(curve, threshold)
    return ConfusionCounts(
        float(curve.tp[i]), float(curve.fp[i]), float(curve.fn[i]), float(curve.tn[i])
    )


def _curve_position(curve: ValueCurve, threshold: float) -> int:
    i = int(np.searchsorted(curve.thresholds, float(threshold), side="left"))
    return min(i, curve.thresholds.size - 1)
