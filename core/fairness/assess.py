"""Fairness check: does the model treat groups of people alike?

Every number is fairlearn's or scikit-learn's own: per-group metrics come from a
``fairlearn.metrics.MetricFrame`` on the combined group labels, disparities from fairlearn's
``demographic_parity_difference`` and friends. This module reads the inputs once
(``core.fairness.inputs``), adds seeded bootstrap intervals per group
(``core.fairness.intervals``) and words each disparity (``core.fairness.wording``). A binary
rate a group lacks the rows for (the true positive rate of a group without positives) is 0,
as fairlearn reports it, and the report warns.

    report = fairness_report(test_y, predicted, test_x[["gender"]], task="binary",
                             positive="Yes", limits={"demographic_parity_difference": 0.1})
    report.disparity("demographic_parity_difference").sentence
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    false_positive_rate,
    mean_prediction,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    mean_absolute_error,
    precision_score,
    recall_score,
    root_mean_squared_error,
)

from core.fairness.inputs import Inputs, check_limits, check_options, group_order, read_inputs
from core.fairness.intervals import group_draws, interval
from core.fairness.report import (
    DISPARITY_EXPLANATIONS,
    METRICS,
    RATIO_DISPARITIES,
    Disparity,
    FairnessReport,
)
from core.fairness.wording import sentence
from core.goal import ConfusionCounts, PayoffMatrix, expected_value
from core.metrics import Task

__all__ = ["fairness_report"]

WARN_SMALL_GROUP = (
    "Group '{group}' has only {count:,} rows (under {limit:,}): its numbers are unreliable"
)
WARN_DROPPED = "{count:,} row(s) without a true value or a prediction were left out"
WARN_NO_POSITIVES = (
    "Group '{group}' has no rows that really are '{positive}': its true positive rate shows "
    "0 but means nothing"
)
WARN_NO_NEGATIVES = (
    "Group '{group}' has no rows that really are not '{positive}': its false positive rate "
    "shows 0 but means nothing"
)


# --- per-group point values: fairlearn's MetricFrame ---------------------------------------


def _base_rate(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of rows that really are positive: fairlearn's selection rate of the truth."""
    return selection_rate(y_true, y_true)


