"""infer_column_type: one type per column with a one-line reason, from dtype, values and name."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.inference import (
    NOTE_DATES_AS_TEXT,
    NOTE_EMPTY,
    NOTE_FLAG,
    NOTE_FREE_TEXT,
    NOTE_NUMBERS_AS_TEXT,
    infer_column_type,
)


def test_infer_column_type_numbers_are_numeric() -> None:
    kind, note = infer_column_type(pd.Series([1.5, 2.0, 3.25, 4.0]), name="monthly_charges")
    assert kind == "numeric"
    assert "4 distinct" in note


def test_infer_column_type_few_strings_are_categorical() -> None:
    kind, note = infer_column_type(pd.Series(["North", "South", "East"] * 10), name="region")
    assert (kind, note) == ("categorical", "3 distinct values")


def test_infer_column_type_category_dtype_is_categorical() -> None:
    series = pd.Series(["a", "b", "c"] * 5, dtype="category")
    assert infer_column_type(series, name="plan")[0] == "categorical"


@pytest.mark.parametrize(
    "values",
    [["Yes", "No", "No"], ["yes", "NO", "yes"], ["True", "False"], ["y", "n", "y"], ["T", "F"]],
)
def test_infer_column_type_yes_no_text_is_boolean(values: list[str]) -> None:
    kind, note = infer_column_type(pd.Series(values * 3), name="paperless_billing")
    assert kind == "boolean"
    assert note.startswith("two values")


def test_infer_column_type_bool_dtype_is_boolean() -> None:
    assert infer_column_type(pd.Series([True, False, True]))[0] == "boolean"
    assert infer_column_type(pd.Series([True, None, False], dtype="boolean"))[0] == "boolean"


def test_infer_column_type_zero_one_with_a_flag_name_is_boolean() -> None:
    assert infer_column_type(pd.Series([0, 1, 1, 0]), name="is_active") == ("boolean", NOTE_FLAG)
    assert infer_column_type(pd.Series([0, 1, 1, 0]), name="HasPhone")[0] == "boolean"
    assert infer_column_type(pd.Series(["0", "1", "1"]), name="churn_flag")[0] == "boolean"


def test_infer_column_type_zero_one_without_a_flag_name_stays_numeric() -> None:
    assert infer_column_type(pd.Series([0, 1, 1, 0]), name="senior")[0] == "numeric"


def test_infer_column_type_two_other_words_are_not_boolean() -> None:
    assert infer_column_type(pd.Series(["DSL", "Fiber"] * 3), name="internet")[0] == "categorical"


def test_infer_column_type_datetime_dtype_is_datetime() -> None:
    series = pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01", None]))
    assert infer_column_type(series, name="signup")[0] == "datetime"


@pytest.mark.parametrize(
    "values",
    [
        ["2019-06-22", "2021-05-06", "2019-03-09"],
        ["22/06/2019", "06/05/2021", "09/03/2019"],
        ["2024-03-01 10:15:00", "2024-03-02 11:00:00"],
        ["Mar 1, 2024", "Apr 12, 2024"],
    ],
)
def test_infer_column_type_dates_stored_as_text_are_text_with_a_note(values: list[str]) -> None:
    assert infer_column_type(pd.Series(values * 5), name="signup_date") == (
        "text",
        NOTE_DATES_AS_TEXT,
    )


def test_infer_column_type_ranges_and_years_are_not_dates() -> None:
    assert infer_column_type(pd.Series(["18-29", "30-44", "60+"] * 5))[1] != NOTE_DATES_AS_TEXT
    assert infer_column_type(pd.Series(["2019", "2020"] * 5))[1] != NOTE_DATES_AS_TEXT


def test_infer_column_type_numbers_stored_as_text_get_a_note() -> None:
    few = pd.Series(["1", "2", "3.5", "-4"] * 5)
    assert infer_column_type(few, name="score") == ("categorical", NOTE_NUMBERS_AS_TEXT)
    many = pd.Series([str(v / 10) for v in range(200)] * 2)
    assert infer_column_type(many, name="amount") == ("text", NOTE_NUMBERS_AS_TEXT)


def test_infer_column_type_zero_padded_codes_are_not_numbers() -> None:
    codes = pd.Series(["02134", "10001", "00501"] * 10)
    kind, note = infer_column_type(codes, name="zip")
    assert kind == "categorical"
    assert note != NOTE_NUMBERS_AS_TEXT


def test_infer_column_type_long_varied_strings_are_free_text() -> None:
    rng = np.random.default_rng(0)
    words = ["late", "bill", "great", "service", "slow", "support", "cancel", "price", "app"]
    reviews = [" ".join(rng.choice(words, 8)) + f" #{i}" for i in range(120)]
    reviews += reviews[:40]  # repeats: not an ID
    assert infer_column_type(pd.Series(reviews), name="comment") == ("text", NOTE_FREE_TEXT)


def test_infer_column_type_empty_column_says_so() -> None:
    assert infer_column_type(pd.Series([None, None], dtype=object), name="x") == (
        "categorical",
        NOTE_EMPTY,
    )
    assert infer_column_type(pd.Series([np.nan, np.nan]), name="x") == ("numeric", NOTE_EMPTY)


def test_infer_column_type_uses_the_series_name_by_default() -> None:
    series = pd.Series([0, 1, 0], name="is_member")
    assert infer_column_type(series)[0] == "boolean"
