"""The user's own rules about the data ("churned is one of No, Yes"), re-checked by pandera
on every new dataset version. ``Expectation`` is a pydantic document: validated once on the
way in, stored as plain data.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, get_args

import pandas as pd
import pydantic

from core.coerce import to_number
from core.documents import FieldError, PositionalDocument, read
from core.exceptions import CoreError

if TYPE_CHECKING:
    import pandera.pandas as pa
from core.coerce import class_label, class_labels
from core.data.findings import _num
from core.data.quality import _is_number_dtype

ExpectationKind = Literal["not_null", "unique", "range", "allowed_values", "regex", "row_count"]
EXPECTATION_KINDS: tuple[str, ...] = get_args(ExpectationKind)
MSG_EXP_COLUMN = "a {kind} expectation needs a column"
MSG_EXP_NO_COLUMN = "a row_count expectation is about the whole table; leave column empty"
MSG_EXP_NUMBER = "{field} must be a number, got {value!r}"
MSG_EXP_BOUNDS = "a {kind} expectation needs min, max or both"
MSG_EXP_MIN_MAX = "min {min} must not be more than max {max}"
MSG_EXP_VALUES = "an allowed_values expectation needs at least one value"
MSG_EXP_PATTERN = "a regex expectation needs a pattern"
MSG_EXP_REGEX = "pattern {pattern!r} is not a valid regular expression: {error}"
MSG_EXP_UNUSED = "{field} does not apply to a {kind} expectation"
MSG_EXP_UNKNOWN_KEY = "{key!r} is not a field of an expectation; fields: {fields}"
MSG_LIST_VALUES = "values must be a list of allowed values, got {value!r}"
MSG_EXP_MAPPING = "an expectation must be a mapping of fields, got {value!r}"
MSG_EXP_GONE = "{column} is gone: the column is not in this data, so {rule!r} cannot hold."
MSG_EXP_NOT_NUMERIC = "{column} holds {dtype} values, not numbers, so {rule!r} cannot be checked."
MSG_EXP_PASSED = "{rule!r} holds for all {rows:,} rows."
MSG_EXP_FAILED = "{count:,} of {rows:,} rows break {rule!r}, e.g. {examples}."
MSG_EXP_ROWS_PASSED = "{rule!r} holds: the data has {rows:,} rows."
MSG_EXP_ROWS_FAILED = "{rule!r} fails: the data has {rows:,} rows."


class ExpectationError(CoreError):
    """An expectation cannot be checked as written (unknown kind, min > max, bad regex, …)."""


_FIELDS = ("kind", "column", "min", "max", "values", "pattern")


class Expectation(PositionalDocument):
    """A rule the user expects every dataset version to keep, e.g. "churned is one of No, Yes".

    Checked on creation: an expectation that cannot be run raises ``ExpectationError``.
    Stored as plain data (``expectation_to_dict``), empty fields left out.
    """

    kind: ExpectationKind
    column: str | None = None  # None for row_count
    min: float | None = None  # range and row_count
    max: float | None = None
    values: tuple[str, ...] = ()  # allowed_values, compared as text
    pattern: str | None = None  # regex, must match the whole value

    stage_error = ExpectationError

    @pydantic.model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ValueError(MSG_EXP_MAPPING.format(value=data))
        for key in data:
            if key not in _FIELDS:
                message = MSG_EXP_UNKNOWN_KEY.format(key=key, fields=", ".join(_FIELDS))
                raise FieldError(str(key), message)
        return data

    @pydantic.field_validator("column", "pattern", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @pydantic.field_validator("min", "max", mode="before")
    @classmethod
    def _number(cls, value: Any, info: pydantic.ValidationInfo) -> float | None:
        number = None if value is None else to_number(value)
        if value is not None and number is None:
            raise ValueError(MSG_EXP_NUMBER.format(field=info.field_name, value=value))
        return number

    @pydantic.field_validator("values", mode="before")
    @classmethod
    def _as_text(cls, values: Any) -> tuple[str, ...]:
        if values is None:
            return ()
        if isinstance(values, str | bytes) or not isinstance(values, Sequence):
            raise ValueError(MSG_LIST_VALUES.format(value=values))
        return tuple(class_label(v) for v in values)

    @pydantic.model_validator(mode="after")
    def _fits_kind(self) -> Expectation:
        """Each kind's fields: a column (or none for row_count), bounds, values or a pattern."""
        kind, low, high = self.kind, self.min, self.max
        if kind == "row_count" and self.column is not None:
            raise FieldError("column", MSG_EXP_NO_COLUMN)
        if kind != "row_count" and self.column is None:
            raise FieldError("column", MSG_EXP_COLUMN.format(kind=kind))
        bounded = kind in ("range", "row_count")
        for field, value in (("min", low), ("max", high)):
            if value is not None and not bounded:
                raise FieldError(field, MSG_EXP_UNUSED.format(field=field, kind=kind))
        if bounded and low is None and high is None:
            raise FieldError("min", MSG_EXP_BOUNDS.format(kind=kind))
        if low is not None and high is not None and low > high:
            raise FieldError("min", MSG_EXP_MIN_MAX.format(min=_num(low), max=_num(high)))
        if kind == "allowed_values" and not self.values:
            raise FieldError("values", MSG_EXP_VALUES)
        if kind != "allowed_values" and self.values:
            raise FieldError("values", MSG_EXP_UNUSED.format(field="values", kind=kind))
        if kind != "regex" and self.pattern is not None:
            raise FieldError("pattern", MSG_EXP_UNUSED.format(field="pattern", kind=kind))
        if kind == "regex":
            _check_pattern(self.pattern)
        return self

    @pydantic.field_serializer("min", "max")
    def _whole_as_int(self, value: float | None) -> float | int | None:
        return int(value) if value is not None and value.is_integer() else value

    def describe(self) -> str:
        if self.kind == "row_count":
            return "the data has " + _bounds(self.min, self.max) + " rows"
        if self.kind == "not_null":
            return f"{self.column} is never missing"
        if self.kind == "unique":
            return f"{self.column} has no repeated values"
        if self.kind == "range":
            return f"{self.column} is " + _bounds(self.min, self.max)
        if self.kind == "allowed_values":
            return f"{self.column} is one of {', '.join(self.values)}"
        return f"{self.column} matches {self.pattern}"


