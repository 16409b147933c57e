"""'None' is a category in real data (no internet service), not a missing value."""

import pytest

from core.data.ingest import ReadOptions, read_table


@pytest.mark.parametrize("max_rows", [None, 10])  # the pyarrow path and the C-engine path
def test_none_text_is_kept_but_na_markers_are_missing(max_rows: int | None) -> None:
    content = b"service,amount\nNone,1\nDSL,NA\n,3\nFiber,null\n"
    frame, _info = read_table(content, filename="x.csv", options=ReadOptions(max_rows=max_rows))
    assert frame["service"].tolist()[:2] == ["None", "DSL"]
    assert frame["service"].isna().tolist() == [False, False, True, False]
    assert frame["amount"].isna().tolist() == [False, True, False, True]
