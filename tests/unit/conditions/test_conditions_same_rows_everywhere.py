"""`x != 5` keeps the same rows in a recipe filter, an error cohort and the rule baseline.

Before core/conditions.py the three evaluators disagreed on missing values: on the frame
below (6 rows, 2 missing) the recipe filter kept 2 rows, the error cohort 4 and the rule
baseline 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.conditions import Condition as CohortCondition
from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, Step
from core.evaluate import apply_cohort
from core.train import parse_rule

COLUMNS = {
    "numbers": [5.0, 3.0, np.nan, 7.0, 5.0, np.nan],
    "integers": pd.array([5, 3, None, 7, 5, None], dtype="Int64"),
    "text": ["5", "3", None, "7", "5", np.nan],
    "category": pd.Categorical(["5", "3", None, "7", "5", None]),
}


def _three_answers(values: object, op: str, value: object) -> tuple[list, list, list]:
    frame = pd.DataFrame({"x": values}, index=range(100, 106))
    step = Step("filter_rows", "x", {"op": op, "value": value})
    recipe_rows = list(apply_recipe(frame, Recipe((step,))).frame.index)
    cohort_rows = list(frame.index[apply_cohort(frame, [CohortCondition("x", op, value)])])
    rule = f"x {op} {value!r}" if op not in ("in", "not in") else f"x {op} {list(value)!r}"
    rule_rows = list(frame.index[parse_rule(rule, ["x"]).evaluate(frame)])
    return recipe_rows, cohort_rows, rule_rows


@pytest.mark.parametrize("kind", list(COLUMNS))
@pytest.mark.parametrize(
    ("op", "number"), [("!=", 5), ("==", 5), ("<", 6), ("not in", (5,)), ("in", (3, 7))]
)
def test_one_condition_gives_the_same_rows_in_all_three_places(kind, op, number) -> None:
    values = COLUMNS[kind]
    value: object = number
    if kind in ("text", "category"):
        value = tuple(str(v) for v in number) if isinstance(number, tuple) else str(number)
    recipe_rows, cohort_rows, rule_rows = _three_answers(values, op, value)
    assert recipe_rows == cohort_rows == rule_rows


def test_x_not_5_never_keeps_a_missing_value() -> None:
    recipe_rows, cohort_rows, rule_rows = _three_answers(COLUMNS["numbers"], "!=", 5)
    assert (len(recipe_rows), len(cohort_rows), len(rule_rows)) == (2, 2, 2)
    assert recipe_rows == [101, 103]


def test_negation_is_not_of_the_mask() -> None:
    from core.conditions import Condition, mask

    frame = pd.DataFrame({"x": COLUMNS["numbers"]})
    equal = mask(frame, Condition("x", "==", 5))
    np.testing.assert_array_equal(
        parse_rule("not (x == 5)", ["x"]).evaluate(frame), (~equal).to_numpy()
    )
    drop = Step("filter_rows", "x", {"op": "==", "value": 5, "action": "drop"})
    kept = apply_recipe(frame, Recipe((drop,))).frame.index
    assert list(kept) == list(frame.index[~equal])  # missing rows kept by "Drop rows where x is 5"
