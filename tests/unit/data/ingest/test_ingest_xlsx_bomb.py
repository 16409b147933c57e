"""Zip and XML bombs in .xlsx are refused before any XML is parsed."""

from __future__ import annotations

import io
import zipfile

import pytest

import core.data.ingest.excel as excel
from core.data.ingest import IngestError, detect
from core.data.ingest.messages import MSG_EXCEL_UNSAFE, MSG_ZIP_TOO_BIG

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>
</worksheet>"""


def bomb(member_bytes: int) -> bytes:
    """A small zip that looks like a workbook, with one huge, highly compressible part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(member_bytes // len(chunk)):
                part.write(chunk)
    return buffer.getvalue()


def test_highly_compressed_part_is_a_zip_bomb(read) -> None:
    data = bomb(8 * 1024 * 1024)
    assert len(data) < 100_000
    with pytest.raises(IngestError) as caught:
        read(data, "bomb.xlsx")
    assert "'xl/worksheets/sheet1.xml' unpacks to" in caught.value.message
    assert "zip bomb" in caught.value.message
    assert caught.value.hint


def test_detect_also_refuses_a_zip_bomb() -> None:
    with pytest.raises(IngestError, match="zip bomb"):
        detect(bomb(4 * 1024 * 1024), filename="bomb.xlsx")


def test_total_uncompressed_size_is_limited(read, xlsx, monkeypatch) -> None:
    monkeypatch.setattr(excel, "XLSX_MAX_UNCOMPRESSED_BYTES", 1024)
    data = xlsx({"S": [["a"], [1]]})
    with pytest.raises(IngestError) as caught:
        read(data, "book.xlsx")
    total = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    expected = MSG_ZIP_TOO_BIG.format(
        name="book.xlsx", size=f"{total / 1024:,.1f} KB", limit="1.0 KB"
    )
    assert caught.value.message == expected


def test_xml_entity_bomb_in_a_sheet_is_refused(read, xlsx, patch_zip) -> None:
    data = patch_zip(xlsx({"S": [["a"], [1]]}), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    with pytest.raises(IngestError) as caught:
        read(data, "laughs.xlsx")
    assert caught.value.message == MSG_EXCEL_UNSAFE.format(name="laughs.xlsx")


def test_xml_entity_bomb_in_the_workbook_part_is_refused(xlsx, patch_zip) -> None:
    laughs = BILLION_LAUGHS.replace(b"worksheet", b"workbook")
    data = patch_zip(xlsx({"S": [["a"], [1]]}), "xl/workbook.xml", laughs)
    with pytest.raises(IngestError, match="XML bomb"):
        detect(data, filename="laughs.xlsx")