def _check_pattern(pattern: str | None) -> None:
    if not pattern:
        raise FieldError("pattern", MSG_EXP_PATTERN)
    try:
        re.compile(pattern)
    except re.error as error:
        raise FieldError("pattern", MSG_EXP_REGEX.format(pattern=pattern, error=error)) from None


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"between {_num(low)} and {_num(high)}"
    if low is not None:
        return f"at least {_num(low)}"
    return f"at most {_num(high)}" if high is not None else "any number"


def expectation_from_dict(data: Mapping[str, Any]) -> Expectation:
    """Read a saved or typed-in expectation, with a clear error for the first wrong field."""
    return read(Expectation, data, error=Expectation.problem_error)


def expectation_to_dict(expectation: Expectation) -> dict[str, Any]:
    """Plain JSON-safe data; ``expectation_from_dict(expectation_to_dict(e)) == e``."""
    return expectation.model_dump(mode="json", exclude_defaults=True, exclude_none=True)


@dataclasses.dataclass(frozen=True)
class ExpectationResult:
    """One expectation on one dataset version: did it hold, and if not, where and how."""

    expectation: Expectation
    passed: bool
    failing_rows: int
    message: str
    examples: tuple[str, ...] = ()  # up to 5 failing values (or rows), as text


def _column_check(e: Expectation) -> list[pa.Check]:
    import pandera.pandas as pa  # imported on use: ~1 s that most commands never need

    if e.kind == "range":
        if e.min is not None and e.max is not None:
            return [pa.Check.in_range(e.min, e.max)]
        return [pa.Check.ge(e.min)] if e.min is not None else [pa.Check.le(e.max)]
    if e.kind == "allowed_values":
        return [pa.Check.isin(list(e.values))]
    if e.kind == "regex":
        return [pa.Check.str_matches(f"(?:{e.pattern})\\Z")]
    return []


def _failure_cases(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame | None:
    import pandera.pandas as pa  # imported on use: ~1 s that most commands never need

    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases
    return None


def _check_rows(df: pd.DataFrame, e: Expectation) -> ExpectationResult:
    import pandera.pandas as pa

    rule, rows = e.describe(), len(df)
    low = -math.inf if e.min is None else e.min
    high = math.inf if e.max is None else e.max
    check = pa.Check(lambda frame: low <= len(frame) <= high, name="row_count", error=rule)
    if _failure_cases(pa.DataFrameSchema(checks=[check]), df) is None:
        return ExpectationResult(e, True, 0, MSG_EXP_ROWS_PASSED.format(rule=rule, rows=rows))
    message = MSG_EXP_ROWS_FAILED.format(rule=rule, rows=rows)
    return ExpectationResult(e, False, 0, message, (f"{rows:,} rows",))


def _check_column(df: pd.DataFrame, e: Expectation) -> ExpectationResult:
    import pandera.pandas as pa

    rule, rows, name = e.describe(), len(df), e.column
    if name not in df.columns:
        return ExpectationResult(e, False, rows, MSG_EXP_GONE.format(column=name, rule=rule))
    series = df[name].reset_index(drop=True)  # positions, so repeated index labels count once
    if e.kind == "range" and not _is_number_dtype(series):
        message = MSG_EXP_NOT_NUMERIC.format(column=name, dtype=series.dtype, rule=rule)
        return ExpectationResult(e, False, int(series.notna().sum()), message)
    if e.kind in ("allowed_values", "regex"):
        series = class_labels(series).astype(object)
    if e.kind == "unique":
        series = series.dropna()  # missing values are not_null's business, not repeats
    column = pa.Column(
        checks=_column_check(e), nullable=e.kind != "not_null", unique=e.kind == "unique"
    )
    cases = _failure_cases(pa.DataFrameSchema({name: column}), pd.DataFrame({name: series}))
    if cases is not None:
        cases = cases.assign(position=pd.to_numeric(cases["index"], errors="coerce"))
        cases = cases.dropna(subset=["position"]).sort_values("position", kind="stable")
    if cases is None or cases.empty:
        return ExpectationResult(e, True, 0, MSG_EXP_PASSED.format(rule=rule, rows=rows))
    positions = cases["position"].astype(int).unique()
    if e.kind == "not_null":
        examples = tuple(f"row {df.index[p]}" for p in positions[:5])
    else:
        failing = pd.unique(cases["failure_case"].dropna())
        examples = tuple(class_label(v) for v in failing[:5])
    shown = ", ".join(repr(x) for x in examples[:3]) + (", …" if len(examples) > 3 else "")
    message = MSG_EXP_FAILED.format(count=len(positions), rows=rows, rule=rule, examples=shown)
    return ExpectationResult(e, False, len(positions), message, examples)


def check_expectations(
    df: pd.DataFrame, expectations: Sequence[Expectation]
) -> list[ExpectationResult]:
    """Run each expectation on ``df`` with pandera; a column that is gone fails, not raises."""
    return [
        _check_rows(df, e) if e.kind == "row_count" else _check_column(df, e) for e in expectations
    ]
