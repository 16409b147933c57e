"""What the values say: each column's type, the task a target suggests and its positive class.

Inference gives a starting point with a one-line reason; ``core.data.schema`` applies the
user's overrides and checks them. Pure Python: no Streamlit, no storage.

>>> infer_column_type(pd.Series(["C-001", "C-002"]), name="customer_id")
('identifier', 'unique values and an ID-like name: looks like an ID')
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.coerce import class_label, class_labels
from core.exceptions import CoreError
from core.metrics import Task

ColumnType = Literal["numeric", "categorical", "boolean", "datetime", "text", "identifier"]
COLUMN_TYPES: tuple[str, ...] = get_args(ColumnType)
TASKS: tuple[str, ...] = get_args(Task)
MAX_CLASSES = 50  # more distinct target values than this is not a sensible classification
MAX_INTEGER_CLASSES = 10  # a whole-number target with this few values is read as classes
ID_UNIQUE_SHARE = 0.95  # at least this share of distinct values makes an ID candidate
MIN_ROWS_FOR_ID = 20  # below this, "all values differ" says nothing
CATEGORICAL_MAX_DISTINCT = 50
TEXT_MIN_LENGTH = 25  # mean characters of a free-text value
TEXT_MIN_WORDS = 4  # or mean words
SAMPLE_VALUES = 2000  # distinct values inspected by the text heuristics (fixed seed)
SENSITIVE_NAME_WORDS: tuple[str, ...] = (
    "gender",
    "sex",
    "age",
    "race",
    "ethnicity",
    "ethnic",
    "religion",
    "nationality",
    "disability",
    "disabled",
    "marital",
)
ID_NAME_WORDS = frozenset({"id", "uuid", "guid", "identifier"})
ID_NAME_LAST_WORDS = frozenset({"key", "number"})
FLAG_NAME_FIRST_WORDS = frozenset({"is", "has", "was", "did", "can", "should", "flag"})
FLAG_NAME_LAST_WORDS = frozenset({"flag", "ind", "indicator"})
BOOLEAN_PAIRS: tuple[frozenset[str], ...] = (
    frozenset({"yes", "no"}),
    frozenset({"true", "false"}),
    frozenset({"y", "n"}),
    frozenset({"t", "f"}),
)
FLAG_PAIR = frozenset({"0", "1"})
#: Conventional (positive, negative) words of a binary target, matched in any case.
POSITIVE_PAIRS: tuple[tuple[str, str], ...] = (
    ("yes", "no"),
    ("y", "n"),
    ("true", "false"),
    ("t", "f"),
    ("positive", "negative"),
    ("pos", "neg"),
)
#: Number pairs whose positive is conventionally 1, with their on-screen name.
POSITIVE_NUMBER_PAIRS: tuple[tuple[frozenset[float], str], ...] = (
    (frozenset({0.0, 1.0}), "0/1"),
    (frozenset({-1.0, 1.0}), "−1/1"),
)
NOTE_EMPTY = "no values: every row is missing"
NOTE_BOOL = "true/false values"
NOTE_BOOL_PAIR = "two values: {values}"
NOTE_FLAG = "two values 0/1 and a flag-like name"
NOTE_DATETIME = "date/time values"
NOTE_DURATION = "durations"
NOTE_NUMERIC = "numbers, {distinct:,} distinct values"
NOTE_ID_NAME = "unique values and an ID-like name: looks like an ID"
NOTE_ID_STRINGS = "all values unique strings: looks like an ID"
NOTE_ID_NEAR = "{percent} % of values unique strings: looks like an ID"
NOTE_ROW_NUMBER = "whole numbers counting up one by one: looks like a row number"
NOTE_DATES_AS_TEXT = "looks like dates stored as text"
NOTE_NUMBERS_AS_TEXT = "looks like numbers stored as text"
NOTE_FREE_TEXT = "long strings with many distinct values: free text"
NOTE_CATEGORICAL = "{distinct:,} distinct values"
REASON_NO_TARGET = "no target chosen yet"
REASON_EMPTY = "the target has no values"
REASON_SINGLE = "only one value ({values}): a model needs at least two classes"
REASON_BINARY = "2 distinct values ({values}): binary classification"
REASON_MULTICLASS = "{count} distinct values ({values}): multiclass classification"
REASON_INTEGER_CLASSES = (
    "{count} distinct whole numbers ({low}–{high}): multiclass classification; "
    "choose regression if they are amounts rather than categories"
)
REASON_REGRESSION = "{count:,} distinct numbers: regression"
REASON_TOO_MANY = "{count:,} distinct values: too many classes for a classifier; check the target"
REASON_OVERRIDE = "{task} chosen by you (inferred {inferred}: {reason})"

REASON_POSITIVE_USER = "chosen by you"
REASON_POSITIVE_USER_NOT_GOAL = "chosen by you (the goal says {goal!r})"
REASON_POSITIVE_GOAL = "from the goal"
REASON_POSITIVE_USUAL = "{label} is the usual positive of a {pair} target"
REASON_POSITIVE_MINORITY = "minority class: {percent} of rows"
REASON_POSITIVE_TIE = "the classes are equally common: the later in sorted order"
REASON_POSITIVE_SINGLE = "the only class in the data"
REASON_POSITIVE_GOAL_MISSING = (
    "the goal's positive class {value!r} is not a class of {name!r}; {reason}"
)
MSG_TARGET_DATETIME = (
    "column {name!r} holds dates and cannot be the target; predict a number or a class instead"
)
MSG_REGRESSION_TEXT = (
    "regression needs a numeric target, but {name!r} holds {dtype} values like {example!r}"
)
MSG_BINARY_CLASSES = "binary needs exactly two classes, but {name!r} has {count}: {values}"
MSG_MULTICLASS_TWO = "{name!r} has only two classes ({values}): choose binary, not multiclass"
MSG_MULTICLASS_FRACTIONS = (
    "{name!r} holds fractional numbers like {example!r}: choose regression, not multiclass"
)
MSG_POSITIVE_UNKNOWN = "positive_class {value!r} is not a class of {name!r}; classes: {values}"
MSG_TYPE_FIT = "column {name!r} cannot be {ctype}: {why}"


class SchemaError(CoreError):
    """A type, role, target, task or positive-class choice does not fit the data."""


def _name_words(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    return tuple(w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w)


def _is_id_name(name: str) -> bool:
    words = _name_words(name)
    return bool(words) and (
        bool(ID_NAME_WORDS.intersection(words)) or words[-1] in ID_NAME_LAST_WORDS
    )


def _is_flag_name(name: str) -> bool:
    words = _name_words(name)
    return bool(words) and (words[0] in FLAG_NAME_FIRST_WORDS or words[-1] in FLAG_NAME_LAST_WORDS)


def _sensitive_word(name: str) -> str | None:
    words = set(_name_words(name))
    return next((w for w in SENSITIVE_NAME_WORDS if w in words), None)


def _suggest(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(str(name), [str(n) for n in names], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


_NUMBER_RE = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_ZERO_CODE_RE = re.compile(r"^\s*0\d")
_DATE_RE = re.compile(
    r"^\s*("
    r"\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
    r")(Z|[+-]\d{2}:?\d{2})?\s*$"
)


def number_mask(values: pd.Series) -> pd.Series:
    """True where a text value reads as a plain number; zero-padded codes like "007" do not.

    Codes with leading zeros (ZIP codes, account numbers) lose meaning when cast to numbers.
    """
    text = values.astype(str)
    return text.str.match(_NUMBER_RE) & ~text.str.match(_ZERO_CODE_RE)


def date_mask(values: pd.Series) -> pd.Series:
    """True where a text value is written like a date (``2024-03-01``, ``1/3/2024``, ``Mar 1, 2024``)
    and parses as one. Bare numbers such as ``2019`` are not counted as dates."""
    text = values.astype(str)
    shaped = text.str.match(_DATE_RE)
    if not shaped.any():
        return shaped
    parsed = pd.to_datetime(text[shaped], errors="coerce", format="mixed", utc=True)
    out = pd.Series(False, index=values.index)
    out[shaped] = parsed.notna().to_numpy()
    return out


def _distinct_sample(uniques: Any) -> pd.Series:
    """Up to SAMPLE_VALUES of a column's distinct values as text, drawn with a fixed seed."""
    uniq = pd.Series(uniques, dtype=object)
    if len(uniq) > SAMPLE_VALUES:
        uniq = uniq.sample(SAMPLE_VALUES, random_state=0)
    return uniq.astype(str).reset_index(drop=True)


