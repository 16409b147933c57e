"""The simulated log is written exactly as the bundle's serve.py writes its log."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from core.monitor import SIMULATED_KEY, parse_prediction_log, simulate_production_log
from core.monitor.simulate import CALLERS, UNKNOWN_CLIENT

FEATURES = ["tenure_months", "monthly_charges", "contract"]
START = datetime(2025, 1, 1, tzinfo=UTC)

SERVE_KEYS = [
    "request_id",
    "time",
    "caller",
    "status",
    "latency_ms",
    "model_version",
    "rows",
    "inputs",
    "outputs",
    "problems",
]


@pytest.fixture(scope="module")
def simulated(churn, scorer):
    return simulate_production_log(
        churn,
        scorer,
        start=START,
        months=2,
        rows_per_month=600,
        drift_column="monthly_charges",
        target="churned",
        id_column="customer_id",
        positive="Yes",
    )


def test_every_line_has_serve_py_keys_in_order_and_says_it_is_simulated(simulated) -> None:
    records = [json.loads(line) for line in simulated.log_text.splitlines()]
    assert len(records) == simulated.requests == 1_200
    assert all(list(r) == [*SERVE_KEYS, SIMULATED_KEY] for r in records)
    assert all(r[SIMULATED_KEY] is True for r in records)
    assert simulated.log_text.endswith("\n")
    first = records[0]
    assert first["time"].endswith("Z") and len(first["time"]) == len("2025-01-01T00:00:00.000Z")
    assert list(first["inputs"][0]) == FEATURES
    assert set(first["outputs"]) == {"predictions", "probabilities"}


def test_traffic_looks_real(simulated) -> None:
    records = [json.loads(line) for line in simulated.log_text.splitlines()]
    refused = [r for r in records if r["status"] != 200]
    assert len(refused) == simulated.refused > 0
    assert {r["status"] for r in refused} <= {401, 422}
    assert all(r["outputs"] is None and r["problems"] for r in refused)
    callers = {r["caller"] for r in records if r["status"] == 200}
    assert callers == set(CALLERS)
    assert {r["caller"] for r in refused if r["status"] == 401} <= {UNKNOWN_CLIENT}
    assert {r["model_version"] for r in records} == {"1"}
    latencies = [r["latency_ms"] for r in records if r["status"] == 200]
    assert 15 < sorted(latencies)[len(latencies) // 2] < 45  # lognormal around 28 ms


def test_the_log_parses_cleanly_and_joins_every_outcome(simulated) -> None:
    log = parse_prediction_log(simulated.log_text, feature_columns=FEATURES)
    assert log.bad_count == 0
    assert log.start >= simulated.start and log.end < simulated.end
    scored = log.scored()
    assert len(scored) == len(simulated.outcomes) == simulated.requests - simulated.refused
    assert scored["request_id"].tolist() == simulated.outcomes["customer_id"].tolist()
