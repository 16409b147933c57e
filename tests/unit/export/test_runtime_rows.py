"""The bundle's request checks (bundle_runtime.rows_to_frame), imported from the unpacked zip.

Every refusal names the row and the field; nothing reaches the model unchecked.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.coerce import class_label


@pytest.fixture(scope="module")
def bundle(unpacked):
    return unpacked("binary")


def _problems(bundle, rows, *, max_rows: int = 100):
    runtime = bundle.runtime
    with pytest.raises(runtime.InputError) as error:
        runtime.rows_to_frame({"rows": rows}, bundle.contract, max_rows=max_rows)
    return error.value


def _one(bundle, row):
    error = _problems(bundle, [row])
    assert error.status == 422
    assert len(error.problems) == 1, [p.message for p in error.problems]
    return error.problems[0]


def test_valid_rows_become_the_training_frame(bundle, good_row) -> None:
    frame, warnings = bundle.runtime.rows_to_frame(
        {"rows": [good_row]}, bundle.contract, max_rows=10
    )
    assert warnings == []
    assert list(frame.columns) == list(bundle.contract.names)
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    assert dtypes == {
        "signup": "object",
        "last_seen": "datetime64[ns]",
        "spend": "float64",
        "visits": "int64",
        "plan": "object",
        "region": "int64",
        "paperless": "object",
        "is_active": "bool",
    }


def test_missing_field_is_named(bundle, good_row) -> None:
    del good_row["plan"]
    problem = _one(bundle, good_row)
    assert (problem.row, problem.field, problem.kind) == (0, "plan", "missing_field")
    assert problem.message.startswith("rows[0]: field 'plan' is missing")


def test_extra_field_is_named_with_a_suggestion(bundle, good_row) -> None:
    good_row["vists"] = 3
    problem = _one(bundle, good_row)
    assert (problem.row, problem.field, problem.kind) == (0, "vists", "extra_field")
    assert problem.message.endswith("did you mean 'visits'?")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("spend", "50.5", "expected a number"),
        ("spend", True, "expected a number"),
        ("visits", [3], "expected a single value"),
        ("spend", math.inf, "expected a finite number"),
        ("signup", 20230501, "expected a date"),
        ("signup", "yesterday", "expected a date"),
        ("signup", "2023-13-45", "expected a date"),
        ("last_seen", {"y": 2024}, "expected a single value"),
    ],
)
def test_wrong_type_is_named(bundle, good_row, field, value, expected) -> None:
    good_row[field] = value
    problem = _one(bundle, good_row)
    assert (problem.row, problem.field, problem.kind) == (0, field, "wrong_type")
    assert problem.message.startswith(f"rows[0].{field}: {expected}")


@pytest.mark.parametrize(
    ("field", "value"), [("plan", "gold"), ("region", 4), ("paperless", "maybe")]
)
def test_unknown_category_is_named_with_the_allowed_values(bundle, good_row, field, value) -> None:
    good_row[field] = value
    problem = _one(bundle, good_row)
    assert (problem.field, problem.kind) == (field, "unknown_category")
    assert "is not a known value; allowed:" in problem.message


def test_null_is_refused_where_training_had_no_gaps(bundle, good_row) -> None:
    good_row["visits"] = None
    problem = _one(bundle, good_row)
    assert (problem.field, problem.kind) == ("visits", "null_value")


def test_null_is_fine_where_training_had_gaps(bundle, good_row) -> None:
    good_row["spend"] = None
    good_row["plan"] = None
    frame, _ = bundle.runtime.rows_to_frame({"rows": [good_row]}, bundle.contract, max_rows=1)
    assert math.isnan(frame.loc[0, "spend"])
    assert frame.loc[0, "plan"] is None


def test_problems_are_listed_per_row_in_column_order(bundle, good_row) -> None:
    rows = [dict(good_row, plan="gold", spend="x"), good_row, dict(good_row, visits=None)]
    error = _problems(bundle, rows)
    assert [(p.row, p.field) for p in error.problems] == [(0, "spend"), (0, "plan"), (2, "visits")]
    assert error.total == 3
    assert error.problems[0].to_dict()["loc"] == ["body", "rows", 0, "spend"]


def test_oversized_batch_is_413(bundle, good_row) -> None:
    error = _problems(bundle, [good_row] * 6, max_rows=5)
    assert error.status == 413
    assert error.problems[0].kind == "too_many_rows"
    assert error.problems[0].message.startswith("6 rows in one request; at most 5")


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ([], "bad_body"),
        ({"data": []}, "bad_body"),
        ({"rows": {}}, "bad_body"),
        ({"rows": []}, "bad_body"),
        ({"rows": [], "model": "x"}, "extra_field"),
    ],
)
def test_malformed_body_is_422(bundle, body, kind) -> None:
    runtime = bundle.runtime
    with pytest.raises(runtime.InputError) as error:
        runtime.rows_to_frame(body, bundle.contract, max_rows=10)
    assert error.value.status == 422
    assert error.value.problems[0].kind == kind


def test_a_row_that_is_not_an_object_is_named(bundle) -> None:
    problem = _one(bundle, ["Yes", 3])
    assert (problem.row, problem.field, problem.kind) == (0, None, "wrong_type")


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("region", "2", 2),  # numbers as categories: text or number both work
        ("region", 2.0, 2),
        ("paperless", "yes", "Yes"),  # flags by their meaning
        ("paperless", True, "Yes"),
        ("paperless", 0, "No"),
        ("is_active", "true", True),
        ("is_active", "No", False),
    ],
)
def test_categories_and_flags_map_to_the_training_value(
    bundle, good_row, field, value, stored
) -> None:
    good_row[field] = value
    frame, _ = bundle.runtime.rows_to_frame({"rows": [good_row]}, bundle.contract, max_rows=1)
    assert frame.loc[0, field] == stored


def test_dates_with_zones_are_read_as_utc(bundle, good_row) -> None:
    good_row["last_seen"] = "2024-03-01T02:00:00+02:00"
    frame, _ = bundle.runtime.rows_to_frame({"rows": [good_row]}, bundle.contract, max_rows=1)
    assert str(frame.loc[0, "last_seen"]) == "2024-03-01 00:00:00"


def test_numbers_outside_the_training_range_give_warnings(bundle, good_row) -> None:
    good_row["visits"] = 99
    _, warnings = bundle.runtime.rows_to_frame({"rows": [good_row]}, bundle.contract, max_rows=1)
    assert warnings == [
        "rows[0].visits = 99.0 lies outside the training range 0 to 9; the model extrapolates"
    ]


def test_class_label_matches_the_workbench(bundle) -> None:
    for value in (True, np.bool_(False), 3, np.int64(4), 1.0, np.float32(2.0), 1.5, "x", None):
        assert bundle.runtime.class_label(value) == class_label(value)
