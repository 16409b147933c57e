"""One condition language: recipe filters, error cohorts and the rule baseline all compile to it.

A ``Condition`` is one test on one column — ``Condition("tenure", "<", 6)``,
``Condition("plan", "in", ("basic", "pro"))``, ``Condition("x", "is missing")`` — and
``mask(frame, condition)`` says which rows satisfy it.

**The rule for missing values** (one rule, in every place that evaluates a condition):

- A missing value never satisfies a comparison. ``x == 5``, ``x != 5``, ``x < 5``,
  ``x in (…)``, ``x not in (…)`` and ``x contains "a"`` are all false where ``x`` is missing.
  A user who reads "x ≠ 5" on a cohort, a filter or a rule reads "rows whose x is known and
  is not 5"; rows where nobody knows x are a group of their own, and are only included when
  the condition says so.
- ``x is missing`` / ``x is not missing`` test it explicitly, and ``or_missing=True`` adds
  the missing rows to a comparison; its text then says so: "x ≠ 5 or missing".
- The negation of a condition is ``not`` of its mask: ``not (x == 5)`` holds where x is
  missing, so "Drop rows where x is 5" keeps the rows without an x (and "Keep only rows where
  x is not 5" does not).

Values are read in the column's type, once: numbers for numeric columns ("5" reads as 5),
true/false for boolean columns ("yes", 1), dates for date columns (a date without a time zone
is read in the column's zone), text otherwise (1.0 reads as "1", as class labels do). A value
that does not fit raises ``ConditionError`` naming the column, what it holds and the value.
Pure Python: no Streamlit, no storage.

    keep = mask(frame, Condition("tenure", "!=", 5))   # bool Series, same index as frame
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
import operator
from collections.abc import Callable, Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.coerce import FALSE_WORDS, TRUE_WORDS, class_label, to_number
from core.exceptions import CoreError

__all__ = [
    "COMPARISONS",
    "MISSING_OPS",
    "OPERATORS",
    "ColumnRef",
    "Condition",
    "ConditionError",
    "Operator",
    "mask",
    "mask_all",
    "read_bool",
    "read_value",
    "value_kind",
]

Operator = Literal[
    "==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "is missing", "is not missing"
]
OPERATORS: tuple[str, ...] = get_args(Operator)
MISSING_OPS = ("is missing", "is not missing")
LIST_OPS = ("in", "not in")
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")

MSG_OPERATOR = "condition operator must be one of {choices}, got {value!r}"
MSG_NO_COLUMN = "{column!r} is not a column of the data{suggestion}"
MSG_VALUE_TYPE = "column {column!r} holds {what}, so the value must be {expected}, got {value!r}"
MSG_CONTAINS_COLUMN = "op 'contains' needs a text column, but {column!r} holds {what}"
MSG_COMPARE = "cannot compare column {column!r} with {value!r}: {reason}"
MSG_COLUMNS_COMPARE = (
    "cannot compare column {column!r} ({what}) with column {other!r} ({other_what})"
)

_SHOWN = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class ConditionError(CoreError):
    """A condition cannot be evaluated on this data: unknown column, or a value of the wrong kind."""


@dataclasses.dataclass(frozen=True)
class ColumnRef:
    """The right-hand side of a column-to-column comparison (``a < b`` in a rule)."""

    name: str


@dataclasses.dataclass(frozen=True)
class Condition:
    """One test on one column; ``value`` is a tuple for ``in``/``not in``, None for the missing tests.

    ``or_missing``: the comparison also holds where the column is missing (said in ``text``).
    """

    column: str
    op: Operator
    value: Any = None
    or_missing: bool = False

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            choices = ", ".join(OPERATORS)
            raise ConditionError(MSG_OPERATOR.format(choices=choices, value=self.op))

    def text(self) -> str:
        """Readable form: ``contract ≠ Month-to-month``, ``tenure_months < 6 or missing``."""
        if self.op in MISSING_OPS:
            return f"{self.column} {self.op}"
        if self.op in LIST_OPS:
            shown = f"{self.column} {self.op} ({', '.join(str(v) for v in self.value or ())})"
        elif self.op == "contains":
            shown = f"{self.column} contains {self.value}"
        else:
            shown = f"{self.column} {_SHOWN[self.op]} {_format(self.value)}"
        return f"{shown} or missing" if self.or_missing else shown


def _format(value: Any) -> str:
    if isinstance(value, ColumnRef):
        return value.name
    if isinstance(value, float | np.floating):
        return np.format_float_positional(float(value), trim="-")
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    return str(value)


# --- what a column holds, and values read in its type --------------------------------------


def _unwrap(series: pd.Series) -> pd.Series:
    """Categories unwrapped to their values; object columns with their values' real types."""
    if isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object:
        return series.astype(object).infer_objects()
    return series


def value_kind(series: pd.Series) -> str:
    """What a column holds, in words: "numbers", "true/false values", "dates" or "text"."""
    values = _unwrap(series)
    if ptypes.is_bool_dtype(values.dtype):
        return "true/false values"
    if ptypes.is_numeric_dtype(values.dtype):
        return "numbers"
    if ptypes.is_datetime64_any_dtype(values.dtype):
        return "dates"
    return "text"


