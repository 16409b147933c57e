"""The rules a goal implies."""

from __future__ import annotations

import pytest

from core.goal import Goal, PayoffMatrix, Requirements, RoiAssumptions, assumed_roi
from core.monitor import DEFAULT_ERROR_RATE, DEFAULT_PSI_ALERT, AlertRule, default_rules


@pytest.fixture
def goal() -> Goal:
    return Goal(
        name="Churn",
        problem="Customers leave",
        task="binary",
        positive_class="Yes",
        volume_per_month=7_000,
        expected_positive_rate=0.25,
        currency="EUR",
        metric="roc_auc",
        payoff=PayoffMatrix(tp=120, fp=-20, fn=-150, tn=0),
        requirements=Requirements(max_latency_ms=200, min_metric_to_ship=0.75),
        roi_assumptions=RoiAssumptions(model_precision=0.5, model_recall=0.6),
    )


def test_without_a_goal_drift_and_errors_are_watched() -> None:
    assert default_rules() == [
        AlertRule("drift", DEFAULT_PSI_ALERT),
        AlertRule("error_rate", DEFAULT_ERROR_RATE, severity="critical"),
    ]


def test_a_goal_adds_its_metric_money_and_latency(goal) -> None:
    rules = default_rules(goal)
    assert [r.kind for r in rules] == ["drift", "metric", "kpi", "latency", "error_rate"]
    assert rules[1] == AlertRule("metric", 0.75, metric="roc_auc", severity="critical")
    assert rules[2].threshold == pytest.approx(assumed_roi(goal).model_value_per_month)
    assert rules[3] == AlertRule("latency", 200, metric="p95")


def test_a_metric_that_is_not_measured_over_time_is_skipped(goal) -> None:
    kinds = [r.kind for r in default_rules(goal, metric="pr_auc")]
    assert "metric" not in kinds
    assert [r.metric for r in default_rules(goal, metric="recall") if r.kind == "metric"] == [
        "recall"
    ]


def test_no_promise_without_roi_assumptions(goal) -> None:
    plain = Goal(name="Churn", problem="Customers leave", payoff=goal.payoff)
    assert [r.kind for r in default_rules(plain)] == ["drift", "error_rate"]
