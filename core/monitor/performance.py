"""Performance and money per period, once the true outcomes arrive.

``join_outcomes`` adds each prediction's true outcome as ``actual`` (ids matched as text);
``performance_over_time`` measures scikit-learn's metrics per period on the scored rows
that have one, and the realised value per month through the goal's payoff matrix (or error
cost for regression), as ``core.goal`` prices it.

    joined = join_outcomes(log.frame, outcomes, id_column="customer_id", target="churned",
                           prediction_id="request_id")
    performance_over_time(joined.frame, task="binary", positive="Yes", payoff=goal.payoff,
                          volume_per_month=goal.volume_per_month)
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    mean_absolute_error,
    precision_score,
    recall_score,
    roc_auc_score,
    root_mean_squared_error,
)

from core.coerce import class_label
from core.data.inference import TASKS
from core.goal import (
    ConfusionCounts,
    ErrorCost,
    PayoffMatrix,
    expected_value,
    regression_value_per_month,
)
from core.metrics import Task, get_metric
from core.monitor.common import (
    MonitorError,
    _check_frame,
    _examples,
    _id_text,
    _periods,
    _require_column,
    _times_of,
)
from core.monitor.logs import scored_rows

#: The registry metrics performance_over_time measures (besides rows and the binary rates).
MEASURED_METRICS = (
    "accuracy", "precision", "recall", "f1", "roc_auc", "mae", "rmse", "bias", "value_per_month",
)  # fmt: skip
#: Those a rule can bound: the registry gives them a direction (bias has none, closer to 0
#: is better, so it has no minimum or maximum).
PERFORMANCE_METRICS = tuple(
    m for m in MEASURED_METRICS if get_metric(m).greater_is_better is not None
)

MSG_DUPLICATE_IDS = (
    "outcomes hold {count:,} id(s) more than once in {column!r}, e.g. {examples}; "
    "keep one outcome per id"
)
MSG_TASK = "task must be one of {choices}, got {value!r}"
MSG_POSITIVE_NEEDED = "a binary task needs positive: the class the probability is about"
MSG_NO_ACTUAL = "the frame has no 'actual' column; join the true outcomes first (join_outcomes)"
MSG_NO_OUTCOMES = "no scored row has a true outcome yet, so performance cannot be measured"
MSG_VOLUME = "volume_per_month must be 0 or more, got {value!r}"


@dataclasses.dataclass(frozen=True, eq=False)
class OutcomeJoin:
    """Predictions with their true outcome in ``actual`` (missing where none arrived yet)."""

    frame: pd.DataFrame
    matched: int  # prediction rows that found an outcome
    unmatched_predictions: int  # prediction rows still without one
    unmatched_outcomes: int  # outcomes whose id no prediction has


def join_outcomes(
    predictions: pd.DataFrame,
    outcomes: pd.DataFrame,
    *,
    id_column: str,
    target: str,
    prediction_id: str | None = None,
) -> OutcomeJoin:
    """Add each prediction's true outcome as ``actual``, matching ids as text.

    ``id_column`` names the outcomes' id; ``prediction_id`` the predictions' (default the
    same name; "request_id" for a service log). Outcomes without a value are ignored; an id
    given twice is an error, because the two outcomes would disagree silently.
    """
    predictions = _check_frame(predictions, "predictions")
    outcomes = _check_frame(outcomes, "outcomes")
    key = prediction_id or id_column
    _require_column(predictions, key, "predictions")
    _require_column(outcomes, id_column, "outcomes")
    _require_column(outcomes, target, "outcomes")
    known = outcomes[outcomes[target].notna() & outcomes[id_column].notna()]
    ids = _id_text(known[id_column])
    twice = ids[ids.duplicated(keep=False)]
    if not twice.empty:
        unique = list(pd.unique(twice))
        raise MonitorError(
            MSG_DUPLICATE_IDS.format(
                count=len(unique), column=id_column, examples=_examples(unique)
            ),
            field=id_column,
        )
    lookup = pd.Series(known[target].to_numpy(), index=ids.to_numpy())
    prediction_ids = _id_text(predictions[key])
    frame = predictions.copy()
    frame["actual"] = prediction_ids.map(lookup).to_numpy()
    matched = int(frame["actual"].notna().sum())
    used = set(prediction_ids.dropna())
    return OutcomeJoin(
        frame=frame,
        matched=matched,
        unmatched_predictions=len(frame) - matched,
        unmatched_outcomes=int((~ids.isin(used)).sum()),
    )


def _check_volume(value: Any) -> float | None:
    if value is None:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0:
        raise MonitorError(MSG_VOLUME.format(value=value), field="volume_per_month")
    return float(value)


def _binary_period(
    actual: np.ndarray,
    predicted: np.ndarray,
    score: np.ndarray,
    positive: str,
    payoff: PayoffMatrix | None,
    volume: float | None,
) -> dict[str, float]:
    is_pos, flagged = actual == positive, predicted == positive
    options = {"pos_label": True, "zero_division": 0}
    finite = np.isfinite(score)
    both = finite.any() and 0 < is_pos[finite].sum() < finite.sum()
    counts = ConfusionCounts(
        tp=float(np.sum(is_pos & flagged)),
        fp=float(np.sum(~is_pos & flagged)),
        fn=float(np.sum(is_pos & ~flagged)),
        tn=float(np.sum(~is_pos & ~flagged)),
    )
    value = math.nan
    if payoff is not None and volume is not None:
        value = expected_value(counts, payoff) / counts.total * volume
    return {
        "accuracy": float(accuracy_score(actual, predicted)),
        "precision": float(precision_score(is_pos, flagged, **options)),
        "recall": float(recall_score(is_pos, flagged, **options)),
        "f1": float(f1_score(is_pos, flagged, **options)),
        "roc_auc": float(roc_auc_score(is_pos[finite], score[finite])) if both else math.nan,
        "actual_rate": float(is_pos.mean()),
        "predicted_rate": float(flagged.mean()),
        "value_per_month": value,
    }


def _multiclass_period(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    labels = sorted(set(actual) | set(predicted))
    options = {"labels": labels, "average": "macro", "zero_division": 0}
    return {
        "accuracy": float(accuracy_score(actual, predicted)),
        "precision": float(precision_score(actual, predicted, **options)),
        "recall": float(recall_score(actual, predicted, **options)),
        "f1": float(f1_score(actual, predicted, **options)),
    }


def _regression_period(
    actual: np.ndarray, predicted: np.ndarray, error_cost: ErrorCost | None, volume: float | None
) -> dict[str, float]:
    mae = float(mean_absolute_error(actual, predicted))
    bias = float(np.clip(np.mean(predicted - actual), -mae, mae))
    value = math.nan
    if error_cost is not None and volume is not None:
        value = regression_value_per_month(mae=mae, bias=bias, volume=volume, error_cost=error_cost)
    return {
        "mae": mae,
        "rmse": float(root_mean_squared_error(actual, predicted)),
        "bias": bias,
        "value_per_month": value,
    }


def _scores_of(part: pd.DataFrame) -> np.ndarray:
    """The positive class's probability per row; NaN where the frame has none."""
    if "probability" not in part.columns:
        return np.full(len(part), np.nan)
    return pd.to_numeric(part["probability"], errors="coerce").to_numpy(dtype=float)


