"""Realised money per month, hand-checked from the payoff matrix or the error cost."""

from __future__ import annotations

import pandas as pd
import pytest

from core.goal import ErrorCost, PayoffMatrix
from core.monitor import MonitorError, performance_over_time
from core.monitor.performance import MSG_VOLUME

PAYOFF = PayoffMatrix(tp=10, fp=-2, fn=-5, tn=0)


def test_value_per_month_is_hand_checked() -> None:
    # TP 2, FP 1, FN 1, TN 1 -> (2·10 − 2 − 5 + 0) / 5 rows = 2.6 per prediction
    # x 1,000 predictions per month = 2,600
    frame = pd.DataFrame(
        {
            "time": pd.Timestamp("2025-01-07T00:00Z"),
            "prediction": ["Yes", "Yes", "Yes", "No", "No"],
            "actual": ["Yes", "Yes", "No", "Yes", "No"],
            "probability": [0.9, 0.8, 0.7, 0.4, 0.1],
        }
    )
    table = performance_over_time(
        frame, task="binary", positive="Yes", payoff=PAYOFF, volume_per_month=1_000
    )
    assert table["value_per_month"].iloc[0] == pytest.approx(2_600.0)


def test_regression_value_uses_the_error_cost() -> None:
    # errors prediction − actual: +2, −4 -> mae 3, bias −1; over-prediction (3 − 1)/2 = 1,
    # under-prediction (3 + 1)/2 = 2 per row -> −(1·1 + 2·3) = −7 per row, x 100 = −700
    frame = pd.DataFrame(
        {
            "time": pd.Timestamp("2025-01-07T00:00Z"),
            "prediction": [12.0, 6.0],
            "actual": [10.0, 10.0],
        }
    )
    table = performance_over_time(
        frame, task="regression", error_cost=ErrorCost(under=3, over=1), volume_per_month=100
    )
    assert table["value_per_month"].iloc[0] == pytest.approx(-700.0)


def test_volume_must_not_be_negative() -> None:
    frame = pd.DataFrame(
        {"time": pd.Timestamp("2025-01-07T00:00Z"), "prediction": ["Yes"], "actual": ["Yes"]}
    )
    with pytest.raises(MonitorError) as caught:
        performance_over_time(
            frame, task="binary", positive="Yes", payoff=PAYOFF, volume_per_month=-1
        )
    assert caught.value.message == MSG_VOLUME.format(value=-1)
