"""Unreadable lines are counted and listed with their line numbers; they never stop the read."""

from __future__ import annotations

import json

import pytest

from core.monitor import MonitorError, parse_prediction_log
from core.monitor.logs import (
    MAX_BAD_LINES,
    MSG_BAD_JSON,
    MSG_BAD_RECORD,
    MSG_LOG_EMPTY,
    MSG_LOG_NO_RECORDS,
    MSG_LOG_TEXT,
    MSG_RESERVED,
)


def test_bad_lines_are_reported_with_line_numbers(log_line) -> None:
    lines = [
        log_line(),
        "{not json",
        "",  # blank lines are skipped but still counted as line numbers
        "[1, 2]",
        log_line(status="ok"),
        log_line(time="yesterday"),
        log_line(request_id="r2"),
    ]
    log = parse_prediction_log("\n".join(lines), feature_columns=[])
    assert log.frame["request_id"].tolist() == ["r1", "r2"]
    assert log.frame["log_line"].tolist() == [1, 7]
    assert log.bad_count == 4
    assert log.lines == 6
    assert [m.split(":")[0] for m in log.bad_lines] == ["line 2", "line 4", "line 5", "line 6"]
    assert log.bad_lines[1] == MSG_BAD_RECORD.format(line=4, got="list")
    assert "'status'" in log.bad_lines[2] and "'ok'" in log.bad_lines[2]
    assert "'time'" in log.bad_lines[3] and "yesterday" in log.bad_lines[3]
    try:
        json.loads("{not json")
    except ValueError as error:
        assert log.bad_lines[0] == MSG_BAD_JSON.format(line=2, problem=error)


def test_only_the_first_bad_lines_are_listed_but_all_are_counted(log_line) -> None:
    text = "\n".join([log_line()] + ["oops"] * (MAX_BAD_LINES + 5))
    log = parse_prediction_log(text, feature_columns=[])
    assert log.bad_count == MAX_BAD_LINES + 5
    assert len(log.bad_lines) == MAX_BAD_LINES
    assert log.bad_lines[0].startswith("line 2:")


def test_a_log_without_any_record_is_an_error() -> None:
    with pytest.raises(MonitorError) as caught:
        parse_prediction_log("oops\n[1]\n", feature_columns=[])
    assert caught.value.field == "log"
    assert caught.value.message.startswith(MSG_LOG_NO_RECORDS.split("{")[0])
    assert "line 1" in caught.value.message


def test_an_empty_log_is_an_error() -> None:
    with pytest.raises(MonitorError, match=MSG_LOG_EMPTY):
        parse_prediction_log("\n  \n", feature_columns=[])


def test_bytes_must_be_decoded_by_the_caller() -> None:
    with pytest.raises(MonitorError) as caught:
        parse_prediction_log(b"{}", feature_columns=[])  # type: ignore[arg-type]
    assert caught.value.message == MSG_LOG_TEXT.format(type="bytes")


def test_feature_names_may_not_clash_with_log_columns(log_line) -> None:
    with pytest.raises(MonitorError) as caught:
        parse_prediction_log(log_line(), feature_columns=["age", "status"])
    assert caught.value.message == MSG_RESERVED.format(what="feature_columns", names=["status"])
