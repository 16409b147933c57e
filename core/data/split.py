"""Evaluation split: defined once per dataset version and frozen, so every model is compared on the same rows.

A split holds raw row ids (the dataset version's index, which every cleaning recipe keeps),
never positions, so it still fits after a recipe removes rows: ``Split.partition`` takes the
surviving rows of each side. Randomness comes from scikit-learn (``train_test_split``,
``GroupShuffleSplit``) seeded by the spec; row ids are sorted first, so the same rows give the
same split whatever their order. Pure Python: no Streamlit, no storage.

    split = make_split(raw, SplitSpec(test_size=0.2), target="churned", task="binary")
    train, test = split.partition(apply_recipe(raw, recipe).frame)
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
import pydantic
from pandas.api import types as ptypes
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from core.coerce import class_label, class_labels, to_number
from core.data.inference import default_positive_class
from core.documents import FieldError, PositionalDocument, read
from core.exceptions import CoreError
from core.metrics import Task

__all__ = [
    "Split",
    "SplitError",
    "SplitMethod",
    "SplitSpec",
    "make_split",
    "split_spec_from_dict",
    "split_spec_to_dict",
]

SplitMethod = Literal["random", "time", "group"]

SPLIT_METHODS: tuple[str, ...] = get_args(SplitMethod)
TASKS: tuple[str, ...] = get_args(Task)
CLASSIFICATION_TASKS = ("binary", "multiclass")
MAX_TEST_SIZE = 0.9
MAX_SEED = 2**32 - 1  # numpy's RandomState limit
STORED_FIELDS = (
    "format",
    "spec",
    "target",
    "task",
    "stratified",
    "notes",
    "train_index",
    "test_index",
    "excluded_index",
)
STORE_FORMAT = 1
BYTES_MAGIC = b"LWSPLIT1"

# --- messages (tests import these) -------------------------------------------------------

MSG_MAPPING = "{field} must be a mapping of named fields, got {value!r}"
MSG_TEST_SIZE = "test_size must be a share above 0 and at most 0.9 (0.2 means 20 %), got {value!r}"
MSG_SEED = "seed must be a whole number from 0 to 4294967295, got {value!r}"
MSG_COLUMN_TEXT = "{field} must be a column name (text), got {value!r}"
MSG_COLUMN_NEEDED = "a {method} split needs {field}: the column that {purpose}"
MSG_COLUMN_MISSING = "{field} {column!r} is not a column of this dataset{suggestion}"
MSG_TASK = "task must be one of {choices} or None, got {value!r}"
MSG_INDEX_INTEGER = (
    "row ids must be whole numbers, but the index has dtype {dtype}; "
    "keep the dataset version's raw row ids as the index"
)
MSG_INDEX_UNIQUE = "row ids must be unique, but {count} are repeated (e.g. {example})"
MSG_TOO_FEW_ROWS = "a {share} hold-out needs at least {needed} rows{which}, got {count}"
MSG_ONE_GROUP = "group_column {column!r} has only one group{which}: whole groups cannot be split"
MSG_TOO_FEW_GROUPS = (
    "a {share} group hold-out needs at least {needed} groups in {column!r}, got {count}"
)
MSG_TIME_TYPE = "time_column {column!r} holds {what}; a time split needs dates or numbers"
MSG_TIME_PARSE = (
    "time_column {column!r}: {count} value(s) could not be read as dates (e.g. {example!r}); "
    "add a parse_dates step to the recipe or pick another column"
)
MSG_TIME_SAME = (
    "time_column {column!r} has the same latest value {value} on every row, so no rows are "
    "later than others"
)
MSG_Y_SERIES = "y must be a pandas Series indexed by row id, got {value!r}"
MSG_STORED = "the stored split is damaged: {problem}"

NOTE_EXCLUDED = "{count} row(s) without a {column} value are in neither side"
NOTE_SMALL_CLASS = (
    "Not stratified: class {label!r} has only {count} row(s) (stratifying needs 2); "
    "used a plain random split"
)
NOTE_FEW_ROWS_PER_CLASS = (
    "Not stratified: {n_test} test and {n_train} training rows cannot hold all {classes} "
    "classes; used a plain random split"
)
NOTE_NO_TARGET = "Not stratified: no target given"
NOTE_NO_TASK = "Not stratified: the task is not set"
NOTE_TIME_TIES = (
    "Test share is {actual} instead of {asked}: rows with the same {column} stay on one side"
)


class SplitError(CoreError):
    """The split cannot be made or read back; ``field`` names the setting to change."""


def _share(value: float) -> str:
    return f"{value * 100:.3g} %"


# --- the spec ----------------------------------------------------------------------------

_SPLIT_COLUMNS = (
    ("time_column", "time", "orders the rows in time"),
    ("group_column", "group", "names each row's group"),
)


class SplitSpec(PositionalDocument):
    """How to hold out the test rows; validated on construction and on the way in from
    stored data or a form (numeric text and "true"/"false" are read as such).

    ``stratify`` applies to random splits of classification targets only. ``time_column``
    is read by time splits only, ``group_column`` by group splits only; the other is dropped.
    """

    method: SplitMethod = "random"
    test_size: float = 0.2
    seed: int = 0
    stratify: bool = True
    time_column: str | None = None  # time: the latest test_size share of rows is the test set
    group_column: str | None = None  # group: whole groups go to one side (GroupShuffleSplit)

    stage_error = SplitError

    @pydantic.model_validator(mode="before")
    @classmethod
    def _settle_columns(cls, data: Any) -> Any:
        """The method's column is required; the other method's column is dropped."""
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        method = data.get("method", "random")
        if isinstance(method, str):
            method = data["method"] = method.strip().lower()
        for field, kind, purpose in _SPLIT_COLUMNS:
            value = data.get(field)
            if isinstance(value, str):
                value = value.strip() or None
            if method != kind:
                value = None
            elif value is None:
                message = MSG_COLUMN_NEEDED.format(method=kind, field=field, purpose=purpose)
                raise FieldError(field, message)
            elif not isinstance(value, str):
                raise FieldError(field, MSG_COLUMN_TEXT.format(field=field, value=value))
            data[field] = value
        return data

    @pydantic.field_validator("test_size", mode="before")
    @classmethod
    def _test_share(cls, value: Any) -> float:
        number = to_number(value)
        if number is None or not 0 < number <= MAX_TEST_SIZE:
            raise ValueError(MSG_TEST_SIZE.format(value=value))
        return number

    @pydantic.field_validator("seed", mode="before")
    @classmethod
    def _seed(cls, value: Any) -> int:
        number = to_number(value)
        if number is None or not number.is_integer() or not 0 <= number <= MAX_SEED:
            raise ValueError(MSG_SEED.format(value=value))
        return int(number)

    def describe(self, target: str | None = None) -> str:
        """The split in words, e.g. "Random 20 % hold-out, stratified on churned, seed 0"."""
        share = _share(self.test_size)
        if self.method == "time":
            return f"Time-ordered {share} hold-out: the latest rows by {self.time_column}"
        if self.method == "group":
            return f"Group {share} hold-out: whole {self.group_column} groups, seed {self.seed}"
        stratified = f", stratified on {target or 'the target'}" if self.stratify else ""
        return f"Random {share} hold-out{stratified}, seed {self.seed}"


def split_spec_to_dict(spec: SplitSpec) -> dict[str, Any]:
    """The spec as JSON-safe data; unused column fields are left out."""
    return spec.model_dump(exclude_none=True)


def _suggest(value: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def split_spec_from_dict(
    data: Mapping[str, Any], *, columns: Sequence[str] | None = None
) -> SplitSpec:
    """A validated spec from stored data or a form; with ``columns``, named columns must exist."""
    if not isinstance(data, Mapping):
        raise SplitError(MSG_MAPPING.format(field="split", value=data))
    spec = read(SplitSpec, data, error=SplitSpec.problem_error)
    if columns is not None:
        _check_spec_columns(spec, [str(c) for c in columns])
    return spec


def _check_spec_columns(spec: SplitSpec, columns: Sequence[str]) -> None:
    for field in ("time_column", "group_column"):
        column = getattr(spec, field)
        if column is not None and column not in columns:
            suggestion = _suggest(column, columns)
            message = MSG_COLUMN_MISSING.format(field=field, column=column, suggestion=suggestion)
            raise SplitError(message, field=field)


# --- the frozen split --------------------------------------------------------------------


def _frozen_ids(values: Any) -> np.ndarray:
    ids = np.array(values, dtype=np.int64).reshape(-1)
    ids.setflags(write=False)
    return ids


@dataclasses.dataclass(frozen=True, eq=False)
class Split:
    """Which raw row ids are test, train or in neither side (missing target); frozen per version.

    Index arrays are sorted, read-only int64 row ids. ``notes`` explains any fallback (e.g. no
    stratification) and any rows left out. ``stratified`` says whether stratification ran.
    """

    spec: SplitSpec
    test_index: np.ndarray
    train_index: np.ndarray
    excluded_index: np.ndarray
    notes: tuple[str, ...] = ()
    target: str | None = None
    task: Task | None = None
    stratified: bool = False

    def __post_init__(self) -> None:
        for name in ("test_index", "train_index", "excluded_index"):
            object.__setattr__(self, name, _frozen_ids(getattr(self, name)))
        object.__setattr__(self, "notes", tuple(self.notes))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Split):
            return NotImplemented
        same = (self.spec, self.notes, self.target, self.task, self.stratified) == (
            other.spec,
            other.notes,
            other.target,
            other.task,
            other.stratified,
        )
        return (
            same
            and np.array_equal(self.test_index, other.test_index)
            and np.array_equal(self.train_index, other.train_index)
            and np.array_equal(self.excluded_index, other.excluded_index)
        )

    __hash__ = None  # type: ignore[assignment]

    def is_test(self, index: Any) -> np.ndarray:
        """True for each row id (e.g. ``frame.index``) that is in the test set."""
        return np.isin(np.asarray(index), self.test_index)

    def is_train(self, index: Any) -> np.ndarray:
        """True for each row id in the training side; excluded rows are in neither."""
        return np.isin(np.asarray(index), self.train_index)

    def partition(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(train, test) rows of a frame indexed by raw row id, e.g. the recipe's output."""
        return frame.loc[self.is_train(frame.index)], frame.loc[self.is_test(frame.index)]

    def describe(self) -> str:
        """The split as made: names the target only when stratification actually ran."""
        if self.spec.method == "random" and not self.stratified:
            return self.spec.model_copy(update={"stratify": False}).describe()
        return self.spec.describe(self.target)

    def summary(self, y: pd.Series | None = None, *, positive: Any = None) -> dict[str, Any]:
        """Rows per side (JSON-safe); with ``y``, class shares and positive rate, or mean.

        ``y`` is the target indexed by raw row id. A two-class target gets the positive rate:
        the share of ``positive`` (the schema's class, as text or value), else of
        ``core.data.inference.default_positive_class``.
        """
        n_train, n_test = len(self.train_index), len(self.test_index)
        out: dict[str, Any] = {
            "method": self.spec.method,
            "description": self.describe(),
            "rows": {"train": n_train, "test": n_test, "excluded": len(self.excluded_index)},
            "test_share": round(n_test / max(n_train + n_test, 1), 4),
            "notes": list(self.notes),
        }
        if y is None:
            return out
        if not isinstance(y, pd.Series):
            raise SplitError(MSG_Y_SERIES.format(value=type(y).__name__))
        sides = {"train": y.reindex(self.train_index), "test": y.reindex(self.test_index)}
        if self.task == "regression" or (self.task is None and _looks_continuous(y)):
            out["target_mean"] = {side: _mean(values) for side, values in sides.items()}
            return out
        out["class_share"] = {side: _class_shares(values) for side, values in sides.items()}
        if positive is None and y.dropna().nunique() == 2:
            positive = default_positive_class(y)[0]  # the schema's rule when no class is given
        if positive is not None:
            positive = class_label(positive)  # compared as text, like the schema's classes
            out["positive_class"] = positive
            out["positive_rate"] = {
                side: _mean((class_labels(values.dropna()) == positive).astype(float))
                for side, values in sides.items()
            }
        return out


