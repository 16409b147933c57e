"""parse_rule: a safe allow-list parser; never eval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.train import TrainError, parse_rule
from core.train.rules import check_rule

COLUMNS = ["tenure_months", "contract", "monthly charges", "senior", "signup"]


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tenure_months": [3, 10, 30, np.nan],
            "contract": ["Month-to-month", "Month-to-month", "Two year", None],
            "monthly charges": [80.0, 20.0, 90.0, 50.0],
            "senior": [True, False, True, False],
            "signup": pd.to_datetime(["2024-01-05", "2023-06-01", "2020-01-01", "2024-03-01"]),
        }
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("tenure_months < 6", [True, False, False, False]),
        ("contract == 'Month-to-month' and tenure_months < 12", [True, True, False, False]),
        ("not (tenure_months >= 6)", [True, False, False, True]),
        ("contract in ['One year', 'Two year']", [False, False, True, False]),
        ("contract not in ('One year', 'Two year')", [True, True, False, False]),
        ("5 <= tenure_months <= 30", [False, True, True, False]),
        ("`monthly charges` > 50 or tenure_months > 20", [True, False, True, False]),
        ("senior == True", [True, False, True, False]),
        ("tenure_months > -1", [True, True, True, False]),
        ("signup >= '2024-01-01'", [True, False, False, True]),
        ("contract != 'Two year'", [True, True, False, False]),
    ],
)
def test_rule_parser_accepts_valid_rules(rule: str, expected: list[bool], customers) -> None:
    expression = parse_rule(rule, COLUMNS)
    np.testing.assert_array_equal(expression.evaluate(customers), expected)


def test_rule_parser_lists_the_columns_used() -> None:
    expression = parse_rule("contract == 'Month-to-month' and tenure_months < 12", COLUMNS)
    assert expression.columns == ("contract", "tenure_months")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("__import__('os')", r"function calls are not allowed in a rule, found __import__\(…\)"),
        ("__import__('os').system('ls') == 0", "function calls are not allowed"),
        (
            "contract.__class__ == 'x'",
            r"attribute access is not allowed in a rule, found contract.__class__",
        ),
        ("len(contract) > 3", r"function calls are not allowed in a rule, found len\(…\)"),
        (
            "tenure < 6",
            "the rule uses 'tenure', which is not a column; did you mean 'tenure_months'",
        ),
        ("tenure_months * 2 > 10", r"arithmetic \(tenure_months \* 2\) is not allowed"),
        ("contract[0] == 'M'", "indexing is not allowed"),
        ("(lambda: 1)() == 1", "function calls are not allowed"),
        ("tenure_months", "'tenure_months' is not a condition"),
        ("1 < 2", "does not use any column"),
        ("contract is None", "'is' is not allowed"),
        ("contract in 'Month'", "needs a list of values on its right"),
        ("tenure_months < [1, 2]", "a list of values can only follow 'in' or 'not in'"),
        ("tenure_months < ", "the rule is not a valid condition"),
        ("", "the rule is empty"),
        ("tenure_months == contract_type", "'contract_type', which is not a column"),
        ("contract == None", "None is not a value a rule can compare with"),
    ],
)
def test_rule_parser_rejects_with_a_clear_message(rule: str, message: str) -> None:
    with pytest.raises(TrainError, match=message):
        parse_rule(rule, COLUMNS)


def test_rule_parser_never_evaluates_the_text(tmp_path) -> None:
    marker = tmp_path / "hacked"
    with pytest.raises(TrainError):
        parse_rule(f"open({str(marker)!r}, 'w') == 1", COLUMNS)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "tenure_months < '6'",
            "column 'tenure_months' holds numbers, so compare it with a number, not '6'",
        ),
        ("contract == 5", "column 'contract' holds text, so compare it with quoted text, not 5"),
        ("contract in [1, 2]", "column 'contract' holds text"),
    ],
)
def test_rule_type_mismatch_is_reported_against_the_data(
    rule: str, message: str, customers
) -> None:
    expression = parse_rule(rule, COLUMNS)
    with pytest.raises(TrainError, match=message):
        check_rule(expression, customers)


def test_rule_missing_values_never_match(customers) -> None:
    assert not parse_rule("contract != 'Two year'", COLUMNS).evaluate(customers)[3]
    assert not parse_rule("tenure_months != 3", COLUMNS).evaluate(customers)[3]
