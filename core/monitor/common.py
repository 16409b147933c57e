"""What every monitor module shares: MonitorError, input checks, periods and number wording.

Package-internal: the names with a leading underscore are used by the sibling modules only.
Times are UTC; a period is labelled by its start (UTC).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable
from typing import Any

import pandas as pd

from core.coerce import class_label
from core.exceptions import CoreError

_PERIOD_ALIASES = {"ME": "M", "MS": "M", "QE": "Q", "QS": "Q", "YE": "Y", "YS": "Y"}

MSG_NOT_FRAME = "{what} must be a pandas DataFrame, got {type}"
MSG_COLUMN_MISSING = "{what} has no column {column!r}; columns: {columns}"
MSG_WHOLE = "{field} must be a whole number of at least {minimum}, got {value!r}"
MSG_SHARE = "{field} must be a number between 0 and 1, got {value!r}"
MSG_FREQ = "freq {value!r} is not a pandas period alias such as 'h', 'D', 'W' or 'M'"
MSG_TIMES_MISSING = "{column}: {count:,} row(s) have no time; every log row needs one"


class MonitorError(CoreError):
    """A log, file or setting the monitor cannot use (names the input in ``field``)."""


def _check_frame(value: Any, what: str) -> pd.DataFrame:
    if not isinstance(value, pd.DataFrame):
        raise MonitorError(MSG_NOT_FRAME.format(what=what, type=type(value).__name__), field=what)
    return value


def _require_column(frame: pd.DataFrame, column: str, what: str) -> None:
    if column not in frame.columns:
        shown = ", ".join(map(str, list(frame.columns)[:12]))
        raise MonitorError(
            MSG_COLUMN_MISSING.format(what=what, column=column, columns=shown), field=what
        )


def _whole(value: Any, field: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise MonitorError(MSG_WHOLE.format(field=field, minimum=minimum, value=value), field=field)
    return int(value)


def _share(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < float(value) < 1:
        raise MonitorError(MSG_SHARE.format(field=field, value=value), field=field)
    return float(value)


def _pct(share: float) -> str:
    if 0 < share < 0.001:
        return "< 0.1 %"
    return f"{share * 100:.1f} %".replace(".0 %", " %")


def _num(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _examples(values: Iterable[Any], limit: int = 3) -> str:
    return ", ".join(repr(v) for v in list(values)[:limit])


def _id_text(values: pd.Series) -> pd.Series:
    missing = values.isna()
    mapping = {v: class_label(v) for v in pd.unique(values[~missing])}
    return values.map(mapping).where(~missing, None)


def _period_freq(freq: str) -> str:
    if not isinstance(freq, str) or not freq.strip():
        raise MonitorError(MSG_FREQ.format(value=freq), field="freq")
    return _PERIOD_ALIASES.get(freq, freq)


def _periods(times: pd.Series, freq: str) -> pd.Series:
    """The start of each time's period (UTC): 'W' weeks start on Monday, 'M' months on the 1st."""
    alias = _period_freq(freq)
    utc = pd.to_datetime(times, utc=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "dropping timezone information": we went to UTC first
        try:
            periods = utc.dt.tz_localize(None).dt.to_period(alias)
        except (ValueError, TypeError, AttributeError):
            raise MonitorError(MSG_FREQ.format(value=freq), field="freq") from None
    return periods.dt.start_time.dt.tz_localize("UTC")


def _period_text(period: Any) -> str:
    stamp = pd.Timestamp(period)
    if stamp.hour or stamp.minute:
        return stamp.strftime("%Y-%m-%d %H:%M UTC")
    return stamp.strftime("%Y-%m-%d")


def _times_of(frame: pd.DataFrame, column: str, what: str) -> pd.Series:
    _require_column(frame, column, what)
    times = pd.to_datetime(frame[column], utc=True, errors="coerce")
    missing = int(times.isna().sum())
    if missing:
        raise MonitorError(MSG_TIMES_MISSING.format(column=column, count=missing), field=column)
    return times
