"""The computed views the figures draw: which kind each column pair or column gets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.explore import (
    Histogram,
    PairBoxes,
    PairCounts,
    PairDensity,
    PairScatter,
    TopValues,
    box_summary,
    distribution,
    missing_counts,
    pair_view,
)
from core.explore.figures import box_figure


@pytest.mark.parametrize(
    ("x", "y", "color", "kind"),
    [
        ("x", "y", None, PairDensity),
        ("x", "y", "x", PairDensity),
        ("x", "y", "label", PairScatter),
        ("colour", "size", None, PairCounts),
        ("x", "size", None, PairBoxes),
        ("size", "x", None, PairBoxes),
    ],
)
def test_pair_view_kind_follows_the_column_types(large, x, y, color, kind) -> None:
    assert isinstance(pair_view(large, x, y, color=color), kind)


def test_pair_boxes_lie_across_when_the_categories_are_the_y_column(large) -> None:
    across = pair_view(large, "x", "size")
    upright = pair_view(large, "size", "x")
    assert isinstance(across, PairBoxes) and isinstance(upright, PairBoxes)
    assert across.across and not upright.across
    assert across.value == upright.value == "x" and across.group == "size"


def test_pair_density_counts_every_row_with_both_numbers(large) -> None:
    view = pair_view(large, "x", "y")
    assert isinstance(view, PairDensity)
    assert view.rows == int(large["y"].notna().sum()) == int(view.counts.sum())


@pytest.mark.parametrize(
    ("column", "kind", "expected"),
    [("x", "auto", Histogram), ("when", "auto", Histogram), ("colour", "auto", TopValues)],
)
def test_distribution_is_a_histogram_for_numbers_and_dates(large, column, kind, expected) -> None:
    assert isinstance(distribution(large[column], kind=kind), expected)


def test_distribution_bar_kind_counts_values_of_a_number_column() -> None:
    found = distribution(pd.Series([1, 1, 2, None], name="n"), kind="bar")
    assert isinstance(found, TopValues)
    assert found.missing == 1 and found.distinct == 3 and found.counts.iloc[0] == 2


def test_box_summary_without_values_draws_an_empty_titled_figure() -> None:
    summary = box_summary(pd.Series([np.nan, np.inf], name="v"))
    assert summary.box is None and summary.outliers == 0
    assert box_figure(summary).layout.title.text == "v: no values"


def test_missing_counts_keep_only_columns_with_gaps() -> None:
    found = missing_counts(pd.DataFrame({"a": [1, None, None], "b": [1, 2, 3], "c": [None, 1, 2]}))
    assert list(found.counts.index) == ["c", "a"] and found.rows == 3 and found.columns == 3
