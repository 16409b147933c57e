"""One metric, one name and label everywhere: goal, train, evaluate, monitor and fairness."""

from __future__ import annotations

import pandas as pd
import pytest

from core import evaluate, fairness, monitor, train
from core.goal import (
    KNOWN_METRICS,
    METRIC_EXPLANATIONS,
    Goal,
    PayoffMatrix,
    Requirements,
    goal_from_dict,
    goal_metrics,
)
from core.metrics import (
    ALIASES,
    METRICS,
    canonical_name,
    find_metric,
    get_metric,
    metric_label,
    stored_name,
)


def _names_used() -> dict[str, tuple[str, ...]]:
    return {
        "business goal choices": tuple(KNOWN_METRICS),
        "business explanations": tuple(METRIC_EXPLANATIONS),
        "train leaderboard": tuple(train.METRICS),
        "monitor alert rules": tuple(monitor.PERFORMANCE_METRICS),
    }


@pytest.mark.parametrize("where", list(_names_used()))
def test_every_metric_name_is_a_registry_name_or_documented_alias(where) -> None:
    unknown = [n for n in _names_used()[where] if n not in METRICS and n not in ALIASES]
    assert unknown == [], f"{where} uses metric names the registry does not know: {unknown}"


def test_the_goal_offers_exactly_the_metrics_train_can_rank_by() -> None:
    for task in ("binary", "multiclass", "regression"):
        offered = set(goal_metrics(task))
        rankable = {n for n, m in train.METRICS.items() if task in m.tasks}
        if task == "multiclass":  # value per month falls back to F1 for multiclass in train
            rankable.add("expected_value")
        assert offered == rankable, task


def test_every_goal_metric_has_an_explanation_and_the_registry_label() -> None:
    for name in KNOWN_METRICS:
        assert METRIC_EXPLANATIONS[name]
        assert metric_label(name) == get_metric(name).label


def _goal(metric: str, task: str = "binary") -> dict:
    data = {"name": "G", "problem": "P", "task": task, "metric": metric}
    return data


@pytest.mark.parametrize(
    ("given", "task", "stored"),
    [
        ("f1_macro", "multiclass", "f1"),
        ("value_per_month", "binary", "expected_value"),
        ("expected_value", "regression", "expected_value"),
        ("roc_auc", "binary", "roc_auc"),
    ],
)
def test_a_goal_accepts_registry_names_and_aliases_and_stores_the_train_name(
    given, task, stored
) -> None:
    goal = goal_from_dict(_goal(given, task), draft=True)
    assert goal.metric == stored
    assert stored_name(given) == stored
    assert canonical_name(stored) == canonical_name(given)


@pytest.mark.parametrize(
    ("given", "stored"), [("f1_macro", "f1"), ("value_per_month", "expected_value")]
)
def test_train_settings_accept_the_same_aliases(given, stored) -> None:
    settings = train.TrainSettings(models=("logreg",), metric=given)
    assert settings.metric == stored
    assert train.TrainSettings.from_stored(settings.stored()).metric == stored


@pytest.fixture
def performance() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2025-01-06", "2025-01-13"], utc=True),
            "rows": [100, 100],
            "f1": [0.8, 0.55],
            "value_per_month": [30_000.0, 12_500.0],
        }
    )


@pytest.mark.parametrize(
    ("name", "label"), [("expected_value", "Value per month"), ("f1_macro", "F1")]
)
def test_a_monitor_rule_named_with_an_alias_is_checked(performance, name, label) -> None:
    threshold = 20_000 if name == "expected_value" else 0.6
    (alert,) = monitor.evaluate_alerts(
        [monitor.AlertRule("metric", threshold, metric=name)], performance=performance
    )
    assert alert.message.startswith(f"{label} is ")


def test_a_goal_ranked_by_value_gets_its_minimum_as_an_alert_rule() -> None:
    goal = Goal(
        name="G", problem="P", task="binary", metric="expected_value",
        requirements=Requirements(min_metric_to_ship=5_000),
    )  # fmt: skip
    rules = [r for r in monitor.default_rules(goal) if r.kind == "metric"]
    assert rules == [
        monitor.AlertRule("metric", 5_000, metric="value_per_month", severity="critical")
    ]


def test_fairness_labels_of_registry_metrics_are_the_registry_labels() -> None:
    shared = [n for n in fairness.METRIC_LABELS if find_metric(n) is not None]
    assert set(shared) >= {"precision", "accuracy", "value_per_month", "mae", "rmse", "bias"}
    for name in shared:
        assert fairness.METRIC_LABELS[name] == get_metric(name).label


def test_an_evaluation_answers_to_the_names_a_goal_may_use() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    y = rng.choice(["a", "b", "c"], size=120)
    proba = rng.dirichlet(np.ones(3), size=120)
    result = evaluate.evaluate_classification(y, proba, ["a", "b", "c"], bootstrap=0)
    assert result.metric("f1_macro") is result.metric("f1")
    money = evaluate.evaluate_classification(
        (y == "a").astype(int), proba[:, 0], [0, 1], bootstrap=0,
        payoff=PayoffMatrix(tp=10, fp=-1, fn=-5, tn=0), volume_per_month=1_000,
    )  # fmt: skip
    assert money.metric("expected_value") is money.metric("value_per_month")
