"""expected_value = money per month at each fold's best threshold, checked by brute force."""

from __future__ import annotations

import numpy as np
import pytest

from core.goal import ErrorCost, PayoffMatrix
from core.train import TrainSettings, cross_validate_model, cv_folds

PAYOFF = PayoffMatrix(tp=120, fp=-60, fn=-40, tn=0)


def _brute_force(scores: np.ndarray, positive: np.ndarray, volume: float) -> tuple[float, float]:
    """Try every threshold (flag when score >= t, plus "flag nobody"); best value and t."""
    best_value, best_t = -np.inf, np.inf
    for t in sorted(set(scores.tolist()) | {np.inf}):
        flagged = scores >= t
        tp = np.sum(flagged & positive)
        fp = np.sum(flagged & ~positive)
        fn = np.sum(~flagged & positive)
        tn = np.sum(~flagged & ~positive)
        value = (120 * tp - 60 * fp - 40 * fn + 0 * tn) * volume / len(scores)
        if value > best_value + 1e-9:
            best_value, best_t = value, t
    return best_value, best_t


def test_train_expected_value_matches_brute_force(tiny) -> None:
    frame, schema = tiny("binary", rows=40)
    settings = TrainSettings(models=("logreg",), folds=2, n_jobs=1)
    result = cross_validate_model(
        frame, schema, "logreg", settings, payoff=PAYOFF, volume_per_month=7000
    )
    positive = (frame["churned"] == "Yes").to_numpy()
    oof = result.oof
    for fold, (_, val) in zip(result.folds, cv_folds(frame, schema, settings), strict=True):
        rows = frame.index.isin(val)
        value, _ = _brute_force(oof[rows], positive[rows], 7000)
        assert fold.scores["expected_value"] == pytest.approx(value, rel=1e-12)
    assert result.scores["expected_value"] == pytest.approx(
        np.mean([f.scores["expected_value"] for f in result.folds])
    )
    _, threshold = _brute_force(oof, positive, 7000)
    assert result.best_threshold == pytest.approx(threshold)


def test_train_expected_value_for_regression_prices_the_errors(tiny) -> None:
    frame, schema = tiny("regression")
    cost = ErrorCost(under=3.0, over=1.0)
    settings = TrainSettings(models=("ridge",), folds=2, n_jobs=1)
    result = cross_validate_model(
        frame, schema, "ridge", settings, error_cost=cost, volume_per_month=500
    )
    truth = frame["revenue"].to_numpy()
    for fold, (_, val) in zip(result.folds, cv_folds(frame, schema, settings), strict=True):
        rows = frame.index.isin(val)
        error = result.oof[rows] - truth[rows]
        per_row = np.where(error < 0, -error * cost.under, error * cost.over)
        assert fold.scores["expected_value"] == pytest.approx(-500 * per_row.mean())
        assert fold.scores["mae"] == pytest.approx(np.abs(error).mean())


def test_train_expected_value_is_optional_for_other_metrics(tiny) -> None:
    frame, schema = tiny("binary")
    settings = TrainSettings(models=("logreg",), folds=2, n_jobs=1, metric="roc_auc")
    result = cross_validate_model(frame, schema, "logreg", settings)
    assert "expected_value" not in result.scores
    assert result.best_threshold is None
    assert result.metric == "roc_auc" and result.cv_mean == result.scores["roc_auc"]
