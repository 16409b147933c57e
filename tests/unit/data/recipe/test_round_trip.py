"""Recipes are stored as JSON-safe lists and validated on the way back in."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.data.recipe import (
    MSG_RECIPE_LIST,
    Recipe,
    RecipeError,
    Step,
    recipe_from_list,
    recipe_to_list,
    step_from_dict,
    step_to_dict,
)

EVERY_KIND = Recipe(
    (
        Step("drop_column", "id"),
        Step("drop_duplicates", params={"subset": ["email"]}),
        Step("filter_rows", "tenure", {"op": "in", "value": [1, 2, 3], "action": "drop"}),
        Step("cast", "income", {"to": "numeric", "decimal": ","}),
        Step("parse_dates", "signup", {"format": "%Y-%m-%d"}),
        Step("cap_outliers", "income", {"lower": 0, "upper": 99.5}),
        Step("fill_missing", "city", {"value": "missing"}),
        Step("rename", "city", {"to": "town"}),
    )
)


def test_recipe_round_trip_through_json() -> None:
    stored = json.loads(json.dumps(recipe_to_list(EVERY_KIND)))
    assert recipe_from_list(stored) == EVERY_KIND


def test_step_to_dict_uses_lists_not_tuples() -> None:
    data = step_to_dict(EVERY_KIND.steps[1])
    assert data == {"kind": "drop_duplicates", "column": None, "params": {"subset": ["email"]}}


def test_step_from_dict_normalises_kind_and_column() -> None:
    step = step_from_dict({"kind": "Drop Column", "column": " id "})
    assert step == Step("drop_column", "id")


def test_step_from_dict_numpy_values_become_plain() -> None:
    step = step_from_dict(
        {"kind": "cap_outliers", "column": "x", "params": {"upper": np.float32(2.5)}}
    )
    assert json.dumps(step_to_dict(step))


def test_step_from_dict_unknown_field_is_named() -> None:
    with pytest.raises(
        RecipeError, match="'colum' is not a field of a step; did you mean 'column'"
    ):
        step_from_dict({"kind": "drop_column", "colum": "a"})


def test_step_from_dict_unknown_kind_suggests() -> None:
    with pytest.raises(RecipeError, match="did you mean 'rename'"):
        step_from_dict({"kind": "renam", "column": "a"})


def test_recipe_from_list_names_the_bad_step() -> None:
    items = recipe_to_list(EVERY_KIND)
    items[3] = {"kind": "cast", "column": "income", "params": {"to": "money"}}
    with pytest.raises(RecipeError) as caught:
        recipe_from_list(items)
    assert str(caught.value).startswith("Step 4: cannot cast to 'money'")
    assert caught.value.step_number == 4
    assert caught.value.field == "steps[3]"
    assert caught.value.column == "income"


def test_recipe_from_list_needs_a_list() -> None:
    with pytest.raises(RecipeError) as caught:
        recipe_from_list({"kind": "drop_column"})  # type: ignore[arg-type]
    assert caught.value.message == MSG_RECIPE_LIST.format(value={"kind": "drop_column"})
    assert recipe_from_list(None) == Recipe()
    assert recipe_from_list([]) == Recipe()


def test_recipe_from_list_step_must_be_a_mapping() -> None:
    with pytest.raises(RecipeError, match="Step 1: a step must be a mapping"):
        recipe_from_list(["drop_column"])  # type: ignore[list-item]
