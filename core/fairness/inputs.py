"""Reading the inputs of a fairness check once: truth, predictions, groups, scores, limits.

Rows are matched by position; labels are compared as text (``core.coerce.class_label``), so
``True`` and "True" are the same class; groups are read as the fairness estimators read them
(``core.estimators.fairness_inputs``): a missing value is its own group ``(missing)``, two
columns are their intersection. Rows without a truth, prediction or score are left out.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping
from typing import Any, get_args

import numpy as np
import pandas as pd

from core.coerce import class_label
from core.data.inference import usual_positive_class
from core.estimators.fairness_inputs import (
    ATTRIBUTE_SEPARATOR,
    MISSING_GROUP,
    MSG_ONE_GROUP,
    MSG_POSITIVE,
    FairnessError,
    column_labels,
    is_whole,
    sensitive_groups,
)
from core.fairness.report import DISPARITIES
from core.metrics import Task

TASKS: tuple[str, ...] = get_args(Task)
_PROBA_TOLERANCE = 1e-6

# --- messages (tests import these) -------------------------------------------------------

MSG_TASK = "task must be one of binary, multiclass, regression, got {value!r}"
MSG_LENGTHS = "{what} must have one value per row of y_true ({rows:,} rows), got {count:,}"
MSG_GROUPS_TOO_SMALL = (
    "every group of {attribute} has fewer than 2 rows ({sizes}); a comparison needs a group "
    "with at least 2 rows"
)
MSG_NO_ROWS = "nothing to check: no row has both a true value and a prediction"
MSG_POSITIVE_NEEDED = (
    "a binary fairness check needs positive: the label that means the positive decision, "
    "one of {labels}"
)
MSG_BINARY_LABELS = "a binary task has at most two labels, found {count}: {labels}"
MSG_NUMBERS = (
    "{what} must be numbers for a regression task; {count:,} value(s) could not be read as "
    "numbers, e.g. {examples}"
)
MSG_PROBA_TASK = (
    "proba is for a binary task (the positive class's score per row), got task {task!r}"
)
MSG_PROBA_RANGE = (
    "proba must hold probabilities between 0 and 1; found values from {low:g} to {high:g}"
)
MSG_BOOTSTRAP = "bootstrap must be a whole number of 0 or more, got {value!r}"
MSG_MIN_GROUP_SIZE = "min_group_size must be a whole number of 1 or more, got {value!r}"
MSG_VOLUME = "volume_per_month must be 0 or more, got {value!r}"
MSG_LIMIT_UNKNOWN = "limits names an unknown disparity {name!r}; known: {known}"
MSG_LIMIT_TASK = "{name} does not apply to a {task} task; use one of {choices}"
MSG_LIMIT_NUMBER = "the limit for {name} must be a finite number, got {value!r}"


def group_labels(sensitive: Any) -> pd.Series:
    """One text group label per row: the value, or "female · 18-25" for two columns.

    The Series is named after the attribute ("gender", or "gender × age" for two columns)
    and keeps the input's index; a missing value is the group ``(missing)``.
    """
    labels, attributes = sensitive_groups(sensitive)
    index = sensitive.index if isinstance(sensitive, pd.Series | pd.DataFrame) else None
    return pd.Series(labels, index=index, name=ATTRIBUTE_SEPARATOR.join(attributes), dtype=object)


def group_order(labels: np.ndarray) -> list[str]:
    """Groups sorted as text, the missing bucket last."""
    return sorted(set(labels), key=lambda g: (MISSING_GROUP in g, g))


def _check_groups(labels: np.ndarray, attribute: str) -> None:
    counts = pd.Series(labels).value_counts()
    if len(counts) < 2:
        groups = ", ".join(repr(g) for g in counts.index) or "none"
        raise FairnessError(
            MSG_ONE_GROUP.format(attribute=attribute, groups=groups), field="sensitive"
        )
    if counts.max() < 2:
        sizes = ", ".join(f"{g!r}: {n}" for g, n in counts.head(5).items())
        raise FairnessError(
            MSG_GROUPS_TOO_SMALL.format(attribute=attribute, sizes=sizes), field="sensitive"
        )


@dataclasses.dataclass(frozen=True, eq=False)
class Inputs:
    """Validated rows: truth and prediction encoded per task, group labels, optional score."""

    truth: np.ndarray  # binary: 0/1; multiclass: class codes; regression: floats
    pred: np.ndarray
    groups: np.ndarray
    score: np.ndarray | None
    positive: str | None
    dropped: int


def check_options(task: Any, bootstrap: Any, min_group_size: Any, volume: Any) -> None:
    if task not in TASKS:
        raise FairnessError(MSG_TASK.format(value=task), field="task")
    if not is_whole(bootstrap, 0):
        raise FairnessError(MSG_BOOTSTRAP.format(value=bootstrap), field="bootstrap")
    if not is_whole(min_group_size, 1):
        raise FairnessError(MSG_MIN_GROUP_SIZE.format(value=min_group_size), field="min_group_size")
    if volume is not None and not (
        isinstance(volume, numbers.Real) and math.isfinite(volume) and float(volume) >= 0
    ):
        raise FairnessError(MSG_VOLUME.format(value=volume), field="volume_per_month")


def _column(values: Any, what: str, rows: int) -> np.ndarray:
    array = np.asarray(values, dtype=object).ravel()
    if array.shape[0] != rows:
        raise FairnessError(
            MSG_LENGTHS.format(what=what, rows=rows, count=array.shape[0]), field=what
        )
    return array


def _numbers(values: np.ndarray, what: str) -> np.ndarray:
    parsed = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(parsed) & ~pd.isna(pd.Series(values)).to_numpy()
    if bad.any():
        examples = ", ".join(repr(v) for v in pd.unique(values[bad])[:3])
        raise FairnessError(
            MSG_NUMBERS.format(what=what, count=int(bad.sum()), examples=examples), field=what
        )
    return parsed


def _score(proba: Any, task: str, rows: int) -> np.ndarray | None:
    if proba is None:
        return None
    if task != "binary":
        raise FairnessError(MSG_PROBA_TASK.format(task=task), field="proba")
    score = _numbers(_column(proba, "proba", rows), "proba")
    finite = score[np.isfinite(score)]
    if finite.size and (finite.min() < -_PROBA_TOLERANCE or finite.max() > 1 + _PROBA_TOLERANCE):
        raise FairnessError(
            MSG_PROBA_RANGE.format(low=finite.min(), high=finite.max()), field="proba"
        )
    return np.clip(score, 0.0, 1.0)


def _positive_label(positive: Any, labels: list[str]) -> str:
    """``positive`` as text; ``None`` reads as the conventional positive of the labels (1 of
    0/1, True, yes, …: ``core.data.inference.usual_positive_class``), never as a guess between others."""
    if positive is None:
        usual = usual_positive_class(labels)
        if usual is None:
            raise FairnessError(MSG_POSITIVE_NEEDED.format(labels=labels), field="positive")
        return usual[0]
    text = class_label(positive)
    if text not in labels:
        raise FairnessError(MSG_POSITIVE.format(positive=positive, labels=labels), field="positive")
    return text


def _encode(
    task: str, truth: np.ndarray, pred: np.ndarray, positive: Any
) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Truth and prediction as 0/1 (binary), class codes (multiclass) or floats."""
    if task == "regression":
        return _numbers(truth, "y_true"), _numbers(pred, "y_pred"), None
    truth_text = column_labels(pd.Series(truth))
    pred_text = column_labels(pd.Series(pred))
    labels = sorted(set(truth_text) | set(pred_text))
    if task == "multiclass":
        return (
            pd.Categorical(truth_text, categories=labels).codes.astype(np.int64),
            pd.Categorical(pred_text, categories=labels).codes.astype(np.int64),
            None,
        )
    if len(labels) > 2:
        raise FairnessError(
            MSG_BINARY_LABELS.format(count=len(labels), labels=labels[:6]), field="y_true"
        )
    text = _positive_label(positive, labels)
    return (truth_text == text).astype(np.int64), (pred_text == text).astype(np.int64), text


