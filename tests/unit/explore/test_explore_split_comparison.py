"""split_comparison: flags a real shift, not noise, even with many rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from core.data.schema import infer_schema
from core.data.split import Split, SplitSpec, make_split
from core.explore import ProfileError, split_comparison, split_distribution
from core.explore.figures import split_comparison_figure


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = 200_000
    return pd.DataFrame(
        {
            "amount": rng.normal(size=rows),
            "level": rng.choice(["low", "mid", "high"], size=rows),
            "target": rng.choice(["yes", "no"], size=rows),
        }
    )


def test_same_distribution_is_not_flagged(frame) -> None:
    schema = infer_schema(frame, target="target")
    split = make_split(frame, SplitSpec(test_size=0.3), target="target", task="binary")
    table = split_comparison(frame, split, schema)
    assert list(table["column"]) == ["amount", "level", "target"]
    assert not table["differs"].any()
    assert table.set_index("column").loc["amount", "method"] == "KS"


def test_injected_shift_is_flagged(frame) -> None:
    schema = infer_schema(frame, target="target")
    split = make_split(frame, SplitSpec(test_size=0.3), target="target", task="binary")
    shifted = frame.copy()
    test_rows = split.is_test(shifted.index)
    shifted.loc[test_rows, "amount"] += 0.5
    shifted.loc[test_rows & (np.arange(len(frame)) % 2 == 0), "level"] = "high"
    table = split_comparison(shifted, split, schema).set_index("column")
    assert table.loc["amount", "differs"] and table.loc["level", "differs"]
    assert not table.loc["target", "differs"]
    assert table.loc["amount", "test"] - table.loc["amount", "train"] == pytest.approx(
        0.5, abs=0.02
    )


def test_split_from_another_version_is_refused(frame) -> None:
    schema = infer_schema(frame, target="target")
    stranger = Split(SplitSpec(), test_index=[10**9], train_index=[10**9 + 1], excluded_index=[])
    with pytest.raises(ProfileError, match="another dataset version"):
        split_comparison(frame, stranger, schema)


@pytest.mark.parametrize(("column", "mode"), [("amount", "overlay"), ("level", "group")])
def test_split_comparison_figure_shows_both_sides_as_shares(frame, column, mode) -> None:
    split = make_split(frame, SplitSpec(test_size=0.3), target="target", task="binary")
    fig = split_comparison_figure(split_distribution(frame, split, column))
    assert [t.name for t in fig.data] == ["train", "test"]
    assert all(isinstance(t, go.Bar) for t in fig.data)
    assert sum(fig.data[1].y) == pytest.approx(1.0) and fig.layout.barmode == mode


def test_split_comparison_figure_of_an_all_missing_number_column_is_empty_not_an_error() -> None:
    frame = pd.DataFrame({"gap": [np.nan] * 40, "target": ["yes", "no"] * 20})
    split = make_split(frame, SplitSpec(test_size=0.25), target="target", task="binary")
    fig = split_comparison_figure(split_distribution(frame, split, "gap"))
    assert [t.name for t in fig.data] == ["train", "test"]
    assert all(sum(t.y) == 0 for t in fig.data)
