"""Performance per period equals scikit-learn's metrics on that period's rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    mean_absolute_error,
    precision_score,
    recall_score,
    roc_auc_score,
    root_mean_squared_error,
)

from core.monitor import MonitorError, performance_over_time
from core.monitor.performance import MSG_NO_ACTUAL, MSG_NO_OUTCOMES, MSG_POSITIVE_NEEDED


def scored(rows: int, seed: int, labels=("No", "Yes")) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    actual = rng.choice(list(labels), rows)
    score = np.clip(0.5 + 0.3 * (actual == labels[-1]) - 0.15 + rng.normal(0, 0.25, rows), 0, 1)
    return pd.DataFrame(
        {
            "time": pd.Timestamp("2025-01-06T00:00Z")
            + pd.to_timedelta(rng.integers(0, 14 * 24, rows), unit="h"),
            "prediction": np.where(score >= 0.5, labels[-1], labels[0]),
            "probability": score,
            "actual": actual,
        }
    )


def test_binary_metrics_per_week_equal_sklearn() -> None:
    frame = scored(400, seed=0)
    table = performance_over_time(frame, task="binary", positive="Yes")
    assert table["period"].tolist() == [
        pd.Timestamp("2025-01-06T00:00Z"),
        pd.Timestamp("2025-01-13T00:00Z"),
    ]
    for _, row in table.iterrows():
        week = frame[
            (frame["time"] >= row["period"]) & (frame["time"] < row["period"] + pd.Timedelta("7D"))
        ]
        y, p = week["actual"] == "Yes", week["prediction"] == "Yes"
        assert row["rows"] == len(week)
        assert row["accuracy"] == pytest.approx(accuracy_score(week["actual"], week["prediction"]))
        assert row["precision"] == pytest.approx(precision_score(y, p))
        assert row["recall"] == pytest.approx(recall_score(y, p))
        assert row["f1"] == pytest.approx(f1_score(y, p))
        assert row["roc_auc"] == pytest.approx(roc_auc_score(y, week["probability"]))
        assert row["actual_rate"] == pytest.approx(y.mean())
        assert np.isnan(row["value_per_month"])


def test_rows_without_an_outcome_or_not_answered_are_left_out() -> None:
    frame = scored(100, seed=1)
    frame.loc[:9, "actual"] = None
    frame["log_line"] = np.arange(100)
    frame["status"] = [422] * 20 + [200] * 80
    table = performance_over_time(frame, task="binary", positive="Yes", freq="M")
    assert table["rows"].tolist() == [80]


def test_roc_auc_needs_both_classes() -> None:
    frame = scored(50, seed=2)
    frame["actual"] = "No"
    table = performance_over_time(frame, task="binary", positive="Yes", freq="M")
    assert np.isnan(table["roc_auc"].iloc[0])


def test_labels_are_compared_as_text() -> None:
    frame = scored(200, seed=3, labels=(0, 1))
    frame["prediction"] = frame["prediction"].astype(str)  # the log writes labels as text
    table = performance_over_time(frame, task="binary", positive=1, freq="M")
    assert table["accuracy"].iloc[0] == pytest.approx(
        accuracy_score(frame["actual"].astype(str), frame["prediction"])
    )


def test_multiclass_uses_macro_averages() -> None:
    rng = np.random.default_rng(4)
    actual = rng.choice(["a", "b", "c"], 300)
    predicted = np.where(rng.random(300) < 0.7, actual, rng.choice(["a", "b", "c"], 300))
    frame = pd.DataFrame(
        {"time": pd.Timestamp("2025-02-03T00:00Z"), "prediction": predicted, "actual": actual}
    )
    row = performance_over_time(frame, task="multiclass").iloc[0]
    assert row["accuracy"] == pytest.approx(accuracy_score(actual, predicted))
    assert row["precision"] == pytest.approx(precision_score(actual, predicted, average="macro"))
    assert row["recall"] == pytest.approx(recall_score(actual, predicted, average="macro"))


def test_regression_metrics_equal_sklearn() -> None:
    rng = np.random.default_rng(5)
    actual = rng.normal(100, 20, 200)
    predicted = actual + rng.normal(3, 10, 200)
    frame = pd.DataFrame(
        {"time": pd.Timestamp("2025-02-03T00:00Z"), "prediction": predicted, "actual": actual}
    )
    row = performance_over_time(frame, task="regression").iloc[0]
    assert row["mae"] == pytest.approx(mean_absolute_error(actual, predicted))
    assert row["rmse"] == pytest.approx(root_mean_squared_error(actual, predicted))
    assert row["bias"] == pytest.approx(np.mean(predicted - actual))


def test_inputs_are_checked() -> None:
    frame = scored(20, seed=6)
    with pytest.raises(MonitorError, match=MSG_POSITIVE_NEEDED):
        performance_over_time(frame, task="binary")
    with pytest.raises(MonitorError, match=MSG_NO_ACTUAL.split("(")[0]):
        performance_over_time(frame.drop(columns="actual"), task="binary", positive="Yes")
    with pytest.raises(MonitorError, match=MSG_NO_OUTCOMES):
        performance_over_time(frame.assign(actual=None), task="binary", positive="Yes")
