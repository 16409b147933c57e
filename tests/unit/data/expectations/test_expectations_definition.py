"""Expectation: validated at creation, described in words, saved as plain data."""

from __future__ import annotations

import json

import pytest

from core.data.expectations import (
    Expectation,
    ExpectationError,
    expectation_from_dict,
    expectation_to_dict,
)
from core.exceptions import CoreError


@pytest.mark.parametrize(
    ("expectation", "text"),
    [
        (
            Expectation("allowed_values", "churned", values=("No", "Yes")),
            "churned is one of No, Yes",
        ),
        (Expectation("not_null", "age"), "age is never missing"),
        (Expectation("unique", "customer_id"), "customer_id has no repeated values"),
        (Expectation("range", "age", min=18, max=85), "age is between 18 and 85"),
        (Expectation("range", "fee", min=0.5), "fee is at least 0.5"),
        (Expectation("range", "fee", max=1000), "fee is at most 1,000"),
        (Expectation("regex", "customer_id", pattern=r"C-\d{6}"), r"customer_id matches C-\d{6}"),
        (Expectation("row_count", min=1000), "the data has at least 1,000 rows"),
        (Expectation("row_count", min=10, max=20), "the data has between 10 and 20 rows"),
    ],
)
def test_describe(expectation: Expectation, text: str) -> None:
    assert expectation.describe() == text


@pytest.mark.parametrize(
    "expectation",
    [
        Expectation("allowed_values", "churned", values=("No", "Yes")),
        Expectation("not_null", "age"),
        Expectation("range", "age", min=18, max=85.5),
        Expectation("regex", "id", pattern=r"\d+"),
        Expectation("row_count", max=10),
    ],
)
def test_round_trip_through_json(expectation: Expectation) -> None:
    data = json.loads(json.dumps(expectation_to_dict(expectation)))
    assert expectation_from_dict(data) == expectation


def test_to_dict_leaves_out_empty_fields() -> None:
    assert expectation_to_dict(Expectation("range", "age", min=18)) == {
        "kind": "range",
        "column": "age",
        "min": 18,
    }


def test_from_dict_reads_form_input() -> None:
    expectation = expectation_from_dict(
        {"kind": "range", "column": "age", "min": "18", "max": None, "values": [], "pattern": ""}
    )
    assert expectation == Expectation("range", "age", min=18.0)


def test_allowed_values_are_kept_as_text() -> None:
    expectation = expectation_from_dict(
        {"kind": "allowed_values", "column": "n", "values": [1, 2.0, True]}
    )
    assert expectation.values == ("1", "2", "True")


@pytest.mark.parametrize(
    ("data", "match", "field"),
    [
        ({"kind": "between", "column": "a"}, "kind must be one of not_null, unique, range", "kind"),
        ({"kind": "not_null"}, "a not_null expectation needs a column", "column"),
        ({"kind": "not_null", "column": "  "}, "needs a column", "column"),
        ({"kind": "row_count", "column": "a", "min": 1}, "whole table; leave column empty", "column"),
        ({"kind": "range", "column": "a"}, "a range expectation needs min, max or both", "min"),
        ({"kind": "range", "column": "a", "min": 5, "max": 1}, "min 5 must not be more than max 1", "min"),
        ({"kind": "range", "column": "a", "min": "ten"}, "min must be a number, got 'ten'", "min"),
        ({"kind": "range", "column": "a", "max": True}, "max must be a number", "max"),
        ({"kind": "allowed_values", "column": "a"}, "needs at least one value", "values"),
        ({"kind": "allowed_values", "column": "a", "values": "No,Yes"}, "values must be a list", "values"),
        ({"kind": "regex", "column": "a"}, "a regex expectation needs a pattern", "pattern"),
        ({"kind": "regex", "column": "a", "pattern": "C-(\\d"}, "is not a valid regular expression", "pattern"),
        ({"kind": "not_null", "column": "a", "min": 1}, "min does not apply to a not_null", "min"),
        ({"kind": "unique", "column": "a", "pattern": "x"}, "pattern does not apply", "pattern"),
        ({"kind": "not_null", "column": "a", "colour": 1}, "'colour' is not a field of an expectation", "colour"),
    ],
)  # fmt: skip
def test_from_dict_refuses_with_a_clear_error(data: dict, match: str, field: str) -> None:
    with pytest.raises(ExpectationError, match=match) as caught:
        expectation_from_dict(data)
    assert isinstance(caught.value, CoreError)
    assert caught.value.field == field


def test_bad_regex_fails_at_creation() -> None:
    with pytest.raises(ExpectationError, match="not a valid regular expression"):
        Expectation("regex", "customer_id", pattern="[unclosed")


def test_from_dict_needs_a_mapping() -> None:
    with pytest.raises(ExpectationError, match="must be a mapping"):
        expectation_from_dict(["not_null", "age"])  # type: ignore[arg-type]
