"""Evaluate stage: a classifier's test-set evaluation, everything the Evaluate page shows.

A binary prediction is positive when its score reaches the threshold
(``core.metrics.flag_at_threshold``); multiclass predicts the most probable class. Money per
month comes from the goal's payoff matrix (``core.goal``).

    ev = evaluate_classification(test_y, proba, classes=("No", "Yes"), positive="Yes",
                                 threshold=0.42, payoff=payoff, volume_per_month=7000)
    ev.metric("roc_auc").low, value_at_threshold(ev.value_curve, 0.3)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix

from core.evaluate.curves import calibration_table, gains_table, roc_pr_curves, score_histogram
from core.evaluate.inputs import NOTE_DROPPED, Classified, check_options, classified
from core.evaluate.metrics import (
    MetricWithCI,
    classification_statistic,
    label_point,
    metric_named,
    metrics_table,
    proba_point,
    with_intervals,
)
from core.goal import PayoffMatrix, ValueCurve, value_curve
from core.metrics import flag_at_threshold

DEFAULT_THRESHOLD = 0.5

NOTE_UNDEFINED = "{metric} is not defined here ({why})"
NOTE_NO_VALUE = "value per month needs the goal's payoff matrix and volume per month"
_UNDEFINED_WHY = {
    "roc_auc": "it needs rows of every class, and multiclass probabilities that sum to 1",
    "pr_auc": "it needs rows of the positive class",
    "log_loss": "scikit-learn could not compute it for these probabilities",
}


@dataclasses.dataclass(frozen=True, eq=False)
class ClassificationEvaluation:
    """Everything the Evaluate page shows for a classifier; tables are small (aggregated).

    ``roc``/``pr`` have a ``class`` column (one-vs-rest curves for multiclass);
    ``score_histogram`` counts rows per score bin and actual class (binary: the positive
    score; multiclass: the probability given to the actual class).
    """

    task: Literal["binary", "multiclass"]
    classes: tuple[str, ...]
    positive: str | None
    threshold: float | None
    metrics: tuple[MetricWithCI, ...]
    confusion: pd.DataFrame
    confusion_value: pd.DataFrame | None
    value_per_month: float | None
    roc: pd.DataFrame | None
    pr: pd.DataFrame | None
    calibration: pd.DataFrame | None
    gains: pd.DataFrame | None
    value_curve: ValueCurve | None
    optimal_threshold: float | None
    rows: int = 0
    score_histogram: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()

    def metric(self, name: str) -> MetricWithCI:
        """The metric called ``name`` (KeyError when it was not computed)."""
        return metric_named(self.metrics, name)

    def metrics_table(self) -> pd.DataFrame:
        """metric, label, value, low, high, resamples: one row per metric."""
        return metrics_table(self.metrics)


def predicted_codes(proba: np.ndarray, pos: int | None, threshold: float | None) -> np.ndarray:
    """Predicted class codes: binary flags the positive class at the threshold, else argmax."""
    if pos is None or threshold is None:
        return np.argmax(proba, axis=1)
    return np.where(flag_at_threshold(proba[:, pos], threshold), pos, 1 - pos)


def _confusion(data: Classified, pred: np.ndarray) -> pd.DataFrame:
    k = len(data.classes)
    counts = confusion_matrix(data.y, pred, labels=list(range(k)))
    return pd.DataFrame(
        counts,
        index=pd.Index(data.classes, name="actual"),
        columns=pd.Index(data.classes, name="predicted"),
    )


def _cell_payoffs(pos: int, payoff: PayoffMatrix) -> np.ndarray:
    """Payoff per confusion cell [actual, predicted] in class-code order."""
    cells = np.empty((2, 2))
    neg = 1 - pos
    cells[pos, pos], cells[pos, neg] = payoff.tp, payoff.fn
    cells[neg, pos], cells[neg, neg] = payoff.fp, payoff.tn
    return cells


def evaluate_classification(
    y_true: Any,
    proba: np.ndarray,
    classes: Sequence,
    *,
    positive: Any = None,
    threshold: float | None = None,
    payoff: PayoffMatrix | None = None,
    volume_per_month: float | None = None,
    bootstrap: int = 200,
    seed: int = 0,
    gains_bins: int = 10,
) -> ClassificationEvaluation:
    """Metrics with intervals, confusion (counts and money), curves and the value curve.

    proba: one positive-class score per row (binary) or one column per class in ``classes``
    order. positive: the binary positive class (default ``classes[1]``). threshold: binary
    only, default 0.5; pass the one chosen on validation data (the test-set optimum in
    ``optimal_threshold`` is for reference: choosing it on test rows is optimistic).
    Rows without a label or a score are left out (noted).
    """
    check_options(threshold, bootstrap, volume_per_month)
    data = classified(y_true, proba, classes, positive)
    k, pos, n = len(data.classes), data.positive, data.y.size
    notes = [NOTE_DROPPED.format(count=data.dropped)] if data.dropped else []
    binary = pos is not None
    cut = (DEFAULT_THRESHOLD if threshold is None else float(threshold)) if binary else None
    pred = predicted_codes(data.proba, pos, cut)
    points = {**label_point(data.y, pred, k, pos), **proba_point(data.y, data.proba, k, pos)}
    for name in ("roc_auc", "pr_auc", "log_loss"):
        if not math.isfinite(points[name]):
            notes.append(NOTE_UNDEFINED.format(metric=name, why=_UNDEFINED_WHY[name]))
    confusion = _confusion(data, pred)
    curve = money_cells = value = optimal = None
    money_per_row = None
    if pos is not None and payoff is not None and volume_per_month is not None:
        is_pos = data.y == pos
        curve = value_curve(
            data.proba[:, pos], is_pos, payoff, volume_per_month=volume_per_month, pos_label=True
        )
        optimal = curve.best().threshold
        cells = _cell_payoffs(pos, payoff)
        money_cells = confusion * cells * (volume_per_month / n)
        value = float(money_cells.to_numpy().sum())
        points["value_per_month"] = value
        money_per_row = cells[data.y, pred] * volume_per_month
    elif pos is not None:
        notes.append(NOTE_NO_VALUE)

    def make_statistic(positions: np.ndarray) -> Callable:
        return classification_statistic(
            data.y[positions],
            data.proba[positions],
            pred[positions],
            k,
            pos,
            None if money_per_row is None else money_per_row[positions],
        )

    metrics = with_intervals(points, make_statistic, n, bootstrap, seed, notes)
    roc, pr = roc_pr_curves(data, notes)
    calibration = gains = None
    if pos is not None:
        is_pos, score = data.y == pos, data.proba[:, pos]
        calibration = calibration_table(is_pos, score)
        gains = gains_table(is_pos, score, gains_bins)
    return ClassificationEvaluation(
        task="binary" if binary else "multiclass",
        classes=data.classes,
        positive=data.classes[pos] if pos is not None else None,
        threshold=cut,
        metrics=metrics,
        confusion=confusion,
        confusion_value=money_cells,
        value_per_month=value,
        roc=roc,
        pr=pr,
        calibration=calibration,
        gains=gains,
        value_curve=curve,
        optimal_threshold=optimal,
        rows=n,
        score_histogram=score_histogram(data),
        notes=tuple(notes),
    )
