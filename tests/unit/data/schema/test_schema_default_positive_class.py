"""One rule for the default positive class: the conventional label first, else the minority."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.inference import (
    REASON_POSITIVE_GOAL,
    REASON_POSITIVE_USER,
    SchemaError,
    default_positive_class,
)
from core.data.schema import infer_schema, schema_from_dict, schema_to_dict

MANY_ONES = [1] * 7 + [0] * 3  # the minority rule alone would pick 0


@pytest.mark.parametrize(
    ("values", "expected", "reason"),
    [
        (MANY_ONES, "1", "1 is the usual positive of a 0/1 target"),
        ([float(v) for v in MANY_ONES], "1", "1 is the usual positive of a 0/1 target"),
        ([str(v) for v in MANY_ONES], "1", "1 is the usual positive of a 0/1 target"),
        (["1.0"] * 7 + ["0.0"] * 3, "1.0", "1.0 is the usual positive of a 0/1 target"),
        ([1] * 7 + [-1] * 3, "1", "1 is the usual positive of a −1/1 target"),
        ([True] * 7 + [False] * 3, "True", "True is the usual positive of a true/false target"),
        (["true"] * 7 + ["false"] * 3, "true", "true is the usual positive of a true/false target"),
        (["YES"] * 7 + ["no"] * 3, "YES", "YES is the usual positive of a yes/no target"),
        (["y"] * 7 + ["N"] * 3, "y", "y is the usual positive of a y/n target"),
        (["Positive"] * 7 + ["Negative"] * 3, "Positive", None),
        (["pos"] * 7 + ["neg"] * 3, "pos", None),
    ],
)
def test_conventional_positive_wins_over_the_majority(
    values: list[object], expected: str, reason: str | None
) -> None:
    label, why = default_positive_class(pd.Series(values, name="y"))
    assert label == expected
    if reason is not None:
        assert why == reason
    else:
        assert why.startswith(f"{expected} is the usual positive")


def test_nullable_and_missing_values_keep_the_convention() -> None:
    values = pd.Series([1, 1, 1, 0, None], dtype="Int64", name="y")
    assert default_positive_class(values)[0] == "1"
    flags = pd.Series([True, True, False, None], dtype="boolean", name="y")
    assert default_positive_class(flags)[0] == "True"


def test_two_arbitrary_labels_pick_the_minority_with_its_share() -> None:
    label, why = default_positive_class(pd.Series(["stay"] * 88 + ["leave"] * 12, name="y"))
    assert (label, why) == ("leave", "minority class: 12 % of rows")


def test_rare_positives_are_the_minority() -> None:
    label, why = default_positive_class(pd.Series(["ok"] * 98 + ["fraud"] * 2, name="y"))
    assert (label, why) == ("fraud", "minority class: 2 % of rows")


def test_a_tie_picks_the_later_label_in_sorted_order() -> None:
    label, why = default_positive_class(pd.Series(["a", "b"] * 5, name="y"))
    assert label == "b"
    assert "equally common" in why


def test_words_that_are_not_opposites_are_not_conventional() -> None:
    label, why = default_positive_class(pd.Series(["yes"] * 7 + ["maybe"] * 3, name="y"))
    assert (label, why) == ("maybe", "minority class: 30 % of rows")


def test_other_numbers_pick_the_minority() -> None:
    assert default_positive_class(pd.Series([2] * 7 + [5] * 3, name="y"))[0] == "5"


def test_schema_keeps_the_class_and_why() -> None:
    frame = pd.DataFrame({"x": range(10), "y": MANY_ONES})
    schema = infer_schema(frame, target="y")
    assert (schema.positive_class, schema.positive_class_reason) == (
        "1",
        "1 is the usual positive of a 0/1 target",
    )


def test_precedence_user_then_goal_then_default() -> None:
    frame = pd.DataFrame({"x": range(10), "y": MANY_ONES})
    goal = infer_schema(frame, target="y", goal_positive_class="0")
    assert (goal.positive_class, goal.positive_class_reason) == ("0", REASON_POSITIVE_GOAL)
    user = infer_schema(frame, target="y", positive_class="1", goal_positive_class="0")
    assert (user.positive_class, user.positive_class_reason) == (
        "1",
        "chosen by you (the goal says '0')",
    )
    alone = infer_schema(frame, target="y", positive_class="0")
    assert (alone.positive_class, alone.positive_class_reason) == ("0", REASON_POSITIVE_USER)


def test_a_goal_class_the_data_lacks_falls_back_to_the_default_and_says_so() -> None:
    frame = pd.DataFrame({"x": range(10), "y": MANY_ONES})
    schema = infer_schema(frame, target="y", goal_positive_class="Yes")
    assert schema.positive_class == "1"
    assert "'Yes'" in schema.positive_class_reason
    assert "1 is the usual positive of a 0/1 target" in schema.positive_class_reason


def test_an_unknown_user_class_is_refused() -> None:
    frame = pd.DataFrame({"x": range(10), "y": MANY_ONES})
    with pytest.raises(SchemaError, match=r"'2' is not a class of 'y'; classes: '0', '1'"):
        infer_schema(frame, target="y", positive_class="2")


def test_reason_survives_saving_and_old_schemas_still_read() -> None:
    frame = pd.DataFrame({"x": range(10), "y": MANY_ONES})
    schema = infer_schema(frame, target="y")
    assert schema_from_dict(schema_to_dict(schema)) == schema
    old = schema_to_dict(schema)
    del old["positive_class_reason"]
    restored = schema_from_dict(old)
    assert restored.positive_class == "1" and restored.positive_class_reason == ""
