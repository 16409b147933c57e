"""infer_schema refuses choices that do not fit the data, naming the column."""

from __future__ import annotations

import pandas as pd
import pytest

from core.data.inference import SchemaError
from core.data.schema import infer_schema
from core.exceptions import CoreError


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(30)],
            "gender": ["F", "M", "X"] * 10,
            "plan": ["basic", "plus", "pro"] * 10,
            "amount": [float(i) * 1.5 for i in range(30)],
            "churned": ["Yes", "No"] * 15,
        }
    )


def raises(df: pd.DataFrame, match: str, **kwargs: object) -> SchemaError:
    with pytest.raises(SchemaError, match=match) as caught:
        infer_schema(df, **kwargs)
    assert isinstance(caught.value, CoreError)
    return caught.value


def test_unknown_column_in_roles_is_named_with_a_suggestion(df: pd.DataFrame) -> None:
    error = raises(df, "no column 'gendr'; did you mean 'gender'", roles={"gendr": "sensitive"})
    assert error.field == "gendr"


def test_unknown_column_in_types_or_target(df: pd.DataFrame) -> None:
    raises(df, "types: there is no column 'x'", types={"x": "numeric"})
    raises(df, "target: there is no column 'churn'; did you mean 'churned'", target="churn")


def test_unknown_role_or_type_value(df: pd.DataFrame) -> None:
    raises(df, "role for column 'plan' must be one of feature, target", roles={"plan": "label"})
    raises(df, "type for column 'plan' must be one of numeric", types={"plan": "string"})


def test_two_targets_are_refused(df: pd.DataFrame) -> None:
    raises(df, "only one target is allowed, got 'churned' and 'plan'",
           target="churned", roles={"plan": "target"})  # fmt: skip
    raises(df, "only one target", roles={"plan": "target", "churned": "target"})


@pytest.mark.parametrize("role", ["sensitive", "identifier"])
def test_target_cannot_be_sensitive_or_identifier(df: pd.DataFrame, role: str) -> None:
    error = raises(
        df, f"'gender' is the target, so it cannot also have the role '{role}'",
        target="gender", roles={"gender": role},
    )  # fmt: skip
    assert error.field == "gender"


def test_regression_on_text_is_refused(df: pd.DataFrame) -> None:
    error = raises(df, "regression needs a numeric target, but 'churned' holds object values",
                   target="churned", task="regression")  # fmt: skip
    assert error.hint and "cast" in error.hint


def test_binary_on_three_classes_is_refused(df: pd.DataFrame) -> None:
    raises(df, "binary needs exactly two classes, but 'plan' has 3", target="plan", task="binary")


def test_multiclass_on_two_classes_or_fractions_is_refused(df: pd.DataFrame) -> None:
    raises(df, "only two classes .* choose binary", target="churned", task="multiclass")
    raises(df, "fractional numbers like 1.5", target="amount", task="multiclass")


def test_unknown_task_is_refused(df: pd.DataFrame) -> None:
    raises(
        df, "task must be one of binary, multiclass, regression", target="churned", task="ranking"
    )


def test_type_override_must_fit_the_values(df: pd.DataFrame) -> None:
    raises(
        df, "'plan' cannot be numeric: values like .* are not numbers", types={"plan": "numeric"}
    )
    raises(df, "'plan' cannot be boolean: it has 3 distinct values", types={"plan": "boolean"})
    raises(df, "'plan' cannot be datetime", types={"plan": "datetime"})


def test_fitting_type_overrides_are_accepted() -> None:
    dates = ["2024-01-02", "2024-02-03", "2024-03-04"]
    df = pd.DataFrame({"n": ["1", "2", "3"] * 4, "z": ["007", "010", "123"] * 4, "d": dates * 4})
    schema = infer_schema(df, types={"n": "numeric", "z": "numeric", "d": "datetime"})
    assert schema.column("n").type == "numeric"
    assert schema.column("d").type == "datetime"
    assert schema.column("z").type == "numeric"  # zero-padded codes can still be cast
