"""The time view: rows per period of a date column and, with a target, the target per period."""

from __future__ import annotations

import warnings
from typing import Literal, get_args

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.coerce import class_labels
from core.data.schema import Schema
from core.explore.columns import ProfileError, check_column, factorize, floats

MSG_DATES_NUMBERS = "column {name!r} holds {dtype} values, not dates; pick a date column"
MSG_DATES_PARSE = (
    "column {name!r}: {count:,} value(s) could not be read as dates (e.g. {example!r}); "
    "add a parse_dates step to the cleaning recipe or pick another column"
)
MSG_NO_DATES = "column {name!r} has no dates: every value is missing"
MSG_FREQ = "freq must be one of {choices}, got {value!r}"

TimeFrequency = Literal["auto", "hour", "day", "week", "month", "quarter", "year"]
TIME_FREQUENCIES: tuple[str, ...] = get_args(TimeFrequency)
_FREQ_ALIASES = {
    "hour": "h",
    "day": "D",
    "week": "W-SUN",  # weeks Monday to Sunday, labelled by the Sunday (moved to the Monday)
    "month": "MS",
    "quarter": "QS",
    "year": "YS",
}
_FREQ_LABEL_FORMATS = {
    "hour": "%Y-%m-%d %H:00",
    "day": "%Y-%m-%d",
    "week": "week of %Y-%m-%d",
    "month": "%Y-%m",
    "quarter": "%Y-%m",
    "year": "%Y",
}


def _parse_dates(series: pd.Series, name: str) -> pd.Series:
    """Dates as naive timestamps (aware ones in UTC); text is parsed once per distinct value."""
    if ptypes.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dtype, "tz", None) is not None:
            return series.dt.tz_convert("UTC").dt.tz_localize(None)
        return series
    if ptypes.is_numeric_dtype(series.dtype) or ptypes.is_timedelta64_dtype(series.dtype):
        raise ProfileError(MSG_DATES_NUMBERS.format(name=name, dtype=series.dtype), field=name)
    codes, uniques = factorize(series)
    text = pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
    bad = text[parsed.isna().to_numpy()]
    if len(bad):
        count = int(np.isin(codes, bad.index.to_numpy()).sum())
        raise ProfileError(
            MSG_DATES_PARSE.format(name=name, count=count, example=bad.iloc[0]), field=name
        )
    if not len(text):
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    naive = parsed.dt.tz_localize(None).to_numpy()
    values = np.where(codes >= 0, naive[np.maximum(codes, 0)], np.datetime64("NaT"))
    return pd.Series(values, index=series.index, dtype="datetime64[ns]")


_AUTO_STEPS: tuple[tuple[int, TimeFrequency], ...] = (
    (3, "hour"),
    (120, "day"),
    (2 * 365, "week"),
    (12 * 365, "month"),
)


def _auto_frequency(span: pd.Timedelta) -> TimeFrequency:
    days = span / pd.Timedelta(days=1)
    for limit, freq in _AUTO_STEPS:
        if days <= limit:
            return freq
    return "quarter" if days <= 40 * 365 else "year"


def time_view(
    df: pd.DataFrame, date_column: str, schema: Schema, *, freq: TimeFrequency = "auto"
) -> pd.DataFrame:
    """Rows per period of ``date_column`` and, with a target, the target per period.

    Columns: ``period`` (start), ``label``, ``rows`` and, by task, ``rate`` (share of the
    positive class), ``mean`` (regression) or one ``share <class>`` per class. Empty periods
    are kept (rows 0) so gaps show. Text dates are parsed; a value that is not a date raises
    ``ProfileError``. ``attrs`` hold ``date_column``, ``freq``, ``target``, ``task``,
    ``positive_class`` and ``missing_dates`` (rows without a date, left out).
    """
    if freq not in TIME_FREQUENCIES:
        raise ProfileError(MSG_FREQ.format(choices=", ".join(TIME_FREQUENCIES), value=freq))
    times = _parse_dates(check_column(df, date_column), str(date_column))
    present = times.notna().to_numpy()
    if not present.any():
        raise ProfileError(MSG_NO_DATES.format(name=date_column), field=date_column)
    times = times[present]
    if freq == "auto":
        freq = _auto_frequency(times.max() - times.min())
    frame = pd.DataFrame({"period": times})
    task = schema.task if schema.target is not None and schema.target in df.columns else None
    measures: dict[str, tuple[str, str]] = {}
    if task is not None:
        y = df[schema.target][present]
        if task == "regression":
            frame["mean"] = floats(y)
            measures["mean"] = ("mean", "mean")
        else:
            text = class_labels(y)
            classes = [schema.positive_class] if task == "binary" else list(schema.classes)
            for label in classes:
                column = "rate" if task == "binary" else f"share {label}"
                frame[column] = (text == label).astype(float).where(y.notna())
                measures[column] = (column, "mean")
    grouped = frame.groupby(pd.Grouper(key="period", freq=_FREQ_ALIASES[freq]))
    view = grouped.agg(rows=("period", "size"), **measures).reset_index()
    if freq == "week":
        view["period"] = view["period"] - pd.Timedelta(days=6)  # label weeks by their Monday
    view.insert(1, "label", view["period"].dt.strftime(_FREQ_LABEL_FORMATS[freq]))
    if freq == "quarter":
        view["label"] = [f"{p.year} Q{p.quarter}" for p in view["period"]]
    view.attrs.update(
        date_column=str(date_column),
        freq=freq,
        target=schema.target if task else None,
        task=task,
        positive_class=schema.positive_class if task == "binary" else None,
        missing_dates=int((~present).sum()),
    )
    return view
