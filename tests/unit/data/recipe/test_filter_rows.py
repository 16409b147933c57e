"""filter_rows compares typed values; a missing value matches only 'is null'."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.cleaning import apply_recipe
from core.data.recipe import MSG_VALUE_TYPE, Recipe, RecipeError, Step


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tenure": [0, 5, np.nan, 12],
            "plan": ["basic", "Pro plan", None, "pro"],
            "signup": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-05-01", None]),
            "active": [True, False, True, False],
        },
        index=[10, 20, 30, 40],
    )


def kept(step: Step) -> list[int]:
    return list(apply_recipe(frame(), Recipe((step,))).frame.index)


@pytest.mark.parametrize(
    ("op", "value", "ids"),
    [
        (">", 0, [20, 40]),
        (">", "0", [20, 40]),
        (">=", 5, [20, 40]),
        ("<", 5.5, [10, 20]),
        ("<=", 0, [10]),
        ("==", 5, [20]),
        ("!=", 5, [10, 40]),
        ("in", [0, 12], [10, 40]),
        ("not in", [0], [20, 40]),
        ("is null", None, [30]),
        ("not null", None, [10, 20, 40]),
    ],
)
def test_filter_rows_numeric_ops(op: str, value: object, ids: list[int]) -> None:
    params = {"op": op} if value is None else {"op": op, "value": value}
    assert kept(Step("filter_rows", "tenure", params)) == ids


def test_filter_rows_drop_action_keeps_missing_values() -> None:
    step = Step("filter_rows", "tenure", {"op": ">", "value": 1, "action": "drop"})
    assert kept(step) == [10, 30]


def test_filter_rows_note_counts_missing_values() -> None:
    result = apply_recipe(
        frame(), Recipe((Step("filter_rows", "tenure", {"op": ">", "value": 1}),))
    )
    assert result.reports[0].note.startswith("Removed 2 rows of 4; 1 of them had no tenure value")


def test_filter_rows_text_ops() -> None:
    assert kept(Step("filter_rows", "plan", {"op": "contains", "value": "ro"})) == [20, 40]
    assert kept(Step("filter_rows", "plan", {"op": "==", "value": "pro"})) == [40]
    assert kept(Step("filter_rows", "plan", {"op": "!=", "value": "pro"})) == [10, 20]


def test_filter_rows_dates_and_booleans() -> None:
    after_feb = Step("filter_rows", "signup", {"op": ">", "value": "2024-02-01"})
    assert kept(after_feb) == [20, 30]
    assert kept(Step("filter_rows", "active", {"op": "==", "value": "yes"})) == [10, 30]


def test_filter_rows_category_column_uses_the_values() -> None:
    df = pd.DataFrame({"size": pd.Categorical([1, 5, 9])}, index=[0, 1, 2])
    result = apply_recipe(df, Recipe((Step("filter_rows", "size", {"op": ">", "value": 4}),)))
    assert list(result.frame.index) == [1, 2]


def test_filter_rows_numeric_column_needs_a_number() -> None:
    step = Step("filter_rows", "tenure", {"op": ">", "value": "abc"})
    with pytest.raises(RecipeError) as caught:
        apply_recipe(frame(), Recipe((step,)))
    problem = MSG_VALUE_TYPE.format(
        column="tenure", what="numbers", expected="a number", value="abc"
    )
    assert str(caught.value) == f"Step 1 (keep only rows where tenure is above 'abc'): {problem}"
    assert caught.value.column == "tenure"


def test_filter_rows_contains_needs_text() -> None:
    step = Step("filter_rows", "tenure", {"op": "contains", "value": "1"})
    with pytest.raises(
        RecipeError, match="op 'contains' needs a text column, but 'tenure' holds numbers"
    ):
        apply_recipe(frame(), Recipe((step,)))
