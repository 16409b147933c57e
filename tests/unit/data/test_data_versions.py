import numpy as np
import pandas as pd

from core.data.versions import compare_versions


def test_rows_and_columns_added_and_removed() -> None:
    before = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "gone": [0, 0, 0]})
    after = pd.DataFrame({"a": [2, 3, 4, 5], "b": ["y", "z", "w", "v"], "new": [1, 1, 1, 1]})
    diff = compare_versions(before, after)
    assert (diff.rows_before, diff.rows_after) == (3, 4)
    assert diff.rows_added == 2 and diff.rows_removed == 1
    assert diff.columns_added == ("new",) and diff.columns_removed == ("gone",)
    statuses = {c.column: c.status for c in diff.columns}
    assert statuses == {"a": "changed", "b": "changed", "new": "added", "gone": "removed"}


def test_identical_versions_show_no_change() -> None:
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": ["x", "y", None]})
    diff = compare_versions(frame, frame.copy())
    assert diff.rows_added == diff.rows_removed == 0
    assert {c.status for c in diff.columns} == {"same"}
    assert "33.3% missing" in diff.columns[0].summary_before


def test_type_change_is_reported() -> None:
    diff = compare_versions(pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": ["1", "2"]}))
    change = diff.columns[0]
    assert change.status == "type changed"
    assert (change.dtype_before, change.dtype_after) == ("int64", "object")
    assert list(diff.table().columns)[:2] == ["column", "status"]
