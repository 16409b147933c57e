"""Alerts fire on what is known, stay quiet otherwise, and say so in a plain sentence."""

from __future__ import annotations

import pandas as pd
import pytest

from core.monitor import AlertRule, MonitorError, drift_report, evaluate_alerts, service_health
from core.monitor.alerts import MSG_KPI, MSG_RULE_KIND, MSG_RULE_METRIC


@pytest.fixture
def drift(frames):
    return drift_report(
        frames(seed=0),
        frames(seed=1, shift=1.0),
        columns=["income", "spend", "plan"],
        categorical=["plan"],
        prediction_column=None,
    )


@pytest.fixture
def performance() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-06", "2025-01-13"], utc=True),
            "rows": [500, 480],
            "roc_auc": [0.82, 0.64],
            "rmse": [10.0, 14.5],
            "value_per_month": [21_000.0, 12_500.0],
        }
    )


@pytest.fixture
def health():
    status = [200] * 90 + [422] * 6 + [500] * 4
    frame = pd.DataFrame(
        {
            "time": pd.Timestamp("2025-01-06T09:00Z"),
            "status": status,
            "latency_ms": [float(i) for i in range(100)],
            "caller": "crm",
            "model_version": "3",
        }
    )
    return service_health(frame)


def test_drift_fires_per_drifted_column_only(drift) -> None:
    (alert,) = evaluate_alerts([AlertRule("drift", 0.2)], drift=drift)
    assert (alert.kind, alert.column, alert.severity) == ("drift", "income", "warning")
    assert alert.value == drift.column("income").psi
    assert alert.message.startswith(
        f"Drift in income: PSI {alert.value:.2f} is above 0.2 (KS test p < 0.001"
    )
    assert evaluate_alerts([AlertRule("drift", 0.2, column="spend")], drift=drift) == []


def test_a_metric_below_the_goal_fires_on_the_latest_period(performance) -> None:
    (alert,) = evaluate_alerts(
        [AlertRule("metric", 0.75, metric="roc_auc")], performance=performance
    )
    assert alert.message == (
        "ROC AUC is 0.640 in the period starting 2025-01-13, below the minimum of 0.750."
    )
    assert (alert.value, alert.threshold) == (0.64, 0.75)
    assert alert.period == pd.Timestamp("2025-01-13", tz="UTC")
    assert (
        evaluate_alerts([AlertRule("metric", 0.6, metric="roc_auc")], performance=performance) == []
    )


def test_an_error_metric_fires_when_above_its_bound(performance) -> None:
    (alert,) = evaluate_alerts([AlertRule("metric", 12, metric="rmse")], performance=performance)
    assert "RMSE is 14.5" in alert.message and "above the maximum of 12" in alert.message


def test_realised_value_below_the_promise_fires(performance) -> None:
    rule = AlertRule("kpi", 20_000, severity="critical")
    (alert,) = evaluate_alerts([rule], performance=performance, currency="EUR")
    assert alert.severity == "critical"
    assert alert.message == (
        "Value per month is 12,500 EUR in the period starting 2025-01-13, below the "
        "20,000 EUR the business case promises."
    )
    assert evaluate_alerts([rule], performance=performance, kpi=25_000.0) == []


def test_latency_and_error_rate(health) -> None:
    rules = [AlertRule("latency", 50, metric="p95"), AlertRule("error_rate", 0.05)]
    latency, errors = evaluate_alerts(rules, health=health)
    assert (
        latency.message == f"Latency p95 is {health.latency_p95:,.0f} ms, above the limit of 50 ms."
    )
    assert errors.message == ("Error rate is 10 % (10 of 100 requests failed), above 5 %.")
    assert (
        evaluate_alerts([AlertRule("latency", 500), AlertRule("error_rate", 0.2)], health=health)
        == []
    )


def test_rules_without_their_input_stay_quiet() -> None:
    rules = [
        AlertRule("drift", 0.2),
        AlertRule("metric", 0.7, metric="roc_auc"),
        AlertRule("kpi", 1.0),
        AlertRule("latency", 1.0),
        AlertRule("error_rate", 0.0),
    ]
    assert evaluate_alerts(rules) == []


def test_a_metric_the_table_lacks_stays_quiet(performance) -> None:
    assert evaluate_alerts([AlertRule("metric", 0.9, metric="f1")], performance=performance) == []


def test_bad_rules_are_refused() -> None:
    with pytest.raises(MonitorError) as caught:
        evaluate_alerts([AlertRule("speed", 1.0)])  # type: ignore[arg-type]
    assert caught.value.message == MSG_RULE_KIND.format(
        choices="drift, metric, kpi, latency, error_rate", value="speed"
    )
    with pytest.raises(MonitorError) as caught:
        evaluate_alerts([AlertRule("metric", 0.7)])
    assert caught.value.message.startswith(MSG_RULE_METRIC.split(":")[0])


def test_a_realised_value_must_be_a_number() -> None:
    with pytest.raises(MonitorError) as caught:
        evaluate_alerts([AlertRule("kpi", 1.0)], kpi="lots")  # type: ignore[arg-type]
    assert caught.value.message == MSG_KPI.format(value="lots")
