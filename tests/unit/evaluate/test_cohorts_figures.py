"""Cohort figures: bars per cohort and the two-feature heatmap, on 100k rows."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from core.evaluate import discover_cohorts, error_by_feature, error_heatmap
from core.evaluate.error_figures import cohort_bar_figure, error_heatmap_figure
from core.evaluate.figures import MAX_FIGURE_POINTS

ROWS = 100_000


def big_frame() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(0, 1, ROWS), "c": rng.choice(["x", "<y>", "z"], ROWS)})
    errors = rng.random(ROWS) < np.where((frame["a"] < -1) & (frame["c"] == "x"), 0.5, 0.1)
    return frame, errors


def test_cohort_bars_from_a_table_and_from_cohorts() -> None:
    frame, errors = big_frame()
    table = error_by_feature(frame, errors, "a")
    fig = cohort_bar_figure(table)
    assert len(fig.data[0].x) == len(table) <= MAX_FIGURE_POINTS
    assert fig.layout.paper_bgcolor == "rgba(0,0,0,0)"
    assert any("overall" in a.text for a in fig.layout.annotations)
    cohorts = discover_cohorts(frame, errors)
    fig = cohort_bar_figure(cohorts)
    assert list(fig.data[0].y) == [html.escape(c.rule) for c in cohorts]


def test_heatmap_figure_keeps_feature_order_and_escapes_labels() -> None:
    frame, errors = big_frame()
    table = error_heatmap(frame, errors, "a", "c", bins=5)
    fig = error_heatmap_figure(table)
    heat = fig.data[0]
    assert np.size(heat.z) <= MAX_FIGURE_POINTS
    assert list(heat.x) == [html.escape(c) for c in table["x"].cat.categories]
    assert "&lt;y&gt;" in list(heat.y)
    assert np.nanmax(np.asarray(heat.z, dtype=float)) > 0.3
