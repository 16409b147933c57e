"""leaderboard sorts best first and respects greater_is_better."""

from __future__ import annotations

import math

import pytest

from core.train import ModelResult, TrainError, leaderboard


def _result(model: str, **scores: float) -> ModelResult:
    return ModelResult(
        model=model, params={}, folds=(), cv_mean=math.nan, cv_std=math.nan, scores=scores,
        fit_seconds=0.0, predict_ms_per_1k=0.0, size_bytes=0, best_threshold=None, oof=None,
    )  # fmt: skip


def test_leaderboard_higher_value_first() -> None:
    results = [_result("a", expected_value=10.0), _result("b", expected_value=30.0)]
    assert [r.model for r in leaderboard(results, metric="expected_value")] == ["b", "a"]


def test_leaderboard_lower_loss_first() -> None:
    results = [_result("a", log_loss=0.6), _result("b", log_loss=0.3), _result("c", log_loss=0.5)]
    assert [r.model for r in leaderboard(results, metric="log_loss")] == ["b", "c", "a"]


def test_leaderboard_missing_or_nan_scores_go_last_and_ties_keep_order() -> None:
    results = [
        _result("nan", roc_auc=math.nan),
        _result("first", roc_auc=0.8),
        _result("none"),
        _result("second", roc_auc=0.8),
    ]
    ranked = [r.model for r in leaderboard(results, metric="roc_auc")]
    assert ranked == ["first", "second", "nan", "none"]


def test_leaderboard_unknown_metric() -> None:
    with pytest.raises(TrainError, match="metric 'auc' is not known"):
        leaderboard([], metric="auc")
