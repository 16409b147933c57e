"""A rule that cannot be evaluated is reported with its reason, never silently skipped."""

from __future__ import annotations

import pandas as pd
import pytest

from core.monitor import AlertRule, check_alerts, drift_report, evaluate_alerts


@pytest.fixture
def drift(frames):  # type: ignore[no-untyped-def]
    return drift_report(
        frames(seed=0), frames(seed=1), columns=["income", "plan"], categorical=["plan"],
        prediction_column=None,
    )  # fmt: skip


def _why(check, kind: str) -> str:  # type: ignore[no-untyped-def]
    (item,) = [u for u in check.unchecked if u.rule.kind == kind]
    return item.why


def test_a_metric_rule_without_outcomes_is_reported_unchecked(drift) -> None:  # type: ignore[no-untyped-def]
    check = check_alerts([AlertRule("metric", 0.8, metric="roc_auc")], drift=drift)
    assert check.alerts == ()
    assert "outcome" in _why(check, "metric")
    assert "ROC AUC" in check.unchecked[0].describe()


def test_a_drift_rule_on_an_unknown_column_names_it(drift) -> None:  # type: ignore[no-untyped-def]
    check = check_alerts([AlertRule("drift", 0.2, column="salary")], drift=drift)
    why = _why(check, "drift")
    assert "'salary'" in why and "income" in why


def test_a_metric_the_performance_table_lacks_is_reported() -> None:
    performance = pd.DataFrame(
        {"period": pd.to_datetime(["2025-01-06"], utc=True), "rows": [500], "rmse": [3.0]}
    )
    check = check_alerts([AlertRule("metric", 0.8, metric="roc_auc")], performance=performance)
    assert "roc_auc" in _why(check, "metric") and "rmse" in _why(check, "metric")


@pytest.mark.parametrize("metric", ["bias", "rows", "actual_rate"])
def test_a_column_a_rule_cannot_bound_is_reported_not_evaluated(metric: str) -> None:
    # bias has no direction in core.metrics (closer to 0 is better) and rows/actual_rate are
    # no metrics: a rule on them used to fire as if they were minimums ("below the minimum").
    performance = pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-06"], utc=True),
            "rows": [500], "actual_rate": [0.2], "mae": [3.0], "bias": [-2.0],
        }
    )  # fmt: skip
    check = check_alerts([AlertRule("metric", 1000.0, metric=metric)], performance=performance)
    assert check.alerts == ()
    assert metric in _why(check, "metric") and "mae" in _why(check, "metric")


def test_kpi_latency_and_error_rules_without_their_inputs_are_reported() -> None:
    performance = pd.DataFrame(
        {"period": pd.to_datetime(["2025-01-06"], utc=True), "rows": [500], "roc_auc": [0.8]}
    )
    rules = [AlertRule("kpi", 1000.0), AlertRule("latency", 200.0), AlertRule("error_rate", 0.05)]
    check = check_alerts(rules, performance=performance)
    assert [u.rule.kind for u in check.unchecked] == ["kpi", "latency", "error_rate"]
    assert "value per month" in _why(check, "kpi")
    assert "service log" in _why(check, "latency")


def test_too_few_rows_for_drift_is_a_reason_not_silence(frames) -> None:  # type: ignore[no-untyped-def]
    small = drift_report(
        frames(seed=0), frames(rows=20, seed=1), columns=["income"], categorical=[],
        prediction_column=None,
    )  # fmt: skip
    assert "20" in _why(check_alerts([AlertRule("drift", 0.2)], drift=small), "drift")


def test_evaluated_rules_are_not_listed_and_evaluate_alerts_still_returns_the_alerts(
    drift,  # type: ignore[no-untyped-def]
) -> None:
    check = check_alerts([AlertRule("drift", 0.2)], drift=drift)
    assert check.unchecked == ()
    assert evaluate_alerts([AlertRule("drift", 0.2)], drift=drift) == list(check.alerts)
