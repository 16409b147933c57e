"""fill_missing fills with a constant typed like the column: a number for numbers, else text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, RecipeError, Step


def fill(values: list | pd.Series, value: object) -> tuple[pd.Series, str, int]:
    df = pd.DataFrame({"x": values})
    result = apply_recipe(df, Recipe((Step("fill_missing", "x", {"value": value}),)))
    report = result.reports[0]
    return result.frame["x"], report.note, report.changed_cells


def test_fill_missing_numbers() -> None:
    values, note, changed = fill([1.0, np.nan, np.nan], 0)
    assert values.tolist() == [1.0, 0.0, 0.0]
    assert note == "Filled 2 missing values with 0"
    assert changed == 2


def test_fill_missing_number_from_text_box() -> None:
    values, _, _ = fill([1.0, np.nan], "2.5")
    assert values.tolist() == [1.0, 2.5]


def test_fill_missing_text() -> None:
    values, _, _ = fill(["a", None], "missing")
    assert values.tolist() == ["a", "missing"]


def test_fill_missing_category_adds_the_value() -> None:
    values, _, _ = fill(pd.Series(["a", None], dtype="category"), "unknown")
    assert values.tolist() == ["a", "unknown"]
    assert "unknown" in values.cat.categories


def test_fill_missing_numbers_refuse_text() -> None:
    with pytest.raises(RecipeError) as caught:
        fill([1.0, np.nan], "none")
    assert str(caught.value) == (
        "Step 1 (fill missing x with 'none'): column 'x' holds numbers, "
        "so the value must be a number, got 'none'"
    )
