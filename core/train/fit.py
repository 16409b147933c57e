"""The final fit: the chosen model (or the rule) on all the training rows, ready to export."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd
from joblib import effective_n_jobs
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from core.data.schema import Schema
from core.estimators.rules import RuleClassifier
from core.train.results import RULE_KEY
from core.train.rows import _check_schema, _prepare, _spec
from core.train.rules import checked_rule
from core.train.settings import TrainSettings
from core.train.zoo import make_pipeline

__all__ = ["fit_final"]


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
    _, task = _check_schema(frame, schema)
    if model_key == RULE_KEY:
        rule = str((params or {}).get("rule", ""))
        expression = checked_rule(frame, schema, rule)
        data = _prepare(frame, schema, settings, columns=expression.columns, for_cv=False)
        model = RuleClassifier(rule=expression, positive_class=schema.positive_class)
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
