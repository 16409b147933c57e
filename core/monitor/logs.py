"""Prediction logs: the bundle service's JSON-lines log and batch-scored files, read and checked.

One frame row per scored row (a request of n rows gives n rows; a refused request gives
one). Rows whose HTTP status is not 2xx were never scored: ``scored_rows`` leaves them out
of drift and performance. Reading a file's bytes is the caller's job.

    log = parse_prediction_log(text, feature_columns=["tenure_months", "contract"])
    log.frame, log.bad_lines
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.coerce import class_label
from core.data.schema import PROBABILITY_PREFIX, probability_column
from core.monitor.common import (
    MonitorError,
    _check_frame,
    _examples,
    _require_column,
)

#: One row per scored row (a request of n rows gives n rows; a refused request gives one).
LOG_COLUMNS = (
    "log_line",  # 1-based line of the log; the same for every row of one request
    "request_id",
    "request_row",  # position of the row inside its request
    "time",
    "caller",
    "model_version",
    "status",
    "latency_ms",
    "prediction",
    "probability",  # binary: the positive class's probability
)
_RESERVED = frozenset(LOG_COLUMNS) - {"time", "prediction", "probability"}
MAX_BAD_LINES = 20  # bad lines listed with their line number; bad_count counts them all
BATCH_CALLER = "batch"

MSG_LOG_TEXT = "the prediction log must be text (JSON lines), got {type}"
MSG_LOG_EMPTY = "the prediction log is empty: it has no lines to read"
MSG_LOG_NO_RECORDS = "none of the {lines:,} line(s) is a prediction record; first problem: {first}"
MSG_BAD_JSON = "line {line}: not valid JSON ({problem})"
MSG_BAD_RECORD = "line {line}: expected a JSON object, got {got}"
MSG_BAD_TIME = (
    "line {line}: 'time' must be an ISO 8601 time such as 2024-01-31T09:30:00Z, got {value}"
)
MSG_BAD_STATUS = "line {line}: 'status' must be an HTTP status code such as 200, got {value}"
MSG_RESERVED = "{what} {names} clash with the log's own columns; rename them"
MSG_PREDICTION_MISSING = "{what} needs a 'prediction' column (the scored label or value)"
MSG_BATCH_TIME = "batch_time must be a date and time, got {value!r}"
MSG_BAD_TIMES = "{column}: {count:,} value(s) are not dates and times, e.g. {examples}"
MSG_COLUMNS = "columns must name at least one column to compare, got {value!r}"


def _is_success(status: pd.Series) -> pd.Series:
    code = pd.to_numeric(status, errors="coerce")
    return (code >= 200) & (code < 300)


def scored_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a model answered (2xx) of a log frame; every row of any other table."""
    if "log_line" not in frame.columns or "status" not in frame.columns:
        return frame
    return frame[_is_success(frame["status"]).to_numpy()]


@dataclasses.dataclass(frozen=True, eq=False)
class PredictionLog:
    """A parsed prediction log: one frame row per scored row, plus what could not be read.

    ``frame`` has LOG_COLUMNS, ``probability_<class>`` columns for a multiclass model and
    one column per feature (missing where the log holds no inputs). ``bad_lines`` lists the
    first MAX_BAD_LINES unreadable lines with their line number; ``bad_count`` counts all.
    """

    frame: pd.DataFrame
    bad_lines: tuple[str, ...]
    bad_count: int
    lines: int  # non-blank lines read
    requests: int
    rows: int
    start: pd.Timestamp  # first and last request time (UTC)
    end: pd.Timestamp

    def scored(self) -> pd.DataFrame:
        """Rows of successful (2xx) requests: what drift and performance look at."""
        return scored_rows(self.frame)


