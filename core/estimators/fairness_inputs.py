"""Checking what the fairness estimators are given: sensitive groups, training rows, options.

Shared with ``core.fairness`` (which re-exports ``FairnessError`` and reads groups the same
way), but kept here so the estimators that saved pipelines reference stay light (see
``core.estimators``). A missing sensitive value is its own group ``(missing)``; two
sensitive columns are read as their intersection ("female · 18-25"); labels are compared as
text (``core.coerce.class_label``).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import has_fit_parameter

from core.coerce import class_label
from core.exceptions import CoreError

Constraint = Literal["demographic_parity", "equalized_odds", "true_positive_rate_parity"]
ThresholdObjective = Literal[
    "accuracy_score",
    "balanced_accuracy_score",
    "selection_rate",
    "true_positive_rate",
    "true_negative_rate",
]
CONSTRAINTS: tuple[str, ...] = get_args(Constraint)
OBJECTIVES: tuple[str, ...] = get_args(ThresholdObjective)
EQUALIZED_ODDS_OBJECTIVES = ("accuracy_score", "balanced_accuracy_score")  # fairlearn's rule

MISSING_GROUP = "(missing)"
INTERSECTION_SEPARATOR = " · "
ATTRIBUTE_SEPARATOR = " × "

# --- messages (tests import these) -------------------------------------------------------

MSG_SENSITIVE_COLUMNS = (
    "sensitive must be one column, or two for their intersection, got {count}: {columns}"
)
MSG_ONE_GROUP = "{attribute} needs at least two groups to compare, found only {groups}"
MSG_POSITIVE = "positive class {positive!r} is not among the labels {labels}"

MSG_X_FRAME = "X must be a pandas DataFrame with named columns, got {value}"
MSG_XY_LENGTHS = "y must have one value per row of X ({rows:,} rows), got {count:,}"
MSG_SENSITIVE_MISSING = "sensitive column(s) {columns} are not in X; X has {available}"
MSG_COLUMNS_MISSING = "X lacks {count} column(s) the model reads: {columns}"
MSG_TARGET_MISSING = "y has {count:,} missing value(s); drop those rows before mitigating"
MSG_BINARY_TARGET = (
    "mitigation needs a binary classification target (two labels); y has {count} distinct "
    "value(s), e.g. {examples}"
)
MSG_SMALL_GROUP = (
    "group {group!r} of {attribute} has only {count} row(s); mitigation needs at least 2 rows "
    "in every group"
)
MSG_CONSTRAINT = "constraint must be one of {choices}, got {value!r}"
MSG_OBJECTIVE = (
    "objective {value!r} does not work with constraint {constraint!r}; use one of {choices}"
)
MSG_NOT_CLASSIFIER = (
    "threshold mitigation needs a fitted binary classifier with predict_proba and two "
    "classes_, got {value}"
)
MSG_SAMPLE_WEIGHT = (
    "{name}.fit does not accept sample_weight, which exponentiated gradient needs to reweight "
    "rows; choose a model that does (e.g. logistic regression, gradient boosting)"
)
MSG_MITIGATION_NUMBER = "{name} must be {rule}, got {value!r}"
MSG_UNSEEN_GROUP = (
    "group {group!r} of {attribute} was not seen when the thresholds were fitted; known "
    "groups: {known}"
)


class FairnessError(CoreError):
    """Predictions, groups or a mitigation request do not fit together."""


def is_whole(value: Any, minimum: int) -> bool:
    return (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool | np.bool_)
        and int(value) >= minimum
    )


def preview(values: Sequence[Any], limit: int = 8) -> str:
    shown = ", ".join(repr(v) for v in list(values)[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


# --- groups --------------------------------------------------------------------------------


def _as_frame(sensitive: Any) -> pd.DataFrame:
    if isinstance(sensitive, pd.DataFrame):
        frame = sensitive
    elif isinstance(sensitive, pd.Series):
        frame = sensitive.to_frame(name="sensitive" if sensitive.name is None else sensitive.name)
    else:
        frame = pd.DataFrame({"sensitive": np.asarray(sensitive, dtype=object).ravel()})
    if frame.shape[1] not in (1, 2):
        columns = ", ".join(str(c) for c in frame.columns) or "none"
        raise FairnessError(
            MSG_SENSITIVE_COLUMNS.format(count=frame.shape[1], columns=columns), field="sensitive"
        )
    return frame


def column_labels(column: pd.Series) -> np.ndarray:
    """Each value as text, mapping each distinct value once; missing -> MISSING_GROUP."""
    missing = column.isna().to_numpy()
    mapping = {value: class_label(value) for value in pd.unique(column[~missing])}
    labels = column.map(mapping).to_numpy(dtype=object)
    labels[missing] = MISSING_GROUP
    return labels


def sensitive_groups(sensitive: Any) -> tuple[np.ndarray, tuple[str, ...]]:
    frame = _as_frame(sensitive)
    parts = [column_labels(frame.iloc[:, i]) for i in range(frame.shape[1])]
    labels = parts[0] if len(parts) == 1 else parts[0] + INTERSECTION_SEPARATOR + parts[1]
    return labels, tuple(str(c) for c in frame.columns)


# --- training rows -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class TrainingRows:
    """Validated training rows: 1 = positive, one group label per row."""

    target: np.ndarray
    groups: np.ndarray
    classes: np.ndarray  # the original labels, sorted like scikit-learn's classes_
    positive_index: int


def check_constraint(constraint: Any, objective: Any = None) -> None:
    if constraint not in CONSTRAINTS:
        raise FairnessError(
            MSG_CONSTRAINT.format(choices=", ".join(CONSTRAINTS), value=constraint),
            field="constraint",
        )
    allowed = EQUALIZED_ODDS_OBJECTIVES if constraint == "equalized_odds" else OBJECTIVES
    if objective is not None and objective not in allowed:
        raise FairnessError(
            MSG_OBJECTIVE.format(
                value=objective, constraint=constraint, choices=", ".join(allowed)
            ),
            field="objective",
        )


def sensitive_names(sensitive_columns: Any) -> tuple[str, ...]:
    names = (sensitive_columns,) if isinstance(sensitive_columns, str) else tuple(sensitive_columns)
    if len(names) not in (1, 2):
        columns = ", ".join(str(n) for n in names) or "none"
        raise FairnessError(
            MSG_SENSITIVE_COLUMNS.format(count=len(names), columns=columns),
            field="sensitive_columns",
        )
    return names


def check_columns(X: Any, columns: Sequence[str], *, sensitive: bool) -> None:
    if not isinstance(X, pd.DataFrame):
        raise FairnessError(MSG_X_FRAME.format(value=type(X).__name__), field="X")
    missing = [c for c in columns if c not in X.columns]
    if not missing:
        return
    if sensitive:
        message = MSG_SENSITIVE_MISSING.format(
            columns=preview(missing), available=preview(list(X.columns))
        )
        raise FairnessError(message, field="sensitive_columns")
    message = MSG_COLUMNS_MISSING.format(count=len(missing), columns=preview(missing))
    raise FairnessError(message, field="X")


def row_groups(X: Any, names: tuple[str, ...]) -> np.ndarray:
    check_columns(X, names, sensitive=True)
    return sensitive_groups(X[list(names)])[0]


def _check_training_groups(groups: np.ndarray, attribute: str) -> None:
    counts = pd.Series(groups).value_counts()
    if len(counts) < 2:
        raise FairnessError(
            MSG_ONE_GROUP.format(attribute=attribute, groups=preview(list(counts.index))),
            field="sensitive_columns",
        )
    if counts.min() < 2:
        group = counts.index[-1]
        raise FairnessError(
            MSG_SMALL_GROUP.format(group=group, attribute=attribute, count=int(counts.min())),
            field="sensitive_columns",
        )


def _positive_index(texts: list[str], positive: Any) -> int:
    text = None if positive is None else class_label(positive)
    if text not in texts:
        raise FairnessError(MSG_POSITIVE.format(positive=positive, labels=texts), field="positive")
    return texts.index(text)


def _original_classes(y: Any, texts: list[str]) -> np.ndarray:
    """The labels as scikit-learn's classes_ holds them (np.unique), else as text."""
    try:
        classes = np.unique(np.asarray(y).ravel())
    except TypeError:  # mixed types such as 1 and "1" do not sort
        classes = np.asarray([])
    return classes if len(classes) == 2 else np.asarray(texts, dtype=object)


