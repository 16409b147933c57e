"""Tuning: search a model's parameters with Optuna; each trial is one full cross-validation."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from core.data.schema import Schema
from core.goal import ErrorCost, PayoffMatrix
from core.train.cv import _cross_validate, _model_notes, _model_pipeline
from core.train.results import FoldScore, ModelResult, TrainCancelled
from core.train.rows import _check_schema, _prepare, _spec
from core.train.settings import METRICS, TrainError, TrainSettings

__all__ = ["tune_model"]

DEFAULT_TUNE_TRIALS = 20  # when neither tune_trials nor tune_seconds is given

MSG_NO_TRIAL = "no tuning trial of {model!r} finished with a score; see the notes of the runs"

NOTE_NOTHING_TO_TUNE = "{model} has nothing to tune; scored with its defaults"
NOTE_TUNED = "tuned over {trials} trial(s); best was trial {best}"
NOTE_TUNE_TIMEOUT = "tuning stopped by time; the number of trials may differ between runs"


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
    import optuna  # heavy (~0.5 s): imported only when a model is tuned

    _, task = _check_schema(frame, schema)
    spec = _spec(model_key, task)
    data = _prepare(
        frame, schema, settings, payoff=payoff, error_cost=error_cost, volume=volume_per_month
    )
    notes = _model_notes(spec, settings, task, len(data.y))

    def cross_validate(params: dict[str, Any], notes: Sequence[str] = ()) -> ModelResult:
        estimator = _model_pipeline(schema, spec, params, settings)
        return _cross_validate(
            data, estimator, model=model_key, params=params, n_jobs=settings.n_jobs,
            notes=notes, on_fold=on_fold, should_stop=should_stop,
        )  # fmt: skip

    if not spec.tunable:
        result = cross_validate(dict(spec.defaults))
        if on_trial is not None:
            on_trial(model_key, 1, result.cv_mean)
        note = NOTE_NOTHING_TO_TUNE.format(model=model_key)
        return dataclasses.replace(result, trials=1, notes=(*result.notes, *notes, note))
    greater = bool(METRICS[data.metric].greater_is_better)
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
        result = cross_validate({**spec.defaults, **spec.search_space(trial, task)}, notes)
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
