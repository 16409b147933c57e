"""What-if: one row's prediction and contributions before and after changing some inputs.

Each change names an input column and a value of its kind (number, text, true/false, date;
None means missing), checked before the model sees it.

    what_if(pipeline, frame.iloc[[0]], {"plan": "pro"}).new_proba
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.coerce import class_label
from core.explain.pipeline import Parts, inputs_of, one_row, position_of_label, split_pipeline
from core.explain.result import ExplainError, Explanation, WhatIf, preview, suggest
from core.explain.shap import background_sample, run_explainer

__all__ = ["what_if"]

# --- messages (tests import these) -------------------------------------------------------

MSG_CLASSES = "classes must list the model's {count} classes in its order, got {value!r}"
MSG_NO_CHANGES = "what-if needs at least one change, as a mapping of column → new value"
MSG_UNKNOWN_COLUMN = "there is no column {name!r}{suggestion}; the model reads {known}"
MSG_NOT_INPUT = (
    "column {name!r} is not an input of the model, so changing it cannot change the "
    "prediction; the model reads {known}"
)
MSG_VALUE_TYPE = "column {name!r} holds {what}, so its new value must be {expected}, got {value!r}"

NOTE_WHAT_IF_NO_EXPLANATION = (
    "Contributions are not shown: a {kind} explanation needs background rows (pass background=)."
)


def _kind_of_values(series: pd.Series) -> tuple[str, str, Callable[[Any], bool]]:
    """(what the column holds, what a new value must be, the check) for a column."""
    dtype = series.dtype

    def is_number(v: Any) -> bool:
        if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real):
            return False
        return math.isfinite(float(v))

    if ptypes.is_bool_dtype(dtype):
        return "true/false values", "true or false", lambda v: isinstance(v, bool | np.bool_)
    if ptypes.is_numeric_dtype(dtype):
        return "numbers", "a finite number", is_number
    if ptypes.is_datetime64_any_dtype(dtype):
        return "dates", "a date", _is_date
    present = series.dropna()
    if len(present) and all(is_number(v) for v in present):
        return "numbers", "a number or text", lambda v: is_number(v) or isinstance(v, str)
    if len(present):
        return "text", "text", lambda v: isinstance(v, str)
    return "no value yet", "a number, text or true/false", _is_scalar


def _is_date(value: Any) -> bool:
    if not isinstance(value, str | date | datetime | pd.Timestamp | np.datetime64):
        return False
    try:
        return not pd.isna(pd.Timestamp(value))
    except (ValueError, TypeError, OverflowError):
        return False


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | bool | np.bool_ | numbers.Real | date | datetime)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _checked_value(name: str, value: Any, series: pd.Series) -> Any:
    """The new value, checked against the column's kind (None/NaN means missing)."""
    if _is_missing(value):
        return np.nan if ptypes.is_numeric_dtype(series.dtype) else None
    what, expected, fits = _kind_of_values(series)
    if not fits(value):
        message = MSG_VALUE_TYPE.format(name=name, what=what, expected=expected, value=value)
        raise ExplainError(message, field=name)
    if ptypes.is_datetime64_any_dtype(series.dtype):
        stamp = pd.Timestamp(value)
        tz = getattr(series.dtype, "tz", None)
        if tz is not None and stamp.tzinfo is None:
            stamp = stamp.tz_localize(tz)
        return stamp
    return value


