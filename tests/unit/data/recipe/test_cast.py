"""cast converts one column and reports how many values became missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, RecipeError, Step


def cast(values: list, to: str, **params: object) -> tuple[pd.Series, str, int]:
    df = pd.DataFrame({"x": values}, index=range(100, 100 + len(values)))
    result = apply_recipe(df, Recipe((Step("cast", "x", {"to": to, **params}),)))
    report = result.reports[0]
    return result.frame["x"], report.note, report.changed_cells


def test_cast_numeric_coerces_and_reports_missing() -> None:
    values, note, changed = cast(["1", "2.5", "n/a", None], "numeric")
    assert values.tolist()[:2] == [1.0, 2.5]
    assert values.isna().tolist() == [False, False, True, True]
    assert "1 value could not be read as numbers and are now missing (e.g. 'n/a')" in note
    assert changed == 3


def test_cast_numeric_reads_a_decimal_comma_only_when_asked() -> None:
    plain, note, _ = cast(["1 234,5", "7"], "numeric")
    assert plain.isna().tolist() == [True, False]
    assert "1 value could not be read" in note
    comma, note, _ = cast(["1 234,5", "1.000,25", "7"], "numeric", decimal=",")
    assert comma.tolist() == [1234.5, 1000.25, 7.0]
    assert "could not" not in note
    point, _, _ = cast(["1,234.5", "7"], "numeric", decimal=".")
    assert point.tolist() == [1234.5, 7.0]


def test_cast_numeric_of_numbers_changes_nothing() -> None:
    _, _, changed = cast([1.0, 2.0], "numeric")
    assert changed == 0


def test_cast_integer_uses_nullable_ints() -> None:
    values, _, _ = cast(["1", "2", None], "integer")
    assert str(values.dtype) == "Int64"
    assert values.tolist()[:2] == [1, 2]


def test_cast_integer_refuses_fractions() -> None:
    df = pd.DataFrame({"x": [1.0, 2.5]})
    with pytest.raises(
        RecipeError,
        match=r"Step 1 \(cast x to integer\): 1 value\(s\) of 'x' are not whole numbers \(e.g. 2.5\)",
    ):
        apply_recipe(df, Recipe((Step("cast", "x", {"to": "integer"}),)))


def test_cast_string_keeps_missing_as_missing() -> None:
    values, _, _ = cast([1, 2, None], "string")
    assert values.iloc[0] == "1.0"
    assert values.isna().tolist() == [False, False, True]
    assert values.dtype == object


def test_cast_boolean_reads_common_words() -> None:
    values, note, _ = cast(["Yes", "no", "TRUE", "0", "maybe", None], "boolean")
    assert str(values.dtype) == "boolean"
    assert values.tolist()[:4] == [True, False, True, False]
    assert values.isna().tolist()[4:] == [True, True]
    assert "1 value could not be read as true/false" in note


def test_cast_category_and_datetime() -> None:
    values, _, changed = cast(["a", "b", "a"], "category")
    assert isinstance(values.dtype, pd.CategoricalDtype)
    assert changed == 0
    dates, note, _ = cast(["2024-01-31", "nope"], "datetime")
    assert dates.iloc[0] == pd.Timestamp("2024-01-31")
    assert "1 value could not be read as datetime" in note


def test_cast_dates_to_numbers_is_refused() -> None:
    df = pd.DataFrame({"d": pd.to_datetime(["2024-01-01"])})
    with pytest.raises(RecipeError, match="holds dates; dates cannot be cast to numeric"):
        apply_recipe(df, Recipe((Step("cast", "d", {"to": "numeric"}),)))


def test_cast_missing_column_names_step_and_column() -> None:
    df = pd.DataFrame({"income": ["1"], "x": [np.nan]})
    recipe = Recipe(
        (
            Step("drop_column", "x"),
            Step("rename", "income", {"to": "annual_income"}),
            Step("cast", "income", {"to": "numeric"}),
        )
    )
    with pytest.raises(RecipeError) as caught:
        apply_recipe(df, recipe)
    assert str(caught.value) == (
        "Step 3 (cast income to numeric): column 'income' does not exist "
        "(renamed to 'annual_income' in step 2?)"
    )
    assert caught.value.step_number == 3
    assert caught.value.column == "income"
