"""Recipe updates return new recipes; the old one is unchanged."""

from __future__ import annotations

import dataclasses

import pytest

from core.data.recipe import Recipe, RecipeError, Step, recipe_from_list, recipe_to_list

A = Step("drop_column", "a")
B = Step("drop_column", "b")
C = Step("drop_column", "c")


def test_recipe_add_appends_without_changing_the_original() -> None:
    empty = Recipe()
    one = empty.add(A)
    assert empty.steps == ()
    assert one.steps == (A,)
    assert len(one.add(B)) == 2


def test_recipe_remove_and_replace() -> None:
    recipe = Recipe((A, B, C))
    assert recipe.remove(1).steps == (A, C)
    assert recipe.replace(0, C).steps == (C, B, C)
    assert recipe.steps == (A, B, C)


def test_recipe_move_up_down_and_clamped() -> None:
    recipe = Recipe((A, B, C))
    assert recipe.move(2, -1).steps == (A, C, B)
    assert recipe.move(0, 1).steps == (B, A, C)
    assert recipe.move(0, -1).steps == (A, B, C)
    assert recipe.move(1, 10).steps == (A, C, B)


def test_recipe_bad_index_names_the_step_count() -> None:
    with pytest.raises(RecipeError, match="there is no step 4; the recipe has 3 step"):
        Recipe((A, B, C)).remove(3)


def test_recipe_is_frozen_and_takes_a_list() -> None:
    recipe = Recipe([A, B])  # type: ignore[arg-type]
    assert recipe.steps == (A, B)
    with pytest.raises(dataclasses.FrozenInstanceError):
        recipe.steps = ()  # type: ignore[misc]


def test_recipe_is_hashable_and_equal_after_a_round_trip() -> None:
    recipe = Recipe((A, Step("drop_duplicates", params={"subset": ["a", "b"]})))
    back = recipe_from_list(recipe_to_list(recipe))
    assert back == recipe
    assert hash(back) == hash(recipe)