def _sorted_classes(values: pd.Series) -> tuple[str, ...]:
    uniq = list(pd.unique(values.dropna()))
    try:
        ordered = sorted(uniq)
    except TypeError:
        ordered = sorted(uniq, key=class_label)
    labels: list[str] = []
    for value in ordered:
        label = class_label(value)
        if label not in labels:
            labels.append(label)
    return tuple(labels)


def _preview(labels: tuple[str, ...] | list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(v) for v in labels[:limit])
    return shown + (", …" if len(labels) > limit else "")


def infer_column_type(series: pd.Series, *, name: str = "") -> tuple[ColumnType, str]:
    """What a column holds, and one line why. ``name`` helps: ``customer_id``, ``is_active``."""
    return _infer_type(series, name or str(series.name or ""), *_observe(series))


def _observe(series: pd.Series) -> tuple[pd.Series, Any, int]:
    """Non-null values, distinct values (text-like columns only) and their count, read once."""
    values = series.dropna()
    if ptypes.is_numeric_dtype(series.dtype) or ptypes.is_datetime64_any_dtype(series.dtype):
        return values, None, int(values.nunique())
    uniques = pd.unique(values)
    return values, uniques, len(uniques)


def _infer_type(
    series: pd.Series, name: str, values: pd.Series, uniques: Any, distinct: int
) -> tuple[ColumnType, str]:
    dtype = series.dtype
    if values.empty:
        numeric = ptypes.is_numeric_dtype(dtype) and not ptypes.is_bool_dtype(dtype)
        return ("numeric" if numeric else "categorical"), NOTE_EMPTY
    if ptypes.is_bool_dtype(dtype):
        return "boolean", NOTE_BOOL
    if ptypes.is_datetime64_any_dtype(dtype):
        return "datetime", NOTE_DATETIME
    if ptypes.is_timedelta64_dtype(dtype):
        return "numeric", NOTE_DURATION
    if ptypes.is_numeric_dtype(dtype) and not ptypes.is_complex_dtype(dtype):
        return _infer_numeric(values, name, distinct)
    return _infer_text(values, name, uniques, distinct)


