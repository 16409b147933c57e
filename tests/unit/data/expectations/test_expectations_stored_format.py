"""Expectations saved before the pydantic model still load, and are saved the same way."""

from __future__ import annotations

import pytest

from core.data.expectations import Expectation, expectation_from_dict, expectation_to_dict

STORED = [  # as expectation_to_dict wrote them before (empty fields left out, whole bounds int)
    {"kind": "range", "column": "age", "min": 18, "max": 85.5},
    {"kind": "row_count", "min": 1000},
    {"kind": "allowed_values", "column": "churned", "values": ["No", "Yes"]},
    {"kind": "regex", "column": "customer_id", "pattern": "C-\\d{6}"},
    {"kind": "not_null", "column": "age"},
    {"kind": "unique", "column": "customer_id"},
]


@pytest.mark.parametrize("stored", STORED)
def test_stored_expectation_loads_and_saves_identically(stored: dict) -> None:
    expectation = expectation_from_dict(stored)
    assert isinstance(expectation, Expectation)
    assert expectation_to_dict(expectation) == stored
    assert type(expectation_to_dict(expectation).get("min", 0)) is type(stored.get("min", 0))
