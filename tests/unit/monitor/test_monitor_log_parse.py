"""The service log is read line for line into one frame row per scored row."""

from __future__ import annotations

import json
import math

import pandas as pd

from core.monitor import LOG_COLUMNS, parse_prediction_log

FEATURES = ["tenure_months", "monthly_charges", "contract"]


def test_a_served_request_becomes_one_row_with_every_field(log_line) -> None:
    log = parse_prediction_log(log_line() + "\n", feature_columns=FEATURES)
    assert list(log.frame.columns) == [*LOG_COLUMNS, *FEATURES]
    row = log.frame.iloc[0]
    assert row["request_id"] == "r1"
    assert row["time"] == pd.Timestamp("2025-01-06T09:30:00.123Z")
    assert str(log.frame["time"].dt.tz) == "UTC"
    assert (row["caller"], row["model_version"], row["status"]) == ("crm", "3", 200)
    assert row["latency_ms"] == 12.5
    assert (row["prediction"], row["probability"]) == ("Yes", 0.81)
    assert (row["tenure_months"], row["monthly_charges"], row["contract"]) == (12, 70.5, "Monthly")
    assert (log.rows, log.requests, log.lines, log.bad_count) == (1, 1, 1, 0)
    assert log.start == log.end == row["time"]


def test_rows_of_one_request_share_the_log_line(log_line) -> None:
    inputs = [
        {"tenure_months": 1, "monthly_charges": 20.0, "contract": "Monthly"},
        {"tenure_months": 40, "monthly_charges": 90.0, "contract": "Two year"},
    ]
    outputs = {"predictions": ["Yes", "No"], "probabilities": [0.7, 0.2]}
    text = "\n".join(
        [log_line(), log_line(request_id="r2", rows=2, inputs=inputs, outputs=outputs)]
    )
    log = parse_prediction_log(text, feature_columns=FEATURES)
    assert log.frame["log_line"].tolist() == [1, 2, 2]
    assert log.frame["request_row"].tolist() == [0, 0, 1]
    assert log.frame["prediction"].tolist() == ["Yes", "Yes", "No"]
    assert log.frame["probability"].tolist() == [0.81, 0.7, 0.2]
    assert (log.requests, log.rows) == (2, 3)


def test_multiclass_probabilities_become_one_column_per_class(log_line) -> None:
    outputs = {
        "predictions": ["gold"],
        "probabilities": [{"gold": 0.6, "silver": 0.3, "bronze": 0.1}],
    }
    log = parse_prediction_log(log_line(outputs=outputs), feature_columns=FEATURES)
    row = log.frame.iloc[0]
    assert math.isnan(row["probability"])
    assert (row["probability_bronze"], row["probability_gold"], row["probability_silver"]) == (
        0.1,
        0.6,
        0.3,
    )


def test_the_one_row_form_of_the_issue_is_read_too() -> None:
    record = {
        "request_id": "x",
        "time": "2025-01-06T10:00:00Z",
        "caller": "10.1.2.3",
        "inputs": {"tenure_months": 3},
        "outputs": {"prediction": "No", "probability": 0.1},
        "model_version": "3",
        "latency_ms": 8,
        "status": 200,
    }
    log = parse_prediction_log(json.dumps(record), feature_columns=FEATURES)
    row = log.frame.iloc[0]
    assert (row["prediction"], row["probability"], row["tenure_months"]) == ("No", 0.1, 3)
    assert pd.isna(row["contract"])


def test_a_refused_request_keeps_its_partial_inputs_but_is_not_scored(log_line) -> None:
    refused = log_line(
        request_id="bad",
        status=422,
        rows=0,
        inputs=[{"tenure_months": 5}],
        outputs=None,
        problems=[
            {"loc": ["body", "rows", 0, "contract"], "msg": "missing", "type": "missing_field"}
        ],
    )
    log = parse_prediction_log(log_line() + "\n" + refused, feature_columns=FEATURES)
    bad = log.frame.iloc[1]
    assert (bad["status"], bad["prediction"], bad["tenure_months"]) == (422, None, 5)
    assert log.scored()["request_id"].tolist() == ["r1"]


def test_a_log_without_inputs_has_empty_feature_columns(log_line) -> None:
    log = parse_prediction_log(log_line(inputs=None), feature_columns=FEATURES)
    assert log.frame[FEATURES].isna().all(axis=None)
    assert log.frame["prediction"].tolist() == ["Yes"]


def test_times_with_an_offset_are_read_as_utc(log_line) -> None:
    log = parse_prediction_log(log_line(time="2025-01-06T11:30:00+02:00"), feature_columns=[])
    assert log.frame["time"].iloc[0] == pd.Timestamp("2025-01-06T09:30:00Z")


def test_start_and_end_span_the_log(log_line) -> None:
    text = "\n".join(
        log_line(time=t)
        for t in ("2025-01-06T09:00:00Z", "2025-01-01T00:00:00Z", "2025-02-01T12:00:00Z")
    )
    log = parse_prediction_log(text, feature_columns=[])
    assert log.start == pd.Timestamp("2025-01-01T00:00:00Z")
    assert log.end == pd.Timestamp("2025-02-01T12:00:00Z")
