"""Regression metrics equal scikit-learn's; value per month prices the errors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from core.evaluate import MAX_PLOT_ROWS, evaluate_regression
from core.evaluate.regression import NOTE_MAPE_ZEROS
from core.goal import ErrorCost


def test_regression_metrics_equal_sklearn(regression_predictions) -> None:
    actual, predicted = regression_predictions(2_000, seed=1)
    ev = evaluate_regression(actual, predicted, bootstrap=0)
    expected = {
        "rmse": skm.root_mean_squared_error(actual, predicted),
        "mae": skm.mean_absolute_error(actual, predicted),
        "r2": skm.r2_score(actual, predicted),
        "mape": skm.mean_absolute_percentage_error(actual, predicted),
        "median_ae": skm.median_absolute_error(actual, predicted),
        "bias": float(np.mean(predicted - actual)),
    }
    for name, value in expected.items():
        assert ev.metric(name).value == pytest.approx(value, rel=1e-12), name


def test_mape_left_out_when_an_actual_value_is_zero() -> None:
    actual = np.array([0.0, 1.0, 2.0, 3.0])
    ev = evaluate_regression(actual, actual + 0.5, bootstrap=0)
    assert "mape" not in {m.name for m in ev.metrics}
    assert NOTE_MAPE_ZEROS.format(count=1) in ev.notes


def test_value_per_month_is_minus_volume_times_mean_cost() -> None:
    # errors (prediction − actual): +2 (over), −1 (under), +1 (over), 0
    actual = np.array([10.0, 10.0, 10.0, 10.0])
    predicted = np.array([12.0, 9.0, 11.0, 10.0])
    cost = ErrorCost(under=5.0, over=1.0)
    ev = evaluate_regression(actual, predicted, error_cost=cost, volume_per_month=100, bootstrap=0)
    # mean cost per prediction: (2·1 + 1·5 + 1·1 + 0) / 4 = 2 -> −200 per month
    assert ev.value_per_month == pytest.approx(-200.0)


def test_residuals_are_sampled_but_bins_use_every_row(regression_predictions) -> None:
    actual, predicted = regression_predictions(12_000, seed=2)
    ev = evaluate_regression(actual, predicted, bootstrap=0)
    assert len(ev.residuals) == MAX_PLOT_ROWS
    np.testing.assert_allclose(
        ev.residuals["residual"], ev.residuals["actual"] - ev.residuals["prediction"]
    )
    assert ev.error_bins["rows"].sum() == 12_000
    assert ev.residual_histogram["rows"].sum() == 12_000
    assert len(ev.error_bins) == 10
    again = evaluate_regression(actual, predicted, bootstrap=0)
    assert ev.residuals.equals(again.residuals)


def test_rows_without_a_value_are_left_out() -> None:
    actual = np.array([1.0, np.nan, 3.0, 4.0])
    predicted = np.array([1.5, 2.0, np.nan, 4.5])
    ev = evaluate_regression(actual, predicted, bootstrap=0)
    assert ev.rows == 2
    assert ev.metric("mae").value == pytest.approx(0.5)
    assert any("2 row(s)" in note for note in ev.notes)
