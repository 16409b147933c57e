"""Lenient readers of goal fields, run before pydantic checks the types.

People write goals by hand: "yes" for true, "per prediction", " 12 " for a number, 3.0 for a
scale of 1 to 5. Each reader turns such input into the typed value or raises a problem worded
with its field's path (``core.documents.field_error``); blank text counts as not given.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, get_args

from pydantic import BeforeValidator

from core.coerce import FALSE_WORDS, TRUE_WORDS, to_number
from core.documents import (
    MSG_BOOL,
    MSG_CHOICE,
    MSG_DATE,
    MSG_NUMBER,
    MSG_REQUIRED,
    MSG_TEXT,
    field_error,
)

MSG_NOT_NEGATIVE = "{field} must be 0 or more, got {value!r}"
MSG_POSITIVE = "{field} must be more than 0, got {value!r}"
MSG_SHARE = "{field} must be a share between 0 and 1 (0.25 means 25 %), got {value!r}"
MSG_SCALE = "{field} must be a whole number from 1 to 5, got {value!r}"
MSG_WHOLE = "{field} must be a whole number of at least {minimum}, got {value!r}"
MSG_POSITIVE_CLASS_BOOL = (
    "positive_class was read as {value!r}: YAML turns unquoted Yes/No/On/Off into true/false; "
    'quote it, e.g. positive_class: "Yes"'
)

ALIASES = {
    "realtime": "real-time",
    "real time": "real-time",
    "real_time": "real-time",
    "in_progress": "in progress",
    "in-progress": "in progress",
    "per_prediction": "per-prediction",
    "per prediction": "per-prediction",
}

Reader = Callable[[Any], Any]


def blank(value: Any) -> bool:
    """None or empty text: the field was not given."""
    return value is None or (isinstance(value, str) and not value.strip())


def _absent(required: bool, empty: Any) -> Any:
    if required:
        raise field_error(MSG_REQUIRED)
    return empty


def read_text(*, required: bool = False, empty: str | None = None) -> Reader:
    """Text, stripped; numbers are read as their text, other types are problems."""

    def read(value: Any) -> Any:
        if blank(value):
            return _absent(required, empty)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise field_error(MSG_TEXT, value=value)
        return str(value).strip()

    return read


def read_number(
    *,
    required: bool = False,
    empty: float | None = None,
    low: float | None = None,
    high: float | None = None,
    open_low: bool = False,
    message: str = MSG_NUMBER,
) -> Reader:
    """A finite number (numeric text too) within ``[low, high]`` (``(low, high]`` if
    ``open_low``); ``message`` words a number out of range."""

    def read(value: Any) -> Any:
        if blank(value):
            return _absent(required, empty)
        number = to_number(value)
        if number is None:
            raise field_error(MSG_NUMBER, value=value)
        too_low = low is not None and (number <= low if open_low else number < low)
        if too_low or (high is not None and number > high):
            raise field_error(message, value=value)
        return number

    return read


def read_whole(
    *, low: int, high: int | None = None, required: bool = False, empty: int | None = None
) -> Reader:
    """A whole number (3.0 and "3" too) from ``low`` to ``high``."""
    message = MSG_SCALE if (low, high) == (1, 5) else MSG_WHOLE

    def read(value: Any) -> Any:
        if blank(value):
            return _absent(required, empty)
        number = to_number(value)
        if (
            number is None
            or not number.is_integer()
            or number < low
            or (high is not None and number > high)
        ):
            raise field_error(message, value=value, minimum=low)
        return int(number)

    return read


def choices(literal: Any) -> tuple[str, ...]:
    """The values of a ``Literal[...]`` type."""
    return tuple(get_args(literal))


def read_choice(
    allowed: Sequence[str], *, required: bool = False, empty: str | None = None
) -> Reader:
    """One of ``allowed``, in any case, with the usual spellings (``ALIASES``)."""

    def read(value: Any) -> Any:
        if blank(value):
            return _absent(required, empty)
        normal = str(value).strip().lower()
        normal = ALIASES.get(normal, normal)
        if normal not in allowed:
            raise field_error(MSG_CHOICE, choices=", ".join(allowed), value=value)
        return normal

    return read


def read_day(value: Any) -> date | None:
    """A date from a date, a datetime (its day) or ISO text."""
    if blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise field_error(MSG_DATE, value=value)


def read_flag(value: Any) -> bool | None:
    """True or false, also written as the words of ``core.coerce`` (yes/no, y/n, t/f, 1/0)."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = value.strip().lower() if isinstance(value, str) else None
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise field_error(MSG_BOOL, value=value)


def read_positive_class(value: Any) -> str | int | None:
    """The label meaning "yes": text or a whole number; a YAML-made bool is a problem."""
    if isinstance(value, bool):
        raise field_error(MSG_POSITIVE_CLASS_BOOL, value=value)
    if isinstance(value, numbers.Integral):
        return int(value)
    text: str | None = read_text()(value)
    return text


def none_as(empty: Any) -> Reader:
    """A section or list not given reads as ``empty``."""
    return lambda value: empty if value is None else value


def lenient(reader: Reader) -> BeforeValidator:
    """``reader`` as the before-validator of an ``Annotated`` field."""
    return BeforeValidator(reader)
