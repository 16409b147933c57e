"""Bad report inputs raise FairnessError with a message stating the rule and the value."""

from __future__ import annotations

import pandas as pd
import pytest

from core.estimators.fairness_inputs import MSG_ONE_GROUP, MSG_POSITIVE, MSG_SENSITIVE_COLUMNS
from core.exceptions import CoreError
from core.fairness import DISPARITIES, FairnessError, fairness_report
from core.fairness.inputs import (
    MSG_BINARY_LABELS,
    MSG_BOOTSTRAP,
    MSG_GROUPS_TOO_SMALL,
    MSG_LENGTHS,
    MSG_LIMIT_NUMBER,
    MSG_LIMIT_TASK,
    MSG_LIMIT_UNKNOWN,
    MSG_MIN_GROUP_SIZE,
    MSG_NO_ROWS,
    MSG_NUMBERS,
    MSG_POSITIVE_NEEDED,
    MSG_PROBA_RANGE,
    MSG_PROBA_TASK,
    MSG_TASK,
    MSG_VOLUME,
)

Y = ["Yes", "No", "Yes", "No"]
GROUPS = pd.Series(["a", "a", "b", "b"], name="group")


def report(**changes):
    options = {"task": "binary", "positive": "Yes", "bootstrap": 0}
    y_true = changes.pop("y_true", Y)
    y_pred = changes.pop("y_pred", Y)
    sensitive = changes.pop("sensitive", GROUPS)
    return fairness_report(y_true, y_pred, sensitive, **{**options, **changes})


def message(**changes) -> str:
    with pytest.raises(FairnessError) as error:
        report(**changes)
    return str(error.value)


def test_fairness_error_is_a_core_error_naming_its_field() -> None:
    with pytest.raises(CoreError) as error:
        report(y_pred=Y[:3])
    assert isinstance(error.value, ValueError)
    assert error.value.field == "y_pred"


def test_lengths_must_match() -> None:
    assert message(y_pred=Y[:3]) == MSG_LENGTHS.format(what="y_pred", rows=4, count=3)
    assert message(y_true=Y * 2) == MSG_LENGTHS.format(what="y_true", rows=4, count=8)


def test_at_most_two_sensitive_columns() -> None:
    three = pd.DataFrame({"a": [1] * 4, "b": [2] * 4, "c": [3] * 4})
    assert message(sensitive=three) == MSG_SENSITIVE_COLUMNS.format(count=3, columns="a, b, c")


def test_one_group_cannot_be_compared() -> None:
    only = pd.Series(["a"] * 4, name="group")
    assert message(sensitive=only) == MSG_ONE_GROUP.format(attribute="group", groups="'a'")


def test_some_group_needs_two_rows() -> None:
    lonely = pd.Series(["a", "b", "c", "d"], name="group")
    assert message(sensitive=lonely) == MSG_GROUPS_TOO_SMALL.format(
        attribute="group", sizes="'a': 1, 'b': 1, 'c': 1, 'd': 1"
    )


def test_positive_must_be_among_the_labels() -> None:
    assert message(positive="yes") == MSG_POSITIVE.format(positive="yes", labels=["No", "Yes"])
    two = ["stay", "leave", "stay", "leave"]  # no conventional positive: the caller must say
    assert message(positive=None, y_true=two, y_pred=two) == MSG_POSITIVE_NEEDED.format(
        labels=["leave", "stay"]
    )


def test_binary_means_two_labels() -> None:
    labels = ["Yes", "No", "Maybe", "No"]
    assert message(y_pred=labels) == MSG_BINARY_LABELS.format(
        count=3, labels=["Maybe", "No", "Yes"]
    )


def test_regression_needs_numbers() -> None:
    text = message(task="regression", y_true=[1, 2, "three", 4], y_pred=[1, 2, 3, 4])
    assert text == MSG_NUMBERS.format(what="y_true", count=1, examples="'three'")


def test_limits_must_fit_the_task() -> None:
    numbers = {"task": "regression", "y_true": [1, 2, 3, 4], "y_pred": [1, 2, 3, 5]}
    assert message(**numbers, limits={"demographic_parity_difference": 0.1}) == (
        MSG_LIMIT_TASK.format(
            name="demographic_parity_difference",
            task="regression",
            choices="mae_difference, mae_ratio",
        )
    )
    known = ", ".join(name for names in DISPARITIES.values() for name in names)
    assert message(limits={"parity": 0.1}) == MSG_LIMIT_UNKNOWN.format(name="parity", known=known)
    assert message(limits={"demographic_parity_ratio": "high"}) == MSG_LIMIT_NUMBER.format(
        name="demographic_parity_ratio", value="high"
    )


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("task", "ranking", MSG_TASK),
        ("bootstrap", -1, MSG_BOOTSTRAP),
        ("bootstrap", 2.5, MSG_BOOTSTRAP),
        ("min_group_size", 0, MSG_MIN_GROUP_SIZE),
        ("volume_per_month", -5, MSG_VOLUME),
    ],
)
def test_options_are_checked(option: str, value, expected: str) -> None:
    assert message(**{option: value}) == expected.format(value=value)


def test_proba_is_a_binary_probability() -> None:
    assert message(proba=[0.1, 0.2, 1.5, 0.3]) == MSG_PROBA_RANGE.format(low=0.1, high=1.5)
    multiclass = {"task": "multiclass", "positive": None}
    assert message(proba=[0.1] * 4, **multiclass) == MSG_PROBA_TASK.format(task="multiclass")


def test_nothing_to_check() -> None:
    assert message(y_true=[None] * 4) == MSG_NO_ROWS
