"""pair_figure: the chart follows the two columns' kinds."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from core.explore import ProfileError, pair_view
from core.explore.figures import pair_figure
from core.explore.relations import MSG_SAME_COLUMN


@pytest.mark.parametrize(
    ("x", "y", "color", "traces"),
    [
        ("x", "y", None, {go.Heatmap}),
        ("x", "y", "label", {go.Scattergl}),
        ("colour", "size", None, {go.Heatmap}),
        ("x", "size", None, {go.Box}),
        ("colour", "y", None, {go.Box}),
    ],
)
def test_pair_figure_kind_follows_the_columns(large, x, y, color, traces) -> None:
    fig = pair_figure(pair_view(large, x, y, color=color))
    assert {type(t) for t in fig.data} == traces


def test_pair_figure_count_heatmap_adds_up(large) -> None:
    heat = pair_figure(pair_view(large, "colour", "size")).data[0]
    assert sum(sum(row) for row in heat.z) == len(large)
    assert set(heat.x) == {"red", "green", "blue"}


def test_pair_figure_scatter_is_coloured_by_class_and_says_sampled(large) -> None:
    fig = pair_figure(pair_view(large, "x", "y", color="label"))
    assert {t.name for t in fig.data} == {"yes", "no"}
    assert "sampled" in fig.layout.title.text


def test_pair_view_needs_two_columns(large) -> None:
    with pytest.raises(ProfileError) as error:
        pair_view(large, "x", "x")
    assert str(error.value) == MSG_SAME_COLUMN.format(name="x")