def _infer_numeric(values: pd.Series, name: str, distinct: int) -> tuple[ColumnType, str]:
    if distinct == 2 and set(pd.unique(values).tolist()) == {0, 1} and _is_flag_name(name):
        return "boolean", NOTE_FLAG
    n = len(values)
    if ptypes.is_integer_dtype(values.dtype) and n >= 2 and distinct >= ID_UNIQUE_SHARE * n:
        if _is_id_name(name):
            return "identifier", NOTE_ID_NAME
        if (
            n >= MIN_ROWS_FOR_ID
            and distinct == n
            and values.is_monotonic_increasing
            and int(values.iloc[-1]) - int(values.iloc[0]) == n - 1
        ):
            return "identifier", NOTE_ROW_NUMBER
    return "numeric", NOTE_NUMERIC.format(distinct=distinct)


def _infer_text(
    values: pd.Series, name: str, uniques: Any, distinct: int
) -> tuple[ColumnType, str]:
    n = len(values)
    if distinct == 2:
        uniq = sorted(str(v).strip() for v in uniques)
        lowered = frozenset(v.lower() for v in uniq)
        if lowered in BOOLEAN_PAIRS or (lowered == FLAG_PAIR and _is_flag_name(name)):
            return "boolean", NOTE_BOOL_PAIR.format(values=", ".join(uniq))
    sample = _distinct_sample(uniques)
    if date_mask(sample).all():
        return "text", NOTE_DATES_AS_TEXT
    near_unique = n >= 2 and distinct >= ID_UNIQUE_SHARE * n
    if near_unique and _is_id_name(name):
        return "identifier", NOTE_ID_NAME
    if number_mask(sample).all():
        kind: ColumnType = "categorical" if distinct <= CATEGORICAL_MAX_DISTINCT else "text"
        return kind, NOTE_NUMBERS_AS_TEXT
    long_text = (
        sample.str.len().mean() >= TEXT_MIN_LENGTH
        or (sample.str.count(r"\s+") + 1).mean() >= TEXT_MIN_WORDS
    )
    if near_unique and n >= MIN_ROWS_FOR_ID and not long_text:
        if distinct == n:
            return "identifier", NOTE_ID_STRINGS
        return "identifier", NOTE_ID_NEAR.format(percent=int(100 * distinct / n))
    if distinct > CATEGORICAL_MAX_DISTINCT and long_text:
        return "text", NOTE_FREE_TEXT
    return "categorical", NOTE_CATEGORICAL.format(distinct=distinct)


