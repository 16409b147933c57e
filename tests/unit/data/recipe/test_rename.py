"""rename changes a column's name and refuses to overwrite another column."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, RecipeError, Step


def test_rename_reports_added_and_removed() -> None:
    df = pd.DataFrame({"a": [1], "b": [2]})
    result = apply_recipe(df, Recipe((Step("rename", "a", {"to": "c"}),)))
    assert list(result.frame.columns) == ["c", "b"]
    assert result.reports[0].columns_added == ("c",)
    assert result.reports[0].columns_removed == ("a",)


def test_rename_refuses_to_overwrite() -> None:
    df = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(RecipeError) as caught:
        apply_recipe(df, Recipe((Step("rename", "a", {"to": "b"}),)))
    assert str(caught.value) == (
        "Step 1 (rename a to b): cannot rename 'a' to 'b': a column 'b' already exists"
    )


def test_rename_back_and_forth_is_allowed() -> None:
    df = pd.DataFrame({"a": [1]})
    recipe = Recipe((Step("rename", "a", {"to": "b"}), Step("rename", "b", {"to": "a"})))
    assert list(apply_recipe(df, recipe).frame.columns) == ["a"]
