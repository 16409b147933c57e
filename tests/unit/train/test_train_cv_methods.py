"""Folds: stratified, grouped, time-ordered; samples and rows without a target."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.train import TrainSettings, cross_validate_model, cv_folds
from core.train.rows import NOTE_MISSING_TARGET, NOTE_SAMPLE


def _settings(**changes) -> TrainSettings:
    return TrainSettings(**{"models": ("logreg",), "n_jobs": 1, "metric": "roc_auc", **changes})


def test_train_stratified_folds_keep_class_shares(tiny) -> None:
    frame, schema = tiny("binary")
    for _, val in cv_folds(frame, schema, _settings(folds=4)):
        assert (frame.loc[val, "churned"] == "Yes").sum() == 5


def test_train_folds_are_raw_row_ids_covering_every_row_once(tiny) -> None:
    frame, schema = tiny("binary")
    folds = cv_folds(frame, schema, _settings(folds=3))
    validation = np.concatenate([val for _, val in folds])
    assert sorted(validation) == sorted(frame.index)
    for train, val in folds:
        assert not set(train) & set(val)


def test_train_group_folds_keep_groups_together(tiny) -> None:
    frame, schema = tiny("binary")
    frame = frame.assign(household=np.arange(60) // 4)
    folds = cv_folds(frame, schema, _settings(folds=3, cv="group", group_column="household"))
    for train, val in folds:
        assert not set(frame.loc[train, "household"]) & set(frame.loc[val, "household"])
    result = cross_validate_model(
        frame, schema, "logreg", _settings(folds=3, cv="group", group_column="household")
    )
    assert len(result.folds) == 3


def test_train_time_folds_validate_on_later_rows(tiny) -> None:
    frame, schema = tiny("binary")
    settings = _settings(folds=3, cv="time", time_column="signup")
    dates = pd.to_datetime(frame["signup"])
    for train, val in cv_folds(frame, schema, settings):
        assert dates[train].max() < dates[val].min()
    result = cross_validate_model(frame, schema, "logreg", settings)
    assert np.isnan(result.oof).sum() == 15  # the first block only ever trains
    assert any("earliest 15 row(s) only ever train" in note for note in result.notes)


def test_train_rows_without_target_are_left_out(tiny) -> None:
    frame, schema = tiny("binary")
    frame.loc[frame.index[:3], "churned"] = None
    result = cross_validate_model(frame, schema, "logreg", _settings(folds=2))
    assert NOTE_MISSING_TARGET.format(count=3) in result.notes
    assert len(result.oof) == 57 and list(result.oof_index) == list(frame.index[3:])


def test_train_stratified_sample(tiny) -> None:
    frame, schema = tiny("binary", rows=200)
    settings = _settings(folds=2, sample_rows=50)
    result = cross_validate_model(frame, schema, "logreg", settings)
    assert NOTE_SAMPLE.format(rows=50, total=200, seed=0) in result.notes
    sampled = frame.loc[result.oof_index, "churned"]
    share = (frame["churned"] == "Yes").mean()
    assert len(sampled) == 50 and abs((sampled == "Yes").mean() - share) <= 0.02
    again = cross_validate_model(frame, schema, "logreg", settings)
    assert list(again.oof_index) == list(result.oof_index)


def test_train_class_weight_note_for_models_without_it(tiny) -> None:
    frame, schema = tiny("binary")
    result = cross_validate_model(
        frame, schema, "knn", _settings(models=("knn",), folds=2, class_weight="balanced")
    )
    assert any("knn has no class weights" in note for note in result.notes)
