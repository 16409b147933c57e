"""The one metric registry: every place that names, labels or ranks a metric reads it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import evaluate, metrics, train
from core.metrics import HEADLINE_METRICS, METRICS, Metric, MetricError, get_metric


def test_value_per_month_is_one_metric_under_its_stored_alias() -> None:
    assert get_metric("expected_value") is get_metric("value_per_month")
    assert get_metric("expected_value").name == "value_per_month"
    assert metrics.canonical_name("expected_value") == "value_per_month"


def test_unknown_metric_names_the_known_ones() -> None:
    with pytest.raises(MetricError, match=r"f1_micro.*f1"):
        get_metric("f1_micro")
    assert metrics.find_metric("f1_micro") is None
    assert get_metric("f1_macro") is get_metric("f1")  # the name the Evaluate page once used


def _evaluated(task: str) -> tuple[evaluate.MetricWithCI, ...]:
    """The metrics evaluate computes for a task, on four hand-made rows."""
    if task == "regression":
        actual, predicted = [1.0, 2.0, 3.0, 4.0], [1.5, 2.0, 2.5, 4.5]
        return evaluate.evaluate_regression(actual, predicted, bootstrap=0).metrics
    if task == "binary":
        labels, scores = ["a", "b", "a", "b"], [0.2, 0.7, 0.4, 0.9]
        return evaluate.evaluate_classification(labels, scores, ["a", "b"], bootstrap=0).metrics
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2]])
    labels = ["a", "b", "c", "b"]
    return evaluate.evaluate_classification(labels, proba, ["a", "b", "c"], bootstrap=0).metrics


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_every_headline_metric_is_registered_and_computed_by_evaluate(task: str) -> None:
    computed = [m.name for m in _evaluated(task)]
    for name in HEADLINE_METRICS[task]:
        assert task in get_metric(name).tasks
        assert name in computed


def test_train_ranks_by_registry_metrics() -> None:
    for name, info in train.METRICS.items():
        assert isinstance(info, Metric) and info is get_metric(name) and info.ranks_models
    assert set(train.METRICS) >= {"expected_value", "roc_auc", "f1", "rmse"}


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_evaluate_computes_registry_metrics_under_their_labels(task: str) -> None:
    for metric in _evaluated(task):
        assert task in get_metric(metric.name).tasks
        assert metric.name == get_metric(metric.name).name  # the registry's name, no alias
        assert metric.label == get_metric(metric.name).label


def test_better_first_sorts_by_direction() -> None:
    assert metrics.better_first("log_loss", [0.3, 0.1, math.nan, 0.2]) == [1, 3, 0, 2]
    assert metrics.better_first("expected_value", [5.0, 9.0, 1.0]) == [1, 0, 2]
    assert all(m.name == n for n, m in METRICS.items())


def test_status_ranks_lower_is_better_metrics_like_train() -> None:
    from app.services import status

    assert not hasattr(status, "LOWER_IS_BETTER")  # the copy is gone: status reads the registry
    assert np.array_equal(metrics.better_first("rmse", [2.0, 1.0]), [1, 0])


def test_format_score_rounds_money_to_whole_units_and_scores_to_four_decimals() -> None:
    from core.metrics import format_score

    assert format_score("roc_auc", 0.80814) == "0.8081"
    assert format_score("expected_value", 83425.4) == "83,425"
    assert format_score("value_per_month", 950.4) == "950"
    assert format_score("rmse", 1234.5) == "1,234"
    assert format_score("roc_auc", None) == "—"
