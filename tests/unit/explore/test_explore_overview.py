"""overview: every number agrees with pandas on a tiny hand-made frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.schema import infer_schema
from core.explore import overview


@pytest.fixture
def tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "amount": [1.5, 2.5, np.nan, 4.0, 1.5, 10.0, 1.5],
            "count": [3, 1, 4, 1, 3, 9, 3],
            "colour": ["red", "blue", None, "red", "red", "green", "red"],
            "flag": ["yes", "no", "no", "yes", "yes", "no", "yes"],
        }
    )


def test_overview_column_numbers_match_pandas(tiny: pd.DataFrame) -> None:
    facts = overview(tiny, infer_schema(tiny))
    table = facts.table().set_index("column")
    assert table["missing"].to_dict() == tiny.isna().sum().to_dict()
    assert table["distinct"].to_dict() == tiny.nunique().to_dict()
    for name in ("amount", "count"):
        values = tiny[name]
        row = table.loc[name]
        assert row["min"] == values.min() and row["max"] == values.max()
        assert row["mean"] == pytest.approx(values.mean())
        assert row["median"] == pytest.approx(values.median())
        assert row["std"] == pytest.approx(values.std())
    assert table.loc["amount", "missing %"] == pytest.approx(100 / 7, abs=0.01)


def test_overview_counts_duplicates_memory_and_types(tiny: pd.DataFrame) -> None:
    facts = overview(tiny, infer_schema(tiny))
    assert facts.rows == 7 and facts.columns == 4
    assert facts.duplicate_rows == int(tiny.duplicated().sum()) == 2
    assert facts.memory_bytes == int(tiny.memory_usage(deep=True).sum())
    assert (facts.numeric, facts.categorical, facts.other) == (2, 2, 0)


def test_overview_top_values_and_histograms(tiny: pd.DataFrame) -> None:
    facts = {c.name: c for c in overview(tiny, infer_schema(tiny)).column_overviews}
    assert facts["colour"].top_values == (("red", 4), ("blue", 1), ("green", 1))
    assert facts["colour"].histogram == (4, 1, 1)
    assert facts["colour"].min is None and facts["colour"].mean is None
    assert sum(facts["amount"].histogram) == 6  # the non-missing values
    assert facts["count"].histogram == (2, 3, 1, 1)  # few values: one bin per value


def test_overview_table_is_ready_for_a_sparkline(tiny: pd.DataFrame) -> None:
    table = overview(tiny, infer_schema(tiny)).table()
    assert list(table["column"]) == list(tiny.columns)
    assert all(isinstance(v, list) for v in table["distribution"])
    assert {"type", "role", "missing %", "top values"} <= set(table.columns)


def test_overview_duplicates_treat_missing_and_signed_zero_as_equal() -> None:
    frame = pd.DataFrame({"a": [0.0, -0.0, np.nan, np.nan], "b": ["x", "x", None, None]})
    assert overview(frame, infer_schema(frame)).duplicate_rows == frame.duplicated().sum() == 2


def test_overview_leaves_the_frame_untouched(tiny: pd.DataFrame) -> None:
    before = tiny.copy()
    overview(tiny, infer_schema(tiny))
    pd.testing.assert_frame_equal(tiny, before)
