"""Monitoring reads the score under its new name ``probability_<positive>`` and still reads
files and logs that carry a plain ``probability`` (issue 15.1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from core.monitor import batch_frame, parse_prediction_log

WHEN = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)


def scored(column: str) -> pd.DataFrame:
    return pd.DataFrame({"x": [1, 2, 3], "prediction": ["1", "0", "0"], column: [0.9, 0.3, 0.1]})


@pytest.mark.parametrize("column", ["probability_1", "probability"])
def test_a_scored_file_gives_its_score_either_way(column: str) -> None:
    frame = batch_frame(scored(column), time_column=None, batch_time=WHEN, positive="1")
    assert frame["probability"].tolist() == [0.9, 0.3, 0.1]
    assert column == "probability" or column not in frame.columns  # not kept as an input too


def test_another_class_column_is_not_taken_for_the_positive_score() -> None:
    frame = batch_frame(scored("probability_0"), time_column=None, batch_time=WHEN, positive="1")
    assert frame["probability"].isna().all()


def test_a_log_line_naming_its_class_is_read() -> None:
    record = {
        "time": "2025-01-06T10:00:00Z",
        "status": 200,
        "outputs": {"prediction": "1", "probability_1": 0.8},
    }
    log = parse_prediction_log(json.dumps(record), feature_columns=["x"])
    assert log.frame["probability"].tolist() == [0.8]


def test_a_service_response_with_its_positive_class_is_read() -> None:
    outputs = {"predictions": ["1", "0"], "probabilities": [0.7, 0.2], "positive_class": "1"}
    record = {"time": "2025-01-06T10:00:00Z", "status": 200, "outputs": outputs}
    log = parse_prediction_log(json.dumps(record), feature_columns=["x"])
    assert log.frame["probability"].tolist() == [0.7, 0.2]