# --- task inference ------------------------------------------------------------------------


def infer_task(target: pd.Series) -> tuple[Task, str]:
    """The task a target suggests, and one line why. A target with fewer than two values is
    still called "binary" here; ``core.data.quality`` reports it as an error."""
    name = str(target.name)
    if ptypes.is_datetime64_any_dtype(target.dtype):
        raise SchemaError(MSG_TARGET_DATETIME.format(name=name), field=name)
    values = target.dropna()
    if values.empty:
        return "binary", REASON_EMPTY
    count = int(values.nunique())
    if count <= 2 or ptypes.is_bool_dtype(values.dtype):
        labels = _sorted_classes(values)
        if count < 2:
            return "binary", REASON_SINGLE.format(values=_preview(labels))
        return "binary", REASON_BINARY.format(values=_preview(labels))
    if ptypes.is_numeric_dtype(values.dtype):
        whole = ptypes.is_integer_dtype(values.dtype) or bool(
            np.all(np.mod(values.to_numpy(dtype=float), 1) == 0)
        )
        if whole and count <= MAX_INTEGER_CLASSES:
            low, high = class_label(values.min()), class_label(values.max())
            return "multiclass", REASON_INTEGER_CLASSES.format(count=count, low=low, high=high)
        return "regression", REASON_REGRESSION.format(count=count)
    if count <= MAX_CLASSES:
        labels = _sorted_classes(values)
        return "multiclass", REASON_MULTICLASS.format(count=count, values=_preview(labels))
    return "multiclass", REASON_TOO_MANY.format(count=count)


def _check_task_fits(target: pd.Series, task: Task) -> None:
    name = str(target.name)
    values = target.dropna()
    count = int(values.nunique())
    labels = _sorted_classes(values)
    if task == "regression":
        if not ptypes.is_numeric_dtype(values.dtype) or ptypes.is_bool_dtype(values.dtype):
            example = class_label(values.iloc[0]) if len(values) else ""
            raise SchemaError(
                MSG_REGRESSION_TEXT.format(name=name, dtype=str(target.dtype), example=example),
                field=name,
                hint="Choose binary or multiclass, or cast the column to numbers first.",
            )
    elif task == "binary":
        if count > 2:
            raise SchemaError(
                MSG_BINARY_CLASSES.format(name=name, count=count, values=_preview(labels)),
                field=name,
            )
    elif count == 2:
        raise SchemaError(MSG_MULTICLASS_TWO.format(name=name, values=_preview(labels)), field=name)
    elif ptypes.is_float_dtype(values.dtype):
        fractions = values[np.mod(values.to_numpy(dtype=float), 1) != 0]
        if len(fractions):
            raise SchemaError(
                MSG_MULTICLASS_FRACTIONS.format(name=name, example=float(fractions.iloc[0])),
                field=name,
            )


