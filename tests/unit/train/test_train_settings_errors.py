"""Bad settings or data give one clear TrainError naming what to change."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from core.data.schema import infer_schema
from core.goal import PayoffMatrix
from core.train import TrainError, TrainSettings, cross_validate_model, validate_settings
from core.train.rows import MSG_NO_TARGET, MSG_SMALL_CLASS, MSG_TOO_FEW_ROWS
from core.train.scoring import NOTE_FALLBACK
from core.train.settings import MSG_FOLDS, MSG_NO_MODELS

PAYOFF = PayoffMatrix(tp=120, fp=-60, fn=-40, tn=0)


def _cv(frame, schema, key="logreg", **settings):
    options = {"models": (key,), "n_jobs": 1, "metric": "roc_auc", **settings}
    return cross_validate_model(frame, schema, key, TrainSettings(**options))


def test_train_folds_must_be_two_or_more(tiny) -> None:
    frame, schema = tiny("binary")
    with pytest.raises(TrainError) as caught:
        _cv(frame, schema, folds=1)
    assert caught.value.message == MSG_FOLDS.format(value=1)


def test_train_empty_model_list(tiny) -> None:
    frame, schema = tiny("binary")
    with pytest.raises(TrainError) as caught:
        validate_settings(frame, schema, TrainSettings(models=(), metric="roc_auc"))
    assert caught.value.message == MSG_NO_MODELS


def test_train_unknown_model_lists_the_known_ones(tiny) -> None:
    frame, schema = tiny("binary")
    with pytest.raises(
        TrainError,
        match=r"no model 'xgbost'; did you mean 'xgboost'\?; known models: dummy, logreg, ridge",
    ):
        _cv(frame, schema, key="xgbost")
    settings = TrainSettings(models=("logreg", "lgbm"), metric="roc_auc")
    with pytest.raises(TrainError, match="there is no model 'lgbm'"):
        validate_settings(frame, schema, settings)


def test_train_model_not_for_the_task(tiny) -> None:
    frame, schema = tiny("regression")
    with pytest.raises(
        TrainError,
        match=r"model 'logreg' .* is not for regression tasks; choose one of dummy, ridge",
    ):
        _cv(frame, schema, metric="rmse")


def test_train_target_missing_in_schema(tiny) -> None:
    frame, schema = tiny("binary")
    no_target = dataclasses.replace(schema, target=None, task=None)
    with pytest.raises(TrainError) as caught:
        _cv(frame, no_target)
    assert caught.value.message == MSG_NO_TARGET


def test_train_fewer_rows_than_folds(tiny) -> None:
    frame, schema = tiny("regression")
    with pytest.raises(TrainError) as caught:
        _cv(frame.iloc[:4], schema, key="ridge", folds=5, metric="rmse")
    assert caught.value.message == MSG_TOO_FEW_ROWS.format(folds=5, needed=5, count=4)


def test_train_class_smaller_than_folds_is_named() -> None:
    frame = pd.DataFrame(
        {"x": np.arange(30.0), "y": ["No"] * 27 + ["Yes"] * 3}, index=np.arange(100, 130)
    )
    schema = infer_schema(frame, target="y", positive_class="Yes")
    with pytest.raises(TrainError) as caught:
        _cv(frame, schema, folds=5)
    assert caught.value.message == MSG_SMALL_CLASS.format(label="Yes", count=3, folds=5)
    assert "class 'Yes' has 3 row(s), fewer than the 5 folds" in str(caught.value)


def test_train_expected_value_needs_the_goal(tiny) -> None:
    frame, schema = tiny("binary")
    with pytest.raises(
        TrainError,
        match="needs the goal's payoff matrix and volume per month; fill them in on the Goal page",
    ):
        _cv(frame, schema, metric="expected_value")
    with pytest.raises(TrainError, match="needs the goal's volume per month"):
        cross_validate_model(
            frame, schema, "logreg", TrainSettings(models=("logreg",), n_jobs=1), payoff=PAYOFF
        )


def test_train_multiclass_falls_back_from_expected_value(tiny) -> None:
    frame, schema = tiny("multiclass")
    result = _cv(frame, schema, key="tree", folds=2, metric="expected_value")
    assert result.metric == "f1"
    assert NOTE_FALLBACK.format(task="multiclass", metric="f1") in result.notes


def test_train_metric_must_fit_the_task(tiny) -> None:
    frame, schema = tiny("binary")
    with pytest.raises(TrainError, match="metric 'rmse' does not fit a binary task"):
        _cv(frame, schema, metric="rmse")
    with pytest.raises(TrainError, match="metric 'auc' is not known"):
        _cv(frame, schema, metric="auc")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"cv": "group"}, "cv 'group' needs settings.group_column"),
        ({"cv": "time"}, "cv 'time' needs settings.time_column"),
        ({"cv": "group", "group_column": "shop"}, "settings.group_column 'shop' is not a column"),
        ({"cv": "random"}, "cv must be one of stratified, kfold, group, time"),
        ({"sample_rows": 3}, "sample_rows must be a whole number of at least 10"),
        ({"class_weight": "auto"}, "class_weight must be 'balanced' or None"),
        ({"n_jobs": 0}, "n_jobs must be a whole number other than 0"),
    ],
)
def test_train_bad_settings(settings: dict, message: str, tiny) -> None:
    frame, schema = tiny("binary")
    with pytest.raises(TrainError, match=message):
        _cv(frame, schema, **settings)


def test_train_validate_settings_returns_notes(tiny) -> None:
    frame, schema = tiny("multiclass")
    settings = TrainSettings(models=("logreg", "hgb"))
    notes = validate_settings(frame, schema, settings)
    assert notes == (NOTE_FALLBACK.format(task="multiclass", metric="f1"),)