def read_inputs(
    y_true: Any, y_pred: Any, sensitive: Any, proba: Any, task: str, positive: Any
) -> tuple[Inputs, tuple[str, ...]]:
    """Validate once; rows without a truth, prediction or score are left out."""
    labels, attributes = sensitive_groups(sensitive)
    rows = labels.shape[0]
    truth = _column(y_true, "y_true", rows)
    pred = _column(y_pred, "y_pred", rows)
    score = _score(proba, task, rows)
    keep = ~(pd.isna(pd.Series(truth)).to_numpy() | pd.isna(pd.Series(pred)).to_numpy())
    if score is not None:
        keep &= ~np.isnan(score)
        score = score[keep]
    if not keep.any():
        raise FairnessError(MSG_NO_ROWS, field="y_true")
    _check_groups(labels[keep], ATTRIBUTE_SEPARATOR.join(attributes))
    y, p, text = _encode(task, truth[keep], pred[keep], positive)
    dropped = int(rows - keep.sum())
    return Inputs(y, p, labels[keep], score, text, dropped), attributes


def check_limits(limits: Mapping[str, Any] | None, task: str) -> dict[str, float]:
    known = [name for names in DISPARITIES.values() for name in names]
    checked: dict[str, float] = {}
    for name, value in (limits or {}).items():
        if name not in known:
            raise FairnessError(
                MSG_LIMIT_UNKNOWN.format(name=name, known=", ".join(known)), field="limits"
            )
        if name not in DISPARITIES[task]:
            choices = ", ".join(DISPARITIES[task])
            raise FairnessError(
                MSG_LIMIT_TASK.format(name=name, task=task, choices=choices), field="limits"
            )
        if not (
            isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
        ):
            raise FairnessError(MSG_LIMIT_NUMBER.format(name=name, value=value), field="limits")
        checked[name] = float(value)
    return checked
