"""Fixture builders for ingest tests: every binary input is made here, never committed."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from core.data.ingest import DatasetInfo, ReadOptions, read_table


@pytest.fixture
def read() -> Callable[..., tuple[pd.DataFrame, DatasetInfo]]:
    """``read(data, "name.csv", delimiter=";")``: read_table with options as keywords."""

    def _read(
        data: bytes | Path, filename: str, **options: Any
    ) -> tuple[pd.DataFrame, DatasetInfo]:
        return read_table(data, filename=filename, options=ReadOptions(**options))

    return _read


def workbook_bytes(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_zip_member(archive: bytes, member: str, content: bytes) -> bytes:
    """A copy of the zip ``archive`` with ``member`` replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info), compress_type=zipfile.ZIP_DEFLATED)
        target.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.fixture
def xlsx() -> Callable[[dict[str, Sequence[Sequence[Any]]]], bytes]:
    return workbook_bytes


@pytest.fixture
def patch_zip() -> Callable[[bytes, str, bytes], bytes]:
    return replace_zip_member


@pytest.fixture
def shop_db(tmp_path: Path) -> Path:
    """A real SQLite file with a small customers table."""
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER, name TEXT, spend REAL)")
        connection.executemany(
            "INSERT INTO customers VALUES (?, ?, ?)",
            [(1, "Ann", 10.5), (2, "Bob", None), (3, "<b>Cy</b>", 7.0)],
        )
    connection.close()
    return path
