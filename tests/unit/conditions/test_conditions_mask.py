"""mask(): one reading of values per column type, one rule for missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.conditions import (
    MSG_VALUE_TYPE,
    ColumnRef,
    Condition,
    ConditionError,
    mask,
    mask_all,
)

FRAME = pd.DataFrame(
    {
        "n": [1.0, 5.0, np.nan, 9.0],
        "m": [2.0, 4.0, 3.0, np.nan],
        "t": ["a", None, "b", "ab"],
        "flag": [True, False, True, False],
        "when": pd.to_datetime(["2024-01-01", "2024-02-01", None, "2024-03-01"]),
    },
    index=[7, 8, 9, 10],
)


def rows(condition: Condition) -> list[int]:
    result = mask(FRAME, condition)
    assert list(result.index) == list(FRAME.index) and result.dtype == bool
    return list(FRAME.index[result])


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("n", "!=", 5), [7, 10]),
        (Condition("n", "!=", "5"), [7, 10]),  # numbers typed as text read as numbers
        (Condition("n", "!=", 5, or_missing=True), [7, 9, 10]),
        (Condition("n", "not in", (1, 9)), [8]),
        (Condition("n", "is missing"), [9]),
        (Condition("n", "<", ColumnRef("m")), [7]),  # missing on either side: no
        (Condition("t", "contains", "a"), [7, 10]),
        (Condition("t", "!=", "a"), [9, 10]),
        (Condition("flag", "==", "yes"), [7, 9]),
        (Condition("when", ">=", "2024-02-01"), [8, 10]),
    ],
)
def test_mask_rows(condition: Condition, expected: list[int]) -> None:
    assert rows(condition) == expected


def test_negation_of_a_comparison_holds_for_missing_values() -> None:
    equal = mask(FRAME, Condition("n", "==", 5))
    different = mask(FRAME, Condition("n", "!=", 5))
    assert list(FRAME.index[~equal]) == [7, 9, 10]  # not (n == 5) keeps the missing row
    assert list(FRAME.index[different]) == [7, 10]  # n != 5 does not


def test_text_says_when_missing_rows_are_included() -> None:
    assert Condition("n", "!=", 5).text() == "n ≠ 5"
    assert Condition("n", "!=", 5, or_missing=True).text() == "n ≠ 5 or missing"


def test_a_value_of_the_wrong_kind_names_the_column() -> None:
    with pytest.raises(ConditionError) as caught:
        mask(FRAME, Condition("n", ">", "abc"))
    assert str(caught.value) == MSG_VALUE_TYPE.format(
        column="n", what="numbers", expected="a number", value="abc"
    )


def test_unknown_column_and_operator() -> None:
    with pytest.raises(ConditionError, match="'nn' is not a column of the data; did you mean 'n'"):
        mask(FRAME, Condition("nn", "==", 1))
    with pytest.raises(ConditionError, match="operator must be one of"):
        Condition("n", "~", 1)  # type: ignore[arg-type]


def test_mask_all_is_and() -> None:
    both = mask_all(FRAME, [Condition("n", ">", 0), Condition("t", "is not missing")])
    assert list(FRAME.index[both]) == [7, 10]
    assert mask_all(FRAME, []).all()
