"""suggest_sensitive: a name-based guess is a suggestion with a reason, never a role."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.schema import infer_schema, suggest_roles, suggest_sensitive


@pytest.mark.parametrize(
    ("name", "word"),
    [("age", "age"), ("age_band", "age"), ("AgeGroup", "age"), ("marital_status", "marital"),
     ("Sex", "sex"), ("race", "race"), ("gender", "gender")],
)  # fmt: skip
def test_suggest_sensitive_names_the_word(name: str, word: str) -> None:
    assert suggest_sensitive(pd.DataFrame({name: ["a", "b"] * 5})) == {
        name: f"name contains {word!r}"
    }


@pytest.mark.parametrize("name", ["page_views", "usage", "stage", "message", "racetrack"])
def test_suggest_sensitive_matches_whole_words_only(name: str) -> None:
    assert suggest_sensitive(pd.DataFrame({name: ["a", "b"] * 5})) == {}


def test_suggest_sensitive_keeps_column_order() -> None:
    df = pd.DataFrame({"sex": [1, 2], "x": [1, 2], "age": [30, 40]})
    assert list(suggest_sensitive(df)) == ["sex", "age"]


def test_a_sensitive_looking_name_stays_a_feature_until_the_user_decides() -> None:
    df = pd.DataFrame({"x": range(10), "age": range(30, 40), "y": [0, 1] * 5})
    assert suggest_roles(df)["age"] == "feature"
    schema = infer_schema(df, target="y")
    assert schema.column("age").role == "feature"
    assert "age" in schema.features()
    assert infer_schema(df, target="y", roles={"age": "sensitive"}).by_role("sensitive") == ("age",)
