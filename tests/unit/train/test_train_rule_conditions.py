"""The rule baseline compiles each comparison to core.conditions: one rule for missing values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.conditions import ColumnRef, Condition
from core.estimators.rules import rule_condition
from core.train import parse_rule

FRAME = pd.DataFrame({"a": [1.0, 5.0, np.nan, 2.0], "b": [2.0, 4.0, 3.0, np.nan]})


def test_value_on_the_left_reads_as_the_column_on_the_left() -> None:
    assert rule_condition(("value", 5), "<", ("column", "a")) == Condition("a", ">", 5)
    assert rule_condition(("column", "a"), "<", ("column", "b")) == Condition(
        "a", "<", ColumnRef("b")
    )


def test_column_to_column_comparison_is_false_where_either_side_is_missing() -> None:
    holds = parse_rule("a < b", ["a", "b"]).evaluate(FRAME)
    np.testing.assert_array_equal(holds, [True, False, False, False])
    negated = parse_rule("not (a < b)", ["a", "b"]).evaluate(FRAME)
    np.testing.assert_array_equal(negated, ~holds)  # negation is not of the mask
