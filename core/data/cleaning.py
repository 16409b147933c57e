"""Applying the cleaning recipe (``core.data.recipe``) to a frame, with a report per step.

``apply_recipe`` never mutates its input and keeps its index: the index is the raw row id of
the dataset version, which the frozen evaluation split (``core.data.split``) refers to.
``preview_recipe`` shows the same sample rows before and after.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core import conditions
from core.data.recipe import (
    MSG_DATES_TO_NUMBER,
    MSG_DUPLICATE_COLUMN,
    MSG_MISSING_COLUMN,
    MSG_NOT_NUMERIC,
    MSG_NOT_WHOLE,
    MSG_RENAME_EXISTS,
    MSG_STEP,
    VALUE_FREE_OPS,
    Recipe,
    RecipeError,
    Step,
    _Problem,
    _show,
    _suggest,
)

# --- applying ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StepReport:
    """What one step did, for the recipe table: row counts, columns, changed cells, a note."""

    index: int
    step: Step
    rows_before: int
    rows_after: int
    columns_added: tuple[str, ...]
    columns_removed: tuple[str, ...]
    changed_cells: int
    note: str
    values_lost: int = 0  # cast / parse_dates: values that could not be read, now missing

    @property
    def rows_removed(self) -> int:
        return self.rows_before - self.rows_after


@dataclasses.dataclass(frozen=True)
class RecipeResult:
    """The cleaned frame (same index as the input, minus removed rows) and one report a step."""

    frame: pd.DataFrame
    reports: tuple[StepReport, ...]


@dataclasses.dataclass(frozen=True)
class RecipePreview:
    """Before/after of the same sample rows, matched by index, plus the full-data reports.

    ``after`` lacks the sample rows the recipe removed; they are listed in ``removed_index``.
    """

    before: pd.DataFrame
    after: pd.DataFrame
    removed_index: pd.Index
    reports: tuple[StepReport, ...]
    total_rows: int


StepOutcome = tuple[pd.DataFrame, int, str]


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _example(values: pd.Series) -> Any:
    """The first value, unwrapped from numpy, to quote in a message."""
    value = values.iloc[0]
    return value.item() if isinstance(value, np.generic) else value


def _what(series: pd.Series) -> str:
    """The kind of values a column holds, in words: numbers, text, dates, true/false values."""
    return conditions.value_kind(series)


def _changed_cells(before: pd.Series, after: pd.Series) -> int:
    """Cells whose value differs between two versions of one column (missing is a value)."""
    was_na, is_na = before.isna().to_numpy(), after.isna().to_numpy()
    both = ~was_na & ~is_na
    old = before.astype(object).to_numpy()[both]
    new = after.astype(object).to_numpy()[both]
    return int((was_na != is_na).sum() + np.not_equal(old, new).sum())


def _drop_column(frame: pd.DataFrame, step: Step) -> StepOutcome:
    return frame.drop(columns=[step.column]), 0, f"Dropped column {step.column}"


def _drop_duplicates(frame: pd.DataFrame, step: Step) -> StepOutcome:
    subset = list(step.params["subset"]) if "subset" in step.params else None
    duplicated = frame.duplicated(subset=subset, keep="first").to_numpy()
    count = int(duplicated.sum())
    return frame.loc[~duplicated], 0, f"Removed {_plural(count, 'duplicate row')}"


def _typed_value(value: Any, series: pd.Series, column: str) -> Any:
    """The fill value in the column's type, read as conditions read values."""
    try:
        return conditions.read_value(value, series, column)
    except conditions.ConditionError as error:
        raise _Problem(str(error)) from None


_TRUE, _FALSE = conditions.TRUE_WORDS, conditions.FALSE_WORDS
_CONDITION_OPS = {"is null": "is missing", "not null": "is not missing"}


