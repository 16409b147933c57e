"""Column-wise pipeline steps of the training preprocessor: text categories, yes/no flags, dates.

Saved pipelines reference these classes by this module's path and exported bundles copy it
verbatim, so it imports only numpy, pandas, scikit-learn and the light ``core.conditions`` /
``core.coerce``. Each step keeps one output column per input column (``DateParts``: five) and
names them through ``get_feature_names_out``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from core import conditions
from core.coerce import class_label

__all__ = ["BooleanFlags", "CategoryText", "DateParts"]


def _frame(X: Any, names: Any) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    array = np.asarray(X, dtype=object)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    columns = list(names) if names is not None else list(range(array.shape[1]))
    return pd.DataFrame(array, columns=columns)


class _ColumnwiseTransformer(TransformerMixin, BaseEstimator):
    """Shared input checks: remembers the columns at fit, one output column per input."""

    def _start(self, X: Any, *, reset: bool) -> pd.DataFrame:
        validate_data(self, X, skip_check_array=True, reset=reset)
        return _frame(X, getattr(self, "feature_names_in_", None))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "n_features_in_")
        if input_features is not None:
            return np.asarray(list(input_features), dtype=object)
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            names = [f"x{i}" for i in range(self.n_features_in_)]
        return np.asarray(list(names), dtype=object)


class CategoryText(_ColumnwiseTransformer):
    """Category values as text (``1.0`` → "1", ``True`` → "True"); missing stays NaN.

    So numbers-as-categories, pandas categoricals and mixed columns encode the same way.
    """

    def fit(self, X: Any, y: Any = None) -> CategoryText:
        self._start(X, reset=True)
        return self

    def transform(self, X: Any) -> pd.DataFrame:
        check_is_fitted(self, "n_features_in_")
        frame = self._start(X, reset=False)
        out = {}
        for i in range(frame.shape[1]):
            series = frame.iloc[:, i]
            if series.dtype == object and pd.api.types.infer_dtype(series) == "string":
                missing = series.isna()
                out[i] = series.where(~missing, np.nan) if missing.any() else series
            else:
                values = series.astype(object)
                text = values.map({v: class_label(v) for v in pd.unique(values.dropna())})
                out[i] = text.astype(object).where(text.notna(), np.nan)
        result = pd.DataFrame(out, index=frame.index)
        result.columns = list(frame.columns)
        return result


def _flag_key(value: Any) -> str:
    return str(value).strip().lower()


class BooleanFlags(_ColumnwiseTransformer):
    """Two-valued columns as 1.0 / 0.0 (missing or unseen values → NaN).

    Yes/true/y/t/1 mean 1 whatever the case; other pairs map their later value in sorted
    order to 1 (learned at fit, stored in ``true_keys_``).
    """

    def fit(self, X: Any, y: Any = None) -> BooleanFlags:
        frame = self._start(X, reset=True)
        self.true_keys_: list[frozenset[str]] = []
        self.false_keys_: list[frozenset[str]] = []
        for i in range(frame.shape[1]):
            keys = sorted({_flag_key(v) for v in pd.unique(frame.iloc[:, i].dropna())})
            if keys and set(keys) <= (conditions.TRUE_WORDS | conditions.FALSE_WORDS):
                true, false = (
                    [k for k in keys if k in conditions.TRUE_WORDS],
                    [k for k in keys if k in conditions.FALSE_WORDS],
                )
            else:
                true, false = keys[-1:], keys[:-1]
            self.true_keys_.append(frozenset(true))
            self.false_keys_.append(frozenset(false))
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "true_keys_")
        frame = self._start(X, reset=False)
        out = np.full(frame.shape, np.nan)
        for i in range(frame.shape[1]):
            series = frame.iloc[:, i]
            present = series.notna().to_numpy()
            uniques = pd.unique(series[present])
            mapping = {}
            for value in uniques:
                key = _flag_key(value)
                if key in self.true_keys_[i]:
                    mapping[value] = 1.0
                elif key in self.false_keys_[i]:
                    mapping[value] = 0.0
            column = out[:, i]
            column[present] = series[present].map(mapping).to_numpy(dtype=float, na_value=np.nan)
        return out


def _as_dates(series: pd.Series) -> pd.Series:
    """Timestamps without time zone (UTC wall time); text is parsed, unreadable → NaT."""
    if isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object:
        series = series.astype(object).infer_objects()
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "could not infer format" chatter
            parsed = pd.to_datetime(series, errors="coerce", utc=True)
            unread = series.notna() & parsed.isna()
            if unread.any():  # a second format in the column: read those values one by one
                again = pd.to_datetime(series[unread], errors="coerce", utc=True, format="mixed")
                parsed = parsed.copy()
                parsed[unread] = again
        series = parsed
    if getattr(series.dtype, "tz", None) is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    return series.astype("datetime64[ns]")


class DateParts(_ColumnwiseTransformer):
    """Dates → year, month, day of week, day of year and age in days.

    Age is counted back from ``reference`` or, when None, from the latest date seen at fit
    (``reference_``), so the same fitted transformer gives the same numbers later. Missing
    or unreadable dates give NaN (impute afterwards). Text dates are parsed.

    >>> DateParts().fit_transform(pd.DataFrame({"d": ["2024-01-01", "2024-03-01"]}))[:, -1]
    array([60.,  0.])
    """

    PARTS = ("year", "month", "dayofweek", "dayofyear", "age_days")

    def __init__(self, reference: Any = None) -> None:
        self.reference = reference

    def fit(self, X: Any, y: Any = None) -> DateParts:
        frame = self._start(X, reset=True)
        if self.reference is not None:
            reference = pd.Timestamp(self.reference)
            if reference.tzinfo is not None:
                reference = reference.tz_convert("UTC").tz_localize(None)
        else:
            latest = [_as_dates(frame.iloc[:, i]).max() for i in range(frame.shape[1])]
            seen = [stamp for stamp in latest if pd.notna(stamp)]
            reference = max(seen) if seen else pd.Timestamp("1970-01-01")
        self.reference_ = pd.Timestamp(reference)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "reference_")
        frame = self._start(X, reset=False)
        width = len(self.PARTS)
        out = np.full((frame.shape[0], width * frame.shape[1]), np.nan)
        for i in range(frame.shape[1]):
            dates = _as_dates(frame.iloc[:, i])
            parts = (
                dates.dt.year,
                dates.dt.month,
                dates.dt.dayofweek,
                dates.dt.dayofyear,
                pd.to_timedelta(self.reference_ - dates) / pd.Timedelta(days=1),
            )
            for j, part in enumerate(parts):
                out[:, i * width + j] = part.to_numpy(dtype=float, na_value=np.nan)
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names = super().get_feature_names_out(input_features)
        return np.asarray([f"{name}_{part}" for name in names for part in self.PARTS], dtype=object)
