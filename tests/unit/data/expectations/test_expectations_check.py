"""check_expectations: every kind passing and failing, with counts and examples."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from core.data.expectations import Expectation, check_expectations


@pytest.fixture
def df() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["C-001", "C-002", "C-003", "C-003", "X9"],
            "age": [25, 17, 40, None, 130],
            "churned": ["Yes", "No", "No", "maybe", None],
            "score": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )


def run(df: pd.DataFrame, expectation: Expectation):  # type: ignore[no-untyped-def]
    (result,) = check_expectations(df, [expectation])
    assert result.expectation == expectation
    return result


def test_not_null(df: pd.DataFrame) -> None:
    assert run(df, Expectation("not_null", "score")).passed
    result = run(df, Expectation("not_null", "age"))
    assert (result.passed, result.failing_rows, result.examples) == (False, 1, ("row 3",))
    assert result.message == "1 of 5 rows break 'age is never missing', e.g. 'row 3'."


def test_unique(df: pd.DataFrame) -> None:
    assert run(df, Expectation("unique", "score")).passed
    result = run(df, Expectation("unique", "customer_id"))
    assert (result.passed, result.failing_rows, result.examples) == (False, 2, ("C-003",))


def test_unique_ignores_missing_values() -> None:
    df = pd.DataFrame({"email": ["a@x", None, None, "b@x"]})
    assert run(df, Expectation("unique", "email")).passed


def test_range(df: pd.DataFrame) -> None:
    assert run(df, Expectation("range", "score", min=1, max=5)).passed
    result = run(df, Expectation("range", "age", min=18, max=120))
    assert (result.passed, result.failing_rows) == (False, 2)
    assert result.examples == ("17", "130")
    assert "2 of 5 rows break 'age is between 18 and 120'" in result.message


def test_range_with_one_bound(df: pd.DataFrame) -> None:
    assert run(df, Expectation("range", "age", min=0)).passed
    result = run(df, Expectation("range", "score", max=3.5))
    assert result.examples == ("4", "5")


def test_range_on_text_fails_clearly(df: pd.DataFrame) -> None:
    result = run(df, Expectation("range", "churned", min=0))
    assert not result.passed
    assert "holds object values, not numbers" in result.message


def test_allowed_values_compare_as_text(df: pd.DataFrame) -> None:
    result = run(df, Expectation("allowed_values", "churned", values=("No", "Yes")))
    assert (result.passed, result.failing_rows, result.examples) == (False, 1, ("maybe",))
    assert run(df, Expectation("allowed_values", "score", values=("1", "2", "3", "4", "5"))).passed


def test_regex_must_match_the_whole_value(df: pd.DataFrame) -> None:
    result = run(df, Expectation("regex", "customer_id", pattern=r"C-\d{3}"))
    assert (result.passed, result.failing_rows, result.examples) == (False, 1, ("X9",))
    prefix_only = run(df, Expectation("regex", "customer_id", pattern=r"C-\d"))
    assert prefix_only.failing_rows == 5  # "C-001" only starts with the pattern
    assert run(df, Expectation("regex", "customer_id", pattern=r"C-\d{3}|X\d")).passed


def test_row_count(df: pd.DataFrame) -> None:
    passed = run(df, Expectation("row_count", min=5, max=10))
    assert passed.passed
    assert passed.message == "'the data has between 5 and 10 rows' holds: the data has 5 rows."
    failed = run(df, Expectation("row_count", min=1000))
    assert (failed.passed, failed.examples) == (False, ("5 rows",))
    assert failed.message == "'the data has at least 1,000 rows' fails: the data has 5 rows."


def test_missing_column_is_a_failed_result_not_an_error(df: pd.DataFrame) -> None:
    result = run(df, Expectation("not_null", "tenure"))
    assert not result.passed
    assert result.message.startswith("tenure is gone: the column is not in this data")


def test_passing_message_and_examples(df: pd.DataFrame) -> None:
    result = run(df, Expectation("not_null", "score"))
    assert (result.failing_rows, result.examples) == (0, ())
    assert result.message == "'score is never missing' holds for all 5 rows."


def test_repeated_index_labels_count_rows_once(df: pd.DataFrame) -> None:
    df.index = [7, 7, 8, 8, 9]
    result = run(df, Expectation("not_null", "churned"))
    assert (result.failing_rows, result.examples) == (1, ("row 9",))


def test_many_failures_show_five_examples() -> None:
    df = pd.DataFrame({"code": [f"bad{i}" for i in range(20)]})
    result = run(df, Expectation("regex", "code", pattern=r"ok\d+"))
    assert result.failing_rows == 20
    assert result.examples == ("bad0", "bad1", "bad2", "bad3", "bad4")
    assert result.message.endswith("e.g. 'bad0', 'bad1', 'bad2', ….")


def test_checks_run_through_pandera(df: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[pa.DataFrameSchema] = []
    original = pa.DataFrameSchema.validate

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pa.DataFrameSchema, "validate", spy)
    kinds = [
        Expectation("not_null", "age"),
        Expectation("unique", "customer_id"),
        Expectation("range", "age", min=0),
        Expectation("allowed_values", "churned", values=("No",)),
        Expectation("regex", "customer_id", pattern="C.*"),
        Expectation("row_count", max=3),
    ]
    results = check_expectations(df, kinds)
    assert len(calls) == len(kinds)
    assert [r.passed for r in results] == [False, False, True, False, False, False]
