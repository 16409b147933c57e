"""Every figure builder returns a Figure that sends aggregates, never more than MAX_POINTS."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from core import profile
from core.data.split import SplitSpec, make_split


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
        "distribution numbers": lambda: profile.distribution_figure(frame["x"]),
        "distribution text": lambda: profile.distribution_figure(frame["colour"]),
        "distribution dates": lambda: profile.distribution_figure(frame["when"]),
        "box": lambda: profile.box_figure(frame["x"]),
        "missing": lambda: profile.missing_figure(frame),
        "missing patterns": lambda: profile.missing_pattern_figure(frame),
        "correlation": lambda: profile.correlation_figure(
            profile.correlations(frame, schema).matrix, "r"
        ),
        "target numbers": lambda: profile.target_relation_figure(
            profile.target_relation(frame, schema, "x")
        ),
        "target text": lambda: profile.target_relation_figure(
            profile.target_relation(frame, schema, "size")
        ),
        "pair": lambda: profile.pair_figure(frame, "x", "y"),
        "pair coloured": lambda: profile.pair_figure(frame, "x", "y", color="label"),
        "pair mixed": lambda: profile.pair_figure(frame, "x", "size"),
        "time": lambda: profile.time_figure(profile.time_view(frame, "when", schema)),
        "split numbers": lambda: profile.split_comparison_figure(frame, split, "y"),
        "split text": lambda: profile.split_comparison_figure(frame, split, "colour"),
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
    assert all(points(trace) <= profile.MAX_POINTS for trace in fig.data)
    assert fig.layout.title.text
    assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)"


def test_regression_scatter_is_sampled(large) -> None:
    from core.data.schema import infer_schema

    schema = infer_schema(large, target="y")
    fig = profile.target_relation_figure(profile.target_relation(large, schema, "x"))
    scatter = next(t for t in fig.data if isinstance(t, go.Scattergl))
    assert len(scatter.x) == profile.MAX_POINTS and "sampled" in fig.layout.title.text
