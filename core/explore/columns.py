"""Reading one column the way every Explore view does: checked by name, as numbers, dates or
category codes, binned, sampled. Holds the stage's error type and shared limits."""

from __future__ import annotations

import difflib
import numbers
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.coerce import class_label
from core.data.inference import ColumnType, infer_column_type
from core.data.schema import Role, Schema
from core.exceptions import CoreError
from core.metrics import Task

MAX_POINTS = 5_000  # most points any scatter sends to the browser (seeded sample)
SEED = 0
TOP_CATEGORIES = 20  # bars / heatmap rows shown for a categorical column
MAX_BINS = 500
IQR_FACTOR = 1.5
MISSING_LABEL = "(missing)"
OTHER_LABEL = "(other)"

MSG_UNKNOWN_COLUMN = "there is no column {name!r}{suggestion}"
MSG_NOT_NUMERIC = "{what} needs numbers, but {name!r} holds {dtype} values"
MSG_BINS = "bins must be a whole number from 1 to 500, got {value!r}"
MSG_NO_TARGET = "{what} compares columns with the target: choose a target on the Data page first"


class ProfileError(CoreError):
    """A chart or report cannot be made from this column or setting; the message says why."""


def check_column(df: pd.DataFrame, name: str) -> pd.Series:
    """The column ``name``; ProfileError (with the closest name) when there is none."""
    if name not in df.columns:
        close = difflib.get_close_matches(str(name), [str(c) for c in df.columns], n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        raise ProfileError(MSG_UNKNOWN_COLUMN.format(name=name, suggestion=suggestion), field=name)
    return df[name]


def check_bins(bins: Any) -> int:
    if (
        isinstance(bins, bool)
        or not isinstance(bins, numbers.Integral)
        or not 1 <= int(bins) <= MAX_BINS
    ):
        raise ProfileError(MSG_BINS.format(value=bins), field="bins")
    return int(bins)


def require_target(df: pd.DataFrame, schema: Schema, what: str) -> tuple[pd.Series, Task]:
    """The target column and the task; ProfileError when the schema has no target."""
    if schema.target is None or schema.task is None:
        raise ProfileError(MSG_NO_TARGET.format(what=what), field="target")
    return check_column(df, schema.target), schema.task


def is_number(series: pd.Series) -> bool:
    dtype = series.dtype
    return (
        ptypes.is_numeric_dtype(dtype)
        and not ptypes.is_bool_dtype(dtype)
        and not ptypes.is_complex_dtype(dtype)
    ) or ptypes.is_timedelta64_dtype(dtype)


def floats(series: pd.Series) -> np.ndarray:
    """A numeric column as float64 (missing → NaN); durations in seconds."""
    if ptypes.is_timedelta64_dtype(series.dtype):
        return series.dt.total_seconds().to_numpy(dtype=np.float64)
    if ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def finite_numbers(series: pd.Series, what: str) -> np.ndarray:
    """The finite numbers of a numeric column; ProfileError for other columns."""
    if not is_number(series):
        name, dtype = str(series.name), str(series.dtype)
        raise ProfileError(MSG_NOT_NUMERIC.format(what=what, name=name, dtype=dtype), field=name)
    values = floats(series)
    return values[np.isfinite(values)]


def datetime_ns(series: pd.Series) -> np.ndarray:
    """A datetime column as int64 nanoseconds (UTC for aware columns); NaT → int64 min."""
    if getattr(series.dtype, "tz", None) is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    return series.to_numpy(dtype="datetime64[ns]").view(np.int64)


def sample_positions(size: int, limit: int, seed: int = SEED) -> np.ndarray:
    """Sorted positions of a seeded sample of at most ``limit`` of ``size`` rows."""
    if size <= limit:
        return np.arange(size)
    return np.sort(np.random.default_rng(seed).choice(size, limit, replace=False))


def fences(values: np.ndarray) -> tuple[float, float, float, float]:
    """(q1, q3, lower fence, upper fence) by the 1.5 × IQR rule."""
    q1, q3 = (float(q) for q in np.quantile(values, [0.25, 0.75]))
    iqr = q3 - q1
    return q1, q3, q1 - IQR_FACTOR * iqr, q3 + IQR_FACTOR * iqr


def factorize(series: pd.Series) -> tuple[np.ndarray, Any]:
    """Codes (-1 for missing) and distinct values; unhashable values are compared as text."""
    codes, uniques, _ = factorize_values(series)
    return codes, uniques


def factorize_values(series: pd.Series) -> tuple[np.ndarray, Any, bool]:
    """``factorize`` plus whether the distinct values are the column's own (not text)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(np.int64), series.cat.categories, True
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        own = True
    except TypeError:
        codes, uniques = pd.factorize(_as_text(series), use_na_sentinel=True)
        own = False
    return np.asarray(codes, dtype=np.int64), uniques, own


def _as_text(series: pd.Series) -> pd.Series:
    return series.astype(str).where(series.notna())


def category_bins(series: pd.Series, top: int) -> tuple[np.ndarray, list[str]]:
    """Codes of the ``top`` most common values, then "(other)"; -1 for missing."""
    codes, uniques = factorize(series)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    order = np.argsort(-counts, kind="stable")
    kept = order[:top][counts[order[:top]] > 0]
    remap = np.full(len(uniques), len(kept), dtype=np.int64)
    remap[kept] = np.arange(len(kept))
    labels = [class_label(uniques[i]) for i in kept]
    out = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    if (out == len(kept)).any():
        labels.append(OTHER_LABEL)
    return out, labels


def with_missing_bin(codes: np.ndarray, labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """Missing codes (-1) moved into a last "(missing)" bin, when there are any."""
    if (codes < 0).any():
        return np.where(codes < 0, len(labels), codes), [*labels, MISSING_LABEL]
    return codes, labels


def types_and_roles(df: pd.DataFrame, schema: Schema) -> dict[str, tuple[ColumnType, Role]]:
    """Each column's type and role from the schema; a column it lacks is inferred."""
    known = {c.name: (c.type, c.role) for c in schema.columns}
    out: dict[str, tuple[ColumnType, Role]] = {}
    for name in df.columns:
        if name in known:
            out[name] = known[name]
        else:
            out[name] = (_inferred_type(df[name], str(name)), "feature")
    return out


def _inferred_type(series: pd.Series, name: str) -> ColumnType:
    try:
        return infer_column_type(series, name=name)[0]
    except TypeError:  # unhashable values such as lists from JSON
        return "text"
