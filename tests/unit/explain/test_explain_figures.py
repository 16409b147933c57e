"""Explain figures build from tree and model-agnostic explanations and carry their key parts."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from core.explain import ExplainError, explain, permutation_importance_table, what_if
from core.explain.figures import (
    BASE_NAME,
    PREDICTION_NAME,
    beeswarm_figure,
    dependence_figure,
    importance_bar_figure,
    permutation_figure,
    waterfall_figure,
    what_if_figure,
)


@pytest.fixture(scope="module")
def tree_explanation(fitted):
    pipeline, frame, _ = fitted("binary", "xgboost")
    return explain(pipeline, frame, sample=100)


@pytest.fixture(scope="module")
def agnostic_explanation(fitted):
    pipeline, frame, _ = fitted("binary", "knn")
    return explain(pipeline, frame, sample=30)


@pytest.mark.parametrize("by", ["input", "feature"])
def test_importance_bar_figure_largest_on_top(tree_explanation, by: str) -> None:
    fig = importance_bar_figure(tree_explanation, by=by, top=5)
    bar = fig.data[0]
    assert isinstance(bar, go.Bar) and len(bar.y) == 5
    assert bar.y[0].startswith("strong")
    assert fig.layout.yaxis.autorange == "reversed"
    assert "log-odds of 'Yes'" in fig.layout.xaxis.title.text


def test_beeswarm_figure_has_one_point_per_row_and_feature(tree_explanation) -> None:
    fig = beeswarm_figure(tree_explanation, top=6, max_points=40)
    points = sum(len(trace.x) for trace in fig.data)
    assert points == 40 * 6
    assert fig.layout.yaxis.ticktext[0] == "strong"
    coloured = fig.data[1]
    assert min(coloured.marker.color) >= 0.0
    assert max(coloured.marker.color) <= 1.0


def test_beeswarm_figure_colours_text_values_grey(agnostic_explanation) -> None:
    fig = beeswarm_figure(agnostic_explanation)
    grey, coloured = fig.data
    assert len(grey.x) > 0 and len(coloured.x) > 0  # plan / city are text, strong is numeric


def test_dependence_figure_feature_and_input_column(tree_explanation) -> None:
    numeric = dependence_figure(tree_explanation, "strong")
    assert isinstance(numeric.data[0], go.Scattergl)
    assert len(numeric.data[0].x) == tree_explanation.sample_rows
    category = dependence_figure(tree_explanation, "plan")
    assert isinstance(category.data[0], go.Box)
    one_hot = dependence_figure(tree_explanation, "plan = pro")
    assert isinstance(one_hot.data[0], go.Scattergl)


def test_dependence_figure_unknown_feature_suggests(tree_explanation) -> None:
    with pytest.raises(ExplainError, match="did you mean 'strong'"):
        dependence_figure(tree_explanation, "strnog")


def test_waterfall_figure_runs_from_base_to_prediction(tree_explanation) -> None:
    fig = waterfall_figure(tree_explanation, 3, top=4)
    waterfall = fig.data[0]
    assert waterfall.y[0] == BASE_NAME and waterfall.y[-1] == PREDICTION_NAME
    assert "other features" in waterfall.y[-2]
    assert list(waterfall.measure) == ["absolute"] + ["relative"] * 5 + ["total"]
    assert sum(waterfall.x) == pytest.approx(tree_explanation.predictions[3])
    assert "probability" in fig.layout.title.text


def test_waterfall_figure_row_index_checked(tree_explanation) -> None:
    with pytest.raises(ExplainError, match="row_index"):
        waterfall_figure(tree_explanation, 1000)


def test_what_if_figure_side_by_side(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "xgboost")
    result = what_if(pipeline, frame.iloc[[0]], {"strong": 3.0})
    fig = what_if_figure(result, top=4)
    before, after = fig.data
    assert (before.name, after.name) == ("Before", "After")
    assert "(changed)" in before.y[0]
    assert "→" in fig.layout.title.text


def test_what_if_figure_without_explanations(fitted) -> None:
    pipeline, frame, _ = fitted("binary", "dummy")
    fig = what_if_figure(what_if(pipeline, frame.iloc[[0]], {"strong": 3.0}))
    assert list(fig.data[0].x) == ["Before", "After"]


def test_permutation_figure_has_error_bars(fitted) -> None:
    pipeline, frame, schema = fitted("binary", "tree")
    table = permutation_importance_table(
        pipeline, frame, frame[schema.target], scoring="accuracy", repeats=2, sample=100
    )
    fig = permutation_figure(table)
    assert list(fig.data[0].error_x.array) == list(table["importance_std"])
    assert "accuracy" in fig.layout.title.text


def test_figures_escape_html_in_names(tree_explanation) -> None:
    renamed = tree_explanation.__class__(
        **{
            **tree_explanation.__dict__,
            "feature_names": ("<b>x</b>", *tree_explanation.feature_names[1:]),
        }
    )
    fig = importance_bar_figure(renamed, by="feature")
    assert any("&lt;b&gt;" in label for label in fig.data[0].y)
