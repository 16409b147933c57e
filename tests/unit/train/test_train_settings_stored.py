"""Train settings are stored with each run as plain JSON and read back, old runs' too."""

from __future__ import annotations

import json

import pytest

from core.train import TrainError, TrainSettings
from core.train.settings import MSG_FOLDS

#: The settings of a run saved before cv, group/time columns and n_jobs existed, with the
#: keys the workbench records beside them (a mitigated run) and a metric alias.
OLD_RUN = {
    "models": ["hgb"],
    "folds": 5,
    "seed": 0,
    "tune_trials": None,
    "tune_seconds": None,
    "metric": "value_per_month",
    "sample_rows": None,
    "class_weight": "balanced",
    "include_sensitive": False,
    "sensitive_inputs": ["gender"],
    "mitigation": {"method": "threshold", "sensitive": ["gender"]},
}


def test_stored_settings_are_plain_json_with_every_field() -> None:
    settings = TrainSettings(models=("logreg", "hgb"), folds=3, tune_seconds=60.0)
    stored = settings.stored()
    assert json.loads(json.dumps(stored)) == stored
    assert stored == {
        "models": ["logreg", "hgb"],
        "folds": 3,
        "seed": 0,
        "tune_trials": None,
        "tune_seconds": 60.0,
        "metric": "expected_value",
        "sample_rows": None,
        "class_weight": None,
        "include_sensitive": False,
        "cv": "stratified",
        "group_column": None,
        "time_column": None,
        "n_jobs": 2,
    }
    assert TrainSettings.from_stored(stored) == settings


def test_an_old_runs_settings_still_load() -> None:
    settings = TrainSettings.from_stored(OLD_RUN, models=("hgb",), tune_trials=None)
    assert settings.models == ("hgb",)
    assert settings.metric == "expected_value"  # the alias, under the stored name
    assert settings.class_weight == "balanced"
    assert (settings.cv, settings.n_jobs) == ("stratified", 2)  # defaults of newer fields


def test_settings_are_checked_when_made() -> None:
    with pytest.raises(TrainError) as caught:
        TrainSettings.from_stored({**OLD_RUN, "folds": 1})
    assert caught.value.message == MSG_FOLDS.format(value=1)
    assert caught.value.field == "folds"
    with pytest.raises(TrainError, match="foldz is not a known field; did you mean 'folds'"):
        TrainSettings(models=("hgb",), foldz=3)
    with pytest.raises(TrainError, match=r"folds must be a whole number of at least 2, got 2\.5"):
        TrainSettings(models=("hgb",), folds=2.5)
