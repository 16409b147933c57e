"""Every figure builder returns a Figure that sends aggregates, never more than MAX_POINTS."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from core import explore
from core.data.split import SplitSpec, make_split
from core.explore import figures


def points(trace) -> int:
    """The most values any coordinate of a trace holds (cells for a heatmap)."""
    sizes = []
    for key in ("x", "y", "z"):
        value = getattr(trace, key, None)
        sizes.append(0 if value is None else np.size(np.asarray(value, dtype=object)))
    return max(sizes)


def builders(frame, schema):
    split = make_split(frame, SplitSpec(test_size=0.2), target="label", task="binary")
    return {
        "distribution numbers": lambda: figures.distribution_figure(
            explore.distribution(frame["x"])
        ),
        "distribution text": lambda: figures.distribution_figure(
            explore.distribution(frame["colour"])
        ),
        "distribution dates": lambda: figures.distribution_figure(
            explore.distribution(frame["when"])
        ),
        "box": lambda: figures.box_figure(explore.box_summary(frame["x"])),
        "missing": lambda: figures.missing_figure(explore.missing_counts(frame)),
        "missing patterns": lambda: figures.missing_pattern_figure(explore.missing_patterns(frame)),
        "correlation": lambda: figures.correlation_figure(
            explore.correlations(frame, schema).matrix, "r"
        ),
        "target numbers": lambda: figures.target_relation_figure(
            explore.target_relation(frame, schema, "x")
        ),
        "target text": lambda: figures.target_relation_figure(
            explore.target_relation(frame, schema, "size")
        ),
        "pair": lambda: figures.pair_figure(explore.pair_view(frame, "x", "y")),
        "pair coloured": lambda: figures.pair_figure(
            explore.pair_view(frame, "x", "y", color="label")
        ),
        "pair mixed": lambda: figures.pair_figure(explore.pair_view(frame, "x", "size")),
        "time": lambda: figures.time_figure(explore.time_view(frame, "when", schema)),
        "split numbers": lambda: figures.split_comparison_figure(
            explore.split_distribution(frame, split, "y")
        ),
        "split text": lambda: figures.split_comparison_figure(
            explore.split_distribution(frame, split, "colour")
        ),
    }


KINDS = [
    "distribution numbers",
    "distribution text",
    "distribution dates",
    "box",
    "missing",
    "missing patterns",
    "correlation",
    "target numbers",
    "target text",
    "pair",
    "pair coloured",
    "pair mixed",
    "time",
    "split numbers",
    "split text",
]


@pytest.mark.parametrize("kind", KINDS)
def test_figure_builder_stays_under_the_point_cap(large, large_schema, kind) -> None:
    fig = builders(large, large_schema)[kind]()
    assert isinstance(fig, go.Figure) and fig.data
    assert all(points(trace) <= explore.MAX_POINTS for trace in fig.data)
    assert fig.layout.title.text
    assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)"


def test_regression_scatter_is_sampled(large) -> None:
    from core.data.schema import infer_schema

    schema = infer_schema(large, target="y")
    fig = figures.target_relation_figure(explore.target_relation(large, schema, "x"))
    scatter = next(t for t in fig.data if isinstance(t, go.Scattergl))
    assert len(scatter.x) == explore.MAX_POINTS and "sampled" in fig.layout.title.text
