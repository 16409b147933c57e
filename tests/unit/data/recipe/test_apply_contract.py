"""apply_recipe keeps row ids, never mutates its input and is deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, RecipeError, Step

RECIPE = Recipe(
    (
        Step("drop_duplicates"),
        Step("cast", "income", {"to": "numeric", "decimal": ","}),
        Step("filter_rows", "income", {"op": "not null"}),
        Step("fill_missing", "city", {"value": "missing"}),
        Step("cap_outliers", "income", {"upper": 1000}),
        Step("rename", "city", {"to": "town"}),
    )
)


def raw() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "income": ["1 234,5", "12", "x", "12", None, "900"],
            "city": ["a", None, "b", None, "c", "d"],
        },
        index=pd.Index([41, 7, 19, 3, 88, 5], dtype="int64"),
    )


def test_apply_keeps_the_raw_row_ids() -> None:
    result = apply_recipe(raw(), RECIPE)
    assert list(result.frame.index) == [41, 7, 5]
    assert result.frame.loc[41, "income"] == 1000.0


def test_apply_does_not_mutate_its_input() -> None:
    df = raw()
    before = df.copy(deep=True)
    apply_recipe(df, RECIPE)
    pd.testing.assert_frame_equal(df, before)


def test_apply_is_deterministic() -> None:
    first = apply_recipe(raw(), RECIPE)
    second = apply_recipe(raw(), RECIPE)
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert first.reports == second.reports


def test_apply_reports_one_entry_per_step() -> None:
    reports = apply_recipe(raw(), RECIPE).reports
    assert [r.index for r in reports] == list(range(6))
    assert [r.rows_after for r in reports] == [5, 5, 3, 3, 3, 3]
    assert reports[0].rows_removed == 1
    assert reports[1].step == RECIPE.steps[1]


def test_apply_result_can_be_edited_without_touching_the_input() -> None:
    df = raw()
    result = apply_recipe(df, Recipe())
    result.frame.loc[41, "city"] = "changed"
    assert df.loc[41, "city"] == "a"


def test_apply_error_on_a_duplicated_column_name() -> None:
    df = pd.DataFrame(np.zeros((1, 2)), columns=["a", "a"])
    with pytest.raises(RecipeError, match="column 'a' appears 2 times"):
        apply_recipe(df, Recipe((Step("drop_column", "a"),)))


def test_apply_missing_column_suggests_a_close_name() -> None:
    with pytest.raises(RecipeError, match="column 'Income' does not exist; did you mean 'income'"):
        apply_recipe(raw(), Recipe((Step("drop_column", "Income"),)))
