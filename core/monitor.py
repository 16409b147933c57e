"""Monitor stage: is the exported model still right, still worth its money, still healthy?

Reads what production leaves behind (the bundle service's JSON-lines prediction log, batch
scored files, and the true outcomes that arrive later) and compares it with training: drift
per column, performance and money per period once outcomes are known, service health
(traffic, latency, errors, callers, versions) and alerts against the goal.

Drift rule: PSI says how large a change is, the test (scipy's two-sample KS for numbers,
chi-square on the reference-vs-current counts for categories) says whether it is more than
chance. With thousands of rows the test flags trivial changes, with a few dozen PSI is
noisy, so a column is ``drift`` only when both agree (PSI > psi_alert and p < p_value) and
``warn`` when one of them is loud: PSI > psi_alert by itself, or a significant test with
PSI > psi_warn or an effect of at least ``EFFECT_WARN`` (KS statistic or Cramér's V).

Conventions: log times are UTC; a period is labelled by its start (UTC); rows of a log whose
HTTP status is not 2xx were never scored and are left out of drift and performance;
categories and labels are compared as text (``core.coerce.class_label``). Pure Python: no
Streamlit, no storage; reading a file's bytes is the caller's job.

    log = parse_prediction_log(text, feature_columns=["tenure_months", "contract"])
    report = drift_report(train, log.frame, columns=[...], categorical=["contract"])
    report.table, report.drifted
    joined = join_outcomes(log.frame, outcomes, id_column="customer_id", target="churned",
                           prediction_id="request_id")
    performance_over_time(joined.frame, task="binary", positive="Yes", payoff=goal.payoff,
                          volume_per_month=goal.volume_per_month)
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from scipy.stats import chi2_contingency, ks_2samp
from scipy.stats.contingency import association
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    mean_absolute_error,
    precision_score,
    recall_score,
    roc_auc_score,
    root_mean_squared_error,
)

from core.business import (
    ConfusionCounts,
    ErrorCost,
    Goal,
    PayoffMatrix,
    assumed_roi,
    expected_value,
    format_money,
    regression_value_per_month,
)
from core.coerce import class_label
from core.data.findings import Finding
from core.data.schema import PROBABILITY_PREFIX, probability_column
from core.exceptions import CoreError
from core.metrics import canonical_name, find_metric, higher_is_better, metric_label

__all__ = [
    "ALERT_KINDS",
    "DRIFT_STATUSES",
    "LOG_COLUMNS",
    "PERFORMANCE_METRICS",
    "Alert",
    "AlertCheck",
    "AlertRule",
    "ColumnDrift",
    "DriftReport",
    "MonitorError",
    "OutcomeJoin",
    "PredictionLog",
    "ServiceHealth",
    "UncheckedRule",
    "batch_frame",
    "check_alerts",
    "default_rules",
    "describe_rule",
    "drift_over_time",
    "drift_report",
    "evaluate_alerts",
    "join_outcomes",
    "parse_prediction_log",
    "performance_over_time",
    "psi",
    "scored_rows",
    "service_health",
]

Task = Literal["binary", "multiclass", "regression"]
DriftStatus = Literal["ok", "warn", "drift", "too few rows", "missing column"]
AlertKind = Literal["drift", "metric", "kpi", "latency", "error_rate"]
AlertSeverity = Literal["warning", "critical"]
DRIFT_STATUSES: tuple[str, ...] = get_args(DriftStatus)
ALERT_KINDS: tuple[str, ...] = get_args(AlertKind)
TASKS: tuple[str, ...] = get_args(Task)

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
MAX_CATEGORIES = 50  # most frequent training categories kept as their own PSI bucket
MAX_NEW_CATEGORIES = 20  # new categories listed per column
PSI_EPSILON = 1e-4  # share used for an empty bucket so the logarithm stays finite
EFFECT_WARN = 0.1  # KS statistic or Cramér's V that is worth a warning when significant
OUT_OF_RANGE_WARN_SHARE = 0.01  # out-of-range rows above this share are a warning
MISSING_BUCKET = "(missing)"
OTHER_BUCKET = "(other or new)"
UNKNOWN_CALLER = "(unknown)"
BATCH_CALLER = "batch"
LATENCY_QUANTILES = (50, 95, 99)
DEFAULT_PSI_ALERT = 0.2
DEFAULT_ERROR_RATE = 0.05
#: The registry metrics performance_over_time measures that a rule can bound (bias has no
#: direction, so no minimum or maximum).
PERFORMANCE_METRICS = (
    "accuracy", "precision", "recall", "f1", "roc_auc", "mae", "rmse", "value_per_month",
)  # fmt: skip
_PERIOD_ALIASES = {"ME": "M", "MS": "M", "QE": "Q", "QS": "Q", "YE": "Y", "YS": "Y"}

# --- messages (tests import these) -------------------------------------------------------

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
MSG_NOT_FRAME = "{what} must be a pandas DataFrame, got {type}"
MSG_COLUMN_MISSING = "{what} has no column {column!r}; columns: {columns}"
MSG_PREDICTION_MISSING = "{what} needs a 'prediction' column (the scored label or value)"
MSG_BATCH_TIME = "batch_time must be a date and time, got {value!r}"
MSG_BAD_TIMES = "{column}: {count:,} value(s) are not dates and times, e.g. {examples}"
MSG_DUPLICATE_IDS = (
    "outcomes hold {count:,} id(s) more than once in {column!r}, e.g. {examples}; "
    "keep one outcome per id"
)
MSG_COLUMNS = "columns must name at least one column to compare, got {value!r}"
MSG_WHOLE = "{field} must be a whole number of at least {minimum}, got {value!r}"
MSG_SHARE = "{field} must be a number between 0 and 1, got {value!r}"
MSG_PSI_LIMITS = "psi_warn ({warn!r}) must be more than 0 and at most psi_alert ({alert!r})"
MSG_FREQ = "freq {value!r} is not a pandas period alias such as 'h', 'D', 'W' or 'M'"
MSG_TIMES_MISSING = "{column}: {count:,} row(s) have no time; every log row needs one"
MSG_TASK = "task must be one of {choices}, got {value!r}"
MSG_POSITIVE_NEEDED = "a binary task needs positive: the class the probability is about"
MSG_NO_ACTUAL = "the frame has no 'actual' column; join the true outcomes first (join_outcomes)"
MSG_NO_OUTCOMES = "no scored row has a true outcome yet, so performance cannot be measured"
MSG_VOLUME = "volume_per_month must be 0 or more, got {value!r}"
MSG_NO_REQUESTS = "the log holds no requests, so there is no service health to show"
MSG_RULE_KIND = "alert rule kind must be one of {choices}, got {value!r}"
MSG_RULE_THRESHOLD = "alert rule threshold must be a finite number, got {value!r}"
MSG_RULE_METRIC = "a metric alert rule needs metric: one of {choices}"
MSG_RULE_LATENCY = "a latency alert rule's metric must be one of {choices}, got {value!r}"
MSG_KPI = "kpi must be the realised value per month as a finite number, got {value!r}"
MSG_RULE_SEVERITY = "alert rule severity must be warning or critical, got {value!r}"

FINDING_MISSING_COLUMN = (
    "{column} is missing from the {side} data, so its drift cannot be measured."
)
FIX_MISSING_COLUMN = "Send the column again, or retrain without it."
FINDING_NEW_CATEGORIES = (
    "{column} has {rows:,} row(s) with {count:,} value(s) never seen in training: {examples}."
)
FIX_NEW_CATEGORIES = "Check for a renamed or new category; retrain when it is here to stay."
FINDING_OUT_OF_RANGE = (
    "{column}: {below:,} value(s) below the training minimum {low} and {above:,} above the "
    "training maximum {high} ({share} of rows); the model extrapolates there."
)
FIX_OUT_OF_RANGE = "Check the unit and the source of the column; retrain on the new range."
FINDING_NOT_NUMERIC = (
    "{column}: {count:,} value(s) are not numbers, e.g. {examples}; they count as missing."
)
FINDING_TOO_FEW_ROWS = (
    "Only {rows:,} {side} row(s); drift needs at least {minimum:,}, so no column is flagged."
)
FINDING_NO_PREDICTION = (
    "Prediction drift left out: {column!r} is not in both the reference and the current data."
)

ALERT_DRIFT = "Drift in {column}{not_input}: PSI {psi:.2f} is above {threshold:g} ({evidence})."
ALERT_METRIC = (
    "{label} is {value} in the period starting {period}, {relation} the {bound} of {threshold}."
)
ALERT_KPI = "Value per month is {value}{period}, below the {threshold} the business case promises."
ALERT_LATENCY = "Latency {metric} is {value:,.0f} ms, above the limit of {threshold:,.0f} ms."
ALERT_ERROR_RATE = (
    "Error rate is {value} ({errors:,} of {requests:,} requests failed), above {threshold}."
)


class MonitorError(CoreError):
    """A log, file or setting the monitor cannot use (names the input in ``field``)."""


# --- small helpers -------------------------------------------------------------------------


def _check_frame(value: Any, what: str) -> pd.DataFrame:
    if not isinstance(value, pd.DataFrame):
        raise MonitorError(MSG_NOT_FRAME.format(what=what, type=type(value).__name__), field=what)
    return value


def _require_column(frame: pd.DataFrame, column: str, what: str) -> None:
    if column not in frame.columns:
        shown = ", ".join(map(str, list(frame.columns)[:12]))
        raise MonitorError(
            MSG_COLUMN_MISSING.format(what=what, column=column, columns=shown), field=what
        )


def _whole(value: Any, field: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise MonitorError(MSG_WHOLE.format(field=field, minimum=minimum, value=value), field=field)
    return int(value)


def _share(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise MonitorError(MSG_SHARE.format(field=field, value=value), field=field)
    return float(value)


def _pct(share: float) -> str:
    if 0 < share < 0.001:
        return "< 0.1 %"
    return f"{share * 100:.1f} %".replace(".0 %", " %")


def _num(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _examples(values: Sequence[Any], limit: int = 3) -> str:
    return ", ".join(repr(v) for v in list(values)[:limit])


def _is_success(status: pd.Series) -> pd.Series:
    code = pd.to_numeric(status, errors="coerce")
    return (code >= 200) & (code < 300)


def scored_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a model answered (2xx) of a log frame; every row of any other table."""
    if "log_line" not in frame.columns or "status" not in frame.columns:
        return frame
    return frame[_is_success(frame["status"]).to_numpy()]


