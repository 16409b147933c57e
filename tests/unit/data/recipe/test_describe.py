"""Every step reads as plain words in the UI."""

from __future__ import annotations

import pytest

from core.data.recipe import Step


@pytest.mark.parametrize(
    ("step", "words"),
    [
        (
            Step("filter_rows", "total_charges", {"op": "not null"}),
            "Drop rows where total_charges is null",
        ),
        (
            Step("filter_rows", "tenure", {"op": ">", "value": 0}),
            "Keep only rows where tenure is above 0",
        ),
        (
            Step("filter_rows", "plan", {"op": "in", "value": ["a", "b"], "action": "drop"}),
            "Drop rows where plan is one of 'a', 'b'",
        ),
        (Step("drop_column", "id"), "Drop column id"),
        (Step("drop_duplicates"), "Drop duplicate rows"),
        (Step("drop_duplicates", params={"subset": ["a", "b"]}), "Drop duplicate rows (same a, b)"),
        (Step("cast", "income", {"to": "numeric"}), "Cast income to numeric"),
        (
            Step("cast", "income", {"to": "numeric", "decimal": ","}),
            "Cast income to numeric (decimal comma)",
        ),
        (Step("parse_dates", "signup", {"format": "%d.%m.%Y"}), "Parse signup as dates (%d.%m.%Y)"),
        (Step("cap_outliers", "x", {"lower": 1, "upper": 99.5}), "Cap x between 1 and 99.5"),
        (Step("cap_outliers", "x", {"upper": 10}), "Cap x at most 10"),
        (Step("fill_missing", "city", {"value": "missing"}), "Fill missing city with 'missing'"),
        (Step("fill_missing", "n", {"value": 0}), "Fill missing n with 0"),
        (Step("rename", "a", {"to": "b"}), "Rename a to b"),
    ],
)
def test_step_describe(step: Step, words: str) -> None:
    assert step.describe() == words