def training_rows(X: Any, y: Any, names: tuple[str, ...], positive: Any) -> TrainingRows:
    """Validate once: groups from the sensitive column(s), y as 1 = positive."""
    groups = row_groups(X, names)
    labels = pd.Series(np.asarray(y, dtype=object).ravel())
    if len(labels) != len(X):
        raise FairnessError(MSG_XY_LENGTHS.format(rows=len(X), count=len(labels)), field="y")
    if labels.isna().any():
        raise FairnessError(MSG_TARGET_MISSING.format(count=int(labels.isna().sum())), field="y")
    texts = column_labels(labels)
    distinct = sorted(set(texts))
    if len(distinct) != 2:
        raise FairnessError(
            MSG_BINARY_TARGET.format(count=len(distinct), examples=preview(distinct, 5)),
            field="y",
        )
    classes = _original_classes(y, distinct)
    index = _positive_index([class_label(c) for c in classes], positive)
    _check_training_groups(groups, ATTRIBUTE_SEPARATOR.join(names))
    target = (texts == class_label(classes[index])).astype(np.int64)
    return TrainingRows(target, groups, classes, index)


def in_class_order(pmf: np.ndarray, positive_index: int) -> np.ndarray:
    """fairlearn's (P[no], P[yes]) columns placed in classes_ order."""
    pmf = np.asarray(pmf, dtype=float)
    out = np.empty_like(pmf)
    out[:, positive_index], out[:, 1 - positive_index] = pmf[:, 1], pmf[:, 0]
    return out


