"""box_figure: quartiles from every row, outlier count in the title, capped points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.explore import MAX_POINTS, box_summary
from core.explore.figures import box_figure


def test_box_figure_counts_outliers_on_all_rows_and_samples_points() -> None:
    rng = np.random.default_rng(0)
    values = np.r_[rng.normal(size=50_000), np.full(8000, 100.0)]
    q1, q3 = np.quantile(values, [0.25, 0.75])
    low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    expected = int(((values < low) | (values > high)).sum())
    fig = box_figure(box_summary(pd.Series(values, name="v")))
    assert isinstance(fig.data[0], go.Box)
    assert fig.data[0].q1[0] == q1 and fig.data[0].q3[0] == q3
    assert f"{expected:,} outliers" in fig.layout.title.text
    assert len(fig.data[1].y) == MAX_POINTS and "sampled" in fig.layout.title.text


def test_box_figure_without_outliers_has_only_the_box() -> None:
    fig = box_figure(box_summary(pd.Series(np.arange(100.0), name="v")))
    assert [type(t) for t in fig.data] == [go.Box]
    assert "0 outliers" in fig.layout.title.text