def _changed_row(
    row: pd.DataFrame, changes: Mapping[str, Any], inputs: Sequence[str]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    if not isinstance(changes, Mapping) or not changes:
        raise ExplainError(MSG_NO_CHANGES, field="changes")
    new = row.copy()
    changed = []
    for name, value in changes.items():
        if name not in inputs:
            known = preview(inputs)
            if name in row.columns:
                raise ExplainError(MSG_NOT_INPUT.format(name=name, known=known), field=str(name))
            suggestion = suggest(str(name), list(inputs))
            message = MSG_UNKNOWN_COLUMN.format(name=name, suggestion=suggestion, known=known)
            raise ExplainError(message, field=str(name))
        checked = _checked_value(name, value, row[name])
        before = row[name].iloc[0]
        same = (_is_missing(before) or before is pd.NaT) and _is_missing(checked)
        if not same and not (before == checked if _is_scalar(checked) else False):
            changed.append(name)
        column = pd.Series([checked], index=row.index)
        if ptypes.is_numeric_dtype(row[name].dtype) and not ptypes.is_bool_dtype(row[name].dtype):
            column = column.astype(np.float64)
        new[name] = column
    return new, tuple(changed)


def _class_labels(parts: Parts, classes: Sequence[Any] | None) -> list[Any] | None:
    if parts.classes is None:
        return None
    if classes is None:
        return list(parts.classes)
    labels = list(classes)
    if len(labels) != len(parts.classes):
        message = MSG_CLASSES.format(count=len(parts.classes), value=labels)
        raise ExplainError(message, field="classes")
    return labels


def _positive_position(labels: list[Any] | None, positive: Any, predicted: Any) -> int | None:
    if labels is None:
        return None
    if positive is None:
        if len(labels) == 2:
            return 1
        positive = predicted
    return position_of_label(labels, positive)


def _split_explanation(both: Explanation, index: int) -> Explanation:
    keep = slice(index, index + 1)
    return dataclasses.replace(
        both,
        values=np.array(both.values[keep]),
        data=both.data.iloc[keep],
        rows=both.rows.iloc[keep],
        sample_rows=1,
        total_rows=1,
    )


def what_if(
    pipeline: Any,
    row: pd.DataFrame,
    changes: Mapping[str, Any],
    *,
    classes: Sequence[Any] | None = None,
    positive: Any = None,
    background: pd.DataFrame | None = None,
) -> WhatIf:
    """The row's prediction and contributions before and after setting ``changes``.

    Each change names an input column of the model and a value of the column's kind
    (number, text, true/false, date; None means missing), else ``ExplainError`` naming the
    column. ``classes``: the class labels in the model's order (default
    ``pipeline.classes_``); ``positive``: the class whose probability and contributions are
    reported (default: the second of two classes, else the originally predicted class).
    ``background`` is needed for the contributions of non-tree models.
    """
    row = one_row(row, "what_if")
    parts = split_pipeline(pipeline)
    inputs = inputs_of(parts, row)
    new_row, changed = _changed_row(row, changes, inputs)
    labels = _class_labels(parts, classes)
    both = pd.concat([row, new_row])
    predictions = pipeline.predict(both)
    if parts.classes is not None and labels is not None and classes is not None:  # caller's labels
        position_of = {class_label(c): i for i, c in enumerate(parts.classes)}
        predictions = np.asarray([labels[position_of[class_label(p)]] for p in predictions])
    position = _positive_position(labels, positive, predictions[0])
    probabilities: list[float | None] = [None, None]
    if position is not None:
        proba = np.asarray(pipeline.predict_proba(both), dtype=np.float64)
        probabilities = [float(proba[0, position]), float(proba[1, position])]
    explained: list[Explanation | None] = [None, None]
    notes: list[str] = []
    try:
        pair = run_explainer(
            parts,
            both,
            background_sample(parts, background),
            position=position,
            seed=0,
            notes=[],
            total=2,
            report=None,
        )
        explained = [_split_explanation(pair, 0), _split_explanation(pair, 1)]
    except ExplainError as error:
        if error.field != "background":
            raise
        notes.append(NOTE_WHAT_IF_NO_EXPLANATION.format(kind="model-agnostic"))
    return WhatIf(
        original_prediction=predictions[0],
        new_prediction=predictions[1],
        original_proba=probabilities[0],
        new_proba=probabilities[1],
        original_explanation=explained[0],
        new_explanation=explained[1],
        changed=changed,
        positive=None if position is None or labels is None else labels[position],
        original_row=row,
        new_row=new_row,
        notes=tuple(notes),
    )