def filter_condition(step: Step) -> conditions.Condition:
    """The condition of a filter_rows step, in the one condition language (core.conditions)."""
    op = step.params["op"]
    return conditions.Condition(
        step.column or "", _CONDITION_OPS.get(op, op), step.params.get("value")
    )


def _match(frame: pd.DataFrame, step: Step) -> np.ndarray:
    """Rows matching the filter's condition; a missing value matches only ``is null``."""
    try:
        return conditions.mask(frame, filter_condition(step)).to_numpy()
    except conditions.ConditionError as error:
        raise _Problem(str(error)) from None


def _filter_rows(frame: pd.DataFrame, step: Step) -> StepOutcome:
    column, params = step.column or "", step.params
    match = _match(frame, step)
    keep = match if params["action"] == "keep" else ~match
    removed = int((~keep).sum())
    note = f"Removed {_plural(removed, 'row')} of {len(frame):,}"
    missing = int((~keep & frame[column].isna().to_numpy()).sum())
    if missing and params["op"] not in VALUE_FREE_OPS:
        note += f"; {missing:,} of them had no {column} value (a missing value matches nothing)"
    return frame.loc[keep], 0, note


def _number_text(series: pd.Series, decimal: str) -> pd.Series:
    """Text like "1 234,5" (decimal ",") or "1,234.5" (decimal ".") made readable as numbers."""
    is_text = series.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    text = series[is_text].str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    out = series.copy()
    out[is_text] = text
    return out


def _as_objects(series: pd.Series) -> pd.Series:
    """Plain object values with ``np.nan`` for missing (pd.NA confuses numeric parsers)."""
    values = series.astype(object)
    return values.where(series.notna().to_numpy(), np.nan)


def _cast_numeric(series: pd.Series, column: str, params: Mapping[str, Any]) -> pd.Series:
    if ptypes.is_datetime64_any_dtype(series.dtype):
        raise _Problem(MSG_DATES_TO_NUMBER.format(column=column, to=params["to"]))
    if ptypes.is_bool_dtype(series.dtype):
        return series.astype("Int64" if series.isna().any() else "int64")
    if ptypes.is_numeric_dtype(series.dtype) and not isinstance(series.dtype, pd.CategoricalDtype):
        return series.copy()
    values = _as_objects(series)
    if params.get("decimal"):
        values = _number_text(values, params["decimal"])
    return pd.to_numeric(values, errors="coerce")


def _cast_integer(series: pd.Series, column: str, params: Mapping[str, Any]) -> pd.Series:
    numbers_ = _cast_numeric(series, column, params)
    if ptypes.is_integer_dtype(numbers_.dtype):
        return numbers_.astype("Int64")
    fractional = numbers_.notna() & (numbers_ % 1 != 0)
    if fractional.any():
        example = _example(numbers_[fractional])
        raise _Problem(
            MSG_NOT_WHOLE.format(count=int(fractional.sum()), column=column, example=example)
        )
    return numbers_.astype("Int64")


def _cast_string(series: pd.Series, column: str, params: Mapping[str, Any]) -> pd.Series:
    return _as_objects(series.astype("string"))


def _cast_boolean(series: pd.Series, column: str, params: Mapping[str, Any]) -> pd.Series:
    if ptypes.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    read = [None if pd.isna(v) else conditions.read_bool(v) for v in series.astype(object)]
    return pd.Series(pd.array(read, dtype="boolean"), index=series.index, name=series.name)


def _cast_category(series: pd.Series, column: str, params: Mapping[str, Any]) -> pd.Series:
    return series.astype("category")


def _cast_datetime(series: pd.Series, column: str, params: Mapping[str, Any]) -> pd.Series:
    if ptypes.is_datetime64_any_dtype(series.dtype):
        return series.copy()
    if ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype):
        series = _cast_string(series, column, params)  # 20240131 is a date, not nanoseconds
    values = _as_objects(series)
    fmt = params.get("format")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format" chatter
        out = pd.to_datetime(values, format=fmt, errors="coerce")
        if not ptypes.is_datetime64_any_dtype(out.dtype):  # mixed time zones
            out = pd.to_datetime(values, format=fmt, errors="coerce", utc=True)
    return out


