"""Evaluate figures build on 100k rows from aggregated or sampled data (<= 5,000 points)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from core.evaluate import EvaluateError, evaluate_classification, evaluate_regression
from core.evaluate.error_figures import error_distribution_figure, residuals_figure
from core.evaluate.figures import (
    MAX_FIGURE_POINTS,
    calibration_figure,
    confusion_figure,
    gains_figure,
    pr_figure,
    profit_curve_figure,
    roc_figure,
)
from core.goal import PayoffMatrix

ROWS = 100_000


def points(fig: go.Figure) -> int:
    total = 0
    for trace in fig.data:
        if getattr(trace, "z", None) is not None:
            total += int(np.size(trace.z))
        elif getattr(trace, "x", None) is not None:
            total += len(trace.x)
    return total


def transparent(fig: go.Figure) -> bool:
    return (
        fig.layout.paper_bgcolor == "rgba(0,0,0,0)" and fig.layout.plot_bgcolor == "rgba(0,0,0,0)"
    )


@pytest.fixture(scope="module")
def binary_evaluation():
    rng = np.random.default_rng(0)
    positive = rng.random(ROWS) < 0.3
    score = np.clip(0.3 + 0.35 * (positive - 0.3) + rng.normal(0, 0.2, ROWS), 0, 1)
    return evaluate_classification(
        np.where(positive, "Yes", "No"),
        score,
        ("No", "Yes"),
        threshold=0.4,
        payoff=PayoffMatrix(tp=100, fp=-10, fn=-50, tn=0),
        volume_per_month=7_000,
        bootstrap=5,
    )


@pytest.fixture(scope="module")
def multiclass_evaluation():
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 4, ROWS)
    proba = rng.dirichlet(np.ones(4), ROWS)
    proba[np.arange(ROWS), codes] += 0.5
    proba /= proba.sum(axis=1, keepdims=True)
    return evaluate_classification(np.array(list("abcd"))[codes], proba, list("abcd"), bootstrap=5)


@pytest.fixture(scope="module")
def regression_evaluation():
    rng = np.random.default_rng(2)
    actual = rng.normal(100, 20, ROWS)
    return evaluate_regression(actual, actual + rng.normal(0, 10, ROWS), bootstrap=5)


def test_binary_figures_build_light(binary_evaluation) -> None:
    ev = binary_evaluation
    figures = [
        confusion_figure(ev),
        confusion_figure(ev, money=True, currency="EUR"),
        roc_figure(ev),
        pr_figure(ev),
        calibration_figure(ev),
        gains_figure(ev),
        error_distribution_figure(ev),
        profit_curve_figure(
            ev.value_curve,
            chosen=0.4,
            optimal=ev.optimal_threshold,
            kpi_target_value=50_000,
            currency="€",
        ),
    ]
    for fig in figures:
        assert 0 < points(fig) <= MAX_FIGURE_POINTS
        assert transparent(fig)


def test_multiclass_figures_build(multiclass_evaluation) -> None:
    ev = multiclass_evaluation
    for fig in (confusion_figure(ev), roc_figure(ev), pr_figure(ev), error_distribution_figure(ev)):
        assert 0 < points(fig) <= MAX_FIGURE_POINTS
    assert len([t for t in roc_figure(ev).data if t.mode == "lines"]) == 5  # 4 classes + chance
    with pytest.raises(EvaluateError):
        calibration_figure(ev)


def test_regression_figures_use_a_sample(regression_evaluation) -> None:
    ev = regression_evaluation
    for fig in (residuals_figure(ev), error_distribution_figure(ev)):
        assert 0 < points(fig) <= MAX_FIGURE_POINTS
        assert transparent(fig)


def test_money_confusion_needs_a_payoff(multiclass_evaluation) -> None:
    with pytest.raises(EvaluateError, match="payoff"):
        confusion_figure(multiclass_evaluation, money=True)


def test_profit_curve_marks_chosen_optimal_and_default(binary_evaluation) -> None:
    ev = binary_evaluation
    fig = profit_curve_figure(ev.value_curve, chosen=0.4, optimal=ev.optimal_threshold)
    texts = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("chosen") for t in texts)
    assert any(t.startswith("value-optimal") for t in texts)
    assert any(t.startswith("default 0.5") for t in texts)


def test_class_labels_are_escaped() -> None:
    ev = evaluate_classification(
        ["<b>x</b>", "y", "y", "<b>x</b>"], [0.9, 0.1, 0.4, 0.6], ("y", "<b>x</b>"), bootstrap=0
    )
    fig = confusion_figure(ev)
    assert "&lt;b&gt;x&lt;/b&gt;" in fig.data[0].x
