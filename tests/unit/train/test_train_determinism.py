"""Same data + settings + seed ⇒ identical scores, exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.goal import PayoffMatrix
from core.train import TrainSettings, cross_validate_model, cv_folds, fit_final

PAYOFF = PayoffMatrix(tp=120, fp=-60, fn=-40, tn=0)


def _run(frame, schema, key: str, **settings) -> object:
    options = {"folds": 3, "n_jobs": 1, "seed": 5, **settings}
    return cross_validate_model(
        frame,
        schema,
        key,
        TrainSettings(models=(key,), **options),
        payoff=PAYOFF,
        volume_per_month=7000,
        params={"n_estimators": 15, "subsample": 0.8} if key == "xgboost" else None,
    )


@pytest.mark.parametrize("key", ["logreg", "rf", "hgb", "xgboost"])
def test_train_two_runs_give_identical_scores(key: str, tiny) -> None:
    frame, schema = tiny("binary")
    first, second = _run(frame, schema, key), _run(frame, schema, key)
    assert [f.scores for f in first.folds] == [f.scores for f in second.folds]
    assert first.cv_mean == second.cv_mean and first.best_threshold == second.best_threshold
    np.testing.assert_array_equal(first.oof, second.oof)


def test_train_parallel_folds_give_the_same_scores(tiny) -> None:
    frame, schema = tiny("binary")
    alone, parallel = _run(frame, schema, "hgb", n_jobs=1), _run(frame, schema, "hgb", n_jobs=2)
    assert [f.scores for f in alone.folds] == [f.scores for f in parallel.folds]
    np.testing.assert_array_equal(alone.oof, parallel.oof)


def test_train_another_seed_gives_other_folds(tiny) -> None:
    frame, schema = tiny("binary")
    assert _run(frame, schema, "logreg").folds != _run(frame, schema, "logreg", seed=6).folds


def test_train_row_order_does_not_change_scores(tiny) -> None:
    """The same rows (same row ids) in another order: the same folds, scores and per-row
    out-of-fold predictions."""
    frame, schema = tiny("regression")
    shuffled = frame.sample(frac=1.0, random_state=1)
    assert not shuffled.index.equals(frame.index)
    first = _run(frame, schema, "ridge", metric="rmse")
    second = _run(shuffled, schema, "ridge", metric="rmse")
    assert second.scores == pytest.approx(first.scores, rel=1e-9)
    by_row = pd.Series(second.oof, index=shuffled.index).reindex(frame.index)
    np.testing.assert_allclose(by_row.to_numpy(), first.oof, rtol=1e-9)


def _shuffled(frame: pd.DataFrame) -> pd.DataFrame:
    shuffled = frame.sample(frac=1.0, random_state=3)
    assert not shuffled.index.equals(frame.index)
    return shuffled


def _oof_by_id(result) -> pd.Series:
    return pd.Series(list(result.oof), index=result.oof_index).sort_index()


@pytest.mark.parametrize(
    "cv",
    [
        {"cv": "stratified"},
        {"cv": "kfold"},
        {"cv": "group", "group_column": "household"},
        {"cv": "time", "time_column": "signup"},
        {"cv": "stratified", "sample_rows": 40},
    ],
    ids=["stratified", "kfold", "group", "time", "sample"],
)
def test_train_row_order_does_not_change_folds_threshold_or_oof(tiny, cv) -> None:
    """Binary, every CV method: the same rows in another order give the same folds (by row
    id), fold scores, value-optimal threshold and out-of-fold score of every row."""
    frame, schema = tiny("binary")
    frame = frame.assign(household=(frame.index.to_numpy() - 1000) // 4)
    shuffled = _shuffled(frame)
    settings = TrainSettings(models=("rf",), folds=3, n_jobs=1, seed=5, **cv)
    as_ids = [(set(t), set(v)) for t, v in cv_folds(frame, schema, settings)]
    assert [(set(t), set(v)) for t, v in cv_folds(shuffled, schema, settings)] == as_ids
    first, second = _run(frame, schema, "rf", **cv), _run(shuffled, schema, "rf", **cv)
    assert [f.scores for f in second.folds] == [f.scores for f in first.folds]
    assert second.best_threshold == first.best_threshold is not None
    pd.testing.assert_series_equal(_oof_by_id(second), _oof_by_id(first))


def test_train_oof_follows_the_callers_row_order(tiny) -> None:
    frame, schema = tiny("regression")
    result = _run(frame, schema, "ridge", metric="rmse")
    np.testing.assert_array_equal(result.oof_index, frame.index.to_numpy())


@pytest.mark.parametrize("key", ["rf", "xgboost"])
def test_train_row_order_does_not_change_the_final_model(tiny, key: str) -> None:
    """The refit on all training rows is the same model in any row order."""
    frame, schema = tiny("binary")
    settings = TrainSettings(models=(key,), folds=3, n_jobs=1, seed=5)
    params = {"n_estimators": 15, "subsample": 0.8} if key == "xgboost" else None
    first = fit_final(frame, schema, key, params, settings)
    second = fit_final(_shuffled(frame), schema, key, params, settings)
    np.testing.assert_array_equal(second.predict_proba(frame), first.predict_proba(frame))
