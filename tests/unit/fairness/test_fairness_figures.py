"""Fairness figures draw the report as it is: one mark per group, disparity or run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.fairness import FairnessError, fairness_report
from core.fairness.figures import (
    FAIL_COLOUR,
    MSG_POINTS_COLUMNS,
    MSG_POINTS_KIND,
    MSG_UNKNOWN_METRIC,
    NO_LIMIT_COLOUR,
    PASS_COLOUR,
    SMALL_GROUP_COLOUR,
    SMALL_GROUP_PATTERN,
    TRADEOFF_COLUMNS,
    disparity_figure,
    group_metrics_figure,
    tradeoff_figure,
)
from core.goal.figures import CURVE_COLOUR


def transparent(fig: go.Figure) -> bool:
    return (
        fig.layout.paper_bgcolor == "rgba(0,0,0,0)" and fig.layout.plot_bgcolor == "rgba(0,0,0,0)"
    )


@pytest.fixture(scope="module")
def report():
    """Three groups, one of them small and named with markup."""
    rng = np.random.default_rng(0)
    group = pd.Series(["a"] * 60 + ["b"] * 50 + ["<i>c</i>"] * 12, name="<b>site</b>")
    y_true = rng.random(len(group)) < 0.4
    y_pred = np.where(group == "a", rng.random(len(group)) < 0.5, rng.random(len(group)) < 0.2)
    limits = {"demographic_parity_difference": 0.05, "demographic_parity_ratio": 0.1}
    return fairness_report(
        y_true, y_pred, group, task="binary", positive=True, bootstrap=50, limits=limits
    )


def test_group_metrics_figure_has_a_bar_and_an_interval_per_group(report) -> None:
    fig = group_metrics_figure(report, "selection_rate")
    (bar,) = fig.data
    assert list(bar.x) == ["&lt;i&gt;c&lt;/i&gt;", "a", "b"]
    table = report.by_group
    np.testing.assert_allclose(bar.y, table["selection_rate"])
    np.testing.assert_allclose(
        np.asarray(bar.error_y.array) + bar.y, table["selection_rate_high"], atol=1e-12
    )
    np.testing.assert_allclose(
        bar.y - np.asarray(bar.error_y.arrayminus), table["selection_rate_low"], atol=1e-12
    )
    assert transparent(fig)
    assert fig.layout.yaxis.tickformat == ".0%"
    assert "&lt;b&gt;site&lt;/b&gt;" in fig.layout.title.text


def test_small_groups_are_grey_hatched_and_annotated(report) -> None:
    fig = group_metrics_figure(report, "tpr")
    (bar,) = fig.data
    assert list(bar.marker.color) == [SMALL_GROUP_COLOUR, CURVE_COLOUR, CURVE_COLOUR]
    assert list(bar.marker.pattern.shape) == [SMALL_GROUP_PATTERN, "", ""]
    notes = [a.text for a in fig.layout.annotations]
    assert "only 12 rows" in notes


def test_unknown_metric_is_refused(report) -> None:
    with pytest.raises(FairnessError) as error:
        group_metrics_figure(report, "recall")
    assert str(error.value) == MSG_UNKNOWN_METRIC.format(
        value="recall", choices=", ".join(report.metrics)
    )


def test_disparity_figure_colours_each_disparity_by_its_verdict(report) -> None:
    fig = disparity_figure(report)
    colours = {trace.name: trace.marker.color for trace in fig.data}
    assert colours["Demographic parity difference"] == FAIL_COLOUR
    assert colours["Demographic parity ratio"] == PASS_COLOUR
    assert colours["Equalized odds difference"] == NO_LIMIT_COLOUR
    limit_lines = [shape for shape in fig.layout.shapes if shape.type == "line"]
    assert len(limit_lines) == 2
    hover = [trace.hovertext[0] for trace in fig.data]
    assert hover[0] == report.disparities[0].sentence.replace("'", "&#x27;")
    assert transparent(fig)


def points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "run_id": ["r1", "r2", "r3", "r4"],
            "label": ["original", "<script>thresholds</script>", "xgboost", "expgrad"],
            "value": [1200.0, 1100.0, 1150.0, 900.0],
            "disparity": [0.25, 0.04, 0.2, 0.02],
            "kind": ["original", "mitigated", "leaderboard", "mitigated"],
            "chosen": [False, True, False, False],
        }
    )


def test_tradeoff_figure_plots_value_against_disparity(report) -> None:
    fig = tradeoff_figure(points(), limit=0.1)
    by_name = {trace.name: trace for trace in fig.data}
    assert set(by_name) == {"Other runs", "Original model", "Mitigated model", "Chosen"}
    mitigated = by_name["Mitigated model"]
    assert list(mitigated.x) == [0.04, 0.02] and list(mitigated.y) == [1100.0, 900.0]
    assert list(by_name["Chosen"].text) == ["chosen: &lt;script&gt;thresholds&lt;/script&gt;"]
    assert "<script>" not in fig.to_json()
    assert any(shape.x0 == 0.1 for shape in fig.layout.shapes)
    assert transparent(fig)


def test_tradeoff_points_are_checked() -> None:
    with pytest.raises(FairnessError) as error:
        tradeoff_figure(points().drop(columns=["chosen", "kind"]))
    assert str(error.value) == MSG_POINTS_COLUMNS.format(
        missing="kind, chosen", needed=", ".join(TRADEOFF_COLUMNS)
    )
    with pytest.raises(FairnessError) as error:
        tradeoff_figure(points().assign(kind="baseline"))
    assert str(error.value) == MSG_POINTS_KIND.format(
        choices="leaderboard, original, mitigated", values="baseline"
    )
