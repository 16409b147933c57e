"""The content decides the format; a lying extension is read as what the file is, with a note.

Except an .xlsx that is not a zip archive: refused, saying what it looks like.

Only an explicit format that contradicts the bytes is an error. Legacy and non-table files
are refused with a hint.
"""

from __future__ import annotations

import gzip
import io
import zipfile

import pandas as pd
import pytest

from core.data.ingest import IngestError, detect
from core.data.ingest.messages import (
    HINT_LEGACY,
    HINT_UNPACK,
    MSG_FORMAT_MISMATCH,
    MSG_LEGACY,
    MSG_NOT_TABLE_FILE,
    MSG_ZIP_DAMAGED,
    NOTE_FORMAT_FROM_CONTENT,
)


def parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"a": [1, 2]}).to_parquet(buffer)
    return buffer.getvalue()


def test_xlsx_named_csv_is_read_as_excel_with_a_note(read, xlsx) -> None:
    frame, info = read(xlsx({"S": [["a", "b"], [1, 2]]}), "churn.csv")
    assert info.format == "excel"
    assert frame.to_dict("records") == [{"a": 1, "b": 2}]
    note = NOTE_FORMAT_FROM_CONTENT.format(
        name="churn.csv",
        actual="an Excel workbook",
        expected="CSV text",
        actual_format="Excel (.xlsx)",
    )
    assert note in info.notes


def test_parquet_named_csv_is_read_as_parquet(read) -> None:
    frame, info = read(parquet_bytes(), "data.csv")
    assert info.format == "parquet"
    assert frame["a"].tolist() == [1, 2]


def test_csv_text_named_xlsx_is_refused(read) -> None:
    # an .xlsx is a zip archive; text under that name is the wrong file (test_ingest_fake_excel.py)
    with pytest.raises(IngestError, match=r"not an Excel workbook \(its content looks like CSV"):
        read(b"a,b\n1,2\n", "data.xlsx")


def test_tab_text_named_xls_is_read_as_csv(read) -> None:
    frame, info = read(b"a\tb\n1\t2\n", "report.xls")
    assert list(frame.columns) == ["a", "b"]
    assert info.detected.delimiter == "\t"


def test_forced_format_that_contradicts_the_bytes_names_both(read, xlsx) -> None:
    with pytest.raises(IngestError) as caught:
        read(xlsx({"S": [["a"], [1]]}), "churn.csv", format="csv")
    assert caught.value.message == MSG_FORMAT_MISMATCH.format(
        name="churn.csv", actual="an Excel workbook", expected="CSV text"
    )
    assert "Excel" in caught.value.hint and "CSV" in caught.value.hint


def test_forced_parquet_on_text_is_a_mismatch(read) -> None:
    with pytest.raises(IngestError, match="looks like CSV text, not a Parquet file"):
        read(b"a,b\n1,2\n", "x.parquet", format="parquet")


def test_legacy_xls_is_refused_with_a_hint(read) -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(IngestError) as caught:
        read(ole2, "old.xls")
    assert caught.value.message == MSG_LEGACY.format(
        name="old.xls", what="a legacy Excel 97-2003 workbook (.xls)"
    )
    assert caught.value.hint == HINT_LEGACY


def test_ods_is_refused(read) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(
        IngestError, match=r"OpenDocument spreadsheet \(\.ods\), which is not supported"
    ):
        read(buffer.getvalue(), "sheet.ods")


def test_gzip_named_csv_asks_to_unpack(read) -> None:
    with pytest.raises(IngestError) as caught:
        read(gzip.compress(b"a,b\n1,2\n"), "data.csv")
    assert caught.value.message == MSG_NOT_TABLE_FILE.format(
        name="data.csv", what="a gzip-compressed file"
    )
    assert caught.value.hint == HINT_UNPACK


def test_plain_zip_asks_to_unpack(read) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(IngestError, match="is a zip archive, not a table file"):
        read(buffer.getvalue(), "data.zip")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n...", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "an image"),
        (b"<!DOCTYPE html><html><table></table></html>", "an HTML page"),
        (b"\x00\x01\x02binary", "a binary file"),
    ],
)
def test_non_table_files_say_what_they_are(read, data: bytes, what: str) -> None:
    with pytest.raises(IngestError) as caught:
        read(data, "data.csv")
    assert caught.value.message == MSG_NOT_TABLE_FILE.format(name="data.csv", what=what)


def test_damaged_zip_is_named(read) -> None:
    with pytest.raises(IngestError) as caught:
        read(b"PK\x03\x04" + b"\x00" * 64, "book.xlsx")
    assert caught.value.message == MSG_ZIP_DAMAGED.format(name="book.xlsx")


def test_json_content_wins_over_a_csv_extension() -> None:
    assert detect(b'[{"a": 1}]', filename="x.csv").format == "json"
    assert detect(b'{"a": 1}\n{"a": 2}\n', filename="x.txt").format == "jsonl"