def read_bool(value: Any) -> bool | None:
    """True/False from a bool, 0/1 or words like yes/no/true/false; None for anything else."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Real) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        return True if text in TRUE_WORDS else False if text in FALSE_WORDS else None
    return None


def _read_date(value: Any, series: pd.Series) -> pd.Timestamp | None:
    try:
        stamp = pd.Timestamp(value) if isinstance(value, str | pd.Timestamp) else None
    except ValueError:
        return None
    if stamp is None or stamp is pd.NaT:
        return None
    tz = getattr(series.dtype, "tz", None)
    if tz is not None:
        return stamp.tz_localize(tz) if stamp.tzinfo is None else stamp.tz_convert(tz)
    return stamp.tz_convert(None) if stamp.tzinfo is not None else stamp


_EXPECTED = {
    "numbers": "a number",
    "true/false values": "true or false",
    "dates": "a date like 2024-01-31",
    "text": "text",
}


def read_value(value: Any, series: pd.Series, column: str, kind: str | None = None) -> Any:
    """``value`` in the column's type; raises ``ConditionError`` when it does not fit."""
    kind = kind or value_kind(series)
    values = series
    if kind == "numbers":
        typed: Any = to_number(value)
    elif kind == "true/false values":
        typed = read_bool(value)
    elif kind == "dates":
        typed = _read_date(value, values)
    else:
        typed = None if value is None else class_label(value)
    if typed is None:
        message = MSG_VALUE_TYPE.format(
            column=column, what=kind, expected=_EXPECTED[kind], value=value
        )
        raise ConditionError(message, field=column)
    return typed


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        close = difflib.get_close_matches(str(column), [str(c) for c in frame.columns], n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        message = MSG_NO_COLUMN.format(column=column, suggestion=suggestion)
        raise ConditionError(message, field=str(column))
    return frame[column]


def _texts(values: pd.Series) -> pd.Series:
    """Values as class labels (1.0 -> "1", True -> "True"); missing stay missing."""
    present = values.notna()
    mapping = {v: class_label(v) for v in pd.unique(values[present])}
    return values.map(mapping).where(present, None).astype(object)


def _comparable(series: pd.Series, kind: str) -> pd.Series:
    values = _unwrap(series)
    if kind == "text":
        return _texts(values)
    if kind == "true/false values":
        return values.astype("boolean")
    return values


def _as_bool(result: Any, index: pd.Index) -> np.ndarray:
    if isinstance(result, pd.Series):
        return result.to_numpy(dtype=bool, na_value=False)
    return np.broadcast_to(np.asarray(result, dtype=bool), (len(index),)).copy()


def _found(frame: pd.DataFrame, series: pd.Series, condition: Condition) -> np.ndarray:
    """Where the comparison holds, before the missing rule is applied."""
    op, value, column = condition.op, condition.value, condition.column
    kind = value_kind(series)
    values = _comparable(series, kind)
    if op == "contains":
        if kind != "text":
            raise ConditionError(MSG_CONTAINS_COLUMN.format(column=column, what=kind), field=column)
        text = values.astype("string").str.contains(str(value), regex=False)
        return _as_bool(text, series.index)
    if op in LIST_OPS:
        wanted = [read_value(v, series, column, kind) for v in (value or ())]
        hits = values.isin(wanted).to_numpy(dtype=bool)
        return ~hits if op == "not in" else hits
    if isinstance(value, ColumnRef):
        other = _column(frame, value.name)
        other_kind = value_kind(other)
        if other_kind != kind:
            message = MSG_COLUMNS_COMPARE.format(
                column=column, what=kind, other=value.name, other_what=other_kind
            )
            raise ConditionError(message, field=column)
        right: Any = _comparable(other, other_kind)
    else:
        right = read_value(value, series, column, kind)
    present = values.notna().to_numpy()
    if kind == "text":  # compare the known values only: None has no order
        out = np.zeros(len(values), dtype=bool)
        known = values[present].astype(str)
        if isinstance(right, pd.Series):
            right = right[present].astype(str)
        out[present] = _as_bool(_COMPARE[op](known, right), known.index)
        return out
    try:
        return _as_bool(_COMPARE[op](values, right), series.index)
    except TypeError as error:
        message = MSG_COMPARE.format(column=column, value=value, reason=error)
        raise ConditionError(message, field=column) from None


def mask(frame: pd.DataFrame, condition: Condition) -> pd.Series:
    """Rows of ``frame`` where ``condition`` holds: a bool Series with the frame's index.

    Missing values follow the module's one rule: they never satisfy a comparison (on either
    side of a column-to-column comparison), ``is missing`` tests them, ``or_missing`` adds them.
    """
    series = _column(frame, condition.column)
    missing = series.isna().to_numpy()
    if condition.op == "is missing":
        return pd.Series(missing, index=frame.index, name=condition.column)
    if condition.op == "is not missing":
        return pd.Series(~missing, index=frame.index, name=condition.column)
    unknown = missing
    if isinstance(condition.value, ColumnRef):
        unknown = missing | _column(frame, condition.value.name).isna().to_numpy()
    holds = _found(frame, series, condition) & ~unknown
    if condition.or_missing:
        holds |= unknown
    return pd.Series(holds, index=frame.index, name=condition.column)


def mask_all(frame: pd.DataFrame, conditions: Sequence[Condition]) -> pd.Series:
    """Rows where every condition holds (all rows for no conditions)."""
    holds = np.ones(len(frame), dtype=bool)
    for condition in conditions:
        holds &= mask(frame, condition).to_numpy()
    return pd.Series(holds, index=frame.index)
