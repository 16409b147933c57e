"""missing_figure and missing_patterns: shares per column and which gaps come together."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.explore import missing_counts, missing_patterns
from core.explore.figures import missing_figure, missing_pattern_figure


def gappy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [1, np.nan, np.nan, 4, 5, np.nan],
            "b": ["x", None, None, "y", "z", "w"],
            "c": [1, 2, 3, 4, 5, 6],
        }
    )


def test_missing_figure_sorts_columns_with_gaps() -> None:
    fig = missing_figure(missing_counts(gappy()))
    bar = fig.data[0]
    assert isinstance(bar, go.Bar) and bar.orientation == "h"
    assert list(bar.y) == ["b", "a"]  # plotly draws bottom-up: the largest share on top
    assert list(bar.x) == pytest.approx([100 * 2 / 6, 100 * 3 / 6])


def test_missing_figure_without_gaps_says_so() -> None:
    assert (
        missing_figure(missing_counts(pd.DataFrame({"a": [1, 2]}))).layout.title.text
        == "No missing values"
    )


def test_missing_patterns_count_rows_per_combination() -> None:
    table = missing_patterns(gappy())
    assert list(table.columns) == ["a", "b", "rows", "share"]
    first = table.iloc[0]
    assert (first["a"], first["b"], first["rows"]) == (False, False, 3)
    both = table[table["a"] & table["b"]]
    assert both["rows"].tolist() == [2]
    assert table["rows"].sum() == 6


def test_missing_patterns_sum_the_rest_into_other() -> None:
    table = missing_patterns(gappy(), top=1)
    assert list(table.index) == ["pattern 1", "other"]
    assert table.loc["other", "rows"] == 3


def test_missing_pattern_figure_is_a_heatmap_of_patterns() -> None:
    fig = missing_pattern_figure(missing_patterns(gappy()))
    heat = fig.data[0]
    assert isinstance(heat, go.Heatmap)
    assert list(heat.x) == ["a", "b"] and len(heat.y) == 3
