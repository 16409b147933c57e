"""A Step validates itself on construction, so an invalid step cannot exist."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.recipe import (
    MSG_BOUNDS_ORDER,
    MSG_CAST_TARGET,
    MSG_COLUMN_NEEDED,
    MSG_OP_LIST,
    MSG_OP_NO_VALUE,
    MSG_OP_VALUE_NEEDED,
    MSG_UNKNOWN_KIND,
    RecipeError,
    Step,
)
from core.exceptions import CoreError


def test_step_unknown_kind_lists_the_kinds() -> None:
    with pytest.raises(RecipeError, match="'explode' is not a step kind") as caught:
        Step("explode", "a")  # type: ignore[arg-type]
    assert "drop_column" in str(caught.value)
    assert MSG_UNKNOWN_KIND.split("{")[0] == "kind "


@pytest.mark.parametrize("kind", ["drop_column", "cast", "rename", "fill_missing"])
def test_step_without_column_is_refused(kind: str) -> None:
    with pytest.raises(RecipeError) as caught:
        Step(kind, None, {"to": "numeric", "value": 0})  # type: ignore[arg-type]
    assert caught.value.message == MSG_COLUMN_NEEDED.format(kind=kind)


def test_step_blank_column_is_refused() -> None:
    with pytest.raises(RecipeError, match="needs a column"):
        Step("drop_column", "  ")


def test_drop_duplicates_takes_subset_not_column() -> None:
    with pytest.raises(RecipeError, match=r"params\.subset"):
        Step("drop_duplicates", "a")


def test_step_unknown_op() -> None:
    with pytest.raises(RecipeError, match="op 'like' is not a filter"):
        Step("filter_rows", "a", {"op": "like", "value": "x"})


def test_step_cast_target_must_be_known() -> None:
    with pytest.raises(RecipeError) as caught:
        Step("cast", "a", {"to": "float"})
    choices = "numeric, integer, string, boolean, category, datetime"
    assert caught.value.message == MSG_CAST_TARGET.format(value="float", choices=choices)


def test_step_unknown_param_suggests_the_right_one() -> None:
    with pytest.raises(RecipeError, match="did you mean 'upper'"):
        Step("cap_outliers", "a", {"lower": 0, "uper": 9})


def test_step_cap_needs_a_bound_in_order() -> None:
    with pytest.raises(RecipeError, match=r"needs params\.lower, params\.upper"):
        Step("cap_outliers", "a", {})
    with pytest.raises(RecipeError) as caught:
        Step("cap_outliers", "a", {"lower": 5, "upper": 1})
    assert caught.value.message == MSG_BOUNDS_ORDER.format(lower=5, upper=1)


def test_step_filter_value_rules() -> None:
    with pytest.raises(RecipeError) as caught:
        Step("filter_rows", "a", {"op": ">"})
    assert caught.value.message == MSG_OP_VALUE_NEEDED.format(op=">")
    with pytest.raises(RecipeError) as caught:
        Step("filter_rows", "a", {"op": "is null", "value": 3})
    assert caught.value.message == MSG_OP_NO_VALUE.format(op="is null", value=3)
    with pytest.raises(RecipeError) as caught:
        Step("filter_rows", "a", {"op": "in", "value": "x"})
    assert caught.value.message == MSG_OP_LIST.format(op="in", value="x")
    with pytest.raises(RecipeError, match="one value, not a list"):
        Step("filter_rows", "a", {"op": "==", "value": [1, 2]})
    with pytest.raises(RecipeError, match="action must be"):
        Step("filter_rows", "a", {"op": "==", "value": 1, "action": "remove"})


def test_step_rename_needs_a_new_name() -> None:
    with pytest.raises(RecipeError, match="new column name"):
        Step("rename", "a", {})
    with pytest.raises(RecipeError, match="same name"):
        Step("rename", "a", {"to": "a"})


def test_step_fill_needs_a_value_and_decimal_needs_numbers() -> None:
    with pytest.raises(RecipeError, match=r"needs params\.value"):
        Step("fill_missing", "a", {})
    with pytest.raises(RecipeError, match="decimal only applies"):
        Step("cast", "a", {"to": "string", "decimal": ","})
    with pytest.raises(RecipeError, match="decimal must be"):
        Step("cast", "a", {"to": "numeric", "decimal": ";"})


def test_step_rejects_non_finite_and_odd_values() -> None:
    with pytest.raises(RecipeError, match=r"params\.value"):
        Step("fill_missing", "a", {"value": float("nan")})
    with pytest.raises(RecipeError, match=r"params\.value"):
        Step("fill_missing", "a", {"value": {"nested": 1}})


def test_step_normalises_params_into_a_private_copy() -> None:
    subset = ["a", "b"]
    step = Step("drop_duplicates", params={"subset": subset})
    subset.append("c")
    assert step.params == {"subset": ("a", "b")}
    numeric = Step("cap_outliers", "x", {"lower": np.float64(1.5), "upper": np.int64(9)})
    assert numeric.params == {"lower": 1.5, "upper": 9}
    assert type(numeric.params["upper"]) is int


def test_step_op_aliases_and_case_are_normalised() -> None:
    assert Step("filter_rows", "a", {"op": "NOTNULL"}).params["op"] == "not null"
    assert Step("filter_rows", "a", {"op": "=", "value": 1}).params["op"] == "=="
    assert Step("cast", "a", {"to": "Numeric"}).params["to"] == "numeric"


def test_recipe_error_is_a_core_error() -> None:
    assert issubclass(RecipeError, CoreError)