_CAST: dict[str, Callable[[pd.Series, str, Mapping[str, Any]], pd.Series]] = {
    "numeric": _cast_numeric,
    "integer": _cast_integer,
    "string": _cast_string,
    "boolean": _cast_boolean,
    "category": _cast_category,
    "datetime": _cast_datetime,
}


def _convert(frame: pd.DataFrame, step: Step, to: str, reading: str) -> StepOutcome:
    """Cast or parse one column, reporting the values that could not be read."""
    column = step.column or ""
    before = frame[column]
    after = _CAST[to](before, column, step.params)
    lost = (before.notna() & after.isna()).to_numpy()
    frame = frame.copy(deep=False)  # a fresh frame, so no SettingWithCopy after a filter
    frame[column] = after
    note = f"Converted {_plural(int(before.notna().sum()), 'value')} to {to}"
    if lost.any():
        example = _example(before[lost])
        note += (
            f"; {_plural(int(lost.sum()), 'value')} could not be read as {reading} "
            f"and are now missing (e.g. {example!r})"
        )
    return frame, _changed_cells(before, after), note


def _cast(frame: pd.DataFrame, step: Step) -> StepOutcome:
    to = step.params["to"]
    readings = {"numeric": "numbers", "integer": "numbers", "boolean": "true/false"}
    return _convert(frame, step, to, readings.get(to, to))


def _parse_dates(frame: pd.DataFrame, step: Step) -> StepOutcome:
    return _convert(frame, step, "datetime", "dates")


def _cap_outliers(frame: pd.DataFrame, step: Step) -> StepOutcome:
    column = step.column or ""
    before = frame[column]
    if _what(before) != "numbers" or isinstance(before.dtype, pd.CategoricalDtype):
        raise _Problem(MSG_NOT_NUMERIC.format(column=column, what=_what(before), action="capping"))
    lower, upper = step.params.get("lower"), step.params.get("upper")
    after = before.clip(lower=lower, upper=upper)
    below = int((before < lower).sum()) if lower is not None else 0
    above = int((before > upper).sum()) if upper is not None else 0
    frame = frame.copy(deep=False)
    frame[column] = after
    note = f"Capped {_plural(below + above, 'value')} ({below:,} below, {above:,} above)"
    return frame, _changed_cells(before, after), note


def _fill_missing(frame: pd.DataFrame, step: Step) -> StepOutcome:
    column, value = step.column or "", step.params["value"]
    before = frame[column]
    filled = before
    typed = _typed_value(value, before, column)
    if isinstance(before.dtype, pd.CategoricalDtype) and typed not in before.cat.categories:
        filled = before.cat.add_categories([typed])
    if isinstance(typed, float) and typed.is_integer() and ptypes.is_integer_dtype(before.dtype):
        typed = int(typed)
    after = filled.where(filled.notna(), typed)
    frame = frame.copy(deep=False)
    frame[column] = after
    count = int(before.isna().sum())
    note = f"Filled {_plural(count, 'missing value')} with {_show(typed)}"
    return frame, _changed_cells(before, after), note


def _rename(frame: pd.DataFrame, step: Step) -> StepOutcome:
    column, to = step.column, step.params["to"]
    if to in frame.columns:
        raise _Problem(MSG_RENAME_EXISTS.format(column=column, to=to))
    return frame.rename(columns={column: to}), 0, f"Renamed {column} to {to}"


_APPLY: dict[str, Callable[[pd.DataFrame, Step], StepOutcome]] = {
    "drop_column": _drop_column,
    "drop_duplicates": _drop_duplicates,
    "filter_rows": _filter_rows,
    "cast": _cast,
    "parse_dates": _parse_dates,
    "cap_outliers": _cap_outliers,
    "fill_missing": _fill_missing,
    "rename": _rename,
}


