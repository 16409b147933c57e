"""Excel .xlsx: sheet choice, header detection, types and messages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.data.ingest import IngestError, detect
from core.data.ingest.messages import MSG_SHEET_EMPTY, MSG_SHEET_UNKNOWN

TWO_SHEETS = {
    "Customers": [["id", "name"], [1, "Ann"], [2, "Bob"]],
    "Orders": [["order", "amount"], [10, 9.5], [11, 3.25], [12, 1.0]],
}


def test_sheet_names_are_detected(xlsx) -> None:
    detected = detect(xlsx(TWO_SHEETS), filename="shop.xlsx")
    assert detected.format == "excel"
    assert detected.sheet_names == ("Customers", "Orders")


def test_first_sheet_by_default(read, xlsx) -> None:
    frame, info = read(xlsx(TWO_SHEETS), "shop.xlsx")
    assert frame.to_dict("records") == [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}]
    assert info.detected.header is True


@pytest.mark.parametrize("sheet", ["Orders", 1])
def test_sheet_by_name_or_position(read, xlsx, sheet) -> None:
    frame, _ = read(xlsx(TWO_SHEETS), "shop.xlsx", sheet=sheet)
    assert list(frame.columns) == ["order", "amount"]
    assert frame["amount"].tolist() == [9.5, 3.25, 1.0]


@pytest.mark.parametrize("sheet", ["Invoices", 2])
def test_unknown_sheet_lists_the_sheets(read, xlsx, sheet) -> None:
    with pytest.raises(IngestError) as caught:
        read(xlsx(TWO_SHEETS), "shop.xlsx", sheet=sheet)
    assert caught.value.message == MSG_SHEET_UNKNOWN.format(
        name="shop.xlsx", sheet=sheet, sheets="'Customers', 'Orders'"
    )
    assert caught.value.field == "sheet"


def test_empty_sheet_is_named(read, xlsx) -> None:
    with pytest.raises(IngestError) as caught:
        read(xlsx({"Data": [["a"], [1]], "Blank": []}), "book.xlsx", sheet="Blank")
    assert caught.value.message == MSG_SHEET_EMPTY.format(sheet="Blank", name="book.xlsx")


def test_header_only_sheet(read, xlsx) -> None:
    with pytest.raises(IngestError, match="has column names but no rows"):
        read(xlsx({"S": [["a", "b"]]}), "book.xlsx")


def test_numeric_first_row_is_data(read, xlsx) -> None:
    frame, info = read(xlsx({"S": [[1, 2], [3, 4]]}), "book.xlsx")
    assert list(frame.columns) == ["column_1", "column_2"]
    assert info.detected.header is False
    assert len(frame) == 2


def test_dates_stay_dates_and_mixed_cells_become_text(read, xlsx) -> None:
    rows = [["when", "code"], [dt.datetime(2024, 1, 2), 7], [dt.datetime(2024, 2, 3), "A7"]]
    frame, info = read(xlsx({"S": rows}), "book.xlsx")
    assert pd.api.types.is_datetime64_any_dtype(frame["when"])
    assert frame["code"].tolist() == ["7", "A7"]
    assert "Column 'code' mixed numbers and text: kept as text" in info.notes


def test_max_rows_caps_a_sheet(read, xlsx) -> None:
    frame, info = read(xlsx(TWO_SHEETS), "shop.xlsx", sheet="Orders", max_rows=2)
    assert len(frame) == 2
    assert any("first 2 rows" in note for note in info.notes)


def test_table_away_from_the_corner_is_found(read, xlsx) -> None:
    rows = [[None], [None], [None, None, "a", "b"], [None, None, 1, 2], [None] * 6]
    frame, info = read(xlsx({"S": rows}), "book.xlsx")
    assert frame.to_dict("records") == [{"a": 1, "b": 2}]
    assert info.notes == ()


def test_all_empty_column_inside_the_table_is_kept(read, xlsx) -> None:
    frame, _ = read(xlsx({"S": [["a", "empty", "b"], [1, None, 2]]}), "book.xlsx")
    assert list(frame.columns) == ["a", "empty", "b"]
    assert frame["empty"].isna().all()