def default_positive_class(target: pd.Series) -> tuple[str, str]:
    """The class a binary target's probability should be about, and one line why.

    The conventional positive first: ``1`` of 0/1 or −1/1 (ints, floats or text), ``True`` of
    booleans, ``yes``/``y``/``true``/``t``/``positive``/``pos`` (any case) against its opposite;
    otherwise the minority class (a tie picks the later label in sorted order).

    >>> default_positive_class(pd.Series([1, 1, 0]))
    ('1', '1 is the usual positive of a 0/1 target')
    """
    values = target.dropna()
    classes = _sorted_classes(values)
    if not classes:
        raise SchemaError(REASON_EMPTY, field=str(target.name))
    if len(classes) == 1:
        return classes[0], REASON_POSITIVE_SINGLE
    usual = usual_positive_class(classes)
    if usual is not None:
        return usual
    counts = class_labels(values).value_counts()
    fewest = counts.min()
    tied = [c for c in classes if counts.get(c, 0) == fewest]
    if len(tied) > 1:
        return tied[-1], REASON_POSITIVE_TIE
    return tied[0], REASON_POSITIVE_MINORITY.format(percent=_percent(fewest / len(values)))


def usual_positive_class(labels: Sequence[str]) -> tuple[str, str] | None:
    """The conventional positive of two class labels (as text) and why, or None.

    ``1`` of 0/1 or −1/1 (also "1.0"), ``True`` of true/false, ``yes`` of yes/no and so on
    (``POSITIVE_PAIRS``, any case)."""
    classes = list(dict.fromkeys(labels))
    if len(classes) != 2:
        return None
    numbers = pd.to_numeric(pd.Series(classes, dtype=object), errors="coerce")
    if numbers.notna().all():
        for pair, shown in POSITIVE_NUMBER_PAIRS:
            if frozenset(numbers.astype(float)) == pair:
                label = classes[int(np.flatnonzero(numbers.to_numpy(dtype=float) == 1)[0])]
                return label, REASON_POSITIVE_USUAL.format(label=label, pair=shown)
        return None
    lowered = [c.strip().lower() for c in classes]
    for positive, negative in POSITIVE_PAIRS:
        if set(lowered) == {positive, negative}:
            label = classes[lowered.index(positive)]
            return label, REASON_POSITIVE_USUAL.format(label=label, pair=f"{positive}/{negative}")
    return None


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %" if share >= 0.01 else f"{100 * share:.2g} %"


def _positive_class(
    target: pd.Series, classes: tuple[str, ...], chosen: Any, goal: Any
) -> tuple[str | None, str]:
    """The positive class as text and why: the user's choice, else the goal's, else the default.

    A user's class the data lacks is refused; a goal's is reported and the default used."""
    name = str(target.name)
    if _given(chosen):
        label = class_label(chosen)
        if label not in classes and len(classes) >= 2:
            raise SchemaError(
                MSG_POSITIVE_UNKNOWN.format(value=label, name=name, values=_preview(classes))
                + _suggest(label, list(classes)),
                field="positive_class",
            )
        if _given(goal) and class_label(goal) != label:
            return label, REASON_POSITIVE_USER_NOT_GOAL.format(goal=class_label(goal))
        return label, REASON_POSITIVE_USER
    if not classes:
        return None, ""
    if _given(goal):
        label = class_label(goal)
        if label in classes:
            return label, REASON_POSITIVE_GOAL
        default, why = default_positive_class(target)
        return default, REASON_POSITIVE_GOAL_MISSING.format(value=label, name=name, reason=why)
    return default_positive_class(target)


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _check_type_fits(series: pd.Series, name: str, ctype: ColumnType, distinct: int) -> None:
    """A type override must be something the pipeline can make of the values."""
    why = None
    text = not ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_datetime64_any_dtype(
        series.dtype
    )
    if ctype == "boolean" and distinct > 2:
        why = f"it has {distinct:,} distinct values and boolean allows two"
    elif ctype == "numeric" and text:
        sample = _distinct_sample(pd.unique(series.dropna()))
        bad = sample[pd.to_numeric(sample.str.strip(), errors="coerce").isna()]
        if len(bad):
            why = f"values like {bad.iloc[0]!r} are not numbers"
    elif ctype == "datetime" and not ptypes.is_datetime64_any_dtype(series.dtype):
        sample = _distinct_sample(pd.unique(series.dropna()))
        bad = sample[~date_mask(sample)] if text else sample
        if len(bad):
            why = f"values like {bad.iloc[0]!r} are not dates"
    if why:
        raise SchemaError(MSG_TYPE_FIT.format(name=name, ctype=ctype, why=why), field=name)
