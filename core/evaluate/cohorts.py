"""Evaluate stage, error analysis: cohorts, the slices of rows a model gets wrong.

``errors`` is one number per row of ``frame`` (positional): 1/0 (or True/False) for "this
prediction was wrong" (classification: the measure is the error rate) or the absolute error
(regression: the measure is the mean absolute error); NaN rows are left out. Build it with
``core.evaluate.per_row.prediction_errors``.

A cohort is data, not only text: ``Cohort.conditions`` can be saved (``cohort_to_dict``) and
re-applied to another run's rows (``apply_cohort``). Conditions are ``core.conditions``' (one
rule for missing values everywhere): a missing value satisfies no comparison, ``!=`` and
``not in`` included; a cohort that holds the missing rows says "or missing". Saved cohorts
from before that rule (no ``missing_rule`` key) are read with their ``!=``/``not in`` rows
kept as they were, and their rule text says so. Cohorts per feature are in
``core.evaluate.by_feature``, cohorts found by a tree in ``core.evaluate.cohort_search``.
Pure Python: no Streamlit, no storage.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.conditions import MSG_NO_COLUMN, MSG_OPERATOR, OPERATORS, Condition, mask_all
from core.exceptions import CoreError

Measure = Literal["error rate", "mean absolute error"]
MISSING_RULE = 2  # saved cohorts: conditions follow core.conditions' rule for missing values
TABLE_COLUMNS = (
    "cohort",
    "rule",
    "rows",
    "share_of_rows",
    "errors",
    "error_rate",
    "lift",
    "share_of_errors",
)


# --- messages (tests import these) -------------------------------------------------------

MSG_ERRORS_LENGTH = "errors must have one value per row of the frame ({rows:,} rows), got {count:,}"
MSG_ERRORS_NUMBERS = "errors must be numbers (1/0 for wrong/right, or absolute errors), got {dtype}"
MSG_ERRORS_NEGATIVE = (
    "errors must be 0 or more, found {count:,} negative value(s); pass the absolute error "
    "|prediction − actual| for regression"
)
MSG_COHORT_FIELD = "a saved cohort needs {field}; got keys {keys}"
MSG_CONDITION_VALUE = "condition {column!r} {op} needs {expected}, got {value!r}"


class ErrorAnalysisError(CoreError):
    """Errors, columns or a saved cohort do not fit the data."""


# --- cohorts as data -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Cohort:
    """A slice of rows with its error measure; ``lift`` = its error rate / the overall one."""

    rule: str
    rows: int
    error_rate: float  # the mean absolute error for regression (see ``measure``)
    lift: float
    conditions: tuple[Condition, ...]
    share_of_rows: float = math.nan
    share_of_errors: float = math.nan
    errors: float = math.nan  # wrong predictions, or the summed absolute error
    measure: Measure = "error rate"

    def describe(self) -> str:
        """One line: ``tenure_months < 6 and contract = Month-to-month: 41% errors, 312 rows``."""
        if self.measure == "error rate":
            amount = f"{self.error_rate:.0%} errors"
        else:
            amount = f"mean absolute error {format_value(float(f'{self.error_rate:.4g}'))}"
        text = f"{self.rule}: {amount}, {self.rows:,} rows"
        return f"{text} ({self.lift:.1f}x overall)" if math.isfinite(self.lift) else text


def format_value(value: Any) -> str:
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return str(value)
        return np.format_float_positional(float(value), trim="-")
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return str(int(value))
    return str(value)


def _render(conditions: Sequence[Condition]) -> str:
    """Conditions joined by "and"; a lower and upper bound on one column read ``6 ≤ x < 12``."""
    if not conditions:
        return "all rows"
    parts: list[str] = []
    used: set[int] = set()
    for i, c in enumerate(conditions):
        if i in used:
            continue
        if c.op in (">=", ">") and not c.or_missing:
            j = next(
                (
                    j
                    for j, d in enumerate(conditions)
                    if j not in used and j != i and d.column == c.column and d.op in ("<", "<=")
                ),
                None,
            )
            if j is not None:
                upper = conditions[j]
                used.add(j)
                low_op = "≤" if c.op == ">=" else "<"
                # the lower bound already leaves out missing values: the upper one reads plain
                upper_text = dataclasses.replace(upper, or_missing=False).text()
                parts.append(f"{format_value(c.value)} {low_op} {upper_text}")
                continue
        parts.append(c.text())
    if len(parts) > 1:  # "a or missing and b" would read two ways
        parts = [f"({p})" if p.endswith(" or missing") else p for p in parts]
    return " and ".join(parts)


def cohort_to_dict(cohort: Cohort) -> dict[str, Any]:
    """JSON-ready: plain numbers, text and lists."""
    data = dataclasses.asdict(cohort)
    data["conditions"] = [
        {
            "column": c.column,
            "op": c.op,
            "value": list(c.value) if isinstance(c.value, tuple) else _plain(c.value),
            "or_missing": c.or_missing,
        }
        for c in cohort.conditions
    ]
    for key in ("error_rate", "lift", "share_of_rows", "share_of_errors", "errors"):
        data[key] = _plain(data[key])
    data["missing_rule"] = MISSING_RULE
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _condition_from_dict(data: Mapping[str, Any]) -> Condition:
    for field in ("column", "op"):
        if field not in data:
            raise ErrorAnalysisError(
                MSG_COHORT_FIELD.format(field=f"conditions[].{field}", keys=sorted(data)),
                field="conditions",
            )
    op, column, value = data["op"], str(data["column"]), data.get("value")
    if op not in OPERATORS:
        raise ErrorAnalysisError(
            MSG_OPERATOR.format(choices=", ".join(OPERATORS), value=op), field="conditions"
        )
    if op in ("in", "not in"):
        if not isinstance(value, list | tuple):
            raise ErrorAnalysisError(
                MSG_CONDITION_VALUE.format(column=column, op=op, expected="a list", value=value),
                field="conditions",
            )
        value = tuple(str(v) for v in value)
    elif op in ("is missing", "is not missing"):
        value = None
    elif value is None or isinstance(value, bool | list | dict):
        raise ErrorAnalysisError(
            MSG_CONDITION_VALUE.format(
                column=column, op=op, expected="a number or text", value=value
            ),
            field="conditions",
        )
    return Condition(column, op, value, bool(data.get("or_missing", False)))


def cohort_from_dict(data: Mapping[str, Any]) -> Cohort:
    """Read a saved cohort back; raises ErrorAnalysisError naming the bad field."""
    if "conditions" not in data:
        raise ErrorAnalysisError(
            MSG_COHORT_FIELD.format(field="conditions", keys=sorted(data)), field="conditions"
        )
    conditions = tuple(_condition_from_dict(c) for c in data["conditions"])
    rule = data.get("rule")
    if data.get("missing_rule") != MISSING_RULE:  # saved when != and not in held for missing
        legacy = tuple(
            dataclasses.replace(c, or_missing=True) if c.op in ("!=", "not in") else c
            for c in conditions
        )
        rule = None if legacy != conditions else rule
        conditions = legacy

    def number(key: str, default: float = math.nan) -> float:
        value = data.get(key)
        return default if value is None else float(value)

    measure = data.get("measure", "error rate")
    return Cohort(
        rule=str(rule or _render(conditions)),
        rows=int(data.get("rows") or 0),
        error_rate=number("error_rate"),
        lift=number("lift"),
        conditions=conditions,
        share_of_rows=number("share_of_rows"),
        share_of_errors=number("share_of_errors"),
        errors=number("errors"),
        measure="mean absolute error" if measure == "mean absolute error" else "error rate",
    )


# --- applying conditions -------------------------------------------------------------------


def column_of(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        close = difflib.get_close_matches(str(column), [str(c) for c in frame.columns], n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        raise ErrorAnalysisError(
            MSG_NO_COLUMN.format(column=column, suggestion=suggestion), field=column
        )
    return frame[column]


def is_datetime(series: pd.Series) -> bool:
    return ptypes.is_datetime64_any_dtype(series.dtype)


def is_number(series: pd.Series) -> bool:
    return ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype)


def column_numbers(series: pd.Series) -> np.ndarray:
    """Numbers as float (datetimes as nanoseconds, UTC); unreadable values are NaN."""
    if is_datetime(series):
        if getattr(series.dtype, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        ns = series.to_numpy(dtype="datetime64[ns]").view(np.int64).astype(float)
        ns[series.isna().to_numpy()] = np.nan
        return ns
    if is_number(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def ranked_values(texts: np.ndarray) -> list[tuple[str, int]]:
    """A column's distinct present values (as text) with their counts, most common first,
    ties in text order."""
    present = texts[np.array([t is not None for t in texts], dtype=bool)]
    counts = pd.Series(present, dtype=object).value_counts()
    return sorted(((str(v), int(c)) for v, c in counts.items()), key=lambda i: (-i[1], i[0]))


def apply_cohort(frame: pd.DataFrame, cohort: Cohort | Sequence[Condition]) -> np.ndarray:
    """Boolean mask of the frame's rows inside the cohort (all conditions hold).

    Conditions follow ``core.conditions``' one rule: a missing value satisfies no comparison
    unless the condition says ``or missing``.
    """
    conditions = cohort.conditions if isinstance(cohort, Cohort) else tuple(cohort)
    for condition in conditions:
        column_of(frame, condition.column)  # an unknown column is named the cohort's way
    return mask_all(frame, conditions).to_numpy()


# --- errors in, statistics out --------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class RowErrors:
    values: np.ndarray  # float, NaN = unknown
    known: np.ndarray
    measure: Measure
    total: float
    overall: float


def read_errors(frame: pd.DataFrame, errors: Any) -> RowErrors:
    raw = np.asarray(errors)
    if raw.ndim != 1 or raw.shape[0] != len(frame):
        raise ErrorAnalysisError(
            MSG_ERRORS_LENGTH.format(rows=len(frame), count=raw.size), field="errors"
        )
    if not (ptypes.is_numeric_dtype(raw.dtype) or ptypes.is_bool_dtype(raw.dtype)):
        converted = pd.to_numeric(pd.Series(raw), errors="coerce")
        if (converted.isna() & pd.Series(raw).notna()).any():
            raise ErrorAnalysisError(MSG_ERRORS_NUMBERS.format(dtype=raw.dtype), field="errors")
        raw = converted.to_numpy(dtype=float, na_value=np.nan)
    values = raw.astype(float)
    known = np.isfinite(values)
    negative = int(np.count_nonzero(values[known] < 0))
    if negative:
        raise ErrorAnalysisError(MSG_ERRORS_NEGATIVE.format(count=negative), field="errors")
    binary = raw.dtype == bool or np.isin(values[known], (0.0, 1.0)).all()
    total = float(values[known].sum())
    count = int(known.sum())
    return RowErrors(
        values,
        known,
        "error rate" if binary else "mean absolute error",
        total,
        total / count if count else math.nan,
    )


def cohort_of(conditions: Sequence[Condition], mask: np.ndarray, err: RowErrors) -> Cohort:
    inside = mask & err.known
    rows = int(inside.sum())
    amount = float(err.values[inside].sum())
    rate = amount / rows if rows else math.nan
    known = int(err.known.sum())
    return Cohort(
        rule=_render(conditions),
        rows=rows,
        error_rate=rate,
        lift=rate / err.overall if err.overall else math.nan,
        conditions=tuple(conditions),
        share_of_rows=rows / known if known else math.nan,
        share_of_errors=amount / err.total if err.total else math.nan,
        errors=amount,
        measure=err.measure,
    )


def cohorts_table(cohorts: Sequence[Cohort], labels: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per cohort (TABLE_COLUMNS); ``attrs["measure"]`` says what error_rate holds."""
    labels = labels or [c.rule for c in cohorts]
    table = pd.DataFrame(
        [
            {
                "cohort": label,
                "rule": c.rule,
                "rows": c.rows,
                "share_of_rows": c.share_of_rows,
                "errors": c.errors,
                "error_rate": c.error_rate,
                "lift": c.lift,
                "share_of_errors": c.share_of_errors,
            }
            for label, c in zip(labels, cohorts, strict=True)
        ],
        columns=list(TABLE_COLUMNS),
    )
    table.attrs["measure"] = cohorts[0].measure if cohorts else "error rate"
    return table