def _as_rows(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _outputs(record: Mapping[str, Any]) -> tuple[list[Any], list[Any]]:
    """(predictions, probabilities) as lists; also reads the one-row form {prediction, probability}."""
    outputs = record.get("outputs")
    if not isinstance(outputs, Mapping):
        return [], []
    if "predictions" in outputs:
        predictions = _as_rows(outputs.get("predictions"))
    else:
        predictions = _as_rows(outputs.get("prediction"))
    probabilities = outputs.get("probabilities", outputs.get("probability"))
    if probabilities is None:  # one-row form naming its class: {prediction, probability_1}
        named = [k for k in outputs if str(k).startswith(PROBABILITY_PREFIX)]
        if len(named) == 1:
            probabilities = outputs[named[0]]
    return predictions, _as_rows(probabilities)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _record_rows(
    line: int, record: Mapping[str, Any], status: int, features: Sequence[str]
) -> list[dict[str, Any]]:
    inputs = _as_rows(record.get("inputs"))
    predictions, probabilities = _outputs(record)
    latency = record.get("latency_ms")
    if not isinstance(latency, numbers.Real) or isinstance(latency, bool):
        latency = math.nan
    base = {
        "log_line": line,
        "request_id": _text(record.get("request_id")),
        "time": record.get("time"),
        "caller": _text(record.get("caller")),
        "model_version": _text(record.get("model_version")),
        "status": status,
        "latency_ms": float(latency),
    }
    rows = []
    for i in range(max(len(inputs), len(predictions), 1)):
        row = {**base, "request_row": i, "prediction": None, "probability": math.nan}
        if i < len(predictions):
            row["prediction"] = predictions[i]
        probability = probabilities[i] if i < len(probabilities) else None
        if isinstance(probability, Mapping):
            for label, value in probability.items():
                row[PROBABILITY_PREFIX + str(label)] = value
        elif isinstance(probability, numbers.Real) and not isinstance(probability, bool):
            row["probability"] = float(probability)
        values = inputs[i] if i < len(inputs) and isinstance(inputs[i], Mapping) else {}
        for column in features:
            row[column] = values.get(column)
        rows.append(row)
    return rows


def _status_code(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    code = float(value)
    if not math.isfinite(code) or not code.is_integer() or not 100 <= code <= 599:
        return None
    return int(code)


def _read_lines(
    text: str, features: Sequence[str]
) -> tuple[list[dict[str, Any]], list[tuple[int, str]], int]:
    """Rows of every readable line, (line, problem) of the others, and the non-blank lines."""
    rows: list[dict[str, Any]] = []
    bad: list[tuple[int, str]] = []
    lines = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        lines += 1
        try:
            record = json.loads(line)
        except ValueError as error:
            bad.append((number, MSG_BAD_JSON.format(line=number, problem=error)))
            continue
        if not isinstance(record, dict):
            got = type(record).__name__
            bad.append((number, MSG_BAD_RECORD.format(line=number, got=got)))
            continue
        status = _status_code(record.get("status"))
        if status is None:
            value = repr(record.get("status"))[:40]
            bad.append((number, MSG_BAD_STATUS.format(line=number, value=value)))
            continue
        rows.extend(_record_rows(number, record, status, features))
    return rows, bad, lines


def _log_frame(rows: list[dict[str, Any]], features: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in LOG_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    probability_columns = sorted(c for c in frame.columns if c.startswith(PROBABILITY_PREFIX))
    frame = frame[[*LOG_COLUMNS, *probability_columns, *features]]
    for column in ("probability", "latency_ms", *probability_columns):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["status"] = frame["status"].astype("int64")
    frame["log_line"] = frame["log_line"].astype("int64")
    frame["request_row"] = frame["request_row"].astype("int64")
    for column in features:
        frame[column] = frame[column].infer_objects()
    return frame


def _check_features(features: Sequence[str], what: str) -> list[str]:
    if isinstance(features, str) or not all(isinstance(c, str) for c in features):
        raise MonitorError(MSG_COLUMNS.format(value=features), field=what)
    names = list(dict.fromkeys(features))
    clash = sorted(set(names) & _RESERVED)
    if clash:
        raise MonitorError(MSG_RESERVED.format(what=what, names=clash), field=what)
    return names


def parse_prediction_log(text: str, *, feature_columns: Sequence[str]) -> PredictionLog:
    """Read the service's JSON-lines log; unreadable lines are counted and listed, not fatal.

    A line needs to be a JSON object with an ISO 8601 ``time`` and an HTTP ``status``;
    everything else is optional (a refused request has no outputs, a log written with
    BUNDLE_LOG_INPUTS=0 has no inputs). Raises MonitorError only when no line is readable.
    """
    if not isinstance(text, str):
        raise MonitorError(MSG_LOG_TEXT.format(type=type(text).__name__), field="log")
    features = _check_features(feature_columns, "feature_columns")
    rows, bad, lines = _read_lines(text, features)
    if lines == 0:
        raise MonitorError(MSG_LOG_EMPTY, field="log")
    if rows:
        raw_times = pd.Series([r["time"] if isinstance(r["time"], str) else None for r in rows])
        times = pd.to_datetime(raw_times, utc=True, format="ISO8601", errors="coerce")
        bad_rows = times.isna().to_numpy()
        for row in (r for r, is_bad in zip(rows, bad_rows, strict=True) if is_bad):
            if row["request_row"] == 0:
                value = repr(row["time"])[:40]
                bad.append(
                    (row["log_line"], MSG_BAD_TIME.format(line=row["log_line"], value=value))
                )
        rows = [r for r, is_bad in zip(rows, bad_rows, strict=True) if not is_bad]
        times = times[~bad_rows]
    bad.sort()
    if not rows:
        raise MonitorError(MSG_LOG_NO_RECORDS.format(lines=lines, first=bad[0][1]), field="log")
    frame = _log_frame(rows, features)
    frame["time"] = times.reset_index(drop=True)
    return PredictionLog(
        frame=frame,
        bad_lines=tuple(message for _, message in bad[:MAX_BAD_LINES]),
        bad_count=len(bad),
        lines=lines,
        requests=int(frame["log_line"].nunique()),
        rows=len(frame),
        start=frame["time"].min(),
        end=frame["time"].max(),
    )


def _batch_time(value: Any) -> pd.Timestamp:
    if not isinstance(value, datetime):
        raise MonitorError(MSG_BATCH_TIME.format(value=value), field="batch_time")
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _batch_times(frame: pd.DataFrame, column: str) -> pd.Series:
    _require_column(frame, column, "batch file")
    raw = frame[column]
    if ptypes.is_datetime64_any_dtype(raw):
        times = pd.to_datetime(raw, utc=True)
    else:
        times = pd.to_datetime(raw.astype("string"), utc=True, format="ISO8601", errors="coerce")
    bad = times.isna() & raw.notna()
    if bad.any():
        examples = _examples(pd.unique(raw[bad]))
        raise MonitorError(
            MSG_BAD_TIMES.format(column=column, count=int(bad.sum()), examples=examples),
            field="time_column",
        )
    return times


def batch_frame(
    frame: pd.DataFrame,
    *,
    time_column: str | None,
    batch_time: datetime,
    model_version: str | None = None,
    positive: str | None = None,
) -> pd.DataFrame:
    """A batch-scored file in the log's shape: status 200, no latency, caller "batch".

    Rows keep every column of the file (inputs, ids); ``time`` comes from ``time_column``
    (naive times are read as UTC) and is ``batch_time`` where that is empty or not given.
    The binary score is read from ``probability_<positive>`` (``workbench predict`` and the
    bundle write it), else from a plain ``probability`` column (files scored before).
    """
    frame = _check_frame(frame, "batch file")
    if "prediction" not in frame.columns:
        raise MonitorError(MSG_PREDICTION_MISSING.format(what="the batch file"), field="prediction")
    clash = sorted(set(map(str, frame.columns)) & _RESERVED)
    if clash:
        raise MonitorError(
            MSG_RESERVED.format(what="batch file columns", names=clash), field="frame"
        )
    when = _batch_time(batch_time)
    rows = len(frame)
    named = None if positive is None else probability_column(class_label(positive))
    score = next((c for c in (named, "probability") if c is not None and c in frame), None)
    if time_column is None:
        times = pd.Series(when, index=frame.index)
    else:
        times = _batch_times(frame, time_column).fillna(when)
    out = pd.DataFrame(
        {
            "log_line": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
            "request_id": None,
            "request_row": np.arange(rows, dtype=np.int64),
            "time": times,
            "caller": BATCH_CALLER,
            "model_version": model_version,
            "status": np.full(rows, 200, dtype=np.int64),
            "latency_ms": math.nan,
            "prediction": frame["prediction"],
            "probability": pd.to_numeric(frame[score], errors="coerce")
            if score is not None
            else math.nan,
        },
        index=frame.index,
    )
    rest = frame.drop(columns=[c for c in ("prediction", score, "time") if c in frame])
    return pd.concat([out, rest], axis=1).reset_index(drop=True)