def _precision(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return precision_score(y_true, y_pred, zero_division=np.nan)


def _mean_score(y_true: np.ndarray, y_pred: np.ndarray, score: np.ndarray) -> float:
    return mean_prediction(y_true, score)


def _macro_recall(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean recall over the classes present in the group's truth (absent ones mean nothing)."""
    return recall_score(y_true, y_pred, labels=np.unique(y_true), average="macro")


def _bias(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean of prediction − actual: positive when the model over-predicts the group."""
    return mean_prediction(y_true, np.asarray(y_pred, float) - np.asarray(y_true, float))


def _value_metric(payoff: PayoffMatrix, rows: int, volume: float) -> Callable[..., float]:
    """A group's share of the monthly value: its outcomes priced, scaled by all rows."""

    def value_per_month(y_true: np.ndarray, y_pred: np.ndarray) -> float:
        tn, fp, fn, tp = confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
        counts = ConfusionCounts(tp=float(tp), fp=float(fp), fn=float(fn), tn=float(tn))
        return expected_value(counts, payoff) / rows * volume

    return value_per_month


def _row_money(
    inputs: Inputs, payoff: PayoffMatrix | None, volume: float | None
) -> np.ndarray | None:
    """Each row's contribution to the monthly value (binary with payoff and volume only)."""
    if inputs.positive is None or payoff is None or volume is None:
        return None
    y, p = inputs.truth == 1, inputs.pred == 1
    money = np.select([y & p, ~y & p, y & ~p], [payoff.tp, payoff.fp, payoff.fn], payoff.tn)
    return money.astype(float) / y.size * float(volume)


def _metric_frame(
    task: str, inputs: Inputs, payoff: PayoffMatrix | None, volume: float | None
) -> MetricFrame:
    params: dict[str, dict[str, Any]] = {}
    if task == "regression":
        functions: dict[str, Callable[..., float]] = {
            "mean_prediction": mean_prediction,
            "mae": mean_absolute_error,
            "rmse": root_mean_squared_error,
            "bias": _bias,
        }
    elif task == "multiclass":
        functions = {"accuracy": accuracy_score, "macro_recall": _macro_recall}
    else:
        functions = {
            "selection_rate": selection_rate,
            "base_rate": _base_rate,
            "tpr": true_positive_rate,
            "fpr": false_positive_rate,
            "precision": _precision,
            "accuracy": accuracy_score,
        }
        if payoff is not None and volume is not None:
            functions["value_per_month"] = _value_metric(payoff, inputs.truth.size, volume)
        if inputs.score is not None:
            functions["mean_score"] = _mean_score
            params["mean_score"] = {"score": inputs.score}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return MetricFrame(
            metrics=functions,
            y_true=inputs.truth,
            y_pred=inputs.pred,
            sensitive_features=pd.Series(inputs.groups, name="group"),
            sample_params=params or None,
        )


# --- the report ----------------------------------------------------------------------------


def _by_group_table(
    task: str,
    inputs: Inputs,
    frame: MetricFrame,
    money: np.ndarray | None,
    *,
    bootstrap: int,
    seed: int,
    min_group_size: int,
) -> pd.DataFrame:
    order = group_order(inputs.groups)
    points = frame.by_group.reindex(order)
    records = []
    for i, group in enumerate(order):
        rows = np.flatnonzero(inputs.groups == group)
        draws = group_draws(task, inputs, rows, money, bootstrap, seed + i) if bootstrap else {}
        record: dict[str, Any] = {
            "group": group,
            "count": int(rows.size),
            "small": rows.size < min_group_size,
        }
        for metric in METRICS[task]:
            value = float(points.at[group, metric]) if metric in points else math.nan
            low, high = interval(value, draws.get(metric))
            record.update({metric: value, f"{metric}_low": low, f"{metric}_high": high})
        records.append(record)
    return pd.DataFrame.from_records(records)


def _disparity_values(task: str, inputs: Inputs, frame: MetricFrame) -> dict[str, float]:
    """fairlearn's own disparity functions on the combined group labels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if task == "binary":
            y, p, by = inputs.truth, inputs.pred, {"sensitive_features": inputs.groups}
            return {
                "demographic_parity_difference": demographic_parity_difference(y, p, **by),
                "demographic_parity_ratio": demographic_parity_ratio(y, p, **by),
                "equalized_odds_difference": equalized_odds_difference(y, p, **by),
                "equal_opportunity_difference": equal_opportunity_difference(y, p, **by),
            }
        if task == "multiclass":
            return {"accuracy_difference": frame.difference()["accuracy"]}
        return {"mae_difference": frame.difference()["mae"], "mae_ratio": frame.ratio()["mae"]}


def _disparities(
    task: str,
    inputs: Inputs,
    frame: MetricFrame,
    table: pd.DataFrame,
    limits: Mapping[str, float],
) -> tuple[Disparity, ...]:
    out = []
    for name, raw in _disparity_values(task, inputs, frame).items():
        value = float(raw)
        limit = limits.get(name)
        passes = None
        if limit is not None and math.isfinite(value):
            passes = value >= limit if name in RATIO_DISPARITIES else value <= limit
        words = sentence(name, value, table, inputs.positive)
        out.append(Disparity(name, value, limit, passes, words, DISPARITY_EXPLANATIONS[name]))
    return tuple(out)


def _warnings(inputs: Inputs, table: pd.DataFrame, min_group_size: int) -> tuple[str, ...]:
    out = [WARN_DROPPED.format(count=inputs.dropped)] if inputs.dropped else []
    for row in table.itertuples(index=False):
        if row.small:
            out.append(
                WARN_SMALL_GROUP.format(group=row.group, count=row.count, limit=min_group_size)
            )
    if inputs.positive is not None:
        for group in table["group"]:
            truth = inputs.truth[inputs.groups == group]
            if not truth.any():
                out.append(WARN_NO_POSITIVES.format(group=group, positive=inputs.positive))
            elif truth.all():
                out.append(WARN_NO_NEGATIVES.format(group=group, positive=inputs.positive))
    return tuple(out)


def _overall(task: str, inputs: Inputs, frame: MetricFrame) -> dict[str, float]:
    overall = frame.overall
    out = {"count": float(inputs.truth.size)}
    out.update({m: float(overall[m]) if m in overall else math.nan for m in METRICS[task]})
    return out


def fairness_report(
    y_true: Any,
    y_pred: Any,
    sensitive: pd.Series | pd.DataFrame,
    *,
    task: Task,
    positive: Any = None,
    proba: Any = None,
    payoff: PayoffMatrix | None = None,
    volume_per_month: float | None = None,
    min_group_size: int = 30,
    bootstrap: int = 200,
    seed: int = 0,
    limits: Mapping[str, float] | None = None,
) -> FairnessReport:
    """Per-group metrics with 95 % intervals, and each disparity in one plain sentence.

    ``sensitive``: a Series, or a DataFrame of one or two columns (two = their intersection).
    Binary ``y_true``/``y_pred`` are labels compared as text to ``positive``; ``proba``
    (binary only) is the positive class's score per row. With ``payoff`` and
    ``volume_per_month`` each group gets its share of the monthly value (groups add up to
    the overall value). ``limits`` maps a disparity name to the team's limit;
    ``bootstrap=0`` skips the intervals. Groups under ``min_group_size`` rows are flagged.
    """
    check_options(task, bootstrap, min_group_size, volume_per_month)
    checked_limits = check_limits(limits, task)
    inputs, attributes = read_inputs(y_true, y_pred, sensitive, proba, task, positive)
    volume = None if volume_per_month is None else float(volume_per_month)
    frame = _metric_frame(task, inputs, payoff, volume)
    money = _row_money(inputs, payoff, volume)
    table = _by_group_table(
        task,
        inputs,
        frame,
        money,
        bootstrap=int(bootstrap),
        seed=int(seed),
        min_group_size=int(min_group_size),
    )
    return FairnessReport(
        task=task,
        attributes=attributes,
        by_group=table,
        overall=_overall(task, inputs, frame),
        disparities=_disparities(task, inputs, frame, table, checked_limits),
        warnings=_warnings(inputs, table, int(min_group_size)),
        positive=inputs.positive,
    )
