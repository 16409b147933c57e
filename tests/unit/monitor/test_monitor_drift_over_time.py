"""Drift per period: a long table for one line per column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.monitor import DRIFT_OVER_TIME_COLUMNS, MonitorError, drift_over_time
from core.monitor.common import MSG_FREQ


@pytest.fixture
def weekly(frames) -> pd.DataFrame:
    """Two weeks of 600 rows (Mon 2025-01-06 and Mon 2025-01-13), the second one shifted."""
    first, second = frames(rows=600, seed=1), frames(rows=600, seed=2, shift=1.0)
    first["time"] = pd.Timestamp("2025-01-06T08:00Z") + pd.to_timedelta(
        np.arange(600) * 10, unit="min"
    )
    second["time"] = pd.Timestamp("2025-01-13T08:00Z") + pd.to_timedelta(
        np.arange(600) * 10, unit="min"
    )
    return pd.concat([first, second], ignore_index=True)


def test_each_week_gets_its_own_psi_and_status(frames, weekly) -> None:
    table = drift_over_time(
        frames(seed=0), weekly, columns=["income", "plan"], categorical=["plan"]
    )
    assert list(table.columns) == DRIFT_OVER_TIME_COLUMNS
    assert table["period"].unique().tolist() == [
        pd.Timestamp("2025-01-06T00:00Z"),
        pd.Timestamp("2025-01-13T00:00Z"),
    ]
    income = table[table["column"] == "income"].set_index("period")
    assert income["status"].tolist() == ["ok", "drift"]
    assert income["rows"].tolist() == [600, 600]
    assert (table.loc[table["column"] == "plan", "status"] == "ok").all()


def test_months_and_offset_aliases(frames, weekly) -> None:
    for freq in ("M", "ME", "MS"):
        table = drift_over_time(
            frames(seed=0), weekly, columns=["income"], categorical=[], freq=freq
        )
        assert table["period"].tolist() == [pd.Timestamp("2025-01-01T00:00Z")]
        assert table["rows"].tolist() == [1200]


def test_a_thin_period_is_too_few_rows(frames, weekly) -> None:
    thin = weekly.iloc[:630]  # week two has 30 rows
    table = drift_over_time(frames(seed=0), thin, columns=["income"], categorical=[])
    assert table["status"].tolist() == ["ok", "too few rows"]


def test_refused_requests_are_left_out(frames, weekly) -> None:
    weekly["log_line"] = np.arange(len(weekly))
    weekly["status"] = np.where(np.arange(len(weekly)) % 2 == 0, 200, 500)
    table = drift_over_time(frames(seed=0), weekly, columns=["income"], categorical=[])
    assert table["rows"].tolist() == [300, 300]


def test_an_unknown_frequency_is_refused(frames, weekly) -> None:
    with pytest.raises(MonitorError) as caught:
        drift_over_time(
            frames(seed=0), weekly, columns=["income"], categorical=[], freq="fortnight"
        )
    assert caught.value.message == MSG_FREQ.format(value="fortnight")
