"""Train stage: cross-validation, tuning and a leaderboard ranked by business value.

Every model is scored the same way: the caller passes the training part of the frozen split;
folds are made once from the settings' seed, and a fresh pipeline (preprocessing + model) is
fitted inside each fold, so nothing leaks from validation rows. Each fold is priced with the
goal's payoff matrix (binary) or error cost (regression) at that fold's best threshold. Folds
run as joblib tasks, so a Dask or Ray joblib backend can spread them over a cluster; between
folds and trials ``should_stop()`` is asked and ``TrainCancelled`` raised when it says yes.
Same data + settings + seed ⇒ the same scores, exactly, in any row order: the rows are put in
row-id order (the frame's index) before sampling, folds and every fit, so folds follow the rows'
ids, not their positions. Pure Python: no Streamlit, no storage.

    settings = TrainSettings(models=("logreg", "hgb"), folds=5, seed=0)
    results = [cross_validate_model(train, schema, key, settings, payoff=payoff,
                                    volume_per_month=7000) for key in settings.models]
    best = leaderboard(results, metric="expected_value")[0]
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import math
import pickle
import re
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from pandas.api import types as ptypes
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import (
    average_precision_score,
    log_loss,
    precision_recall_fscore_support,
    r2_score,
    roc_auc_score,
)
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import label_binarize
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from core import conditions
from core.business import (
    ErrorCost,
    PayoffMatrix,
    regression_value_per_month,
    value_curve,
    value_optimal_threshold,
)
from core.coerce import class_label
from core.data.inference import default_positive_class
from core.data.schema import Schema
from core.exceptions import CoreError
from core.features import feature_columns
from core.metrics import LEADERBOARD_METRICS, UNPRICED_METRIC, Metric, get_metric, stored_name
from core.zoo import ZOO, ModelSpec, make_pipeline

__all__ = [
    "METRICS",
    "RULE_KEY",
    "CvMethod",
    "FoldScore",
    "MetricInfo",
    "ModelResult",
    "RuleClassifier",
    "RuleExpression",
    "TrainCancelled",
    "TrainError",
    "TrainSettings",
    "cross_validate_model",
    "cv_folds",
    "fit_final",
    "leaderboard",
    "parse_rule",
    "rule_baseline",
    "tune_model",
    "validate_settings",
]

CvMethod = Literal["stratified", "kfold", "group", "time"]
CV_METHODS: tuple[str, ...] = get_args(CvMethod)
RULE_KEY = "rule"  # ModelResult.model of the rule baseline
DEFAULT_TUNE_TRIALS = 20  # when neither tune_trials nor tune_seconds is given
FALLBACK_METRIC = {"multiclass": UNPRICED_METRIC["multiclass"]}  # no multiclass value per month
MAX_RULE_LENGTH = 2000
MAX_WARNING_NOTES = 5

#: Kept for callers that import it: a leaderboard metric is a ``core.metrics.Metric``.
MetricInfo = Metric

#: The metrics the leaderboard can rank by, under the names train settings, goals and saved
#: runs use (``expected_value`` is the registry's ``value_per_month``; see core.metrics).
METRICS: dict[str, Metric] = {name: get_metric(name) for name in LEADERBOARD_METRICS}
assert all(m.ranks_models for m in METRICS.values())


# --- messages (tests import these) -------------------------------------------------------

MSG_NO_TARGET = "the schema has no target: choose the column to predict on the Data page"
MSG_NO_TASK = "the schema has no task: choose binary, multiclass or regression on the Data page"
MSG_TARGET_NOT_IN_FRAME = "the target column {target!r} is not in the training data"
MSG_FEATURES_NOT_IN_FRAME = "the training data lacks feature column(s) {columns}"
MSG_FOLDS = "folds must be a whole number of at least 2, got {value!r}"
MSG_NO_MODELS = "choose at least one model to train; settings.models is empty"
MSG_UNKNOWN_MODEL = "there is no model {key!r}{suggestion}; known models: {known}"
MSG_MODEL_TASK = "model {key!r} ({name}) is not for {task} tasks; choose one of {choices}"
MSG_UNKNOWN_METRIC = "metric {value!r} is not known; use one of {choices}"
MSG_METRIC_TASK = "metric {value!r} does not fit a {task} task; use one of {choices}"
MSG_VALUE_NEEDS_GOAL = (
    "ranking by expected_value needs the goal's {needs}; fill them in on the Goal page "
    "or rank by another metric"
)
MSG_CV_METHOD = "cv must be one of {choices}, got {value!r}"
MSG_CV_COLUMN_NEEDED = "cv {method!r} needs settings.{field}: the column to {purpose}"
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
MSG_SAMPLE_ROWS = (
    "sample_rows must be a whole number of at least {minimum} (2 per fold), got {value!r}"
)
MSG_TUNE_TRIALS = "tune_trials must be a whole number of at least 1, got {value!r}"
MSG_TUNE_SECONDS = "tune_seconds must be more than 0, got {value!r}"
MSG_CLASS_WEIGHT = "class_weight must be 'balanced' or None, got {value!r}"
MSG_N_JOBS = "n_jobs must be a whole number other than 0 (-1 = all cores), got {value!r}"
MSG_NO_TRIAL = "no tuning trial of {model!r} finished with a score; see the notes of the runs"
MSG_RULE_TASK = "a rule baseline needs a binary task (predict the positive class when the rule holds), not {task}"
MSG_RULE_EMPTY = "the rule is empty; write a condition such as tenure_months < 6"
MSG_RULE_TOO_LONG = "the rule is {length:,} characters long; keep it under {limit:,}"
MSG_RULE_SYNTAX = "the rule is not a valid condition: {problem} (at character {offset})"
MSG_RULE_UNKNOWN_COLUMN = "the rule uses {name!r}, which is not a column{suggestion}"
MSG_RULE_TARGET = "the rule uses the target {name!r}; a rule must decide without knowing the answer"
MSG_RULE_CALL = "function calls are not allowed in a rule, found {call}(…)"
MSG_RULE_ATTRIBUTE = "attribute access is not allowed in a rule, found {text}"
MSG_RULE_ELEMENT = (
    "{what} is not allowed in a rule; use comparisons such as tenure_months < 6 joined by "
    "and, or, not"
)
MSG_RULE_VALUE = "{value} is not a value a rule can compare with; use a number or quoted text"
MSG_RULE_NOT_CONDITION = (
    "{text!r} is not a condition; compare it, e.g. {text} == 'Yes' or {text} > 0"
)
MSG_RULE_NO_COLUMN = "the comparison {text!r} does not use any column"
MSG_RULE_LIST = (
    "{op!r} needs a list of values on its right, e.g. contract in ['One year', 'Two year']"
)
MSG_RULE_LIST_PLACE = "a list of values can only follow 'in' or 'not in'"
MSG_RULE_TYPES = "column {column!r} holds {what}, so compare it with {expected}, not {value!r}"
MSG_RULE_NEEDS_FRAME = "RuleClassifier needs a DataFrame with the rule's columns, got {kind}"
MSG_RULE_CLASSES = "RuleClassifier needs exactly two classes in y, got {count}"

NOTE_FALLBACK = "expected_value is not defined for {task} tasks; ranked by {metric} instead"
NOTE_MISSING_TARGET = "{count:,} row(s) without a target value were left out"
NOTE_SAMPLE = "trained on a stratified sample of {rows:,} of {total:,} rows (seed {seed})"
NOTE_SAMPLE_PLAIN = "trained on a random sample of {rows:,} of {total:,} rows (seed {seed})"
NOTE_KFOLD_REGRESSION = "stratified folds need classes; regression uses plain shuffled k-fold"
NOTE_TIME_UNSCORED = (
    "time-ordered CV: the earliest {count:,} row(s) only ever train, so they have no "
    "out-of-fold score"
)
NOTE_CLASS_WEIGHT = "{model} has no class weights; class_weight='balanced' is ignored for it"
NOTE_MAX_ROWS = "{model} is meant for at most {limit:,} rows, got {rows:,}: expect slow training"
NOTE_MIXED_LABELS = "target values of mixed types were compared as text"
NOTE_NAN_FOLDS = "{metric} could not be computed in {count} fold(s) (e.g. a class missing there)"
NOTE_NOTHING_TO_TUNE = "{model} has nothing to tune; scored with its defaults"
NOTE_TUNED = "tuned over {trials} trial(s); best was trial {best}"
NOTE_TUNE_TIMEOUT = "tuning stopped by time; the number of trials may differ between runs"
NOTE_WARNING = "fold {fold}: {category}: {message}"


class TrainError(CoreError):
    """Training settings or data that cannot work; the message says what to change."""


class TrainCancelled(Exception):  # a signal to stop, not an error the user made
    """``should_stop()`` said yes between folds or trials.

    ``completed`` holds the finished folds of the model that was running; ``best`` the best
    finished tuning trial (tune_model only). Results finished before stay with the caller.
    """

    def __init__(
        self,
        model: str,
        completed: tuple[FoldScore, ...] = (),
        best: ModelResult | None = None,
    ) -> None:
        super().__init__(f"training of {model!r} was cancelled")
        self.model = model
        self.completed = completed
        self.best = best


@dataclasses.dataclass(frozen=True)
class TrainSettings:
    """How models are trained and compared; one per training run, recorded with it."""

    models: tuple[str, ...]
    folds: int = 5
    seed: int = 0
    tune_trials: int | None = None  # Optuna budget per model
    tune_seconds: float | None = None
    metric: str = "expected_value"  # ranks the leaderboard, see METRICS
    sample_rows: int | None = None  # train on a stratified sample (Quick preset on big data)
    class_weight: Literal["balanced"] | None = None
    include_sensitive: bool = False
    cv: CvMethod = "stratified"
    group_column: str | None = None
    time_column: str | None = None
    n_jobs: int = 2  # folds in parallel (joblib); each model itself uses one thread in CV

    def __post_init__(self) -> None:
        if isinstance(self.metric, str):  # an alias (f1_macro, value_per_month) is stored as
            object.__setattr__(self, "metric", stored_name(self.metric))  # saved runs name it


@dataclasses.dataclass(frozen=True)
class FoldScore:
    """One fold: every metric, and how long fitting and predicting took (seconds)."""

    fold: int  # 1-based
    scores: Mapping[str, float]
    fit_seconds: float
    predict_seconds: float


@dataclasses.dataclass(frozen=True, eq=False)
class ModelResult:
    """One model's cross-validated result: a leaderboard row plus what Evaluate needs.

    ``oof`` is aligned to ``oof_index`` (raw row ids of the rows used, in the order the
    caller's frame gave them): the positive-class probability (binary), an (n, k) probability
    matrix in ``classes`` order (multiclass) or the prediction (regression); NaN where a row
    was never in a validation fold.
    """

    model: str
    params: Mapping[str, Any]
    folds: tuple[FoldScore, ...]
    cv_mean: float  # of the ranking metric
    cv_std: float  # population std (ddof=0) over folds, like scikit-learn's cv_results_
    scores: Mapping[str, float]  # mean over folds of every metric
    fit_seconds: float  # mean per fold
    predict_ms_per_1k: float
    size_bytes: int  # pickled fitted pipeline of fold 1
    best_threshold: float | None  # value-optimal threshold on the out-of-fold scores (binary)
    oof: np.ndarray | None
    trials: int = 0
    notes: tuple[str, ...] = ()
    metric: str = ""  # the ranking metric cv_mean refers to
    classes: tuple[Any, ...] = ()  # original class labels, sorted (= pipeline.classes_)
    oof_index: np.ndarray | None = None


# --- settings and data checks ------------------------------------------------------------


def _whole(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _check_settings(settings: TrainSettings, *, models: bool = False) -> None:
    if not _whole(settings.folds) or settings.folds < 2:
        raise TrainError(MSG_FOLDS.format(value=settings.folds), field="folds")
    if settings.cv not in CV_METHODS:
        choices = ", ".join(CV_METHODS)
        raise TrainError(MSG_CV_METHOD.format(choices=choices, value=settings.cv), field="cv")
    for method, field, purpose in (
        ("group", "group_column", "keep together in one fold"),
        ("time", "time_column", "order the rows by"),
    ):
        if settings.cv == method and not getattr(settings, field):
            message = MSG_CV_COLUMN_NEEDED.format(method=method, field=field, purpose=purpose)
            raise TrainError(message, field=field)
    if settings.metric not in METRICS:
        choices = ", ".join(METRICS)
        raise TrainError(
            MSG_UNKNOWN_METRIC.format(value=settings.metric, choices=choices), field="metric"
        )
    trials, seconds = settings.tune_trials, settings.tune_seconds
    if trials is not None and (not _whole(trials) or trials < 1):
        raise TrainError(MSG_TUNE_TRIALS.format(value=trials), field="tune_trials")
    if seconds is not None and (isinstance(seconds, bool) or not seconds > 0):
        raise TrainError(MSG_TUNE_SECONDS.format(value=seconds), field="tune_seconds")
    minimum = 2 * settings.folds
    rows = settings.sample_rows
    if rows is not None and (not _whole(rows) or rows < minimum):
        message = MSG_SAMPLE_ROWS.format(minimum=minimum, value=rows)
        raise TrainError(message, field="sample_rows")
    if settings.class_weight not in ("balanced", None):
        raise TrainError(MSG_CLASS_WEIGHT.format(value=settings.class_weight), field="class_weight")
    if not _whole(settings.n_jobs) or settings.n_jobs == 0:
        raise TrainError(MSG_N_JOBS.format(value=settings.n_jobs), field="n_jobs")
    if models and not settings.models:
        raise TrainError(MSG_NO_MODELS, field="models")


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


def _ranking_metric(
    task: str,
    metric: str,
    *,
    payoff: PayoffMatrix | None,
    error_cost: ErrorCost | None,
    volume: float | None,
) -> tuple[str, tuple[str, ...]]:
    """The metric that ranks models for this task, with a note when it had to change."""
    if metric == "expected_value" and task in FALLBACK_METRIC:
        fallback = FALLBACK_METRIC[task]
        return fallback, (NOTE_FALLBACK.format(task=task, metric=fallback),)
    if task not in METRICS[metric].tasks:
        choices = ", ".join(k for k, info in METRICS.items() if task in info.tasks)
        message = MSG_METRIC_TASK.format(value=metric, task=task, choices=choices)
        raise TrainError(message, field="metric")
    if metric == "expected_value":
        money = payoff if task == "binary" else error_cost
        needs = [
            name
            for name, value in (
                ("payoff matrix" if task == "binary" else "error cost", money),
                ("volume per month", volume),
            )
            if value is None
        ]
        if needs:
            message = MSG_VALUE_NEEDS_GOAL.format(needs=" and ".join(needs))
            raise TrainError(message, field="metric")
    return metric, ()


# --- the rows, labels and folds ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Scoring:
    """What a fold needs to score its predictions; small and picklable for joblib workers."""

    task: str
    classes: tuple[Any, ...]
    positive: Any
    payoff: PayoffMatrix | None
    error_cost: ErrorCost | None
    volume: float | None


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
    _check_settings(settings)
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


def validate_settings(
    frame: pd.DataFrame,
    schema: Schema,
    settings: TrainSettings,
    *,
    payoff: PayoffMatrix | None = None,
    error_cost: ErrorCost | None = None,
    volume_per_month: float | None = None,
) -> tuple[str, ...]:
    """Check a training plan before starting the job: every model, the metric, the folds.

    Raises ``TrainError`` with one clear message; returns the notes (e.g. a metric fallback).
    """
    _check_settings(settings, models=True)
    _, task = _check_schema(frame, schema)
    for key in settings.models:
        _spec(key, task)
    data = _prepare(
        frame,
        schema,
        settings,
        payoff=payoff,
        error_cost=error_cost,
        volume=volume_per_month,
    )
    return data.notes


def cv_folds(
    frame: pd.DataFrame, schema: Schema, settings: TrainSettings
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, validation) raw row ids of every fold, exactly as training uses them."""
    data = _prepare(frame, schema, settings, rank=False)
    return [(data.index[train], data.index[val]) for train, val in data.folds]


# --- scoring one fold ----------------------------------------------------------------------


def _aligned_proba(model: Any, X: pd.DataFrame, classes: tuple[Any, ...]) -> np.ndarray:
    """predict_proba with one column per class of the whole target, in ``classes`` order."""
    proba = np.asarray(model.predict_proba(X), dtype=float)
    fitted = list(model.classes_)
    if fitted == list(classes):
        return proba
    full = np.zeros((proba.shape[0], len(classes)))
    for j, label in enumerate(fitted):
        full[:, classes.index(label)] = proba[:, j]
    return full


def _quiet(function: Callable[[], float]) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(function())
        except ValueError:
            return math.nan


def _binary_scores(ctx: _Scoring, y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    classes = np.asarray(ctx.classes, dtype=object)
    score = proba[:, ctx.classes.index(ctx.positive)]
    is_pos = y == ctx.positive
    flagged = classes[np.argmax(proba, axis=1)] == ctx.positive
    tp = int(np.sum(flagged & is_pos))
    fp = int(np.sum(flagged & ~is_pos))
    fn = int(np.sum(~flagged & is_pos))
    both = bool(is_pos.any() and (~is_pos).any())
    scores = {
        "roc_auc": _quiet(lambda: roc_auc_score(is_pos, score)) if both else math.nan,
        "pr_auc": _quiet(lambda: average_precision_score(is_pos, score)) if both else math.nan,
        "log_loss": _quiet(
            lambda: log_loss(_class_codes(ctx.classes, y), proba, labels=range(len(classes)))
        ),
        "accuracy": float(np.mean(classes[np.argmax(proba, axis=1)] == y)),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
    }
    if ctx.payoff is not None and ctx.volume is not None:
        curve = value_curve(
            score, y, ctx.payoff, volume_per_month=ctx.volume, pos_label=ctx.positive
        )
        scores["expected_value"] = curve.best().value_per_month
    return scores


def _class_codes(classes: tuple[Any, ...], y: np.ndarray) -> np.ndarray:
    """Each label's position in ``classes``: scikit-learn reads whole numbers of any origin,
    while it refuses an object array of numbers ("unknown" target type)."""
    position = {label: i for i, label in enumerate(classes)}
    return np.fromiter((position[label] for label in y), dtype=np.int64, count=len(y))


def _multiclass_scores(ctx: _Scoring, y: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    labels = list(range(len(ctx.classes)))
    codes = _class_codes(ctx.classes, y)
    predicted = np.argmax(proba, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        precision, recall, f1, _ = precision_recall_fscore_support(
            codes, predicted, labels=labels, average="macro", zero_division=0
        )
    return {
        "roc_auc": _quiet(
            lambda: roc_auc_score(codes, proba, multi_class="ovr", average="macro", labels=labels)
        ),
        "pr_auc": _quiet(
            lambda: average_precision_score(
                label_binarize(codes, classes=labels), proba, average="macro"
            )
        ),
        "log_loss": _quiet(lambda: log_loss(codes, proba, labels=labels)),
        "accuracy": float(np.mean(predicted == codes)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
    }


def _regression_scores(ctx: _Scoring, y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    error = predicted - y
    mae = float(np.mean(np.abs(error)))
    scores = {
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mae": mae,
        "r2": _quiet(lambda: r2_score(y, predicted)) if len(y) > 1 else math.nan,
    }
    if ctx.error_cost is not None and ctx.volume is not None:
        bias = float(np.clip(np.mean(error), -mae, mae))
        scores["expected_value"] = regression_value_per_month(
            mae=mae, bias=bias, volume=ctx.volume, error_cost=ctx.error_cost
        )
    return scores


def _score_predictions(ctx: _Scoring, y: np.ndarray, output: np.ndarray) -> dict[str, float]:
    """Every metric of the task for one fold's validation rows."""
    if ctx.task == "binary":
        return _binary_scores(ctx, y, output)
    if ctx.task == "multiclass":
        return _multiclass_scores(ctx, y, output)
    return _regression_scores(ctx, y, output)


@dataclasses.dataclass(frozen=True, eq=False)
class _FoldOutput:
    fold: int
    scores: dict[str, float]
    fit_seconds: float
    predict_seconds: float
    validation: np.ndarray  # positions
    output: np.ndarray  # positive-class score, probabilities or predictions
    size_bytes: int | None
    warnings: tuple[str, ...]


def _run_fold(
    estimator: BaseEstimator,
    X: pd.DataFrame,
    y: np.ndarray,
    train: np.ndarray,
    validation: np.ndarray,
    fold: int,
    ctx: _Scoring,
) -> _FoldOutput:
    """Fit a fresh copy on the fold's training rows, score it on its validation rows."""
    model = clone(estimator)
    # one thread per fold (OpenMP/BLAS too): folds are the parallel unit, and oversubscribed
    # OpenMP threads slow HistGradientBoosting down 10-50x when another process is busy
    with threadpool_limits(limits=1), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        model.fit(X.iloc[train], y[train])
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        X_val = X.iloc[validation]
        if ctx.task == "regression":
            output = np.asarray(model.predict(X_val), dtype=float)
        else:
            output = _aligned_proba(model, X_val, ctx.classes)
        predict_seconds = time.perf_counter() - start
    scores = _score_predictions(ctx, y[validation], output)
    if ctx.task == "binary":
        output = output[:, ctx.classes.index(ctx.positive)]
    size = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)) if fold == 1 else None
    messages = tuple(
        dict.fromkeys(
            NOTE_WARNING.format(fold=fold, category=w.category.__name__, message=str(w.message))
            for w in caught
            if not issubclass(w.category, DeprecationWarning | PendingDeprecationWarning)
        )
    )
    return _FoldOutput(
        fold, scores, fit_seconds, predict_seconds, validation, output, size, messages
    )


# --- running folds -------------------------------------------------------------------------


def _fold_stream(jobs: list[Any], n_jobs: int) -> Iterator[_FoldOutput]:
    """Fold results in fold order as they finish; at most ``n_jobs`` folds in flight.

    Closing the stream (on cancel) drops the folds still running. Backends that cannot
    stream results run the folds in chunks of ``n_jobs`` instead.
    """
    try:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="n_jobs")
    except ValueError:  # a backend without result generators
        width = max(1, effective_n_jobs(n_jobs))
        for start in range(0, len(jobs), width):
            yield from Parallel(n_jobs=n_jobs)(jobs[start : start + width])
        return
    results = parallel(jobs)
    try:
        # not `yield from`: it would close `results` outside the warnings guard below
        for result in results:  # noqa: UP028
            yield result
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "tasks executed but not used"
            results.close()


def _stop_if_asked(
    should_stop: Callable[[], bool] | None, model: str, done: Sequence[FoldScore]
) -> None:
    if should_stop is not None and should_stop():
        raise TrainCancelled(model, completed=tuple(done))


def _fold_score(output: _FoldOutput) -> FoldScore:
    return FoldScore(output.fold, output.scores, output.fit_seconds, output.predict_seconds)


def _mean(values: Sequence[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return float(np.mean(finite)) if finite else math.nan


def _summarise(
    data: _Data,
    outputs: list[_FoldOutput],
    *,
    model: str,
    params: Mapping[str, Any],
    notes: Sequence[str],
) -> ModelResult:
    ctx = data.scoring
    folds = tuple(_fold_score(o) for o in outputs)
    names = list(outputs[0].scores)
    scores = {name: _mean([o.scores.get(name, math.nan) for o in outputs]) for name in names}
    ranking = [o.scores.get(data.metric, math.nan) for o in outputs]
    finite = [v for v in ranking if not math.isnan(v)]
    extra = list(notes)
    if len(finite) < len(ranking):
        extra.append(NOTE_NAN_FOLDS.format(metric=data.metric, count=len(ranking) - len(finite)))
    n = len(data.y)
    shape = (n, len(ctx.classes)) if ctx.task == "multiclass" else (n,)
    oof = np.full(shape, np.nan)
    for o in outputs:
        oof[o.validation] = o.output
    best_threshold = None
    if ctx.task == "binary" and ctx.payoff is not None and ctx.volume is not None:
        scored = ~np.isnan(oof)
        best_threshold = value_optimal_threshold(
            oof[scored],
            data.y[scored],
            ctx.payoff,
            volume_per_month=ctx.volume,
            pos_label=ctx.positive,
        ).threshold
    back = np.argsort(data.given, kind="stable")  # row-id order -> the caller's order
    validated = sum(len(o.validation) for o in outputs)
    warned = [message for o in outputs for message in o.warnings]
    extra.extend(list(dict.fromkeys(warned))[:MAX_WARNING_NOTES])
    return ModelResult(
        model=model,
        params=dict(params),
        folds=folds,
        cv_mean=float(np.mean(finite)) if finite else math.nan,
        cv_std=float(np.std(finite)) if finite else math.nan,
        scores=scores,
        fit_seconds=float(np.mean([o.fit_seconds for o in outputs])),
        predict_ms_per_1k=1e6 * sum(o.predict_seconds for o in outputs) / max(validated, 1),
        size_bytes=int(next(o.size_bytes for o in outputs if o.size_bytes is not None)),
        best_threshold=best_threshold,
        oof=oof[back],
        notes=tuple(dict.fromkeys([*data.notes, *extra])),
        metric=data.metric,
        classes=ctx.classes,
        oof_index=data.index[back],
    )


def _cross_validate(
    data: _Data,
    estimator: BaseEstimator,
    *,
    model: str,
    params: Mapping[str, Any],
    n_jobs: int,
    notes: Sequence[str] = (),
    on_fold: Callable[[str, int, int, FoldScore], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ModelResult:
    total = len(data.folds)
    jobs = [
        delayed(_run_fold)(estimator, data.X, data.y, train, val, number, data.scoring)
        for number, (train, val) in enumerate(data.folds, 1)
    ]
    outputs: list[_FoldOutput] = []
    _stop_if_asked(should_stop, model, ())
    with closing(_fold_stream(jobs, n_jobs)) as stream:
        for output in stream:
            outputs.append(output)
            if on_fold is not None:
                on_fold(model, output.fold, total, _fold_score(output))
            if len(outputs) < total:
                _stop_if_asked(should_stop, model, [_fold_score(o) for o in outputs])
    return _summarise(data, outputs, model=model, params=params, notes=notes)


def _model_notes(spec: ModelSpec, settings: TrainSettings, task: str, rows: int) -> list[str]:
    notes = []
    if settings.class_weight and task != "regression" and not spec.supports_class_weight:
        notes.append(NOTE_CLASS_WEIGHT.format(model=spec.key))
    if spec.max_rows is not None and rows > spec.max_rows:
        notes.append(NOTE_MAX_ROWS.format(model=spec.key, limit=spec.max_rows, rows=rows))
    return notes


def _model_pipeline(
    schema: Schema, spec: ModelSpec, params: Mapping[str, Any], settings: TrainSettings
) -> Pipeline:
    """The pipeline cross-validated for a model; one thread per model (folds run in parallel)."""
    return make_pipeline(
        schema,
        spec.key,
        params=params,
        seed=settings.seed,
        class_weight=settings.class_weight,
        include_sensitive=settings.include_sensitive,
        n_jobs=1,
    )


def cross_validate_model(
    frame: pd.DataFrame,
    schema: Schema,
    model_key: str,
    settings: TrainSettings,
    *,
    payoff: PayoffMatrix | None = None,
    error_cost: ErrorCost | None = None,
    volume_per_month: float | None = None,
    params: Mapping[str, Any] | None = None,
    on_fold: Callable[[str, int, int, FoldScore], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ModelResult:
    """Cross-validate one zoo model on ``frame`` (the training rows of the frozen split).

    ``params`` override the model's defaults; ``ModelResult.params`` holds the merged ones.
    ``on_fold(model, fold, total, FoldScore)`` reports each finished fold (1-based);
    ``should_stop()`` is asked before the first fold and after each, and raises
    ``TrainCancelled`` when it returns True.
    """
    _check_settings(settings)
    _, task = _check_schema(frame, schema)
    spec = _spec(model_key, task)
    data = _prepare(
        frame, schema, settings, payoff=payoff, error_cost=error_cost, volume=volume_per_month
    )
    merged = {**spec.defaults, **(params or {})}
    estimator = _model_pipeline(schema, spec, merged, settings)
    return _cross_validate(
        data,
        estimator,
        model=model_key,
        params=merged,
        n_jobs=settings.n_jobs,
        notes=_model_notes(spec, settings, task, len(data.y)),
        on_fold=on_fold,
        should_stop=should_stop,
    )


# --- tuning --------------------------------------------------------------------------------


def _best(
    results: Mapping[int, ModelResult], greater_is_better: bool
) -> tuple[int, ModelResult] | None:
    scored = [(n, r) for n, r in sorted(results.items()) if not math.isnan(r.cv_mean)]
    if not scored:
        return None
    sign = -1.0 if greater_is_better else 1.0
    return min(scored, key=lambda item: (sign * item[1].cv_mean, item[0]))


def tune_model(
    frame: pd.DataFrame,
    schema: Schema,
    model_key: str,
    settings: TrainSettings,
    *,
    payoff: PayoffMatrix | None = None,
    error_cost: ErrorCost | None = None,
    volume_per_month: float | None = None,
    on_trial: Callable[[str, int, float | None], None] | None = None,
    on_fold: Callable[[str, int, int, FoldScore], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ModelResult:
    """Search a model's parameters with Optuna (TPE, seeded); each trial is one full CV.

    Budget: ``settings.tune_trials`` and/or ``tune_seconds`` (neither: 20 trials). Trial 1
    is the model's defaults. Returns the best trial's CV result with ``trials`` set.
    ``on_trial(model, trial, value)`` reports each finished trial (1-based); on cancel,
    ``TrainCancelled.best`` holds the best finished trial.
    """
    import optuna

    _check_settings(settings)
    _, task = _check_schema(frame, schema)
    spec = _spec(model_key, task)
    data = _prepare(
        frame, schema, settings, payoff=payoff, error_cost=error_cost, volume=volume_per_month
    )
    notes = _model_notes(spec, settings, task, len(data.y))
    run = dict(n_jobs=settings.n_jobs, on_fold=on_fold, should_stop=should_stop)
    if not spec.tunable:
        params = dict(spec.defaults)
        estimator = _model_pipeline(schema, spec, params, settings)
        result = _cross_validate(data, estimator, model=model_key, params=params, **run)
        if on_trial is not None:
            on_trial(model_key, 1, result.cv_mean)
        note = NOTE_NOTHING_TO_TUNE.format(model=model_key)
        return dataclasses.replace(result, trials=1, notes=(*result.notes, *notes, note))
    greater = METRICS[data.metric].greater_is_better
    trials = settings.tune_trials
    if trials is None and settings.tune_seconds is None:
        trials = DEFAULT_TUNE_TRIALS
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="maximize" if greater else "minimize",
        sampler=optuna.samplers.TPESampler(seed=settings.seed),
    )
    study.enqueue_trial(dict(spec.defaults))
    results: dict[int, ModelResult] = {}
    cancelled = False

    def objective(trial: optuna.Trial) -> float:
        params = {**spec.defaults, **spec.search_space(trial, task)}
        estimator = _model_pipeline(schema, spec, params, settings)
        result = _cross_validate(
            data, estimator, model=model_key, params=params, notes=notes, **run
        )
        results[trial.number] = result
        return result.cv_mean

    def after_trial(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        nonlocal cancelled
        if on_trial is not None:
            on_trial(model_key, trial.number + 1, trial.value)
        if should_stop is not None and should_stop():
            cancelled = True
            study.stop()

    try:
        study.optimize(
            objective, n_trials=trials, timeout=settings.tune_seconds, callbacks=[after_trial]
        )
    except TrainCancelled as stop:
        best = _best(results, greater)
        raise TrainCancelled(model_key, stop.completed, best[1] if best else None) from None
    best = _best(results, greater)
    if cancelled:
        raise TrainCancelled(model_key, (), best[1] if best else None)
    if best is None:
        raise TrainError(MSG_NO_TRIAL.format(model=model_key), field="tune_trials")
    number, result = best
    tuned = [NOTE_TUNED.format(trials=len(results), best=number + 1)]
    if settings.tune_seconds is not None:
        tuned.append(NOTE_TUNE_TIMEOUT)
    return dataclasses.replace(result, trials=len(results), notes=(*result.notes, *tuned))


# --- final fit and leaderboard -------------------------------------------------------------


def fit_final(
    frame: pd.DataFrame,
    schema: Schema,
    model_key: str,
    params: Mapping[str, Any] | None,
    settings: TrainSettings,
) -> Pipeline:
    """The chosen model fitted on all the training rows given (or the same sample as CV).

    ``model_key`` ``"rule"`` with ``params={"rule": ...}`` gives the rule as a pipeline,
    so it can be exported and scored like any model. The model uses ``settings.n_jobs``.
    """
    _check_settings(settings)
    _, task = _check_schema(frame, schema)
    if model_key == RULE_KEY:
        rule = str((params or {}).get("rule", ""))
        columns = _rule_columns(frame, schema, rule)
        data = _prepare(frame, schema, settings, columns=columns, for_cv=False)
        model = RuleClassifier(rule=rule, positive_class=schema.positive_class)
        return Pipeline([("model", model)]).fit(data.X, data.y)
    spec = _spec(model_key, task)
    data = _prepare(frame, schema, settings, for_cv=False)
    pipeline = make_pipeline(
        schema,
        spec.key,
        params={**spec.defaults, **(params or {})},
        seed=settings.seed,
        class_weight=settings.class_weight,
        include_sensitive=settings.include_sensitive,
        n_jobs=settings.n_jobs,
    )
    threads = max(1, effective_n_jobs(settings.n_jobs))
    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pipeline.fit(data.X, data.y)


def leaderboard(results: Sequence[ModelResult], *, metric: str) -> list[ModelResult]:
    """Results best first by the mean of ``metric``; missing or NaN scores go last."""
    info = METRICS.get(metric)
    if info is None:
        choices = ", ".join(METRICS)
        raise TrainError(MSG_UNKNOWN_METRIC.format(value=metric, choices=choices), field="metric")

    def rank(result: ModelResult) -> tuple[int, float]:
        value = result.scores.get(metric, math.nan)
        if value is None or math.isnan(value):
            return (1, 0.0)
        return (0, -value if info.greater_is_better else value)

    return sorted(results, key=rank)


# --- the rule baseline ---------------------------------------------------------------------

_COMPARISONS: dict[type, str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_ELEMENT_NAMES: dict[type, str] = {
    ast.BinOp: "arithmetic",
    ast.Subscript: "indexing",
    ast.Lambda: "a lambda",
    ast.IfExp: "an if-expression",
    ast.Dict: "a dictionary",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.NamedExpr: "an assignment",
    ast.Starred: "unpacking",
    ast.JoinedStr: "an f-string",
    ast.Await: "await",
    ast.Slice: "slicing",
}
_BACKTICK = re.compile(r"`([^`]+)`")

# A parsed rule is a tree of tuples (picklable, no code objects):
#   ("and", (node, ...)) | ("or", (node, ...)) | ("not", node)
#   ("compare", operand, ((op, operand), ...))
# operands: ("column", name) | ("value", number or text) | ("values", (value, ...))


@dataclasses.dataclass(frozen=True)
class RuleExpression:
    """A checked rule: its text, the columns it reads and its condition tree."""

    text: str
    columns: tuple[str, ...]
    tree: tuple[Any, ...]

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        """True where the rule holds (``core.conditions``: a missing value satisfies no
        comparison; ``not`` is the negation of the mask)."""
        return np.asarray(_evaluate(self.tree, frame), dtype=bool)


class _RuleParser:
    def __init__(self, text: str, columns: Sequence[Any], aliases: Mapping[str, str]) -> None:
        self.text = text
        self.columns = [str(c) for c in columns]
        self.known = set(self.columns)
        self.aliases = aliases
        self.used: list[str] = []

    def source(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.text, node) or ast.unparse(node)
        for alias, name in self.aliases.items():
            text = text.replace(alias, f"`{name}`")
        return text

    def refuse(self, node: ast.AST) -> TrainError:
        if isinstance(node, ast.Call):
            call = self.source(node.func)
            return TrainError(MSG_RULE_CALL.format(call=call), field="rule")
        if isinstance(node, ast.Attribute):
            return TrainError(MSG_RULE_ATTRIBUTE.format(text=self.source(node)), field="rule")
        what = _ELEMENT_NAMES.get(type(node), type(node).__name__)
        if isinstance(node, ast.BinOp):
            what = f"arithmetic ({self.source(node)})"
        return TrainError(MSG_RULE_ELEMENT.format(what=what), field="rule")

    def condition(self, node: ast.AST) -> tuple[Any, ...]:
        if isinstance(node, ast.BoolOp):
            kind = "and" if isinstance(node.op, ast.And) else "or"
            return (kind, tuple(self.condition(v) for v in node.values))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ("not", self.condition(node.operand))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Name | ast.Constant):
            if isinstance(node, ast.Name):
                self.column(node)  # an unknown name is reported as such first
            message = MSG_RULE_NOT_CONDITION.format(text=self.source(node))
            raise TrainError(message, field="rule")
        raise self.refuse(node)

    def compare(self, node: ast.Compare) -> tuple[Any, ...]:
        left = self.operand(node.left)
        if left[0] == "values":
            raise TrainError(MSG_RULE_LIST_PLACE, field="rule")
        pairs = []
        previous = left
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            op = _COMPARISONS.get(type(op_node))
            if op is None:  # `is`, `is not`
                what = "'is'" if isinstance(op_node, ast.Is) else "'is not'"
                raise TrainError(MSG_RULE_ELEMENT.format(what=what), field="rule")
            right = self.operand(right_node)
            if op in ("in", "not in") and right[0] != "values":
                raise TrainError(MSG_RULE_LIST.format(op=op), field="rule")
            if op not in ("in", "not in") and right[0] == "values":
                raise TrainError(MSG_RULE_LIST_PLACE, field="rule")
            if "column" not in (previous[0], right[0]):
                raise TrainError(MSG_RULE_NO_COLUMN.format(text=self.source(node)), field="rule")
            pairs.append((op, right))
            previous = right
        return ("compare", left, tuple(pairs))

    def column(self, node: ast.Name) -> str:
        name = self.aliases.get(node.id, node.id)
        if name not in self.known:
            close = difflib.get_close_matches(name, self.columns, n=1)
            suggestion = f"; did you mean {close[0]!r}?" if close else ""
            message = MSG_RULE_UNKNOWN_COLUMN.format(name=name, suggestion=suggestion)
            raise TrainError(message, field="rule")
        if name not in self.used:
            self.used.append(name)
        return name

    def value(self, node: ast.AST) -> Any:
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub | ast.UAdd)
            and isinstance(node.operand, ast.Constant)
            and _is_number(node.operand.value)
        ):
            value = node.operand.value
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str) or _is_number(node.value):
                return node.value
            raise TrainError(MSG_RULE_VALUE.format(value=self.source(node)), field="rule")
        if isinstance(node, ast.Name):
            raise TrainError(MSG_RULE_VALUE.format(value=self.source(node)), field="rule")
        raise self.refuse(node)

    def operand(self, node: ast.AST) -> tuple[Any, ...]:
        if isinstance(node, ast.Name):
            return ("column", self.column(node))
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return ("values", tuple(self.value(element) for element in node.elts))
        return ("value", self.value(node))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, complex)


def parse_rule(rule: str, columns: Sequence[Any]) -> RuleExpression:
    """Check a business rule such as ``contract == 'Month-to-month' and tenure_months < 12``.

    A safe parser, never ``eval``: Python's ``ast`` reads the text and only an allow-list is
    accepted — comparisons (``== != < <= > >=``, ``in``/``not in`` a literal list), ``and``,
    ``or``, ``not``, parentheses, column names (in backticks when they hold spaces:
    `` `monthly charges` > 50``) and number or quoted-text values. Anything else (calls,
    attributes, arithmetic, unknown names) raises ``TrainError`` saying what was found.
    """
    text = str(rule or "").strip()
    if not text:
        raise TrainError(MSG_RULE_EMPTY, field="rule")
    if len(text) > MAX_RULE_LENGTH:
        message = MSG_RULE_TOO_LONG.format(length=len(text), limit=MAX_RULE_LENGTH)
        raise TrainError(message, field="rule")
    aliases: dict[str, str] = {}

    def alias(match: re.Match[str]) -> str:
        name = f"_rule_column_{len(aliases)}_"
        aliases[name] = match.group(1)
        return name

    source = _BACKTICK.sub(alias, text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        problem = error.msg
        raise TrainError(
            MSG_RULE_SYNTAX.format(problem=problem, offset=error.offset or 0), field="rule"
        ) from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise TrainError(MSG_RULE_SYNTAX.format(problem=error, offset=0), field="rule") from None
    parser = _RuleParser(source, columns, aliases)
    condition = parser.condition(tree.body)
    return RuleExpression(text=text, columns=tuple(parser.used), tree=condition)


def _describe_values(series: pd.Series) -> tuple[str, str, Callable[[Any], bool]]:
    """What a column holds, what to compare it with, and which values fit."""
    if ptypes.is_bool_dtype(series.dtype):
        return "true/false values", "True or False", lambda v: _is_number(v)
    if ptypes.is_numeric_dtype(series.dtype):
        return "numbers", "a number", _is_number
    if ptypes.is_datetime64_any_dtype(series.dtype):
        return "dates", "a date in quotes like '2024-01-31'", lambda v: isinstance(v, str)
    return "text", "quoted text", lambda v: isinstance(v, str)


def _check_operand_types(column: str, series: pd.Series, values: Sequence[Any]) -> None:
    what, expected, fits = _describe_values(series)
    for value in values:
        if not fits(value):
            message = MSG_RULE_TYPES.format(
                column=column, what=what, expected=expected, value=value
            )
            raise TrainError(message, field="rule")


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def rule_condition(left: tuple[Any, ...], op: str, right: tuple[Any, ...]) -> conditions.Condition:
    """One comparison of a parsed rule as a ``core.conditions.Condition`` (column on the left)."""
    if left[0] != "column":  # ``5 < x`` reads ``x > 5``
        left, op, right = right, _FLIPPED[op], left
    kind, value = right
    if kind == "column":
        value = conditions.ColumnRef(value)
    elif kind == "values":
        value = tuple(value)
    return conditions.Condition(left[1], op, value)  # type: ignore[arg-type]


def _compare(frame: pd.DataFrame, left: tuple[Any, ...], op: str, right: tuple[Any, ...]) -> Any:
    for (kind, name), other in ((left, right), (right, left)):
        if kind == "column" and other[0] in ("value", "values"):
            values = other[1] if other[0] == "values" else [other[1]]
            _check_operand_types(name, frame[name], values)
    try:
        return conditions.mask(frame, rule_condition(left, op, right)).to_numpy()
    except conditions.ConditionError as error:
        raise TrainError(str(error), field="rule") from None


def _evaluate(node: tuple[Any, ...], frame: pd.DataFrame) -> np.ndarray:
    kind = node[0]
    if kind == "and":
        return np.logical_and.reduce([_evaluate(child, frame) for child in node[1]])
    if kind == "or":
        return np.logical_or.reduce([_evaluate(child, frame) for child in node[1]])
    if kind == "not":
        return ~_evaluate(node[1], frame)
    _, left, pairs = node
    result = np.ones(len(frame), dtype=bool)
    for op, right in pairs:
        result &= _compare(frame, left, op, right)
        left = right
    return result


class RuleClassifier(ClassifierMixin, BaseEstimator):
    """A business rule as a scikit-learn classifier: positive where the rule holds.

    ``predict_proba`` is 0/1, so the rule is scored, thresholded and exported like any
    model. ``X`` must be a DataFrame holding the rule's columns.
    """

    def __init__(self, rule: str = "", positive_class: Any = None) -> None:
        self.rule = rule
        self.positive_class = positive_class

    def fit(self, X: pd.DataFrame, y: Any) -> RuleClassifier:
        if not isinstance(X, pd.DataFrame):
            raise TrainError(MSG_RULE_NEEDS_FRAME.format(kind=type(X).__name__), field="rule")
        validate_data(self, X, skip_check_array=True, reset=True)
        self.expression_ = parse_rule(self.rule, list(X.columns))
        self.classes_ = np.unique(np.asarray(y))
        if len(self.classes_) != 2:
            raise TrainError(MSG_RULE_CLASSES.format(count=len(self.classes_)), field="target")
        index = 1
        if self.positive_class is not None:
            wanted = class_label(self.positive_class)
            matches = [i for i, c in enumerate(self.classes_) if class_label(c) == wanted]
            if not matches:
                shown = ", ".join(repr(class_label(c)) for c in self.classes_)
                message = MSG_POSITIVE_MISSING.format(positive=wanted, classes=shown)
                raise TrainError(message, field="positive_class")
            index = matches[0]
        self.positive_index_ = index
        return self

    def _hits(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "expression_")
        if not isinstance(X, pd.DataFrame):
            raise TrainError(MSG_RULE_NEEDS_FRAME.format(kind=type(X).__name__), field="rule")
        return self.expression_.evaluate(X)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        hits = self._hits(X).astype(float)
        proba = np.empty((len(hits), 2))
        proba[:, self.positive_index_] = hits
        proba[:, 1 - self.positive_index_] = 1.0 - hits
        return proba

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        hits = self._hits(X)
        positive, negative = self.positive_index_, 1 - self.positive_index_
        return self.classes_[np.where(hits, positive, negative)]


def _rule_columns(frame: pd.DataFrame, schema: Schema, rule: str) -> list[str]:
    expression = parse_rule(rule, list(frame.columns))
    if schema.target in expression.columns:
        raise TrainError(MSG_RULE_TARGET.format(name=schema.target), field="rule")
    return list(expression.columns)


def rule_baseline(
    frame: pd.DataFrame,
    schema: Schema,
    rule: str,
    settings: TrainSettings,
    *,
    payoff: PayoffMatrix | None = None,
    volume_per_month: float | None = None,
    on_fold: Callable[[str, int, int, FoldScore], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ModelResult:
    """Score the goal's current rule on the same folds as the models (``model == "rule"``).

    Predicts the positive class where the rule holds; its probabilities are 0/1, so its
    value is that of acting exactly on the rule (or on nobody, if that earns more).
    """
    _check_settings(settings)
    _, task = _check_schema(frame, schema)
    if task != "binary":
        raise TrainError(MSG_RULE_TASK.format(task=task), field="rule")
    columns = _rule_columns(frame, schema, rule)
    data = _prepare(
        frame, schema, settings, columns=columns, payoff=payoff, volume=volume_per_month
    )
    estimator = RuleClassifier(rule=rule, positive_class=schema.positive_class)
    return _cross_validate(
        data,
        estimator,
        model=RULE_KEY,
        params={"rule": str(rule).strip()},
        n_jobs=settings.n_jobs,
        on_fold=on_fold,
        should_stop=should_stop,
    )