def _labelled(frame: pd.DataFrame, task: str) -> pd.DataFrame:
    if "actual" not in frame.columns:
        raise MonitorError(MSG_NO_ACTUAL, field="actual")
    _require_column(frame, "prediction", "frame")
    rows = scored_rows(frame)
    rows = rows[rows["actual"].notna() & rows["prediction"].notna()]
    if task == "regression":
        actual = pd.to_numeric(rows["actual"], errors="coerce")
        predicted = pd.to_numeric(rows["prediction"], errors="coerce")
        rows = rows.assign(actual=actual, prediction=predicted).dropna(
            subset=["actual", "prediction"]
        )
    if rows.empty:
        raise MonitorError(MSG_NO_OUTCOMES, field="actual")
    return rows


def performance_over_time(
    frame: pd.DataFrame,
    *,
    task: Task,
    positive: Any = None,
    freq: str = "W",
    payoff: PayoffMatrix | None = None,
    volume_per_month: float | None = None,
    error_cost: ErrorCost | None = None,
    time_column: str = "time",
) -> pd.DataFrame:
    """Per period, on the scored rows whose true outcome is known: scikit-learn's metrics.

    Binary: rows, accuracy, precision, recall, f1, roc_auc (NaN unless both classes occur),
    actual_rate, predicted_rate, value_per_month. Multiclass: macro precision/recall/f1.
    Regression: mae, rmse, bias, value_per_month. ``value_per_month`` is the money per
    prediction of that period (payoff matrix, or ``error_cost`` for regression) times
    ``volume_per_month``; NaN without them.
    """
    frame = _check_frame(frame, "frame")
    if task not in TASKS:
        raise MonitorError(MSG_TASK.format(choices=", ".join(TASKS), value=task), field="task")
    if task == "binary" and positive is None:
        raise MonitorError(MSG_POSITIVE_NEEDED, field="positive")
    volume = _check_volume(volume_per_month)
    rows = _labelled(frame, task)
    periods = _periods(_times_of(rows, time_column, "frame"), freq)
    records = []
    for period, part in rows.groupby(periods.to_numpy(), sort=True):
        if task == "regression":
            actual = part["actual"].to_numpy(dtype=float)
            metrics = _regression_period(
                actual, part["prediction"].to_numpy(dtype=float), error_cost, volume
            )
        else:
            actual = _id_text(part["actual"]).to_numpy(dtype=object)
            predicted = _id_text(part["prediction"]).to_numpy(dtype=object)
            if task == "binary":
                score = _scores_of(part)
                metrics = _binary_period(
                    actual, predicted, score, class_label(positive), payoff, volume
                )
            else:
                metrics = _multiclass_period(actual, predicted)
        records.append({"period": period, "rows": len(part), **metrics})
    table = pd.DataFrame(records)
    table["period"] = pd.to_datetime(table["period"], utc=True)
    return table
