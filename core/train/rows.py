"""The rows, labels and folds every model of a training run is scored on.

Everything is checked once, then fixed: the rows are put in row-id order (the frame's index)
before sampling, folds and every fit, so the same data + settings + seed give the same folds
in any row order; rows without a target are left out (with a note); a ``sample_rows`` sample
is stratified by class; folds follow ``settings.cv``.
"""

from __future__ import annotations

import dataclasses
import difflib
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit

from core.coerce import class_label
from core.data.inference import default_positive_class
from core.data.schema import Schema
from core.goal import ErrorCost, PayoffMatrix
from core.train.features import feature_columns
from core.train.scoring import _ranking_metric, _Scoring
from core.train.settings import TrainError, TrainSettings
from core.train.zoo import ZOO, ModelSpec

__all__ = ["cv_folds"]

MSG_NO_TARGET = "the schema has no target: choose the column to predict on the Data page"
MSG_NO_TASK = "the schema has no task: choose binary, multiclass or regression on the Data page"
MSG_TARGET_NOT_IN_FRAME = "the target column {target!r} is not in the training data"
MSG_FEATURES_NOT_IN_FRAME = "the training data lacks feature column(s) {columns}"
MSG_UNKNOWN_MODEL = "there is no model {key!r}{suggestion}; known models: {known}"
MSG_MODEL_TASK = "model {key!r} ({name}) is not for {task} tasks; choose one of {choices}"
MSG_CV_COLUMN_MISSING = "settings.{field} {column!r} is not a column of the training data"
MSG_TIME_MISSING = (
    "time column {column!r} has {count:,} missing or unreadable value(s), e.g. row {row}"
)
MSG_TOO_FEW_ROWS = (
    "{folds}-fold cross-validation needs at least {needed} rows with a target, got {count}"
)
MSG_TOO_FEW_ROWS_FIT = "training needs at least {needed} rows with a target, got {count}"
MSG_TOO_FEW_GROUPS = (
    "{folds}-fold grouped cross-validation needs at least {folds} groups in {column!r}, got {count}"
)
MSG_SMALL_CLASS = (
    "class {label!r} has {count} row(s), fewer than the {folds} folds; use at most {count} "
    "folds, merge rare classes, or collect more rows"
)
MSG_ONE_CLASS = (
    "the target has a single class {label!r} in the training rows; a classifier needs two"
)
MSG_FOLD_ONE_CLASS = (
    "fold {fold}'s training rows hold only class {label!r}; use fewer folds or another cv method"
)
MSG_POSITIVE_MISSING = "positive class {positive!r} is not among the target's classes {classes}"

NOTE_MISSING_TARGET = "{count:,} row(s) without a target value were left out"
NOTE_SAMPLE = "trained on a stratified sample of {rows:,} of {total:,} rows (seed {seed})"
NOTE_SAMPLE_PLAIN = "trained on a random sample of {rows:,} of {total:,} rows (seed {seed})"
NOTE_KFOLD_REGRESSION = "stratified folds need classes; regression uses plain shuffled k-fold"
NOTE_TIME_UNSCORED = (
    "time-ordered CV: the earliest {count:,} row(s) only ever train, so they have no "
    "out-of-fold score"
)
NOTE_MIXED_LABELS = "target values of mixed types were compared as text"


