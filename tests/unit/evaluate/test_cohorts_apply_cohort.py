"""Cohorts are data: saved to a dict, read back and re-applied to another run's rows."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from core.conditions import Condition
from core.evaluate import (
    Cohort,
    ErrorAnalysisError,
    apply_cohort,
    cohort_from_dict,
    cohort_to_dict,
    discover_cohorts,
)
from core.evaluate.cohorts import MISSING_RULE, MSG_OPERATOR


def test_round_trip_through_json(injected) -> None:
    frame, errors = injected
    for cohort in discover_cohorts(frame, errors):
        saved = json.loads(json.dumps(cohort_to_dict(cohort)))
        again = cohort_from_dict(saved)
        assert again == cohort
        np.testing.assert_array_equal(apply_cohort(frame, again), apply_cohort(frame, cohort))


def test_reapplied_to_another_runs_rows(make_injected_frame) -> None:
    frame, errors = make_injected_frame(seed=0)
    other, other_errors = make_injected_frame(rows=3_000, seed=5)
    worst = discover_cohorts(frame, errors)[0]
    mask = apply_cohort(other, cohort_from_dict(cohort_to_dict(worst)))
    expected = (other["a"] < 3) & (other["c"] == "x")
    np.testing.assert_array_equal(mask, expected.to_numpy())
    assert other_errors[mask].mean() > 0.4


FRAME = pd.DataFrame(
    {
        "n": [1.0, 5.0, np.nan, 9.0],
        "t": ["a", None, "b", "a"],
        "when": pd.to_datetime(["2024-01-01", "2024-02-01", None, "2024-03-01"]),
    }
)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Condition("n", "<", 5), [True, False, False, False]),
        (Condition("n", "<", 5, or_missing=True), [True, False, True, False]),
        (Condition("n", ">=", 5), [False, True, False, True]),
        (Condition("n", "==", 5), [False, True, False, False]),
        (Condition("n", "!=", 5), [True, False, False, True]),  # missing satisfies no comparison
        (Condition("n", "!=", 5, or_missing=True), [True, False, True, True]),
        (Condition("n", "is missing"), [False, False, True, False]),
        (Condition("t", "==", "a"), [True, False, False, True]),
        (Condition("t", "!=", "a"), [False, False, True, False]),
        (Condition("t", "!=", "a", or_missing=True), [False, True, True, False]),
        (Condition("t", "not in", ("a", "b")), [False, False, False, False]),
        (Condition("t", "not in", ("b",), or_missing=True), [True, True, False, True]),
        (Condition("t", "in", ("b",)), [False, False, True, False]),
        (Condition("t", "is not missing"), [True, False, True, True]),
        (Condition("when", "<", "2024-02-01"), [True, False, False, False]),
        (Condition("when", "==", "2024-02-01"), [False, True, False, False]),
    ],
)
def test_condition_semantics(condition: Condition, expected: list[bool]) -> None:
    np.testing.assert_array_equal(apply_cohort(FRAME, [condition]), expected)


def test_missing_column_is_named_with_a_suggestion() -> None:
    cohort = Cohort("x", 1, 0.5, 1.0, (Condition("tenur", "<", 3),))
    with pytest.raises(ErrorAnalysisError, match="'tenur' is not a column"):
        apply_cohort(pd.DataFrame({"tenure": [1]}), cohort)


def test_bad_operator_in_a_saved_cohort() -> None:
    with pytest.raises(ErrorAnalysisError) as error:
        cohort_from_dict({"conditions": [{"column": "a", "op": "~", "value": 1}]})
    assert "~" in str(error.value)
    assert str(error.value).startswith(MSG_OPERATOR.split("{")[0])


def test_rule_is_rendered_when_a_saved_cohort_has_none() -> None:
    cohort = cohort_from_dict(
        {
            "conditions": [
                {"column": "tenure", "op": ">=", "value": 6},
                {"column": "tenure", "op": "<", "value": 12},
                {"column": "contract", "op": "!=", "value": "Two year"},
            ],
            "missing_rule": MISSING_RULE,
        }
    )
    assert cohort.rule == "6 ≤ tenure < 12 and contract ≠ Two year"


def test_a_cohort_saved_before_the_missing_rule_keeps_its_rows_and_says_so() -> None:
    """Saved when ``!=`` held for missing values: the same rows, and the text now says so."""
    saved = {
        "rule": "t ≠ a",
        "conditions": [{"column": "t", "op": "!=", "value": "a", "or_missing": False}],
    }
    cohort = cohort_from_dict(saved)
    np.testing.assert_array_equal(apply_cohort(FRAME, cohort), [False, True, True, False])
    assert cohort.rule == "t ≠ a or missing"
    again = cohort_from_dict(cohort_to_dict(cohort))
    assert again == cohort


def test_a_cohort_in_todays_stored_format_reads_and_writes_back_identically() -> None:
    """The stored format (SavedCohort.definition) is unchanged by the move to core.evaluate."""
    stored = {
        "rule": "6 ≤ tenure < 12 and (plan ≠ basic or missing)",
        "rows": 312,
        "error_rate": 0.41,
        "lift": 2.5,
        "conditions": [
            {"column": "tenure", "op": ">=", "value": 6, "or_missing": False},
            {"column": "tenure", "op": "<", "value": 12.0, "or_missing": False},
            {"column": "plan", "op": "!=", "value": "basic", "or_missing": True},
        ],
        "share_of_rows": 0.1,
        "share_of_errors": None,
        "errors": 128.0,
        "measure": "error rate",
        "missing_rule": MISSING_RULE,
    }
    cohort = cohort_from_dict(stored)
    assert math.isnan(cohort.share_of_errors)
    assert cohort.describe().startswith("6 ≤ tenure < 12 and (plan ≠ basic or missing): 41%")
    assert cohort_to_dict(cohort) == stored
