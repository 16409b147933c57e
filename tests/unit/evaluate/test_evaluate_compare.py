"""compare_predictions: metric deltas and the rows where two runs disagree."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from core.evaluate import compare_predictions


def test_classification_masks_and_deltas() -> None:
    y = np.array(["Yes", "No", "Yes", "No", "Yes"])
    a = np.array(["Yes", "No", "No", "No", "No"])  # right on rows 0, 1, 3
    b = np.array(["Yes", "Yes", "Yes", "No", "No"])  # right on rows 0, 2, 3
    result = compare_predictions(y, a, b, positive="Yes")
    assert result.task == "binary"
    np.testing.assert_array_equal(result.disagreement, [False, True, True, False, False])
    assert result.disagreements == 2
    np.testing.assert_array_equal(result.a_right_b_wrong, [False, True, False, False, False])
    np.testing.assert_array_equal(result.b_right_a_wrong, [False, False, True, False, False])
    assert (result.a_wins, result.b_wins) == (1, 1)
    table = result.metrics.set_index("metric")
    assert table.loc["recall", "a"] == pytest.approx(skm.recall_score(y, a, pos_label="Yes"))
    assert table.loc["recall", "b"] == pytest.approx(2 / 3)
    assert table.loc["recall", "delta"] == pytest.approx(2 / 3 - 1 / 3)
    assert table.loc["recall", "better"] == "B"
    assert table.loc["accuracy", "better"] == "tie"


def test_probability_metrics_when_both_probas_are_given(binary_scores) -> None:
    y, score = binary_scores(400, seed=1)
    worse = np.clip(score + np.random.default_rng(0).normal(0, 0.3, score.size), 0, 1)
    pred = lambda s: np.where(s >= 0.5, "Yes", "No")  # noqa: E731
    result = compare_predictions(
        y, pred(score), pred(worse), proba_a=score, proba_b=worse, classes=("No", "Yes")
    )
    table = result.metrics.set_index("metric")
    assert table.loc["roc_auc", "a"] == pytest.approx(skm.roc_auc_score(y == "Yes", score))
    assert table.loc["roc_auc", "better"] == "A"
    assert table.loc["log_loss", "better"] == "A"


def test_regression_comparison() -> None:
    y = np.array([10.0, 20.0, 30.0, 40.0])
    a = np.array([10.5, 20.5, 30.5, 50.0])
    b = np.array([10.4, 28.0, 30.6, 40.2])
    result = compare_predictions(y, a, b)
    assert result.task == "regression"
    table = result.metrics.set_index("metric")
    assert table.loc["mae", "a"] == pytest.approx(skm.mean_absolute_error(y, a))
    # tolerance = mean MAE = (2.875 + 2.3) / 2; rows 1 and 3 differ by more
    np.testing.assert_array_equal(result.disagreement, [False, True, False, True])
    np.testing.assert_array_equal(result.a_right_b_wrong, [False, True, False, False])
    np.testing.assert_array_equal(result.b_right_a_wrong, [False, False, False, True])


def test_better_follows_the_registry_like_the_leaderboard() -> None:
    """Lower error wins, and bias (no direction) wins by closeness to 0 (core.metrics)."""
    y = np.array([10.0, 20.0, 30.0, 40.0])
    a = y + np.array([1.0, 1.0, 1.0, 1.0])  # bias +1
    b = y + np.array([-0.5, -0.5, -0.5, -0.5])  # bias -0.5
    table = compare_predictions(y, a, b, task="regression").metrics.set_index("metric")
    assert table.loc["bias", "better"] == "B"
    assert table.loc["mae", "better"] == "B"
    assert table.loc["r2", "better"] == "B"
    assert table.loc["rmse", "label"] == "RMSE"
