"""Goal-stage figures build, carry their key traces, and survive edge rates without crashing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import yaml

from core.goal import RiskItem, goal_from_dict, value_curve
from core.goal.figures import (
    BREAK_EVEN_NAME,
    CURRENT_POINT_NAME,
    MAX_CURVE_POINTS,
    risk_matrix_figure,
    roi_surface_figure,
    value_curve_figure,
)

DEMO_GOAL = Path(__file__).resolve().parents[3] / "assets" / "demo" / "goal.yaml"


@pytest.fixture
def goal():
    return goal_from_dict(yaml.safe_load(DEMO_GOAL.read_text(encoding="utf-8")))


def trace(fig: go.Figure, name: str):
    return next(t for t in fig.data if t.name == name)


def test_roi_surface_figure_has_heatmap_break_even_and_current_point(goal) -> None:
    fig = roi_surface_figure(goal, precision=0.6, recall=0.7)
    assert isinstance(fig.data[0], go.Heatmap)
    line = trace(fig, BREAK_EVEN_NAME)
    assert np.isfinite(np.asarray(line.x, dtype=float)).any()
    point = trace(fig, CURRENT_POINT_NAME)
    assert (point.x[0], point.y[0]) == (0.6, 0.7)
    assert "146,400 EUR" in point.text[0]
    assert "EUR" in fig.data[0].hovertemplate
    assert fig.layout.xaxis.title.text.startswith("Precision")
    assert fig.layout.yaxis.title.text.startswith("Recall")


@pytest.mark.parametrize(
    "changes",
    [
        {"expected_positive_rate": 0.0},
        {"expected_positive_rate": 1.0},
        {"expected_positive_rate": 0.001},
        {"volume_per_month": 0},
        {"costs": None},
    ],
)
def test_roi_surface_figure_edge_rates_do_not_crash(goal, changes: dict) -> None:
    fig = roi_surface_figure(goal.model_copy(update=changes), precision=0.6, recall=0.7)
    assert trace(fig, BREAK_EVEN_NAME) is not None
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (96, 96)


def test_roi_surface_figure_impossible_current_point_is_explained(goal) -> None:
    # positive rate 1: there are no negatives, so precision 0.6 is impossible
    fig = roi_surface_figure(
        goal.model_copy(update={"expected_positive_rate": 1.0}), precision=0.6, recall=0.7
    )
    assert "false positives" in trace(fig, CURRENT_POINT_NAME).text[0]


def test_roi_surface_figure_against_a_rule(goal) -> None:
    fig = roi_surface_figure(
        goal, precision=0.6, recall=0.7, baseline_precision=0.45, baseline_recall=0.35
    )
    assert "current rule" in fig.layout.title.text


def test_risk_matrix_figure_places_escaped_names(goal) -> None:
    risks = (*goal.risks, RiskItem(name="<b>x</b>", category="other", likelihood=5, impact=5))
    fig = risk_matrix_figure(risks)
    heatmap = fig.data[0]
    assert np.asarray(heatmap.z).shape == (5, 5)
    assert heatmap.z[4][4] == 25 and heatmap.z[0][0] == 1
    assert "&lt;b&gt;x&lt;/b&gt;" in heatmap.text[4][4]
    assert "<b>" not in heatmap.text[4][4]
    assert "Offers skewed" in heatmap.text[2][3]  # likelihood 3, impact 4
    assert heatmap.showscale is False


def test_risk_matrix_figure_empty_register() -> None:
    fig = risk_matrix_figure([])
    assert all(cell == "" for row in fig.data[0].text for cell in row)


def test_value_curve_figure_marks_chosen_and_optimal(goal) -> None:
    rng = np.random.default_rng(0)
    labels = rng.random(500) < 0.25
    scores = np.clip(labels * 0.3 + rng.random(500) * 0.7, 0, 1)
    curve = value_curve(scores, labels, goal.payoff, volume_per_month=7000)
    best = curve.best()
    fig = value_curve_figure(
        curve, chosen_threshold=0.5, optimal_threshold=best.threshold, currency="EUR"
    )
    vertical = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert {round(s.x0, 6) for s in vertical} == {0.5, round(best.threshold, 6)}
    assert "EUR" in fig.layout.yaxis.title.text


def test_value_curve_figure_thins_large_curves_but_keeps_the_best(goal) -> None:
    rng = np.random.default_rng(1)
    labels = rng.random(50_000) < 0.25
    scores = rng.random(50_000) + labels * 0.2
    curve = value_curve(scores, labels, goal.payoff, volume_per_month=7000)
    fig = value_curve_figure(curve)
    assert len(fig.data[0].x) <= MAX_CURVE_POINTS + 1
    assert max(fig.data[0].y) == pytest.approx(curve.best().value_per_month)
    assert not fig.layout.shapes[1:]  # only the zero line without thresholds