def as_labels(decision: np.ndarray, classes: np.ndarray, positive_index: int) -> np.ndarray:
    return classes[np.where(np.asarray(decision) == 1, positive_index, 1 - positive_index)]


def fitted_classes(pipeline: Any, positive: Any) -> tuple[np.ndarray, int]:
    classes = getattr(pipeline, "classes_", None)
    if classes is None or len(classes) != 2 or not hasattr(pipeline, "predict_proba"):
        raise FairnessError(
            MSG_NOT_CLASSIFIER.format(value=type(pipeline).__name__), field="pipeline"
        )
    classes = np.asarray(classes)
    return classes, _positive_index([class_label(c) for c in classes], positive)


def _final_step(estimator: Any) -> Any:
    return estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator


def seeded(estimator: Any, seed: int) -> Any:
    """Every unset ``random_state`` fixed to the seed, so a seed gives the same models."""
    if not hasattr(estimator, "get_params"):
        return estimator
    fixed = {
        name: seed
        for name, value in estimator.get_params(deep=True).items()
        if (name == "random_state" or name.endswith("__random_state")) and value is None
    }
    return estimator.set_params(**fixed) if fixed else estimator


def check_reduction_options(estimator: Any, max_iter: Any, eps: Any) -> None:
    if not is_whole(max_iter, 1):
        rule = "a whole number of 1 or more"
        raise FairnessError(
            MSG_MITIGATION_NUMBER.format(name="max_iter", rule=rule, value=max_iter),
            field="max_iter",
        )
    if not (isinstance(eps, numbers.Real) and math.isfinite(eps) and float(eps) > 0):
        raise FairnessError(
            MSG_MITIGATION_NUMBER.format(name="eps", rule="more than 0", value=eps), field="eps"
        )
    final = _final_step(estimator)
    if not (hasattr(final, "fit") and has_fit_parameter(final, "sample_weight")):
        raise FairnessError(MSG_SAMPLE_WEIGHT.format(name=type(final).__name__), field="estimator")