def _step_columns(step: Step) -> tuple[str, ...]:
    if step.kind == "drop_duplicates":
        return tuple(step.params.get("subset", ()))
    return (step.column,) if step.column is not None else ()


def _check_columns(frame: pd.DataFrame, step: Step, history: Mapping[str, str]) -> None:
    """Every column the step reads exists exactly once; says where a missing one went."""
    for column in _step_columns(step):
        count = int((frame.columns == column).sum())
        if count > 1:
            raise _Problem(MSG_DUPLICATE_COLUMN.format(column=column, count=count))
        if count == 0:
            known = [str(c) for c in frame.columns]
            why = f" ({history[column]}?)" if column in history else _suggest(column, known)
            raise _Problem(MSG_MISSING_COLUMN.format(column=column, why=why))


def _remember(history: dict[str, str], step: Step, number: int) -> None:
    """Where columns went, so a later step's missing-column error can point back."""
    if step.kind == "rename" and step.column is not None:
        history[step.column] = f"renamed to {step.params['to']!r} in step {number}"
        history.pop(step.params["to"], None)
    elif step.kind == "drop_column" and step.column is not None:
        history[step.column] = f"dropped in step {number}"


def _step_error(number: int, step: Step, problem: str) -> RecipeError:
    description = step.describe()
    description = description[0].lower() + description[1:]
    message = MSG_STEP.format(number=number, description=description, problem=problem)
    return RecipeError(message, step_number=number, column=step.column)


def apply_recipe(df: pd.DataFrame, recipe: Recipe) -> RecipeResult:
    """Run the steps in order on a copy of ``df``; the index (raw row ids) is kept, never reset.

    Raises ``RecipeError`` naming the step, e.g. "Step 3 (cast income to numeric): column
    'income' does not exist (renamed to 'annual_income' in step 2?)".
    """
    frame = df.copy()
    reports: list[StepReport] = []
    history: dict[str, str] = {}
    for index, step in enumerate(recipe.steps):
        number = index + 1
        rows_before, columns_before = len(frame), list(frame.columns)
        try:
            _check_columns(frame, step, history)
            before = frame[step.column] if step.kind in ("cast", "parse_dates") else None
            frame, changed, note = _APPLY[step.kind](frame, step)
        except _Problem as problem:
            raise _step_error(number, step, str(problem)) from None
        lost = 0
        if before is not None:
            lost = int((before.notna() & frame[step.column].isna()).sum())
        _remember(history, step, number)
        columns_after = list(frame.columns)
        reports.append(
            StepReport(
                index=index,
                step=step,
                rows_before=rows_before,
                rows_after=len(frame),
                columns_added=tuple(c for c in columns_after if c not in columns_before),
                columns_removed=tuple(c for c in columns_before if c not in columns_after),
                changed_cells=changed,
                note=note,
                values_lost=lost,
            )
        )
    return RecipeResult(frame=frame, reports=tuple(reports))


def preview_recipe(
    df: pd.DataFrame, recipe: Recipe, *, rows: int = 20, seed: int = 0
) -> RecipePreview:
    """Show the recipe on ``rows`` random sample rows (same seed, same rows), before and after.

    The recipe runs on the whole frame, so the reports count every row and any filter sees
    the same data it will see in training.
    """
    result = apply_recipe(df, recipe)
    count = min(max(int(rows), 0), len(df))
    positions = np.sort(np.random.default_rng(seed).choice(len(df), size=count, replace=False))
    before = df.iloc[positions].copy()
    after = result.frame.loc[result.frame.index.isin(before.index)]
    removed = before.index[~before.index.isin(after.index)]
    return RecipePreview(
        before=before,
        after=after,
        removed_index=removed,
        reports=result.reports,
        total_rows=len(df),
    )
