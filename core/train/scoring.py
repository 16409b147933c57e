"""Scoring: every metric of a fold's predictions, the metric that ranks models, the leaderboard.

Metric names and directions come from ``core.metrics`` (the one registry, via
``core.train.settings.METRICS``); the money metric is priced with the goal's payoff matrix
(binary) or error cost (regression) at the fold's best threshold.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    log_loss,
    precision_recall_fscore_support,
    r2_score,
    roc_auc_score,
)
from sklearn.preprocessing import label_binarize

from core.goal import ErrorCost, PayoffMatrix, regression_value_per_month, value_curve
from core.metrics import UNPRICED_METRIC, quiet
from core.train.results import ModelResult
from core.train.settings import METRICS, MSG_UNKNOWN_METRIC, TrainError

__all__ = ["leaderboard"]

FALLBACK_METRIC = {"multiclass": UNPRICED_METRIC["multiclass"]}  # no multiclass value per month

MSG_METRIC_TASK = "metric {value!r} does not fit a {task} task; use one of {choices}"
MSG_VALUE_NEEDS_GOAL = (
    "ranking by expected_value needs the goal's {needs}; fill them in on the Goal page "
    "or rank by another metric"
)
NOTE_FALLBACK = "expected_value is not defined for {task} tasks; ranked by {metric} instead"


@dataclasses.dataclass(frozen=True)
class _Scoring:
    """What a fold needs to score its predictions; small and picklable for joblib workers."""

    task: str
    classes: tuple[Any, ...]
    positive: Any
    payoff: PayoffMatrix | None
    error_cost: ErrorCost | None
    volume: float | None


def _ranking_metric(
    task: str,
    metric: str,
    *,
    payoff: PayoffMatrix | None,
    error_cost: ErrorCost | None,
    volume: float | None,
) -> tuple[str, tuple[str, ...]]:
    """The metric that ranks models for this task, with a note when it had to change."""
    if metric == "expected_value" and task in FALLBACK_METRIC:
        fallback = FALLBACK_METRIC[task]
        return fallback, (NOTE_FALLBACK.format(task=task, metric=fallback),)
    if task not in METRICS[metric].tasks:
        choices = ", ".join(k for k, info in METRICS.items() if task in info.tasks)
        message = MSG_METRIC_TASK.format(value=metric, task=task, choices=choices)
        raise TrainError(message, field="metric")
    if metric == "expected_value":
        money = payoff if task == "binary" else error_cost
        needs = [
            name
            for name, value in (
                ("payoff matrix" if task == "binary" else "error cost", money),
                ("volume per month", volume),
            )
            if value is None
        ]
        if needs:
            message = MSG_VALUE_NEEDS_GOAL.format(needs=" and ".join(needs))
            raise TrainError(message, field="metric")
    return metric, ()


def _aligned_proba(model: Any, X: pd.DataFrame, classes: tuple[Any, ...]) -> np.ndarray:
    """predict_proba with one column per class of the whole target, in ``classes`` order."""
    proba = np.asarray(model.predict_proba(X), dtype=float)
    fitted = list(model.classes_)
    if fitted == list(classes):
        return proba
    full = np.zeros((proba.shape[0], len(classes)))
    for j, label in enumerate(fitted):
        full[:, classes.index(label)] = proba[:, j]
    return full


def _binary_scores(ctx: _Scoring, y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    classes = np.asarray(ctx.classes, dtype=object)
    score = proba[:, ctx.classes.index(ctx.positive)]
    is_pos = y == ctx.positive
    flagged = classes[np.argmax(proba, axis=1)] == ctx.positive
    tp = int(np.sum(flagged & is_pos))
    fp = int(np.sum(flagged & ~is_pos))
    fn = int(np.sum(~flagged & is_pos))
    both = bool(is_pos.any() and (~is_pos).any())
    scores = {
        "roc_auc": quiet(lambda: roc_auc_score(is_pos, score)) if both else math.nan,
        "pr_auc": quiet(lambda: average_precision_score(is_pos, score)) if both else math.nan,
        "log_loss": quiet(
            lambda: log_loss(_class_codes(ctx.classes, y), proba, labels=range(len(classes)))
        ),
        "accuracy": float(np.mean(classes[np.argmax(proba, axis=1)] == y)),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
    }
    if ctx.payoff is not None and ctx.volume is not None:
        curve = value_curve(
            score, y, ctx.payoff, volume_per_month=ctx.volume, pos_label=ctx.positive
        )
        scores["expected_value"] = curve.best().value_per_month
    return scores


def _class_codes(classes: tuple[Any, ...], y: np.ndarray) -> np.ndarray:
    """Each label's position in ``classes``: scikit-learn reads whole numbers of any origin,
    while it refuses an object array of numbers ("unknown" target type)."""
    position = {label: i for i, label in enumerate(classes)}
    return np.fromiter((position[label] for label in y), dtype=np.int64, count=len(y))


def _multiclass_scores(ctx: _Scoring, y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    labels = list(range(len(ctx.classes)))
    codes = _class_codes(ctx.classes, y)
    predicted = np.argmax(proba, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        precision, recall, f1, _ = precision_recall_fscore_support(
            codes, predicted, labels=labels, average="macro", zero_division=0
        )
    return {
        "roc_auc": quiet(
            lambda: roc_auc_score(codes, proba, multi_class="ovr", average="macro", labels=labels)
        ),
        "pr_auc": quiet(
            lambda: average_precision_score(
                label_binarize(codes, classes=labels), proba, average="macro"
            )
        ),
        "log_loss": quiet(lambda: log_loss(codes, proba, labels=labels)),
        "accuracy": float(np.mean(predicted == codes)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
    }


def _regression_scores(ctx: _Scoring, y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    error = predicted - y
    mae = float(np.mean(np.abs(error)))
    scores = {
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mae": mae,
        "r2": quiet(lambda: r2_score(y, predicted)) if len(y) > 1 else math.nan,
    }
    if ctx.error_cost is not None and ctx.volume is not None:
        bias = float(np.clip(np.mean(error), -mae, mae))
        scores["expected_value"] = regression_value_per_month(
            mae=mae, bias=bias, volume=ctx.volume, error_cost=ctx.error_cost
        )
    return scores


def _score_predictions(ctx: _Scoring, y: np.ndarray, output: np.ndarray) -> dict[str, float]:
    """Every metric of the task for one fold's validation rows."""
    if ctx.task == "binary":
        return _binary_scores(ctx, y, output)
    if ctx.task == "multiclass":
        return _multiclass_scores(ctx, y, output)
    return _regression_scores(ctx, y, output)


def leaderboard(results: Sequence[ModelResult], *, metric: str) -> list[ModelResult]:
    """Results best first by the mean of ``metric``; missing or NaN scores go last."""
    info = METRICS.get(metric)
    if info is None:
        choices = ", ".join(METRICS)
        raise TrainError(MSG_UNKNOWN_METRIC.format(value=metric, choices=choices), field="metric")

    def rank(result: ModelResult) -> tuple[int, float]:
        value = result.scores.get(metric, math.nan)
        if value is None or math.isnan(value):
            return (1, 0.0)
        return (0, -value if info.greater_is_better else value)

    return sorted(results, key=rank)
