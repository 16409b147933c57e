"""drop_column and drop_duplicates remove what they say and report it."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, RecipeError, Step


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"email": ["a@x", "b@x", "a@x", "a@x"], "plan": ["s", "s", "s", "m"]},
        index=[7, 3, 9, 1],
    )


def test_drop_column_removes_it_and_reports() -> None:
    result = apply_recipe(frame(), Recipe((Step("drop_column", "plan"),)))
    assert list(result.frame.columns) == ["email"]
    report = result.reports[0]
    assert report.columns_removed == ("plan",)
    assert report.columns_added == ()
    assert report.rows_before == report.rows_after == 4


def test_drop_duplicates_keeps_the_first_and_its_row_id() -> None:
    result = apply_recipe(frame(), Recipe((Step("drop_duplicates"),)))
    assert list(result.frame.index) == [7, 3, 1]
    assert result.reports[0].rows_removed == 1
    assert result.reports[0].note == "Removed 1 duplicate row"


def test_drop_duplicates_on_a_subset() -> None:
    step = Step("drop_duplicates", params={"subset": ["email"]})
    result = apply_recipe(frame(), Recipe((step,)))
    assert list(result.frame.index) == [7, 3]


def test_drop_duplicates_subset_column_must_exist() -> None:
    step = Step("drop_duplicates", params={"subset": ["mail"]})
    with pytest.raises(
        RecipeError,
        match=r"Step 1 \(drop duplicate rows \(same mail\)\): column 'mail' does not exist; did you mean 'email'\?",
    ):
        apply_recipe(frame(), Recipe((step,)))


def test_drop_column_twice_points_back_to_the_first_drop() -> None:
    recipe = Recipe((Step("drop_column", "plan"), Step("drop_column", "plan")))
    with pytest.raises(RecipeError) as caught:
        apply_recipe(frame(), recipe)
    assert str(caught.value) == (
        "Step 2 (drop column plan): column 'plan' does not exist (dropped in step 1?)"
    )
