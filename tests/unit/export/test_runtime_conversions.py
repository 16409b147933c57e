"""The frames bundle_runtime builds, value by value and dtype by dtype.

The expected values were recorded from the one-value-at-a-time implementation that the
vectorised one replaced: the same inputs must give the same frame, Python types included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def bundle(unpacked):
    return unpacked("binary")


def _typed(series: pd.Series) -> list[tuple[str, object]]:
    return [(type(v).__name__, v) for v in series]


def _same(actual: list[tuple[str, object]], expected: list[tuple[str, object]]) -> None:
    assert [t for t, _ in actual] == [t for t, _ in expected]
    for (_, a), (_, e) in zip(actual, expected, strict=True):
        assert a == e or (pd.isna(a) and pd.isna(e)), (a, e)


def _table(good_row: dict, bundle, rows: int = 5) -> pd.DataFrame:
    return pd.DataFrame([{n: good_row[n] for n in bundle.contract.names}] * rows)


def test_rows_become_the_training_dtypes_and_values(bundle, good_row) -> None:
    other = dict(good_row, spend=None, plan=None, visits=4.0, region="3", paperless="yes")
    frame, warnings = bundle.runtime.rows_to_frame(
        {"rows": [good_row, dict(other, is_active="true")]}, bundle.contract, max_rows=10
    )
    assert warnings == []
    assert {k: str(v) for k, v in frame.dtypes.items()} == {
        "signup": "object",
        "last_seen": "datetime64[ns]",
        "spend": "float64",
        "visits": "int64",
        "plan": "object",
        "region": "int64",
        "paperless": "object",
        "is_active": "bool",
    }
    assert list(frame["signup"]) == ["2023-05-01", "2023-05-01"]
    assert list(frame["last_seen"]) == [pd.Timestamp("2024-03-01")] * 2
    _same(_typed(frame["spend"]), [("float", 50.5), ("float", np.nan)])
    _same(_typed(frame["visits"]), [("int", 3), ("int", 4)])
    _same(_typed(frame["plan"]), [("str", "basic"), ("NoneType", None)])
    _same(_typed(frame["region"]), [("int", 2), ("int", 3)])
    _same(_typed(frame["paperless"]), [("str", "Yes"), ("str", "Yes")])
    _same(_typed(frame["is_active"]), [("bool", True), ("bool", True)])
    assert isinstance(frame.index, pd.RangeIndex) and list(frame.columns) == list(
        bundle.contract.names
    )


def test_rows_and_a_table_of_the_same_rows_give_the_same_frame(bundle, good_row) -> None:
    other = dict(good_row, spend=None, plan=None, visits=4, region=3, paperless="No")
    rows = [good_row, dict(other, is_active=False)]
    from_rows, _ = bundle.runtime.rows_to_frame({"rows": rows}, bundle.contract, max_rows=10)
    from_table, _ = bundle.runtime.table_to_frame(pd.DataFrame(rows), bundle.contract, strict=True)
    pd.testing.assert_frame_equal(from_rows, from_table, check_exact=True)


SCHEMA = {
    "task": "regression",
    "columns": [
        {"name": "small", "type": "numeric", "dtype": "int32", "nullable": True},
        {"name": "flag", "type": "numeric", "dtype": "bool", "nullable": True},
        {"name": "ratio", "type": "numeric", "dtype": "float32", "nullable": True},
        {
            "name": "code",
            "type": "categorical",
            "dtype": "uint8",
            "nullable": True,
            "allowed": [0, 1, 300],
        },
        {"name": "word", "type": "text", "dtype": "object", "nullable": True},
    ],
}


@pytest.mark.parametrize(
    ("rows", "dtypes", "values"),
    [
        (
            [
                {"small": 3.0, "flag": 1.0, "ratio": 0.1, "code": 1, "word": "a"},
                {"small": 4, "flag": 0, "ratio": 2, "code": 0, "word": 5},
            ],
            ["int32", "bool", "float32", "uint8", "object"],
            [
                [("int", 3), ("int", 4)],
                [("bool", True), ("bool", False)],
                [("float", float(np.float32(0.1))), ("float", 2.0)],
                [("int", 1), ("int", 0)],
                [("str", "a"), ("int", 5)],
            ],
        ),
        (  # a fraction, a flag of 2, a code beyond uint8: kept as they are, not cast
            [{"small": 3.5, "flag": 2.0, "ratio": None, "code": 300, "word": None}],
            ["float64", "float64", "float32", "object", "object"],
            [[("float", 3.5)], [("float", 2.0)], [("float", np.nan)], [("int", 300)], [("NoneType", None)]],
        ),
        (
            [{"small": None, "flag": None, "ratio": 1.5, "code": None, "word": "x"}],
            ["float64", "float64", "float32", "object", "object"],
            [[("float", np.nan)], [("float", np.nan)], [("float", 1.5)], [("NoneType", None)], [("str", "x")]],
        ),
    ],
)  # fmt: skip
def test_rows_cast_to_the_training_dtype_only_when_nothing_changes(
    bundle, rows, dtypes, values
) -> None:
    runtime = bundle.runtime
    contract = runtime.Contract(SCHEMA)
    frame, _ = runtime.rows_to_frame({"rows": rows}, contract, max_rows=10)
    assert [str(d) for d in frame.dtypes] == dtypes
    for name, expected in zip(contract.names, values, strict=True):
        _same(_typed(frame[name]), expected)


def test_typed_tables_keep_the_values_they_had(bundle, good_row) -> None:
    table = _table(good_row, bundle)
    table["region"] = [1.0, np.nan, 2.0, 3.0, 2.0]  # a gap: 1.0, None, … as Series.map gives
    table["plan"] = pd.Series(["basic", "NA", " pro", "gold", None], dtype=object)
    table["paperless"] = ["yes", "N", "Yes", "no", "maybe"]
    table["is_active"] = [True, False, True, True, False]
    table["spend"] = pd.Series([" 1.5 ", "NA", "abc", "", "2"], dtype=object)
    frame, problems = bundle.runtime.table_to_frame(table, bundle.contract, strict=False)
    assert str(frame["region"].dtype) == "object" and str(frame["is_active"].dtype) == "bool"
    _same(
        _typed(frame["region"]),
        [("float", 1.0), ("NoneType", None), ("float", 2.0), ("float", 3.0), ("float", 2.0)],
    )
    _same(
        _typed(frame["plan"]),
        [("str", "basic"), ("NoneType", None), ("str", " pro"), ("str", "gold"), ("NoneType", None)],
    )  # fmt: skip
    assert list(frame["paperless"]) == ["Yes", "No", "Yes", "No", "maybe"]
    assert list(frame["is_active"]) == [True, False, True, True, False]
    _same(
        _typed(frame["spend"]),
        [("float", 1.5), ("float", np.nan), ("float", np.nan), ("float", np.nan), ("float", 2.0)],
    )
    assert [(p.row, p.field, p.kind, p.message) for p in problems] == [
        (2, "spend", "wrong_type", 'row 3, spend: expected a number, got "abc"'),
        (
            2,
            "plan",
            "unknown_category",
            'row 3, plan: " pro" is not a known value; allowed: "basic", "plus", "pro"',
        ),
        (
            3,
            "plan",
            "unknown_category",
            'row 4, plan: "gold" is not a known value; allowed: "basic", "plus", "pro"',
        ),
        (
            4,
            "paperless",
            "unknown_category",
            'row 5, paperless: "maybe" is not a known value; allowed: "No", "Yes"',
        ),
    ]


def test_one_true_and_one_point_zero_are_not_merged(bundle, good_row) -> None:
    """1, 1.0 and True are equal to Python; in one column they still stand for themselves."""
    table = _table(good_row, bundle)
    table["region"] = pd.Series([1, 1.0, True, "2", "x"], dtype=object)
    frame, problems = bundle.runtime.table_to_frame(table, bundle.contract, strict=False)
    _same(
        _typed(frame["region"]),
        [("int", 1), ("int", 1), ("bool", True), ("int", 2), ("str", "x")],
    )
    assert [(p.row, p.kind, p.message) for p in problems] == [
        (2, "unknown_category", "row 3, region: true is not a known value; allowed: 1, 2, 3"),
        (4, "unknown_category", 'row 5, region: "x" is not a known value; allowed: 1, 2, 3'),
    ]


def test_text_and_mixed_columns_give_the_same_categories(bundle, good_row) -> None:
    """All text (resolved once per distinct value) and mixed types (one by one) agree."""
    values = ["pro", "basic", "NA", "plus", "gold", None, " pro", "basic", np.nan, "null"]
    text = _table(good_row, bundle, len(values))
    text["plan"] = pd.Series(values, dtype=object)
    mixed = pd.concat([text, text.iloc[:1].assign(plan=7)], ignore_index=True)  # one int
    runtime = bundle.runtime
    assert runtime._one_type(text["plan"]) and not runtime._one_type(mixed["plan"])
    fast, fast_problems = runtime.table_to_frame(text, bundle.contract, strict=False)
    slow, slow_problems = runtime.table_to_frame(mixed, bundle.contract, strict=False)
    _same(_typed(fast["plan"]), _typed(slow["plan"].iloc[: len(values)]))
    assert [p.message for p in fast_problems] == [p.message for p in slow_problems[:-1]]
    assert slow_problems[-1].row == len(values)


def test_the_frame_shares_no_memory_with_the_table(bundle, trained) -> None:
    table = trained("binary").X.reset_index(drop=True)
    before = table.copy()
    frame, _ = bundle.runtime.table_to_frame(table, bundle.contract, strict=True)
    for name in bundle.contract.names:
        assert not np.shares_memory(frame[name].to_numpy(), table[name].to_numpy()), name
    frame.iloc[:, :] = frame.iloc[::-1].to_numpy()
    pd.testing.assert_frame_equal(table, before)


def test_a_table_with_its_own_index_keeps_it(bundle, trained) -> None:
    table = trained("binary").X.head(6)
    table.index = pd.Index([f"r{i}" for i in range(6)])
    frame, _ = bundle.runtime.table_to_frame(table, bundle.contract, strict=True)
    assert list(frame.index) == list(table.index)
    again, _ = bundle.runtime.table_to_frame(
        table.reset_index(drop=True), bundle.contract, strict=True
    )
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), again, check_exact=True)
