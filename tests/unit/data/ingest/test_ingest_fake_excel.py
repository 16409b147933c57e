"""A file named .xlsx that is not a zip archive is not an Excel workbook: refused, saying what it looks like.

Reading it as text (the old behaviour) imported one row of garbage when the user followed the
header hint; an .xlsx is always a zip archive, so anything else is a wrong file, not a CSV.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from core.data.ingest import IngestError, detect
from core.data.ingest.messages import HINT_NOT_EXCEL, MSG_NOT_EXCEL


def _parquet() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"a": [1, 2]}).to_parquet(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"a,b\n1,2\n", "CSV text"),
        (b"just one line of text that is no table\n", "CSV text"),
        (b'[{"a": 1}]', "JSON"),
        (b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>", "an HTML page"),
        (b"<?xml version='1.0'?><rows/>", "an XML document"),
        (_parquet(), "a Parquet file"),
    ],
)
def test_xlsx_that_is_not_a_zip_is_refused(read, data: bytes, looks_like: str) -> None:
    with pytest.raises(IngestError) as caught:
        read(data, "report.xlsx")
    assert caught.value.message == MSG_NOT_EXCEL.format(name="report.xlsx", actual=looks_like)
    assert caught.value.hint == HINT_NOT_EXCEL
    assert caught.value.field == "file"


def test_detect_refuses_it_too() -> None:
    with pytest.raises(IngestError, match=r"is not an Excel workbook \(its content looks like CSV"):
        detect(b"a;b\n1;2\n", filename="Book1.XLSX")


def test_an_explicit_text_format_is_still_honoured(read) -> None:
    frame, _ = read(b"a,b\n1,2\n", "data.xlsx", format="csv")
    assert list(frame.columns) == ["a", "b"]
