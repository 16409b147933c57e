"""A batch-scored file is put in the log's shape so every later step reads both alike."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from core.monitor import (
    BATCH_CALLER,
    LOG_COLUMNS,
    MonitorError,
    batch_frame,
    scored_rows,
    service_health,
)
from core.monitor.logs import MSG_BAD_TIMES, MSG_BATCH_TIME, MSG_PREDICTION_MISSING

WHEN = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def scored_file() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "tenure_months": [1, 20, 50],
            "prediction": ["Yes", "No", "No"],
            "probability": [0.9, 0.3, 0.1],
        }
    )


def test_a_file_without_times_is_stamped_with_the_batch_time(scored_file) -> None:
    frame = batch_frame(scored_file, time_column=None, batch_time=WHEN, model_version="3")
    assert list(frame.columns) == [*LOG_COLUMNS, "customer_id", "tenure_months"]
    assert (frame["time"] == pd.Timestamp(WHEN)).all()
    assert frame["status"].tolist() == [200, 200, 200]
    assert frame["caller"].tolist() == [BATCH_CALLER] * 3
    assert frame["latency_ms"].isna().all()
    assert frame["model_version"].tolist() == ["3"] * 3
    assert frame["probability"].tolist() == [0.9, 0.3, 0.1]
    assert frame["customer_id"].tolist() == ["a", "b", "c"]
    assert len(scored_rows(frame)) == 3


def test_naive_times_are_utc_and_empty_ones_take_the_batch_time(scored_file) -> None:
    scored_file["scored_at"] = ["2025-02-01 10:00", None, "2025-02-03T08:00:00+01:00"]
    frame = batch_frame(scored_file, time_column="scored_at", batch_time=datetime(2025, 3, 1))
    assert frame["time"].tolist() == [
        pd.Timestamp("2025-02-01T10:00Z"),
        pd.Timestamp("2025-03-01T00:00Z"),
        pd.Timestamp("2025-02-03T07:00Z"),
    ]


def test_unreadable_times_are_an_error_with_a_count(scored_file) -> None:
    scored_file["scored_at"] = ["soon", "2025-02-01", "later"]
    with pytest.raises(MonitorError) as caught:
        batch_frame(scored_file, time_column="scored_at", batch_time=WHEN)
    assert caught.value.message == MSG_BAD_TIMES.format(
        column="scored_at", count=2, examples="'soon', 'later'"
    )


def test_multiclass_probability_columns_are_kept() -> None:
    file = pd.DataFrame(
        {"prediction": ["a", "b"], "probability_a": [0.8, 0.1], "probability_b": [0.2, 0.9]}
    )
    frame = batch_frame(file, time_column=None, batch_time=WHEN)
    np.testing.assert_allclose(frame["probability_b"], [0.2, 0.9])
    assert frame["probability"].isna().all()


def test_a_file_needs_predictions_and_a_real_batch_time(scored_file) -> None:
    with pytest.raises(MonitorError) as caught:
        batch_frame(scored_file.drop(columns="prediction"), time_column=None, batch_time=WHEN)
    assert caught.value.message == MSG_PREDICTION_MISSING.format(what="the batch file")
    with pytest.raises(MonitorError) as caught:
        batch_frame(scored_file, time_column=None, batch_time="2025-03-01")  # type: ignore[arg-type]
    assert caught.value.message == MSG_BATCH_TIME.format(value="2025-03-01")


def test_every_batch_row_counts_as_one_request(scored_file) -> None:
    health = service_health(batch_frame(scored_file, time_column=None, batch_time=WHEN))
    assert (health.requests, health.errors) == (3, 0)
    assert np.isnan(health.latency_p95)
