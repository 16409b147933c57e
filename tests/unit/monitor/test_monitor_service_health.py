"""Service health: traffic by status class, numpy's latency percentiles, callers, versions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.monitor import MonitorError, parse_prediction_log, service_health
from core.monitor.health import MSG_NO_REQUESTS


@pytest.fixture
def requests() -> pd.DataFrame:
    """60 requests over three hours: 50 answered, 6 refused (4xx), 4 failed (5xx)."""
    rng = np.random.default_rng(0)
    status = np.array([200] * 50 + [422] * 4 + [401] * 2 + [500] * 4)
    return pd.DataFrame(
        {
            "log_line": np.arange(1, 61),
            "time": pd.Timestamp("2025-01-06T09:00Z")
            + pd.to_timedelta(np.arange(60) * 3, unit="min"),
            "caller": np.where(np.arange(60) % 3 == 0, "billing", "crm"),
            "model_version": ["2"] * 20 + ["3"] * 40,
            "status": status,
            "latency_ms": np.where(status == 200, rng.lognormal(3, 0.5, 60), 2.0),
        }
    )


def test_latency_percentiles_equal_numpy_on_answered_requests(requests) -> None:
    health = service_health(requests)
    answered = requests.loc[requests["status"] == 200, "latency_ms"]
    expected = np.percentile(answered, [50, 95, 99])
    assert [health.latency_p50, health.latency_p95, health.latency_p99] == pytest.approx(expected)
    assert health.latency_at("p95") == health.latency_p95
    first_hour = answered[requests["time"] < pd.Timestamp("2025-01-06T10:00Z")]
    row = health.latency.iloc[0]
    assert row["requests"] == len(first_hour)
    assert row["p95"] == pytest.approx(np.percentile(first_hour, 95))


def test_traffic_is_counted_per_hour_and_status_class(requests) -> None:
    health = service_health(requests)
    assert health.traffic.columns.tolist() == ["period", "2xx", "4xx", "5xx", "total"]
    assert health.traffic["total"].tolist() == [20, 20, 20]
    assert health.traffic[["2xx", "4xx", "5xx"]].sum().tolist() == [50, 6, 4]
    assert (health.requests, health.errors, health.server_errors) == (60, 10, 4)
    assert health.error_rate == pytest.approx(10 / 60)


def test_status_codes_have_their_shares(requests) -> None:
    codes = service_health(requests).status_codes
    assert codes["status"].tolist() == [200, 401, 422, 500]
    assert codes["requests"].tolist() == [50, 2, 4, 4]
    assert codes["share"].sum() == pytest.approx(1.0)


def test_callers_and_versions(requests) -> None:
    health = service_health(requests)
    callers = health.callers.set_index("caller")
    assert callers.index.tolist() == ["crm", "billing"]  # busiest first
    assert callers["requests"].tolist() == [40, 20]
    billing = requests[requests["caller"] == "billing"]
    assert callers.loc["billing", "errors"] == int((billing["status"] != 200).sum())
    ok = billing.loc[billing["status"] == 200, "latency_ms"]
    assert callers.loc["billing", "p95_latency_ms"] == pytest.approx(np.percentile(ok, 95))
    versions = health.versions.set_index("model_version")
    assert versions["requests"].tolist() == [20, 40]
    assert versions.loc["3", "first_seen"] == requests["time"].iloc[20]
    assert versions.loc["3", "last_seen"] == requests["time"].iloc[-1]


def test_rows_of_one_request_count_once(log_line) -> None:
    outputs = {"predictions": ["Yes", "No", "No"], "probabilities": [0.9, 0.1, 0.2]}
    text = "\n".join([log_line(outputs=outputs, rows=3), log_line(status=500, outputs=None)])
    log = parse_prediction_log(text, feature_columns=[])
    health = service_health(log.frame)
    assert (log.rows, health.requests, health.errors) == (4, 2, 1)


def test_an_empty_log_has_no_health(requests) -> None:
    with pytest.raises(MonitorError, match=MSG_NO_REQUESTS):
        service_health(requests.iloc[:0])
