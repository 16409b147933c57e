"""The schema's task, classes and positive class, including user and goal overrides."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.inference import SchemaError
from core.data.schema import infer_schema


def frame(target: list[object]) -> pd.DataFrame:
    return pd.DataFrame({"x": range(len(target)), "y": target})


def test_binary_positive_class_defaults_to_the_minority() -> None:
    schema = infer_schema(frame(["No"] * 7 + ["Yes"] * 3), target="y")
    assert (schema.task, schema.classes, schema.positive_class) == ("binary", ("No", "Yes"), "Yes")
    schema = infer_schema(frame(["stay"] * 3 + ["leave"] * 7), target="y")
    assert schema.positive_class == "stay"


def test_tied_classes_prefer_a_positive_looking_label() -> None:
    assert infer_schema(frame(["Yes", "No"] * 5), target="y").positive_class == "Yes"
    assert infer_schema(frame(["a", "b"] * 5), target="y").positive_class == "b"


def test_positive_class_from_the_goal_wins() -> None:
    schema = infer_schema(frame(["No"] * 7 + ["Yes"] * 3), target="y", goal_positive_class="No")
    assert (schema.positive_class, schema.positive_class_reason) == ("No", "from the goal")
    schema = infer_schema(frame(["No"] * 7 + ["Yes"] * 3), target="y", positive_class="No")
    assert (schema.positive_class, schema.positive_class_reason) == ("No", "chosen by you")


def test_numeric_targets_have_text_classes() -> None:
    schema = infer_schema(frame([0, 1, 1, 0, 0]), target="y", positive_class=1)  # type: ignore[arg-type]
    assert (schema.classes, schema.positive_class) == (("0", "1"), "1")
    floats = infer_schema(frame([0.0, 1.0, 1.0]), target="y")
    assert (floats.classes, floats.positive_class) == (
        ("0", "1"),
        "1",
    )  # 1 of 0/1, not the minority
    flags = infer_schema(frame([True, False, False]), target="y")
    assert (flags.classes, flags.positive_class) == (("False", "True"), "True")


def test_unknown_positive_class_is_refused_with_a_suggestion() -> None:
    with pytest.raises(SchemaError, match=r"'yes' is not a class of 'y'.*did you mean 'Yes'"):
        infer_schema(frame(["Yes", "No"] * 3), target="y", positive_class="yes")


def test_positive_class_is_ignored_for_other_tasks() -> None:
    schema = infer_schema(frame(list(range(40))), target="y", positive_class="Yes")
    assert (schema.task, schema.positive_class, schema.classes) == ("regression", None, ())


def test_multiclass_classes_are_sorted_by_value() -> None:
    schema = infer_schema(frame([10, 2, 1, 2, 10, 1]), target="y")
    assert schema.task == "multiclass"
    assert schema.classes == ("1", "2", "10")
    assert schema.positive_class is None


def test_task_override_keeps_the_inferred_reason() -> None:
    schema = infer_schema(frame([1, 2, 3, 4, 5] * 4), target="y", task="regression")
    assert schema.task == "regression"
    assert schema.task_reason.startswith(
        "regression chosen by you (inferred multiclass: 5 distinct"
    )
    assert schema.classes == ()


def test_same_task_as_inferred_keeps_the_plain_reason() -> None:
    schema = infer_schema(frame(["a", "b"] * 3), target="y", task="binary")
    assert schema.task_reason == "2 distinct values ('a', 'b'): binary classification"