def _period_freq(freq: str) -> str:
    if not isinstance(freq, str) or not freq.strip():
        raise MonitorError(MSG_FREQ.format(value=freq), field="freq")
    return _PERIOD_ALIASES.get(freq, freq)


def _periods(times: pd.Series, freq: str) -> pd.Series:
    """The start of each time's period (UTC): 'W' weeks start on Monday, 'M' months on the 1st."""
    alias = _period_freq(freq)
    utc = pd.to_datetime(times, utc=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "dropping timezone information": we went to UTC first
        try:
            periods = utc.dt.tz_localize(None).dt.to_period(alias)
        except (ValueError, TypeError, AttributeError):
            raise MonitorError(MSG_FREQ.format(value=freq), field="freq") from None
    return periods.dt.start_time.dt.tz_localize("UTC")


def _period_text(period: Any) -> str:
    stamp = pd.Timestamp(period)
    if stamp.hour or stamp.minute:
        return stamp.strftime("%Y-%m-%d %H:%M UTC")
    return stamp.strftime("%Y-%m-%d")


def _times_of(frame: pd.DataFrame, column: str, what: str) -> pd.Series:
    _require_column(frame, column, what)
    times = pd.to_datetime(frame[column], utc=True, errors="coerce")
    missing = int(times.isna().sum())
    if missing:
        raise MonitorError(MSG_TIMES_MISSING.format(column=column, count=missing), field=column)
    return times


# --- the prediction log --------------------------------------------------------------------


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
    latency_ok = isinstance(latency, numbers.Real) and not isinstance(latency, bool)
    base = {
        "log_line": line,
        "request_id": _text(record.get("request_id")),
        "time": record.get("time"),
        "caller": _text(record.get("caller")),
        "model_version": _text(record.get("model_version")),
        "status": status,
        "latency_ms": float(latency) if latency_ok else math.nan,
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
    if not math.isfinite(value) or not float(value).is_integer() or not 100 <= value <= 599:
        return None
    return int(value)


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


# --- outcomes ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class OutcomeJoin:
    """Predictions with their true outcome in ``actual`` (missing where none arrived yet)."""

    frame: pd.DataFrame
    matched: int  # prediction rows that found an outcome
    unmatched_predictions: int  # prediction rows still without one
    unmatched_outcomes: int  # outcomes whose id no prediction has


def _id_text(values: pd.Series) -> pd.Series:
    missing = values.isna()
    mapping = {v: class_label(v) for v in pd.unique(values[~missing])}
    return values.map(mapping).where(~missing, None)


def join_outcomes(
    predictions: pd.DataFrame,
    outcomes: pd.DataFrame,
    *,
    id_column: str,
    target: str,
    prediction_id: str | None = None,
) -> OutcomeJoin:
    """Add each prediction's true outcome as ``actual``, matching ids as text.

    ``id_column`` names the outcomes' id; ``prediction_id`` the predictions' (default the
    same name; "request_id" for a service log). Outcomes without a value are ignored; an id
    given twice is an error, because the two outcomes would disagree silently.
    """
    predictions = _check_frame(predictions, "predictions")
    outcomes = _check_frame(outcomes, "outcomes")
    key = prediction_id or id_column
    _require_column(predictions, key, "predictions")
    _require_column(outcomes, id_column, "outcomes")
    _require_column(outcomes, target, "outcomes")
    known = outcomes[outcomes[target].notna() & outcomes[id_column].notna()]
    ids = _id_text(known[id_column])
    twice = ids[ids.duplicated(keep=False)]
    if not twice.empty:
        unique = list(pd.unique(twice))
        raise MonitorError(
            MSG_DUPLICATE_IDS.format(
                count=len(unique), column=id_column, examples=_examples(unique)
            ),
            field=id_column,
        )
    lookup = pd.Series(known[target].to_numpy(), index=ids.to_numpy())
    prediction_ids = _id_text(predictions[key])
    frame = predictions.copy()
    frame["actual"] = prediction_ids.map(lookup).to_numpy()
    matched = int(frame["actual"].notna().sum())
    used = set(prediction_ids.dropna())
    return OutcomeJoin(
        frame=frame,
        matched=matched,
        unmatched_predictions=len(frame) - matched,
        unmatched_outcomes=int((~ids.isin(used)).sum()),
    )


# --- drift ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class ColumnDrift:
    """Drift of one column: PSI, the test behind it, the verdict and what is out of place.

    ``distribution`` has one row per PSI bucket: bucket, reference_count, current_count,
    reference_share, current_share. ``effect`` is the KS statistic (numbers) or Cramér's V
    (categories). ``new_categories`` lists (value, rows) for at most MAX_NEW_CATEGORIES.
    """

    column: str
    role: Literal["feature", "other", "prediction"]
    kind: Literal["numeric", "categorical"]
    status: DriftStatus
    psi: float
    test: Literal["ks", "chi2"] | None
    statistic: float
    p_value: float
    effect: float
    reference_rows: int
    current_rows: int
    missing_share: float = math.nan  # of the current rows
    new_category_rows: int = 0
    new_categories: tuple[tuple[str, int], ...] = ()
    below_range: int = 0
    above_range: int = 0
    distribution: pd.DataFrame | None = None

    @property
    def model_input(self) -> bool:
        """True for a column the model reads; "other" columns are watched, never read."""
        return self.role == "feature"


_TABLE_COLUMNS = [
    "column",
    "role",
    "model_input",
    "kind",
    "status",
    "psi",
    "test",
    "statistic",
    "p_value",
    "effect",
    "current_rows",
    "missing_share",
    "new_category_rows",
    "below_range",
    "above_range",
]


@dataclasses.dataclass(frozen=True, eq=False)
class DriftReport:
    """Drift of every compared column against the reference, and the schema problems found."""

    columns: tuple[ColumnDrift, ...]
    findings: tuple[Finding, ...]
    reference_rows: int
    current_rows: int
    psi_warn: float
    psi_alert: float
    p_value: float
    min_rows: int

    @property
    def table(self) -> pd.DataFrame:
        """One row per column, largest PSI first (columns without a PSI last)."""
        rows = [{name: getattr(c, name) for name in _TABLE_COLUMNS} for c in self.columns]
        table = pd.DataFrame(rows, columns=_TABLE_COLUMNS)
        return table.sort_values("psi", ascending=False, na_position="last", kind="stable")

    @property
    def drifted(self) -> list[str]:
        """Columns whose status is "drift", largest PSI first."""
        table = self.table
        return table.loc[table["status"] == "drift", "column"].tolist()

    @property
    def warned(self) -> list[str]:
        table = self.table
        return table.loc[table["status"] == "warn", "column"].tolist()

    def column(self, name: str) -> ColumnDrift:
        for item in self.columns:
            if item.column == name:
                return item
        raise KeyError(f"no column {name!r} in this report")


def psi(reference_share: np.ndarray, current_share: np.ndarray) -> float:
    """Population stability index: sum of (current − reference) · ln(current / reference).

    Shares below PSI_EPSILON count as PSI_EPSILON, so an empty bucket gives a large but
    finite term.
    """
    ref = np.maximum(np.asarray(reference_share, dtype=float), PSI_EPSILON)
    cur = np.maximum(np.asarray(current_share, dtype=float), PSI_EPSILON)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def _distribution(labels: list[str], ref: np.ndarray, cur: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bucket": labels,
            "reference_count": ref.astype(np.int64),
            "current_count": cur.astype(np.int64),
            "reference_share": ref / max(ref.sum(), 1),
            "current_share": cur / max(cur.sum(), 1),
        }
    )


def _numeric_buckets(
    ref: np.ndarray, cur: np.ndarray, bins: int
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Right-closed buckets up to the reference's quantiles, plus a missing bucket.

    Edges are observed reference values (``inverted_cdf`` quantiles), so a whole-number
    column gets one bucket per value where quantiles tie, not edges such as 1.1.
    """
    ref_ok, cur_ok = ref[~np.isnan(ref)], cur[~np.isnan(cur)]
    if ref_ok.size:
        inner = np.unique(
            np.quantile(ref_ok, np.linspace(0, 1, bins + 1)[1:-1], method="inverted_cdf")
        )
    else:
        inner = np.array([])
    count = inner.size + 1
    ref_counts = np.bincount(np.searchsorted(inner, ref_ok, side="left"), minlength=count)
    cur_counts = np.bincount(np.searchsorted(inner, cur_ok, side="left"), minlength=count)
    edges = [f"{v:.4g}" for v in inner]
    if inner.size:
        labels = [f"≤ {edges[0]}"]
        labels += [f"{a} – {b}" for a, b in itertools.pairwise(edges)]
        labels.append(f"> {edges[-1]}")
    else:
        labels = ["all values"]
    ref_missing, cur_missing = ref.size - ref_ok.size, cur.size - cur_ok.size
    if ref_missing or cur_missing:
        labels.append(MISSING_BUCKET)
        ref_counts = np.append(ref_counts, ref_missing)
        cur_counts = np.append(cur_counts, cur_missing)
    return labels, ref_counts.astype(float), cur_counts.astype(float)


def _category_text(values: pd.Series) -> pd.Series:
    return _id_text(values).fillna(MISSING_BUCKET)


def _categorical_buckets(
    ref: pd.Series, cur: pd.Series
) -> tuple[list[str], np.ndarray, np.ndarray, list[tuple[str, int]]]:
    """The most frequent training categories, missing values, then every other or new one."""
    ref_counts = ref.value_counts(sort=True)
    cur_counts = cur.value_counts()
    known = [str(v) for v in ref_counts.index if v != MISSING_BUCKET]
    kept = known[:MAX_CATEGORIES]
    if MISSING_BUCKET in ref_counts.index or MISSING_BUCKET in cur_counts.index:
        kept.append(MISSING_BUCKET)
    ref_kept = ref_counts.reindex(kept, fill_value=0).to_numpy(dtype=float)
    cur_kept = cur_counts.reindex(kept, fill_value=0).to_numpy(dtype=float)
    ref_other, cur_other = ref.size - ref_kept.sum(), cur.size - cur_kept.sum()
    labels = list(kept)
    if ref_other or cur_other:
        labels.append(OTHER_BUCKET)
        ref_kept = np.append(ref_kept, ref_other)
        cur_kept = np.append(cur_kept, cur_other)
    new = cur_counts[~cur_counts.index.isin([*ref_counts.index, MISSING_BUCKET])]
    new_list = [(str(v), int(n)) for v, n in new.items()]
    return labels, ref_kept, cur_kept, new_list


def _chi_square(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float, float]:
    """(statistic, p-value, Cramér's V) of the 2 x k table; buckets empty on both sides dropped."""
    table = np.vstack([ref, cur]).astype(np.int64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, 1.0, 0.0
    result = chi2_contingency(table)
    effect = float(association(table, method="cramer"))
    return float(result.statistic), float(result.pvalue), effect


def _status(
    psi_value: float, p: float, effect: float, *, warn: float, alert: float, p_value: float
) -> DriftStatus:
    significant = math.isfinite(p) and p < p_value
    if psi_value > alert:
        return "drift" if significant else "warn"
    if significant and (psi_value > warn or effect >= EFFECT_WARN):
        return "warn"
    return "ok"


@dataclasses.dataclass(frozen=True)
class _Options:
    bins: int
    warn: float
    alert: float
    p_value: float
    min_rows: int


def _numeric_drift(
    column: str, role: str, ref: pd.Series, cur: pd.Series, o: _Options, notes: list[Finding]
) -> ColumnDrift:
    ref_num = pd.to_numeric(ref, errors="coerce").to_numpy(dtype=float)
    cur_values = pd.to_numeric(cur, errors="coerce")
    unreadable = cur.notna() & cur_values.isna()
    if unreadable.any():
        examples = _examples(pd.unique(cur[unreadable]))
        message = FINDING_NOT_NUMERIC.format(
            column=column, count=int(unreadable.sum()), examples=examples
        )
        notes.append(Finding("warning", "not_numeric", column, message))
    cur_num = cur_values.to_numpy(dtype=float)
    labels, ref_counts, cur_counts = _numeric_buckets(ref_num, cur_num, o.bins)
    value = psi(ref_counts / max(ref.size, 1), cur_counts / max(cur.size, 1))
    ref_ok, cur_ok = ref_num[~np.isnan(ref_num)], cur_num[~np.isnan(cur_num)]
    statistic = p = effect = math.nan
    test = None
    if ref_ok.size and cur_ok.size:
        result = ks_2samp(ref_ok, cur_ok)
        statistic, p, test = float(result.statistic), float(result.pvalue), "ks"
        effect = statistic
    below = above = 0
    if ref_ok.size and role != "prediction":
        low, high = float(ref_ok.min()), float(ref_ok.max())
        below, above = int((cur_ok < low).sum()), int((cur_ok > high).sum())
        if below or above:
            share = (below + above) / max(cur.size, 1)
            severity = "warning" if share >= OUT_OF_RANGE_WARN_SHARE else "info"
            message = FINDING_OUT_OF_RANGE.format(
                column=column, below=below, above=above, low=_num(low), high=_num(high),
                share=_pct(share),
            )  # fmt: skip
            notes.append(Finding(severity, "out_of_range", column, message, FIX_OUT_OF_RANGE))
    return ColumnDrift(
        column=column,
        role=role,
        kind="numeric",
        status=_status(value, p, effect, warn=o.warn, alert=o.alert, p_value=o.p_value),
        psi=value,
        test=test,
        statistic=statistic,
        p_value=p,
        effect=effect,
        reference_rows=int(ref.size),
        current_rows=int(cur.size),
        missing_share=float(np.isnan(cur_num).mean()) if cur.size else math.nan,
        below_range=below,
        above_range=above,
        distribution=_distribution(labels, ref_counts, cur_counts),
    )


def _categorical_drift(
    column: str, role: str, ref: pd.Series, cur: pd.Series, o: _Options, notes: list[Finding]
) -> ColumnDrift:
    ref_text, cur_text = _category_text(ref), _category_text(cur)
    labels, ref_counts, cur_counts, new = _categorical_buckets(ref_text, cur_text)
    value = psi(ref_counts / max(ref.size, 1), cur_counts / max(cur.size, 1))
    statistic, p, effect = _chi_square(ref_counts, cur_counts)
    new_rows = sum(n for _, n in new)
    if new:
        examples = ", ".join(f"{v!r} ({n:,})" for v, n in new[:5])
        message = FINDING_NEW_CATEGORIES.format(
            column=column, rows=new_rows, count=len(new), examples=examples
        )
        notes.append(Finding("warning", "new_category", column, message, FIX_NEW_CATEGORIES))
    return ColumnDrift(
        column=column,
        role=role,
        kind="categorical",
        status=_status(value, p, effect, warn=o.warn, alert=o.alert, p_value=o.p_value),
        psi=value,
        test="chi2",
        statistic=statistic,
        p_value=p,
        effect=effect,
        reference_rows=int(ref.size),
        current_rows=int(cur.size),
        missing_share=float(cur.isna().mean()) if cur.size else math.nan,
        new_category_rows=new_rows,
        new_categories=tuple(new[:MAX_NEW_CATEGORIES]),
        distribution=_distribution(labels, ref_counts, cur_counts),
    )


def _missing_column(column: str, role: str, side: str, rows: tuple[int, int]) -> ColumnDrift:
    return ColumnDrift(
        column=column,
        role=role,
        kind="numeric",
        status="missing column",
        psi=math.nan,
        test=None,
        statistic=math.nan,
        p_value=math.nan,
        effect=math.nan,
        reference_rows=rows[0],
        current_rows=rows[1],
    )


def _check_drift_options(
    categorical: Sequence[str],
    psi_bins: Any,
    psi_warn: Any,
    psi_alert: Any,
    p_value: Any,
    min_rows: Any,
) -> _Options:
    if isinstance(categorical, str) or not all(isinstance(c, str) for c in categorical):
        raise MonitorError(MSG_COLUMNS.format(value=categorical), field="categorical")
    bins = _whole(psi_bins, "psi_bins", 2)
    limits_ok = all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
        for v in (psi_warn, psi_alert)
    )
    if not limits_ok or not 0 < psi_warn <= psi_alert:
        raise MonitorError(MSG_PSI_LIMITS.format(warn=psi_warn, alert=psi_alert), field="psi_warn")
    return _Options(
        bins=bins,
        warn=float(psi_warn),
        alert=float(psi_alert),
        p_value=_share(p_value, "p_value"),
        min_rows=_whole(min_rows, "min_rows", 1),
    )


def _is_categorical(series: pd.Series, declared: bool) -> bool:
    if declared:
        return True
    return not (ptypes.is_numeric_dtype(series) and not ptypes.is_bool_dtype(series))


def drift_report(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    columns: Sequence[str],
    categorical: Sequence[str],
    other_columns: Sequence[str] = (),
    prediction_column: str | None = "probability",
    psi_bins: int = 10,
    psi_warn: float = 0.1,
    psi_alert: float = 0.2,
    p_value: float = 0.01,
    min_rows: int = 50,
) -> DriftReport:
    """Compare each column (and the prediction) of ``current`` with ``reference``.

    ``columns`` are the model's inputs (role "feature"); ``other_columns`` are columns the
    model does not read but that are worth watching all the same, e.g. a sensitive
    attribute (role "other", ``model_input`` False). ``categorical`` names the columns read
    as categories (a column that is not numeric in the reference is read as one anyway).
    Rows of a log that were not answered with 2xx are left out. Fewer than ``min_rows``
    rows on either side: every column is "too few rows".
    """
    reference = scored_rows(_check_frame(reference, "reference"))
    current = scored_rows(_check_frame(current, "current"))
    names = _check_features(columns, "columns")
    others = [c for c in _check_features(other_columns, "other_columns") if c not in names]
    o = _check_drift_options(categorical, psi_bins, psi_warn, psi_alert, p_value, min_rows)
    notes: list[Finding] = []
    targets = [(c, "feature") for c in names] + [(c, "other") for c in others]
    names = [*names, *others]
    if prediction_column and prediction_column not in names:
        if prediction_column in reference.columns and prediction_column in current.columns:
            targets.append((prediction_column, "prediction"))
        else:
            notes.append(
                Finding(
                    "info",
                    "no_prediction",
                    None,
                    FINDING_NO_PREDICTION.format(column=prediction_column),
                )
            )
    if not targets:
        raise MonitorError(MSG_COLUMNS.format(value=list(columns)), field="columns")
    rows = (len(reference), len(current))
    too_few = min(rows) < o.min_rows
    declared = set(categorical)
    results = []
    for column, role in targets:
        side = next(
            (s for s, f in (("reference", reference), ("current", current)) if column not in f),
            None,
        )
        if side is not None:
            message = FINDING_MISSING_COLUMN.format(column=column, side=side)
            notes.append(Finding("error", "missing_column", column, message, FIX_MISSING_COLUMN))
            results.append(_missing_column(column, role, side, rows))
            continue
        ref, cur = reference[column], current[column]
        measure = _categorical_drift if _is_categorical(ref, column in declared) else _numeric_drift
        result = measure(column, role, ref, cur, o, notes)
        if too_few:
            result = dataclasses.replace(result, status="too few rows")
        results.append(result)
    if too_few:
        side, count = ("reference", rows[0]) if rows[0] < o.min_rows else ("current", rows[1])
        message = FINDING_TOO_FEW_ROWS.format(rows=count, side=side, minimum=o.min_rows)
        notes.insert(0, Finding("warning", "too_few_rows", None, message))
    return DriftReport(
        columns=tuple(results),
        findings=tuple(notes),
        reference_rows=rows[0],
        current_rows=rows[1],
        psi_warn=o.warn,
        psi_alert=o.alert,
        p_value=o.p_value,
        min_rows=o.min_rows,
    )


DRIFT_OVER_TIME_COLUMNS = ["period", "column", "role", "psi", "p_value", "status", "rows"]


def drift_over_time(
    reference: pd.DataFrame,
    log_frame: pd.DataFrame,
    *,
    columns: Sequence[str],
    categorical: Sequence[str],
    other_columns: Sequence[str] = (),
    freq: str = "W",
    time_column: str = "time",
    prediction_column: str | None = "probability",
    psi_bins: int = 10,
    psi_warn: float = 0.1,
    psi_alert: float = 0.2,
    p_value: float = 0.01,
    min_rows: int = 50,
) -> pd.DataFrame:
    """Long table period, column, role, psi, p_value, status, rows: one drift_report per period.

    Periods without scored rows are absent; a period with fewer than ``min_rows`` rows has
    its PSI but the status "too few rows".
    """
    frame = scored_rows(_check_frame(log_frame, "log_frame"))
    periods = _periods(_times_of(frame, time_column, "log_frame"), freq)
    parts = []
    for period, rows in frame.groupby(periods.to_numpy(), sort=True):
        report = drift_report(
            reference,
            rows,
            columns=columns,
            categorical=categorical,
            other_columns=other_columns,
            prediction_column=prediction_column,
            psi_bins=psi_bins,
            psi_warn=psi_warn,
            psi_alert=psi_alert,
            p_value=p_value,
            min_rows=min_rows,
        )
        for item in report.columns:
            parts.append(
                {
                    "period": period,
                    "column": item.column,
                    "role": item.role,
                    "psi": item.psi,
                    "p_value": item.p_value,
                    "status": item.status,
                    "rows": len(rows),
                }
            )
    table = pd.DataFrame(parts, columns=DRIFT_OVER_TIME_COLUMNS)
    table["period"] = pd.to_datetime(table["period"], utc=True)
    return table


# --- performance and money over time -------------------------------------------------------


def _check_volume(value: Any) -> float | None:
    if value is None:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0:
        raise MonitorError(MSG_VOLUME.format(value=value), field="volume_per_month")
    return float(value)


def _binary_period(
    actual: np.ndarray,
    predicted: np.ndarray,
    score: np.ndarray,
    positive: str,
    payoff: PayoffMatrix | None,
    volume: float | None,
) -> dict[str, float]:
    is_pos, flagged = actual == positive, predicted == positive
    options = {"pos_label": True, "zero_division": 0}
    finite = np.isfinite(score)
    both = finite.any() and 0 < is_pos[finite].sum() < finite.sum()
    counts = ConfusionCounts(
        tp=float(np.sum(is_pos & flagged)),
        fp=float(np.sum(~is_pos & flagged)),
        fn=float(np.sum(is_pos & ~flagged)),
        tn=float(np.sum(~is_pos & ~flagged)),
    )
    value = math.nan
    if payoff is not None and volume is not None:
        value = expected_value(counts, payoff) / counts.total * volume
    return {
        "accuracy": float(accuracy_score(actual, predicted)),
        "precision": float(precision_score(is_pos, flagged, **options)),
        "recall": float(recall_score(is_pos, flagged, **options)),
        "f1": float(f1_score(is_pos, flagged, **options)),
        "roc_auc": float(roc_auc_score(is_pos[finite], score[finite])) if both else math.nan,
        "actual_rate": float(is_pos.mean()),
        "predicted_rate": float(flagged.mean()),
        "value_per_month": value,
    }


def _multiclass_period(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    labels = sorted(set(actual) | set(predicted))
    options = {"labels": labels, "average": "macro", "zero_division": 0}
    return {
        "accuracy": float(accuracy_score(actual, predicted)),
        "precision": float(precision_score(actual, predicted, **options)),
        "recall": float(recall_score(actual, predicted, **options)),
        "f1": float(f1_score(actual, predicted, **options)),
    }


def _regression_period(
    actual: np.ndarray, predicted: np.ndarray, error_cost: ErrorCost | None, volume: float | None
) -> dict[str, float]:
    mae = float(mean_absolute_error(actual, predicted))
    bias = float(np.clip(np.mean(predicted - actual), -mae, mae))
    value = math.nan
    if error_cost is not None and volume is not None:
        value = regression_value_per_month(mae=mae, bias=bias, volume=volume, error_cost=error_cost)
    return {
        "mae": mae,
        "rmse": float(root_mean_squared_error(actual, predicted)),
        "bias": bias,
        "value_per_month": value,
    }


def _scores_of(part: pd.DataFrame) -> np.ndarray:
    """The positive class's probability per row; NaN where the frame has none."""
    if "probability" not in part.columns:
        return np.full(len(part), np.nan)
    return pd.to_numeric(part["probability"], errors="coerce").to_numpy(dtype=float)


def _labelled(frame: pd.DataFrame, task: str) -> pd.DataFrame:
    if "actual" not in frame.columns:
        raise MonitorError(MSG_NO_ACTUAL, field="actual")
    _require_column(frame, "prediction", "frame")
    rows = scored_rows(frame)
    rows = rows[rows["actual"].notna() & rows["prediction"].notna()]
    if task == "regression":
        actual = pd.to_numeric(rows["actual"], errors="coerce")
        predicted = pd.to_numeric(rows["prediction"], errors="coerce")
        rows = rows.assign(actual=actual, prediction=predicted).dropna(
            subset=["actual", "prediction"]
        )
    if rows.empty:
        raise MonitorError(MSG_NO_OUTCOMES, field="actual")
    return rows


def performance_over_time(
    frame: pd.DataFrame,
    *,
    task: Task,
    positive: Any = None,
    freq: str = "W",
    payoff: PayoffMatrix | None = None,
    volume_per_month: float | None = None,
    error_cost: ErrorCost | None = None,
    time_column: str = "time",
) -> pd.DataFrame:
    """Per period, on the scored rows whose true outcome is known: scikit-learn's metrics.

    Binary: rows, accuracy, precision, recall, f1, roc_auc (NaN unless both classes occur),
    actual_rate, predicted_rate, value_per_month. Multiclass: macro precision/recall/f1.
    Regression: mae, rmse, bias, value_per_month. ``value_per_month`` is the money per
    prediction of that period (payoff matrix, or ``error_cost`` for regression) times
    ``volume_per_month``; NaN without them.
    """
    frame = _check_frame(frame, "frame")
    if task not in TASKS:
        raise MonitorError(MSG_TASK.format(choices=", ".join(TASKS), value=task), field="task")
    if task == "binary" and positive is None:
        raise MonitorError(MSG_POSITIVE_NEEDED, field="positive")
    volume = _check_volume(volume_per_month)
    rows = _labelled(frame, task)
    periods = _periods(_times_of(rows, time_column, "frame"), freq)
    records = []
    for period, part in rows.groupby(periods.to_numpy(), sort=True):
        if task == "regression":
            actual = part["actual"].to_numpy(dtype=float)
            metrics = _regression_period(
                actual, part["prediction"].to_numpy(dtype=float), error_cost, volume
            )
        else:
            actual = _id_text(part["actual"]).to_numpy(dtype=object)
            predicted = _id_text(part["prediction"]).to_numpy(dtype=object)
            if task == "binary":
                score = _scores_of(part)
                metrics = _binary_period(
                    actual, predicted, score, class_label(positive), payoff, volume
                )
            else:
                metrics = _multiclass_period(actual, predicted)
        records.append({"period": period, "rows": len(part), **metrics})
    table = pd.DataFrame(records)
    table["period"] = pd.to_datetime(table["period"], utc=True)
    return table


# --- service health ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class ServiceHealth:
    """Traffic, latency and errors of the service, overall and per period.

    Latency counts successful (2xx) requests only. ``traffic``: period, one column per
    status class ("2xx", "4xx", "5xx", …), total. ``latency``: period, requests, p50, p95,
    p99. ``status_codes``: status, requests, share. ``callers``: caller, requests, errors,
    error_rate, p95_latency_ms. ``versions``: model_version, requests, first_seen, last_seen.
    """

    requests: int
    errors: int  # requests answered with a status other than 2xx
    server_errors: int  # 5xx
    error_rate: float
    latency_p50: float
    latency_p95: float
    latency_p99: float
    traffic: pd.DataFrame
    latency: pd.DataFrame
    status_codes: pd.DataFrame
    callers: pd.DataFrame
    versions: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    freq: str = "h"

    def latency_at(self, quantile: str) -> float:
        """``"p50"``, ``"p95"`` or ``"p99"`` latency in ms over all successful requests."""
        return float(getattr(self, f"latency_{quantile}"))


def _percentiles(values: np.ndarray) -> list[float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return [math.nan] * len(LATENCY_QUANTILES)
    return [float(v) for v in np.percentile(values, LATENCY_QUANTILES)]


def _requests_of(log_frame: pd.DataFrame) -> pd.DataFrame:
    """One row per request: the rows of one logged request share their ``log_line``."""
    if "log_line" not in log_frame.columns:
        return log_frame
    line = log_frame["log_line"]
    return log_frame[(line.isna() | ~line.duplicated()).to_numpy()]


def _traffic(requests: pd.DataFrame, periods: pd.Series) -> pd.DataFrame:
    classes = (requests["status"].astype(int) // 100).astype(str) + "xx"
    table = pd.crosstab(periods.to_numpy(), classes.to_numpy())
    for name in ("2xx", "4xx", "5xx"):
        if name not in table.columns:
            table[name] = 0
    ordered = ["2xx", "4xx", "5xx", *sorted(set(table.columns) - {"2xx", "4xx", "5xx"})]
    table = table[ordered]
    table["total"] = table.sum(axis=1)
    table = table.rename_axis(index="period", columns=None).reset_index()
    table["period"] = pd.to_datetime(table["period"], utc=True)
    return table


def _latency_table(ok: pd.DataFrame, periods: pd.Series) -> pd.DataFrame:
    rows = []
    for period, part in ok.groupby(periods.to_numpy(), sort=True):
        p50, p95, p99 = _percentiles(part["latency_ms"].to_numpy(dtype=float))
        rows.append({"period": period, "requests": len(part), "p50": p50, "p95": p95, "p99": p99})
    table = pd.DataFrame(rows, columns=["period", "requests", "p50", "p95", "p99"])
    table["period"] = pd.to_datetime(table["period"], utc=True)
    return table


def _callers_table(requests: pd.DataFrame, success: pd.Series) -> pd.DataFrame:
    caller = requests["caller"].fillna(UNKNOWN_CALLER).astype(str)
    rows = []
    for name, part in requests.groupby(caller.to_numpy(), sort=True):
        ok = success.loc[part.index]
        count = len(part)
        errors = int((~ok).sum())
        p95 = _percentiles(part.loc[ok, "latency_ms"].to_numpy(dtype=float))[1]
        rows.append(
            {
                "caller": name,
                "requests": count,
                "errors": errors,
                "error_rate": errors / count,
                "p95_latency_ms": p95,
            }
        )
    table = pd.DataFrame(
        rows, columns=["caller", "requests", "errors", "error_rate", "p95_latency_ms"]
    )
    return table.sort_values(["requests", "caller"], ascending=[False, True], ignore_index=True)


def _versions_table(requests: pd.DataFrame) -> pd.DataFrame:
    version = requests["model_version"].fillna("(unknown)").astype(str)
    table = (
        requests.groupby(version.to_numpy(), sort=True)["time"]
        .agg(requests="size", first_seen="min", last_seen="max")
        .rename_axis("model_version")
        .reset_index()
    )
    return table.sort_values("first_seen", ignore_index=True)


def service_health(log_frame: pd.DataFrame, *, freq: str = "h") -> ServiceHealth:
    """Requests by status class, latency percentiles (numpy's), errors, callers and versions.

    Rows of one logged request count once. Latency percentiles use successful requests
    only: a refused request answers fast and would flatter the service.
    """
    frame = _check_frame(log_frame, "log_frame")
    for column in ("time", "status"):
        _require_column(frame, column, "log_frame")
    requests = _requests_of(frame).copy()
    if requests.empty:
        raise MonitorError(MSG_NO_REQUESTS, field="log_frame")
    for column, default in (("latency_ms", math.nan), ("caller", None), ("model_version", None)):
        if column not in requests.columns:
            requests[column] = default
    requests["time"] = _times_of(requests, "time", "log_frame")
    periods = _periods(requests["time"], freq)
    success = _is_success(requests["status"])
    ok = requests[success.to_numpy()]
    p50, p95, p99 = _percentiles(ok["latency_ms"].to_numpy(dtype=float))
    codes = requests["status"].astype(int).value_counts().sort_index()
    status_codes = pd.DataFrame(
        {"status": codes.index.astype(int), "requests": codes.to_numpy(dtype=np.int64)}
    )
    status_codes["share"] = status_codes["requests"] / len(requests)
    errors = int((~success).sum())
    return ServiceHealth(
        requests=len(requests),
        errors=errors,
        server_errors=int((requests["status"].astype(int) >= 500).sum()),
        error_rate=errors / len(requests),
        latency_p50=p50,
        latency_p95=p95,
        latency_p99=p99,
        traffic=_traffic(requests, periods),
        latency=_latency_table(ok, periods[success.to_numpy()]),
        status_codes=status_codes,
        callers=_callers_table(requests, success),
        versions=_versions_table(requests),
        start=requests["time"].min(),
        end=requests["time"].max(),
        freq=freq,
    )


# --- alerts --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AlertRule:
    """When to raise an alert.

    drift: a column's PSI above ``threshold`` with its test agreeing (``column`` None = any);
    metric: the latest period's ``metric`` worse than ``threshold`` (below it, or above for
    error metrics such as mae); kpi: the latest realised value per month below ``threshold``;
    latency: the ``metric`` ("p50", "p95", "p99"; default p95) above ``threshold`` ms;
    error_rate: the share of failed requests above ``threshold``.
    """

    kind: AlertKind
    threshold: float
    column: str | None = None
    metric: str | None = None
    severity: AlertSeverity = "warning"


@dataclasses.dataclass(frozen=True)
class Alert:
    """One fired rule, said plainly with the numbers behind it."""

    kind: AlertKind
    severity: AlertSeverity
    message: str
    value: float
    threshold: float
    column: str | None = None
    period: pd.Timestamp | None = None


_LATENCY_METRICS = tuple(f"p{q}" for q in LATENCY_QUANTILES)


def _check_rule(rule: Any) -> AlertRule:
    if not isinstance(rule, AlertRule) or rule.kind not in ALERT_KINDS:
        kind = getattr(rule, "kind", rule)
        raise MonitorError(
            MSG_RULE_KIND.format(choices=", ".join(ALERT_KINDS), value=kind), field="rules"
        )
    threshold = rule.threshold
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, numbers.Real)
        or not math.isfinite(threshold)
    ):
        raise MonitorError(MSG_RULE_THRESHOLD.format(value=threshold), field="rules")
    if rule.severity not in ("warning", "critical"):
        raise MonitorError(MSG_RULE_SEVERITY.format(value=rule.severity), field="rules")
    if rule.kind == "metric" and not rule.metric:
        raise MonitorError(
            MSG_RULE_METRIC.format(choices=", ".join(PERFORMANCE_METRICS)), field="rules"
        )
    if rule.kind == "latency" and (rule.metric or "p95") not in _LATENCY_METRICS:
        raise MonitorError(
            MSG_RULE_LATENCY.format(choices=", ".join(_LATENCY_METRICS), value=rule.metric),
            field="rules",
        )
    return rule


def _drift_alerts(rule: AlertRule, report: DriftReport) -> list[Alert]:
    alerts = []
    for item in report.columns:
        if rule.column is not None and item.column != rule.column:
            continue
        if item.status in ("too few rows", "missing column") or not item.psi > rule.threshold:
            continue
        if math.isfinite(item.p_value) and item.p_value >= report.p_value:
            continue  # a large PSI the test cannot tell from chance
        test = {"ks": "KS test", "chi2": "chi-square test"}.get(item.test or "", "")
        evidence = f"{test} {_p_text(item.p_value)}" if test else "no test possible"
        message = ALERT_DRIFT.format(
            column=item.column, not_input=" (not a model input)" if item.role == "other" else "",
            psi=item.psi, threshold=rule.threshold, evidence=evidence,
        )  # fmt: skip
        alerts.append(
            Alert("drift", rule.severity, message, item.psi, rule.threshold, column=item.column)
        )
    return alerts


def _latest(table: pd.DataFrame, column: str) -> tuple[float, pd.Timestamp] | None:
    if column not in table.columns or "period" not in table.columns:
        return None
    values = pd.to_numeric(table[column], errors="coerce")
    known = table[values.notna().to_numpy() & np.isfinite(values.to_numpy(dtype=float))]
    if known.empty:
        return None
    last = known.sort_values("period").iloc[-1]
    return float(last[column]), last["period"]


def _format_metric(metric: str, value: float) -> str:
    known = find_metric(metric)
    if known is not None and known.bounds == (0.0, 1.0):
        return f"{value:.3f}"
    return _num(value)


def _metric_alert(rule: AlertRule, performance: pd.DataFrame) -> list[Alert]:
    metric = canonical_name(str(rule.metric))  # expected_value is the value_per_month column
    latest = _latest(performance, metric)
    if latest is None:
        return []
    value, period = latest
    higher_better = higher_is_better(metric)
    worse = value < rule.threshold if higher_better else value > rule.threshold
    if not worse:
        return []
    message = ALERT_METRIC.format(
        label=metric_label(metric),
        value=_format_metric(metric, value),
        period=_period_text(period),
        relation="below" if higher_better else "above",
        bound="minimum" if higher_better else "maximum",
        threshold=_format_metric(metric, rule.threshold),
    )
    return [Alert("metric", rule.severity, message, value, rule.threshold, period=period)]


def _kpi_alert(
    rule: AlertRule, performance: pd.DataFrame | None, kpi: float | None, currency: str | None
) -> list[Alert]:
    period = None
    if kpi is not None:
        if isinstance(kpi, bool) or not isinstance(kpi, numbers.Real) or not math.isfinite(kpi):
            raise MonitorError(MSG_KPI.format(value=kpi), field="kpi")
        value = float(kpi)
    else:
        latest = None if performance is None else _latest(performance, "value_per_month")
        if latest is None:
            return []
        value, period = latest
    if not value < rule.threshold:
        return []
    where = "" if period is None else f" in the period starting {_period_text(period)}"
    message = ALERT_KPI.format(
        value=format_money(value, currency),
        period=where,
        threshold=format_money(rule.threshold, currency),
    )
    return [Alert("kpi", rule.severity, message, value, rule.threshold, period=period)]


def _health_alert(rule: AlertRule, health: ServiceHealth) -> list[Alert]:
    if rule.kind == "latency":
        metric = rule.metric or "p95"
        value = health.latency_at(metric)
        if not value > rule.threshold:
            return []
        message = ALERT_LATENCY.format(metric=metric, value=value, threshold=rule.threshold)
        return [Alert("latency", rule.severity, message, value, rule.threshold)]
    value = health.error_rate
    if not value > rule.threshold:
        return []
    message = ALERT_ERROR_RATE.format(
        value=_pct(value),
        errors=health.errors,
        requests=health.requests,
        threshold=_pct(rule.threshold),
    )
    return [Alert("error_rate", rule.severity, message, value, rule.threshold)]


@dataclasses.dataclass(frozen=True)
class UncheckedRule:
    """A rule that could not be evaluated on what is known, and why (shown, never swallowed)."""

    rule: AlertRule
    why: str

    def describe(self) -> str:
        return describe_rule(self.rule)


@dataclasses.dataclass(frozen=True)
class AlertCheck:
    """Every rule either evaluated (its alerts, if it fired) or listed in ``unchecked``."""

    alerts: tuple[Alert, ...]
    unchecked: tuple[UncheckedRule, ...]


def describe_rule(rule: AlertRule) -> str:
    """The rule in words, e.g. "ROC AUC below 0.800" or "PSI above 0.2 on any column"."""
    if rule.kind == "drift":
        where = "any column" if rule.column is None else repr(rule.column)
        return f"PSI above {rule.threshold:g} on {where}"
    if rule.kind == "metric":
        metric = canonical_name(str(rule.metric))
        relation = "below" if higher_is_better(metric) else "above"
        label = metric_label(metric)
        return f"live {label} {relation} {_format_metric(metric, rule.threshold)}"
    if rule.kind == "kpi":
        return f"realised value per month below {format_money(rule.threshold, None)}"
    if rule.kind == "latency":
        return f"latency {rule.metric or 'p95'} above {rule.threshold:,.0f} ms"
    return f"failed requests above {_pct(rule.threshold)}"


WHY_NO_DRIFT = "drift was not measured on the latest batch"
WHY_DRIFT_COLUMN = "{column!r} is not among the monitored columns ({columns})"
WHY_DRIFT_ROWS = "drift needs at least {minimum:,} rows on each side; the {side} has {rows:,}"
WHY_DRIFT_MISSING = "{column!r} is missing from the reference or the latest batch"
WHY_NO_OUTCOMES = "no outcomes joined yet: the live {label} needs the true labels"
WHY_METRIC_UNKNOWN = "{metric!r} is not measured for this model; measured: {measured}"
WHY_METRIC_EMPTY = "no period has a {label} yet (too few labelled rows, or a single class)"
WHY_NO_VALUE_OUTCOMES = "no outcomes joined yet: the realised value per month needs the true labels"
WHY_NO_VALUE = (
    "the realised value per month is not known: the goal needs a payoff matrix (or error "
    "cost) and a volume per month"
)
WHY_NO_HEALTH = (
    "no service log imported: latency and failed requests come from the bundle service's "
    "prediction log (a batch-scored file has neither)"
)
WHY_NO_LATENCY = "no answered request carries a latency"


def _drift_unchecked(rule: AlertRule, report: DriftReport | None) -> str | None:
    if report is None:
        return WHY_NO_DRIFT
    names = [c.column for c in report.columns]
    if rule.column is not None and rule.column not in names:
        return WHY_DRIFT_COLUMN.format(column=rule.column, columns=", ".join(names) or "none")
    items = [c for c in report.columns if rule.column is None or c.column == rule.column]
    if items and all(c.status == "too few rows" for c in items):
        low = report.reference_rows < report.min_rows
        side, rows = (
            ("reference", report.reference_rows) if low else ("latest batch", report.current_rows)
        )
        return WHY_DRIFT_ROWS.format(minimum=report.min_rows, side=side, rows=rows)
    if rule.column is not None and items[0].status == "missing column":
        found = (
            f.message
            for f in report.findings
            if f.code == "missing_column" and f.column == rule.column
        )
        return next(found, WHY_DRIFT_MISSING.format(column=rule.column))
    return None


def _metric_unchecked(rule: AlertRule, performance: pd.DataFrame | None) -> str | None:
    metric = canonical_name(str(rule.metric))
    label = metric_label(metric)
    if performance is None or performance.empty:
        return WHY_NO_OUTCOMES.format(label=label)
    if metric not in performance.columns:
        measured = [c for c in performance.columns if c in PERFORMANCE_METRICS]
        return WHY_METRIC_UNKNOWN.format(metric=metric, measured=", ".join(measured) or "none")
    if _latest(performance, metric) is None:
        return WHY_METRIC_EMPTY.format(label=label)
    return None


def _kpi_unchecked(performance: pd.DataFrame | None, kpi: float | None) -> str | None:
    if kpi is not None:
        return None
    if performance is None or performance.empty:
        return WHY_NO_VALUE_OUTCOMES
    if _latest(performance, "value_per_month") is None:
        return WHY_NO_VALUE
    return None


def _health_unchecked(rule: AlertRule, health: ServiceHealth | None) -> str | None:
    if health is None or health.requests == 0:
        return WHY_NO_HEALTH
    if rule.kind == "latency" and not math.isfinite(health.latency_at(rule.metric or "p95")):
        return WHY_NO_LATENCY
    return None


def check_alerts(
    rules: Sequence[AlertRule],
    *,
    drift: DriftReport | None = None,
    performance: pd.DataFrame | None = None,
    health: ServiceHealth | None = None,
    kpi: float | None = None,
    currency: str | None = None,
) -> AlertCheck:
    """Evaluate each rule on what is known; a rule without its input is listed with why.

    ``kpi`` is a realised value per month measured elsewhere; without it the kpi rule reads
    the latest ``value_per_month`` of ``performance``.
    """
    alerts: list[Alert] = []
    unchecked: list[UncheckedRule] = []
    for rule in (_check_rule(r) for r in rules):
        if rule.kind == "drift":
            why = _drift_unchecked(rule, drift)
        elif rule.kind == "metric":
            why = _metric_unchecked(rule, performance)
        elif rule.kind == "kpi":
            why = _kpi_unchecked(performance, kpi)
        else:
            why = _health_unchecked(rule, health)
        if why is not None:
            unchecked.append(UncheckedRule(rule, why))
        elif rule.kind == "drift" and drift is not None:
            alerts += _drift_alerts(rule, drift)
        elif rule.kind == "metric" and performance is not None:
            alerts += _metric_alert(rule, performance)
        elif rule.kind == "kpi":
            alerts += _kpi_alert(rule, performance, kpi, currency)
        elif health is not None:
            alerts += _health_alert(rule, health)
    return AlertCheck(tuple(alerts), tuple(unchecked))


def evaluate_alerts(
    rules: Sequence[AlertRule],
    *,
    drift: DriftReport | None = None,
    performance: pd.DataFrame | None = None,
    health: ServiceHealth | None = None,
    kpi: float | None = None,
    currency: str | None = None,
) -> list[Alert]:
    """The alerts of ``check_alerts`` alone (which also says which rules could not be checked)."""
    check = check_alerts(
        rules, drift=drift, performance=performance, health=health, kpi=kpi, currency=currency
    )
    return list(check.alerts)


def default_rules(goal: Goal | None = None, metric: str | None = None) -> list[AlertRule]:
    """The rules a goal implies: drift, its minimum metric, its promised money, latency, errors.

    Always: PSI above 0.2 on any column, more than 5 % failed requests. From the goal, when
    set: ``metric`` (default the goal's) below ``requirements.min_metric_to_ship`` (only
    for metrics performance_over_time measures), realised value per month below what
    ``assumed_roi(goal)`` promises (needs the payoff or error cost), p95 latency above
    ``requirements.max_latency_ms``.
    """
    rules = [AlertRule("drift", DEFAULT_PSI_ALERT)]
    if goal is not None:
        name = canonical_name(metric or goal.metric or "")
        minimum = goal.requirements.min_metric_to_ship
        if minimum is not None and name in PERFORMANCE_METRICS:
            rules.append(AlertRule("metric", minimum, metric=name, severity="critical"))
        roi = assumed_roi(goal)
        if roi is not None and (goal.payoff is not None or goal.error_cost is not None):
            rules.append(AlertRule("kpi", roi.model_value_per_month, severity="critical"))
        if goal.requirements.max_latency_ms is not None:
            rules.append(AlertRule("latency", goal.requirements.max_latency_ms, metric="p95"))
    rules.append(AlertRule("error_rate", DEFAULT_ERROR_RATE, severity="critical"))
    return rules
