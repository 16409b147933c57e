"""A simulated production log for the demo: months of requests, a drifting column, outcomes.

Draws rows from a labelled frame month by month, changes one column from
``drift_from_month`` on (numbers scaled and shifted, or categories redrawn to new shares)
and lets the model score them through the ``score`` callable the caller passes, so this
module never loads a model. From the drift on, the drifted column's relation to the target
changes too: a drifted row's true label flips with a probability that grows with the
column (its percentile in the month for numbers; a row moved to another category for
categories), so accuracy visibly drops. The log is written line for line as the bundle's
serve.py writes it (plus ``"simulated": true``, so it never passes for production), with
lognormal latencies, two API-key callers and a few refused requests (422 with a missing
field, 401 from an unknown client address).

Deterministic: the same inputs and seed give the same bytes. Pure Python: no Streamlit,
no storage.

    sim = simulate_production_log(churn, scorer, start=datetime(2025, 1, 1, tzinfo=UTC),
                                  drift_column="monthly_charges", drift=DriftSpec(scale=1.5),
                                  target="churned", id_column="customer_id", positive="Yes")
    log = parse_prediction_log(sim.log_text, feature_columns=features)
    joined = join_outcomes(log.frame, sim.outcomes, id_column="customer_id",
                           target="churned", prediction_id="request_id")
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from core.coerce import class_label
from core.monitor.common import MonitorError, _check_frame, _id_text, _whole

__all__ = ["SIMULATED_KEY", "DriftSpec", "Scorer", "SimulatedLog", "simulate_production_log"]

Scorer = Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray | None]]
DriftFunction = Callable[[pd.DataFrame, np.random.Generator], pd.DataFrame]

CALLERS = ("crm", "billing")
CALLER_SHARES = (0.7, 0.3)
UNKNOWN_CLIENT = "10.0.0.7"
LATENCY_MEDIAN_MS = 28.0
LATENCY_SIGMA = 0.45
REFUSED_LATENCY_MEDIAN_MS = 3.0
REFUSED_SHARE = 0.01  # of all requests: mostly 422 (a field missing), some 401 (no API key)
UNAUTHORIZED_SHARE = 0.25  # of the refused requests
FLIP_MAX = 0.5  # a drifted numeric row at the month's top percentile flips this often
FLIP_MOVED = 0.5  # a row moved to another category flips this often
MISSING_FIELD_MSG = "rows[0]: field {field!r} is missing; every row needs {count} fields: {names}"
UNAUTHORIZED_MSG = "a valid X-API-Key header is required"
#: Every simulated line says so (after serve.py's keys), so an import can flag the batch.
SIMULATED_KEY = "simulated"
_REQUEST_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

MSG_COLUMN = "frame has no {what} column {column!r}"
MSG_DRIFT_MONTH = "drift_from_month must be between 1 and months ({months}), got {value!r}"
MSG_START = "start must be a date and time, got {value!r}"
MSG_CLASSES = "the target {target!r} needs at least two classes; found {found}"
MSG_POSITIVE = "positive {positive!r} is not a class of {target!r}: {classes}"
MSG_DRIFT_SPEC = (
    "{column!r} holds categories: describe its drift with DriftSpec(shares={{category: share}})"
)
MSG_SHARES = "DriftSpec.shares must map categories to shares that add up to more than 0"
MSG_DRIFT = "drift must be a DriftSpec or a function (rows, rng) -> rows, got {type}"
MSG_DRIFT_RESULT = "the drift function must return the {rows:,} rows it was given, got {got}"
MSG_SCORE = (
    "score must return (predictions, probabilities) with one prediction per row "
    "({rows:,}); got {got}"
)
MSG_PROBABILITIES = (
    "score returned probabilities of shape {shape}; give one per row (binary), or one "
    "column per class together with classes="
)


@dataclasses.dataclass(frozen=True)
class DriftSpec:
    """How the drifted column changes: numbers become value·scale + shift; categories are
    redrawn so that ``shares`` (category → share, normalised) holds."""

    scale: float = 1.0
    shift: float = 0.0
    shares: Mapping[str, float] | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class SimulatedLog:
    """The log text and the true outcomes (``id_column`` holds each answered request's id)."""

    log_text: str
    outcomes: pd.DataFrame
    requests: int
    refused: int
    start: pd.Timestamp
    drift_start: pd.Timestamp
    end: pd.Timestamp


# --- checks --------------------------------------------------------------------------------


def _utc(value: Any) -> pd.Timestamp:
    if not isinstance(value, datetime):
        raise MonitorError(MSG_START.format(value=value), field="start")
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _classes(labels: pd.Series, target: str, positive: Any) -> list[str]:
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise MonitorError(MSG_CLASSES.format(target=target, found=classes), field="target")
    if class_label(positive) not in classes:
        raise MonitorError(
            MSG_POSITIVE.format(positive=positive, target=target, classes=classes),
            field="positive",
        )
    return classes


# --- drift ---------------------------------------------------------------------------------


def _numeric(series: pd.Series) -> bool:
    return ptypes.is_numeric_dtype(series) and not ptypes.is_bool_dtype(series)


def _drift_numbers(values: pd.Series, spec: DriftSpec) -> pd.Series:
    moved = values.astype(float) * spec.scale + spec.shift
    if ptypes.is_integer_dtype(values):
        return moved.round()
    return moved


def _drift_categories(
    values: pd.Series, spec: DriftSpec, rng: np.random.Generator, column: str
) -> pd.Series:
    shares = spec.shares
    if not shares:
        raise MonitorError(MSG_DRIFT_SPEC.format(column=column), field="drift")
    names = list(shares)
    weights = np.array([float(shares[n]) for n in names])
    if not np.all(np.isfinite(weights)) or (weights < 0).any() or weights.sum() <= 0:
        raise MonitorError(MSG_SHARES, field="drift")
    drawn = rng.choice(np.array(names, dtype=object), size=len(values), p=weights / weights.sum())
    return pd.Series(drawn, index=values.index, dtype=object)


def _apply_drift(
    rows: pd.DataFrame, column: str, drift: DriftSpec | DriftFunction, rng: np.random.Generator
) -> pd.DataFrame:
    if isinstance(drift, DriftSpec):
        out = rows.copy()
        if _numeric(rows[column]):
            out[column] = _drift_numbers(rows[column], drift)
        else:
            out[column] = _drift_categories(rows[column], drift, rng, column)
        return out
    if not callable(drift):
        raise MonitorError(MSG_DRIFT.format(type=type(drift).__name__), field="drift")
    out = drift(rows.copy(), rng)
    if not isinstance(out, pd.DataFrame) or len(out) != len(rows):
        got = f"{len(out):,} rows" if isinstance(out, pd.DataFrame) else type(out).__name__
        raise MonitorError(MSG_DRIFT_RESULT.format(rows=len(rows), got=got), field="drift")
    return out.set_axis(rows.index)


def _flip_chance(before: pd.Series, after: pd.Series) -> np.ndarray:
    """Numbers: FLIP_MAX times the row's percentile in the month; categories: moved rows."""
    if _numeric(after):
        return FLIP_MAX * after.rank(pct=True).fillna(0.0).to_numpy()
    moved = _id_text(before) != _id_text(after)
    return np.where(moved.to_numpy(), FLIP_MOVED, 0.0)


def _flip(
    labels: np.ndarray, chance: np.ndarray, classes: list[str], rng: np.random.Generator
) -> np.ndarray:
    """Each label turns into another class with its chance (the next one, for two classes)."""
    draws = rng.random(labels.size)
    others = rng.integers(0, len(classes) - 1, labels.size)
    flipped = labels.copy()
    for i in np.flatnonzero(draws < chance):
        choices = [c for c in classes if c != labels[i]]
        flipped[i] = choices[others[i] % len(choices)]
    return flipped


# --- rows, times and scores ----------------------------------------------------------------


def _month_times(
    start: pd.Timestamp, month: int, count: int, rng: np.random.Generator
) -> pd.DatetimeIndex:
    begin = start + pd.DateOffset(months=month - 1)
    end = start + pd.DateOffset(months=month)
    offsets = np.sort(rng.random(count)) * (end - begin).total_seconds()
    return pd.DatetimeIndex(begin + pd.to_timedelta(np.round(offsets, 3), unit="s"))


@dataclasses.dataclass(frozen=True)
class _Setup:
    target: str
    id_column: str
    features: list[str]
    drift_column: str
    drift_from_month: int
    classes: list[str]


def _months(
    clean: pd.DataFrame,
    s: _Setup,
    start: pd.Timestamp,
    months: int,
    per_month: int,
    drift: DriftSpec | DriftFunction,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Every simulated row with its time and (possibly flipped) true label, in time order."""
    parts = []
    for month in range(1, months + 1):
        rows = clean.iloc[rng.integers(0, len(clean), per_month)].reset_index(drop=True)
        labels = _id_text(rows[s.target]).to_numpy(dtype=object)
        if month >= s.drift_from_month:
            drifted = _apply_drift(rows, s.drift_column, drift, rng)
            chance = _flip_chance(rows[s.drift_column], drifted[s.drift_column])
            labels = _flip(labels, chance, s.classes, rng)
            rows = drifted
        rows = rows.assign(
            _time=_month_times(start, month, per_month, rng), _truth=labels, _month=month
        )
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)


def _scores(
    score: Scorer, inputs: pd.DataFrame, classes: Sequence[str] | None
) -> tuple[list[str], list[Any] | None]:
    result = score(inputs)
    if not isinstance(result, tuple) or len(result) != 2:
        raise MonitorError(
            MSG_SCORE.format(rows=len(inputs), got=type(result).__name__), field="score"
        )
    predictions, probabilities = np.asarray(result[0], dtype=object), result[1]
    if predictions.shape != (len(inputs),):
        raise MonitorError(MSG_SCORE.format(rows=len(inputs), got=predictions.shape), field="score")
    labels = [class_label(p) for p in predictions]
    if probabilities is None:
        return labels, None
    p = np.asarray(probabilities, dtype=float)
    if p.shape == (len(inputs),):
        return labels, [float(v) for v in p]
    if p.ndim == 2 and p.shape[0] == len(inputs) and classes and p.shape[1] == len(classes):
        names = [class_label(c) for c in classes]
        return labels, [dict(zip(names, map(float, row), strict=True)) for row in p]
    raise MonitorError(MSG_PROBABILITIES.format(shape=p.shape), field="score")


def _json_inputs(inputs: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: missing values null, numpy numbers as Python numbers."""
    plain = inputs.astype(object).where(inputs.notna(), None)
    records = cast("list[dict[str, Any]]", plain.to_dict("records"))  # feature names are text
    return [{k: _plain(v) for k, v in row.items()} for row in records]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    return value


def _time_text(stamp: pd.Timestamp) -> str:
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _request_id(value: Any, number: int) -> str:
    text = _REQUEST_ID_UNSAFE.sub("_", class_label(value))[:50]
    return f"{text}.{number:06d}"


# --- the log lines -------------------------------------------------------------------------


def _line(record: dict[str, Any]) -> str:
    """Exactly as serve.py's PredictionLog.write serialises a record."""
    return json.dumps(record, ensure_ascii=False, default=str, separators=(",", ":"))


def _refused_record(
    request_id: str,
    time: str,
    row: dict[str, Any],
    features: list[str],
    unauthorized: bool,
    caller: str,
    latency: float,
    field_index: int,
    model_version: str,
) -> dict[str, Any]:
    problem: dict[str, Any]
    if unauthorized:
        status, caller, inputs = 401, UNKNOWN_CLIENT, None
        problem = {"loc": ["header", "X-API-Key"], "msg": UNAUTHORIZED_MSG, "type": "unauthorized"}
    else:
        field = features[field_index % len(features)]
        status, inputs = 422, [{k: v for k, v in row.items() if k != field}]
        message = MISSING_FIELD_MSG.format(
            field=field, count=len(features), names=", ".join(features)
        )
        problem = {
            "loc": ["body", "rows", 0, field],
            "msg": message,
            "type": "missing_field",
            "row": 0,
            "field": field,
        }
    return {
        "request_id": request_id,
        "time": time,
        "caller": caller,
        "status": status,
        "latency_ms": latency,
        "model_version": model_version,
        "rows": 0,
        "inputs": inputs,
        "outputs": None,
        "problems": [problem],
        SIMULATED_KEY: True,
    }


def _scored_record(
    request_id: str,
    time: str,
    row: dict[str, Any],
    caller: str,
    latency: float,
    prediction: str,
    probability: Any,
    model_version: str,
) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "time": time,
        "caller": caller,
        "status": 200,
        "latency_ms": latency,
        "model_version": model_version,
        "rows": 1,
        "inputs": [row],
        "outputs": {
            "predictions": [prediction],
            "probabilities": None if probability is None else [probability],
        },
        "problems": None,
        SIMULATED_KEY: True,
    }


def simulate_production_log(
    frame: pd.DataFrame,
    score: Scorer,
    *,
    start: datetime,
    months: int = 3,
    rows_per_month: int = 2000,
    drift_column: str,
    drift_from_month: int = 2,
    drift: DriftSpec | DriftFunction = DriftSpec(scale=1.5),
    seed: int = 0,
    target: str,
    id_column: str,
    positive: Any,
    feature_columns: Sequence[str] | None = None,
    classes: Sequence[str] | None = None,
    model_version: str = "1",
) -> SimulatedLog:
    """Months of single-row requests to a classifier, one column drifting from a month on.

    ``score(inputs)`` returns (predicted labels, positive-class probabilities or None; or a
    rows x classes matrix together with ``classes``). ``feature_columns`` defaults to every
    column but ``target`` and ``id_column``. Returns the JSON-lines text and the outcomes:
    ``id_column`` holds the answered request's ``request_id`` (the row's id plus a running
    number, as a client would send in X-Request-ID), ``target`` its true (possibly
    flipped) label.
    """
    frame = _check_frame(frame, "frame")
    for what, column in (("target", target), ("id", id_column), ("drift", drift_column)):
        if column not in frame.columns:
            raise MonitorError(MSG_COLUMN.format(what=what, column=column), field=f"{what}_column")
    months = _whole(months, "months", 1)
    per_month = _whole(rows_per_month, "rows_per_month", 1)
    if _whole(drift_from_month, "drift_from_month", 1) > months:
        raise MonitorError(
            MSG_DRIFT_MONTH.format(months=months, value=drift_from_month), field="drift_from_month"
        )
    begin = _utc(start)
    clean = frame[frame[target].notna()]
    features = list(feature_columns or [c for c in frame.columns if c not in (target, id_column)])
    for column in features:
        if column not in frame.columns:
            raise MonitorError(
                MSG_COLUMN.format(what="feature", column=column), field="feature_columns"
            )
    setup = _Setup(
        target=target,
        id_column=id_column,
        features=features,
        drift_column=drift_column,
        drift_from_month=drift_from_month,
        classes=_classes(_id_text(clean[target]).dropna(), target, positive),
    )
    rng = np.random.default_rng(seed)
    rows = _months(clean, setup, begin, months, per_month, drift, rng)
    return _write(rows, setup, score, classes, model_version, rng, begin, months)


def _write(
    rows: pd.DataFrame,
    s: _Setup,
    score: Scorer,
    classes: Sequence[str] | None,
    model_version: str,
    rng: np.random.Generator,
    begin: pd.Timestamp,
    months: int,
) -> SimulatedLog:
    n = len(rows)
    refused = rng.random(n) < REFUSED_SHARE
    unauthorized = rng.random(n) < UNAUTHORIZED_SHARE
    field_index = rng.integers(0, max(len(s.features), 1), n)
    callers = rng.choice(np.array(CALLERS, dtype=object), size=n, p=CALLER_SHARES)
    latency = np.where(
        refused,
        rng.lognormal(math.log(REFUSED_LATENCY_MEDIAN_MS), 0.3, n),
        rng.lognormal(math.log(LATENCY_MEDIAN_MS), LATENCY_SIGMA, n),
    ).round(3)
    inputs = _json_inputs(rows[s.features])
    answered = np.flatnonzero(~refused)
    predictions, probabilities = _scores(score, rows.iloc[answered][s.features], classes)
    times = pd.DatetimeIndex(rows["_time"])
    lines, outcome_ids, outcome_labels = [], [], []
    answer = 0
    for i in range(n):
        request_id = _request_id(rows[s.id_column].iat[i], i + 1)
        time = _time_text(times[i])
        if refused[i]:
            record = _refused_record(
                request_id, time, inputs[i], s.features, bool(unauthorized[i]), callers[i],
                float(latency[i]), int(field_index[i]), model_version,
            )  # fmt: skip
        else:
            probability = None if probabilities is None else probabilities[answer]
            record = _scored_record(
                request_id, time, inputs[i], callers[i], float(latency[i]),
                predictions[answer], probability, model_version,
            )  # fmt: skip
            answer += 1
            outcome_ids.append(request_id)
            outcome_labels.append(rows["_truth"].iat[i])
        lines.append(_line(record))
    drift_start = begin + pd.DateOffset(months=s.drift_from_month - 1)
    return SimulatedLog(
        log_text="\n".join(lines) + "\n",
        outcomes=pd.DataFrame({s.id_column: outcome_ids, s.target: outcome_labels}),
        requests=n,
        refused=int(refused.sum()),
        start=begin,
        drift_start=pd.Timestamp(drift_start),
        end=pd.Timestamp(begin + pd.DateOffset(months=months)),
    )
