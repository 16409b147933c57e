"""Cross-validation: every model scored the same way, on the same folds, without leaks.

The caller passes the training part of the frozen split; folds are made once from the
settings' seed (``core.train.rows``), and a fresh pipeline (preprocessing + model) is fitted
inside each fold, so nothing leaks from validation rows. Folds run as joblib tasks, so a Dask
or Ray joblib backend can spread them over a cluster; between folds ``should_stop()`` is asked
and ``TrainCancelled`` raised when it says yes.

    settings = TrainSettings(models=("logreg", "hgb"), folds=5, seed=0)
    results = [cross_validate_model(train, schema, key, settings, payoff=payoff,
                                    volume_per_month=7000) for key in settings.models]
    best = leaderboard(results, metric="expected_value")[0]
"""

from __future__ import annotations

import dataclasses
import math
import pickle
import time
import warnings
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import closing
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from core.data.schema import Schema
from core.estimators.rules import RuleClassifier
from core.goal import ErrorCost, PayoffMatrix, value_optimal_threshold
from core.train.results import RULE_KEY, FoldScore, ModelResult, TrainCancelled
from core.train.rows import _check_schema, _Data, _prepare, _spec
from core.train.rules import checked_rule
from core.train.scoring import _aligned_proba, _score_predictions, _Scoring
from core.train.settings import MSG_NO_MODELS, TrainError, TrainSettings
from core.train.zoo import ModelSpec, make_pipeline

__all__ = ["cross_validate_model", "rule_baseline", "validate_settings"]

MAX_WARNING_NOTES = 5

MSG_RULE_TASK = (
    "a rule baseline needs a binary task (predict the positive class when the rule holds), "
    "not {task}"
)

NOTE_CLASS_WEIGHT = "{model} has no class weights; class_weight='balanced' is ignored for it"
NOTE_MAX_ROWS = "{model} is meant for at most {limit:,} rows, got {rows:,}: expect slow training"
NOTE_NAN_FOLDS = "{metric} could not be computed in {count} fold(s) (e.g. a class missing there)"
NOTE_WARNING = "fold {fold}: {category}: {message}"


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


def _fold_stream(jobs: list[Any], n_jobs: int) -> Generator[_FoldOutput, None, None]:
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
    if not settings.models:
        raise TrainError(MSG_NO_MODELS, field="models")
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
    _, task = _check_schema(frame, schema)
    if task != "binary":
        raise TrainError(MSG_RULE_TASK.format(task=task), field="rule")
    expression = checked_rule(frame, schema, rule)
    data = _prepare(
        frame, schema, settings, columns=expression.columns, payoff=payoff, volume=volume_per_month
    )
    estimator = RuleClassifier(rule=expression, positive_class=schema.positive_class)
    return _cross_validate(
        data,
        estimator,
        model=RULE_KEY,
        params={"rule": str(rule).strip()},
        n_jobs=settings.n_jobs,
        on_fold=on_fold,
        should_stop=should_stop,
    )
