"""cap_outliers clips to the bounds stored in the step, never to bounds learned from data."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, RecipeError, Step


def test_cap_outliers_clips_to_the_stored_bounds() -> None:
    df = pd.DataFrame({"x": [-5.0, 1.0, 50.0, 500.0, None]})
    result = apply_recipe(df, Recipe((Step("cap_outliers", "x", {"lower": 0, "upper": 100}),)))
    assert result.frame["x"].tolist()[:4] == [0.0, 1.0, 50.0, 100.0]
    assert pd.isna(result.frame["x"].iloc[4])
    assert result.reports[0].changed_cells == 2
    assert result.reports[0].note == "Capped 2 values (1 below, 1 above)"


def test_cap_outliers_one_sided() -> None:
    df = pd.DataFrame({"x": [1, 20, 300]})
    result = apply_recipe(df, Recipe((Step("cap_outliers", "x", {"upper": 100}),)))
    assert result.frame["x"].tolist() == [1, 20, 100]


def test_cap_outliers_needs_numbers() -> None:
    df = pd.DataFrame({"x": ["1", "2"]})
    with pytest.raises(RecipeError) as caught:
        apply_recipe(df, Recipe((Step("cap_outliers", "x", {"upper": 1}),)))
    assert str(caught.value) == (
        "Step 1 (cap x at most 1): column 'x' holds text, but capping needs numbers; "
        "add a cast to numeric first"
    )