def _spec(model_key: str, task: str) -> ModelSpec:
    spec = ZOO.get(model_key)
    if spec is None:
        close = difflib.get_close_matches(str(model_key), list(ZOO), n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        known = ", ".join(ZOO)
        message = MSG_UNKNOWN_MODEL.format(key=model_key, suggestion=suggestion, known=known)
        raise TrainError(message, field="models")
    if task not in spec.tasks:
        choices = ", ".join(k for k, s in ZOO.items() if task in s.tasks)
        message = MSG_MODEL_TASK.format(key=model_key, name=spec.name, task=task, choices=choices)
        raise TrainError(message, field="models")
    return spec


def _check_schema(frame: pd.DataFrame, schema: Schema) -> tuple[str, str]:
    if schema.target is None:
        raise TrainError(MSG_NO_TARGET, field="target")
    if schema.task is None:
        raise TrainError(MSG_NO_TASK, field="task")
    if schema.target not in frame.columns:
        raise TrainError(MSG_TARGET_NOT_IN_FRAME.format(target=schema.target), field="target")
    return schema.target, schema.task


@dataclasses.dataclass(frozen=True, eq=False)
class _Data:
    X: pd.DataFrame
    y: np.ndarray
    index: np.ndarray  # raw row ids, aligned to X and y (in row-id order)
    folds: tuple[tuple[np.ndarray, np.ndarray], ...]  # positions into X
    given: np.ndarray  # each row's position in the caller's frame (to hand results back)
    scoring: _Scoring
    metric: str
    notes: tuple[str, ...]


def _by_row_id(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows in row-id order (stable for repeated ids), and their positions in ``frame``.

    Everything downstream (sample, folds, fits, the threshold) then depends on the rows' ids,
    never on the order they came in. An index that cannot be ordered keeps the given order.
    """
    positions = np.arange(len(frame))
    if frame.index.is_monotonic_increasing:
        return frame, positions
    try:
        order = np.argsort(frame.index.to_numpy(), kind="stable")
    except TypeError:  # mixed id types: no order to follow
        return frame, positions
    return frame.iloc[order], positions[order]


NUMBER_KINDS = {"integer": np.int64, "floating": np.float64, "mixed-integer-float": np.float64}


def _class_values(series: pd.Series, notes: list[str]) -> np.ndarray:
    """Target labels as a NumPy array keeping the original values (no pandas NA types)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(series.cat.categories.dtype)
    if ptypes.is_extension_array_dtype(series.dtype):
        series = series.astype(getattr(series.dtype, "numpy_dtype", None) or object)
    values = series.to_numpy()
    kind = pd.api.types.infer_dtype(values) if values.dtype == object else ""
    if kind in NUMBER_KINDS:  # numbers held as objects: scikit-learn calls them "unknown"
        return values.astype(NUMBER_KINDS[kind])
    if values.dtype == object and kind not in ("string", "boolean"):
        try:
            np.unique(values)
        except TypeError:
            notes.append(NOTE_MIXED_LABELS)
            values = np.asarray([class_label(v) for v in values], dtype=object)
    return values


def _positive_label(classes: np.ndarray, schema: Schema) -> Any:
    if schema.task != "binary":
        return None
    wanted = schema.positive_class
    if wanted is None:  # a schema saved without one: the schema's own rule, not "the last"
        wanted = default_positive_class(pd.Series(classes))[0]
    for label in classes:
        if class_label(label) == wanted:
            return label
    shown = ", ".join(repr(class_label(c)) for c in classes)
    raise TrainError(
        MSG_POSITIVE_MISSING.format(positive=wanted, classes=shown), field="positive_class"
    )


def _sample(y: np.ndarray, task: str, settings: TrainSettings, notes: list[str]) -> np.ndarray:
    """Positions of the rows to train on: all, or a (stratified) sample of ``sample_rows``."""
    total = len(y)
    rows = settings.sample_rows
    if rows is None or total <= rows:
        return np.arange(total)
    rng = np.random.default_rng(settings.seed)
    if task == "regression":
        notes.append(NOTE_SAMPLE_PLAIN.format(rows=rows, total=total, seed=settings.seed))
        return np.sort(rng.choice(total, size=rows, replace=False))
    labels, codes = np.unique(y, return_inverse=True)
    counts = np.bincount(codes, minlength=len(labels))
    quota = np.floor(counts * rows / total).astype(int)
    remainder = rows - quota.sum()
    extra = np.argsort(-(counts * rows / total - quota), kind="stable")[:remainder]
    quota[extra] += 1
    picked = [
        rng.choice(np.flatnonzero(codes == k), size=int(quota[k]), replace=False)
        for k in range(len(labels))
    ]
    notes.append(NOTE_SAMPLE.format(rows=rows, total=total, seed=settings.seed))
    return np.sort(np.concatenate(picked))


def _time_values(series: pd.Series, column: str) -> np.ndarray:
    if ptypes.is_numeric_dtype(series.dtype) and not ptypes.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
    else:
        if not ptypes.is_datetime64_any_dtype(series.dtype):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                series = pd.to_datetime(series.astype(object), errors="coerce", utc=True)
        if getattr(series.dtype, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps = series.astype("datetime64[ns]")
        values = np.where(stamps.isna(), np.nan, stamps.to_numpy().view(np.int64).astype(float))
    bad = np.isnan(values)
    if bad.any():
        row = series.index[np.flatnonzero(bad)[0]]
        message = MSG_TIME_MISSING.format(column=column, count=int(bad.sum()), row=row)
        raise TrainError(message, field="time_column")
    return values


def _make_folds(
    frame: pd.DataFrame, y: np.ndarray, task: str, settings: TrainSettings, notes: list[str]
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    k, n = settings.folds, len(y)
    positions = np.arange(n)
    if settings.cv == "group":
        column = settings.group_column or ""
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        if len(uniques) < k:
            message = MSG_TOO_FEW_GROUPS.format(folds=k, column=column, count=len(uniques))
            raise TrainError(message, field="group_column")
        splits = GroupKFold(n_splits=k).split(positions, groups=codes)
    elif settings.cv == "time":
        times = _time_values(frame[settings.time_column or ""], settings.time_column or "")
        order = np.argsort(times, kind="stable")
        splits = (
            (order[train], order[val]) for train, val in TimeSeriesSplit(n_splits=k).split(order)
        )
    elif settings.cv == "stratified" and task != "regression":
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=settings.seed)
        splits = splitter.split(positions, y)
    else:
        if settings.cv == "stratified":
            notes.append(NOTE_KFOLD_REGRESSION)
        splits = KFold(n_splits=k, shuffle=True, random_state=settings.seed).split(positions)
    folds = tuple((np.sort(train), np.sort(val)) for train, val in splits)
    if task != "regression":
        for number, (train, _) in enumerate(folds, 1):
            seen = np.unique(y[train])
            if len(seen) < 2:
                message = MSG_FOLD_ONE_CLASS.format(fold=number, label=class_label(seen[0]))
                raise TrainError(message, field="folds")
    if settings.cv == "time":
        unscored = n - sum(len(val) for _, val in folds)
        notes.append(NOTE_TIME_UNSCORED.format(count=unscored))
    return folds


def _check_classes(y: np.ndarray, folds: int) -> None:
    labels, counts = np.unique(y, return_counts=True)
    if len(labels) < 2:
        raise TrainError(MSG_ONE_CLASS.format(label=class_label(labels[0])), field="target")
    small = int(np.argmin(counts))
    if counts[small] < folds:
        label, count = class_label(labels[small]), int(counts[small])
        raise TrainError(
            MSG_SMALL_CLASS.format(label=label, count=count, folds=folds), field="folds"
        )


def _prepare(
    frame: pd.DataFrame,
    schema: Schema,
    settings: TrainSettings,
    *,
    columns: Sequence[str] | None = None,
    payoff: PayoffMatrix | None = None,
    error_cost: ErrorCost | None = None,
    volume: float | None = None,
    for_cv: bool = True,
    rank: bool = True,
) -> _Data:
    """Check everything once, then fix the rows, labels and folds used by every model."""
    target, task = _check_schema(frame, schema)
    frame, given = _by_row_id(frame)
    notes: list[str] = []
    metric = settings.metric
    if for_cv and rank:
        metric, fallback = _ranking_metric(
            task, settings.metric, payoff=payoff, error_cost=error_cost, volume=volume
        )
        notes.extend(fallback)
    if columns is None:
        columns = feature_columns(schema, include_sensitive=settings.include_sensitive)
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        shown = ", ".join(map(repr, absent))
        raise TrainError(MSG_FEATURES_NOT_IN_FRAME.format(columns=shown), field="columns")
    for field in ("group_column", "time_column"):
        column = getattr(settings, field)
        method = field.split("_")[0]
        if settings.cv == method and column not in frame.columns:
            raise TrainError(MSG_CV_COLUMN_MISSING.format(field=field, column=column), field=field)
    labelled = frame[target].notna().to_numpy()
    if not labelled.all():
        notes.append(NOTE_MISSING_TARGET.format(count=int((~labelled).sum())))
        frame, given = frame.loc[labelled], given[labelled]
    if task == "regression":
        y = frame[target].to_numpy(dtype=float, na_value=np.nan)
    else:
        y = _class_values(frame[target], notes)
    keep = _sample(y, task, settings, notes)
    frame, y, given = frame.iloc[keep], y[keep], given[keep]
    k = settings.folds if for_cv else 1
    needed = k + 1 if for_cv and settings.cv == "time" else max(k, 2)
    if len(y) < needed:
        template = MSG_TOO_FEW_ROWS if for_cv else MSG_TOO_FEW_ROWS_FIT
        message = template.format(folds=k, needed=needed, count=len(y))
        raise TrainError(message, field="folds")
    classes: tuple[Any, ...] = ()
    positive = None
    if task != "regression":
        _check_classes(y, k)
        labels = np.unique(y)
        classes = tuple(labels)
        positive = _positive_label(labels, schema)
    folds = _make_folds(frame, y, task, settings, notes) if for_cv else ()
    scoring = _Scoring(task, classes, positive, payoff, error_cost, volume)
    X = frame[list(columns)]
    index = frame.index.to_numpy()
    return _Data(X, y, index, folds, given, scoring, metric, tuple(notes))


def cv_folds(
    frame: pd.DataFrame, schema: Schema, settings: TrainSettings
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, validation) raw row ids of every fold, exactly as training uses them."""
    data = _prepare(frame, schema, settings, rank=False)
    return [(data.index[train], data.index[val]) for train, val in data.folds]