def _looks_continuous(y: pd.Series) -> bool:
    numeric = ptypes.is_numeric_dtype(y.dtype) and not ptypes.is_bool_dtype(y.dtype)
    return numeric and y.nunique() > 2


def _mean(values: pd.Series) -> float | None:
    values = values.dropna()
    return round(float(values.mean()), 6) if len(values) else None


def _plain_label(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label


def _class_shares(values: pd.Series) -> dict[str, float]:
    shares = class_labels(values.dropna()).value_counts(normalize=True, sort=False)
    return {label: round(float(shares[label]), 6) for label in sorted(shares.index)}


# --- making the split --------------------------------------------------------------------


def _row_ids(df: pd.DataFrame) -> np.ndarray:
    """The raw row ids; whole numbers, each once."""
    index = df.index
    if not ptypes.is_integer_dtype(index.dtype):
        raise SplitError(MSG_INDEX_INTEGER.format(dtype=index.dtype), field="index")
    if index.has_duplicates:
        repeated = index[index.duplicated()]
        count, example = len(repeated.unique()), repeated[0]
        raise SplitError(MSG_INDEX_UNIQUE.format(count=count, example=example), field="index")
    return index.to_numpy(dtype=np.int64)


def _check_frame(df: pd.DataFrame, spec: SplitSpec, target: str | None, task: Any) -> None:
    if task is not None and task not in TASKS:
        raise SplitError(MSG_TASK.format(choices=", ".join(TASKS), value=task), field="task")
    columns = [str(c) for c in df.columns]
    if target is not None and target not in df.columns:
        suggestion = _suggest(str(target), columns)
        message = MSG_COLUMN_MISSING.format(field="target", column=target, suggestion=suggestion)
        raise SplitError(message, field="target")
    _check_spec_columns(spec, columns)


def _n_test(test_size: float, count: int) -> int:
    """Test rows for a share, rounded up exactly as scikit-learn does."""
    return math.ceil(test_size * count)


def _min_rows(test_size: float) -> int:
    count = 2
    while count - _n_test(test_size, count) < 1:
        count += 1
    return count


def _check_count(spec: SplitSpec, count: int, which: str) -> None:
    needed = _min_rows(spec.test_size)
    if count < needed:
        share = _share(spec.test_size)
        message = MSG_TOO_FEW_ROWS.format(share=share, needed=needed, which=which, count=count)
        raise SplitError(message, field="test_size")


def _stratify_labels(
    y: pd.Series | None, spec: SplitSpec, task: Any, notes: list[str]
) -> np.ndarray | None:
    """Class codes to stratify on, or None with a note saying why not."""
    if not spec.stratify or task == "regression":
        return None
    if y is None:
        notes.append(NOTE_NO_TARGET)
        return None
    if task is None:
        notes.append(NOTE_NO_TASK)
        return None
    codes, labels = pd.factorize(y, sort=False)
    counts = np.bincount(codes, minlength=len(labels))
    if counts.min() < 2:
        smallest = int(np.argmin(counts))
        label = _plain_label(labels[smallest])
        notes.append(NOTE_SMALL_CLASS.format(label=label, count=int(counts[smallest])))
        return None
    n_test = _n_test(spec.test_size, len(codes))
    n_train = len(codes) - n_test
    if min(n_test, n_train) < len(labels):
        notes.append(
            NOTE_FEW_ROWS_PER_CLASS.format(n_test=n_test, n_train=n_train, classes=len(labels))
        )
        return None
    return codes


def _random_split(
    ids: np.ndarray, y: pd.Series | None, spec: SplitSpec, task: Any, notes: list[str]
) -> tuple[np.ndarray, np.ndarray, bool]:
    labels = _stratify_labels(y, spec, task, notes)
    train, test = train_test_split(
        ids, test_size=spec.test_size, random_state=spec.seed, shuffle=True, stratify=labels
    )
    return train, test, labels is not None


def _time_values(series: pd.Series, column: str) -> np.ndarray:
    """Sortable time values (float, NaN for missing); text is parsed as dates."""
    if isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object:
        series = series.astype(object).infer_objects()
    if ptypes.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dtype, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = series.astype("datetime64[ns]")
        return np.where(stamps.isna(), np.nan, stamps.to_numpy().view(np.int64).astype(float))
    if ptypes.is_bool_dtype(series.dtype):
        raise SplitError(MSG_TIME_TYPE.format(column=column, what="true/false values"))
    if ptypes.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format" chatter
        parsed = pd.to_datetime(series, errors="coerce", utc=True)
    unread = series.notna() & parsed.isna()
    if unread.any():
        example = series[unread].iloc[0]
        message = MSG_TIME_PARSE.format(column=column, count=int(unread.sum()), example=example)
        raise SplitError(message, field="time_column")
    return _time_values(parsed, column)


def _time_split(
    ids: np.ndarray, times: np.ndarray, spec: SplitSpec, notes: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The latest rows are the test set; rows sharing the cut-off time stay together in test."""
    order = np.lexsort((ids, times))
    sorted_times = times[order]
    n_test = _n_test(spec.test_size, len(ids))
    cutoff = sorted_times[len(ids) - n_test]
    test = times >= cutoff
    if test.all():
        column = spec.time_column
        raise SplitError(MSG_TIME_SAME.format(column=column, value=cutoff), field="time_column")
    if test.sum() != n_test:
        actual, asked = _share(test.sum() / len(ids)), _share(n_test / len(ids))
        notes.append(NOTE_TIME_TIES.format(actual=actual, asked=asked, column=spec.time_column))
    return ids[~test], ids[test]


def _group_split(
    ids: np.ndarray, groups: pd.Series, spec: SplitSpec
) -> tuple[np.ndarray, np.ndarray]:
    codes, labels = pd.factorize(groups, sort=False)
    column = spec.group_column
    if len(labels) < 2:
        message = MSG_ONE_GROUP.format(
            column=column, which=f" ({_plain_label(labels[0])!r})" if len(labels) else ""
        )
        raise SplitError(message, field="group_column")
    needed = _min_rows(spec.test_size)
    if len(labels) < needed:
        share = _share(spec.test_size)
        message = MSG_TOO_FEW_GROUPS.format(
            share=share, needed=needed, column=column, count=len(labels)
        )
        raise SplitError(message, field="group_column")
    splitter = GroupShuffleSplit(n_splits=1, test_size=spec.test_size, random_state=spec.seed)
    train, test = next(splitter.split(ids, groups=codes))
    return ids[train], ids[test]


def make_split(
    df: pd.DataFrame,
    spec: SplitSpec,
    *,
    target: str | None,
    task: Task | None,
) -> Split:
    """Hold out test rows by raw row id (``df.index``); deterministic for a seed.

    Rows with a missing target (and, for time and group splits, a missing time or group) are
    in neither side. Make it once per dataset version, on the raw rows, and store it.
    """
    _check_frame(df, spec, target, task)
    ids = _row_ids(df)
    order = np.argsort(ids, kind="stable")  # the same rows give the same split in any order
    frame, ids = df.iloc[order], ids[order]
    notes: list[str] = []
    usable = np.ones(len(ids), dtype=bool)
    method_column = spec.time_column or spec.group_column
    for column in (target, method_column):
        if column is not None:
            missing = frame[column].isna().to_numpy() & usable
            if missing.any():
                notes.append(NOTE_EXCLUDED.format(count=int(missing.sum()), column=column))
                usable &= ~missing
    kept, excluded = ids[usable], ids[~usable]
    which = " with a target" if target is not None else ""
    _check_count(spec, len(kept), which)
    stratified = False
    if spec.method == "time":
        times = _time_values(frame[spec.time_column][usable], spec.time_column or "")
        train, test = _time_split(kept, times, spec, notes)
    elif spec.method == "group":
        train, test = _group_split(kept, frame[spec.group_column][usable], spec)
    else:
        y = frame[target][usable] if target is not None else None
        train, test, stratified = _random_split(kept, y, spec, task, notes)
    return Split(
        spec=spec,
        test_index=np.sort(test),
        train_index=np.sort(train),
        excluded_index=np.sort(excluded),
        notes=tuple(notes),
        target=target,
        task=task,
        stratified=stratified,
    )
