"""Excel workbooks (.xlsx, .xlsm) into a DataFrame, with a zip-bomb and XML-bomb guard
before any XML is parsed.
"""

from __future__ import annotations

import contextlib
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pandas as pd

from core.data.ingest.columns import cap_rows
from core.data.ingest.messages import (
    HINT_EXCEL,
    HINT_SHEET,
    HINT_SHEET_EMPTY,
    HINT_ZIP,
    MSG_EXCEL_UNREADABLE,
    MSG_EXCEL_UNSAFE,
    MSG_SHEET_EMPTY,
    MSG_SHEET_UNKNOWN,
    MSG_ZIP_RATIO,
    MSG_ZIP_TOO_BIG,
    NOTE_NO_HEADER,
    XLSX_MAX_RATIO,
    XLSX_MAX_UNCOMPRESSED_BYTES,
    XLSX_RATIO_MIN_BYTES,
    IngestError,
)
from core.data.ingest.source import Detected, ReadOptions, _size_text, _Sniff, _Source


def _check_zip_limits(name: str, archive: zipfile.ZipFile) -> None:
    """Zip-bomb guard, before any XML is parsed (zipfile never inflates past these sizes)."""
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if total > XLSX_MAX_UNCOMPRESSED_BYTES:
        raise IngestError(
            MSG_ZIP_TOO_BIG.format(
                name=name, size=_size_text(total), limit=_size_text(XLSX_MAX_UNCOMPRESSED_BYTES)
            ),
            field="file",
            hint=HINT_ZIP,
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > XLSX_RATIO_MIN_BYTES and ratio > XLSX_MAX_RATIO:
            raise IngestError(
                MSG_ZIP_RATIO.format(
                    name=name, member=info.filename, ratio=ratio, limit=XLSX_MAX_RATIO
                ),
                field="file",
                hint=HINT_ZIP,
            )


@contextlib.contextmanager
def _excel_errors(name: str) -> Iterator[None]:
    """Turn openpyxl, zipfile and (defused) XML failures into one clear message."""
    from defusedxml import DefusedXmlException

    try:
        yield
    except IngestError:
        raise
    except Exception as error:  # openpyxl raises many kinds of error on a bad workbook
        if any(isinstance(e, DefusedXmlException) for e in _exception_chain(error)):
            raise IngestError(
                MSG_EXCEL_UNSAFE.format(name=name), field="file", hint=HINT_EXCEL
            ) from None
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise IngestError(
            MSG_EXCEL_UNREADABLE.format(name=name, reason=reason), field="file", hint=HINT_EXCEL
        ) from None


def _exception_chain(error: BaseException) -> Iterator[BaseException]:
    """``error`` and its causes (openpyxl re-raises a defusedxml refusal as a generic error)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _sheet_names(src: _Source) -> tuple[str, ...]:
    """Sheet names from xl/workbook.xml, parsed with defusedxml after the zip check."""
    from defusedxml import ElementTree

    with _excel_errors(src.name), src.open() as stream, zipfile.ZipFile(stream) as archive:
        _check_zip_limits(src.name, archive)
        if "xl/workbook.xml" not in archive.namelist():
            return ()
        root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        return tuple(
            element.get("name", "")
            for element in root.iter()
            if element.tag.rsplit("}", 1)[-1] == "sheet"
        )


def _read_excel(
    src: _Source, sniff: _Sniff, options: ReadOptions
) -> tuple[pd.DataFrame, Detected, list[str]]:
    import openpyxl

    with _excel_errors(src.name), src.open() as stream:
        with zipfile.ZipFile(stream) as archive:
            _check_zip_limits(src.name, archive)
        stream.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(stream, read_only=True, data_only=True, keep_links=False)
        try:
            names = tuple(book.sheetnames)
            sheet = _pick_sheet(src.name, names, options.sheet)
            limit = None if options.max_rows is None else options.max_rows + 2
            rows = _sheet_rows(book[sheet], limit)
        finally:
            book.close()
    if not rows:
        raise IngestError(
            MSG_SHEET_EMPTY.format(sheet=sheet, name=src.name), field="sheet", hint=HINT_SHEET_EMPTY
        )
    first = [cell for cell in rows[0] if cell is not None]
    sniffed = bool(first) and all(isinstance(cell, str) for cell in first)
    header = options.header if options.header is not None else sniffed
    detected = replace(
        sniff.detected, header=sniffed, sheet_names=names or sniff.detected.sheet_names
    )
    width = len(rows[0])
    names_row = [("" if c is None else c) for c in rows[0]] if header else None
    body = rows[1:] if header else rows
    frame = pd.DataFrame(body, columns=range(width)) if body else pd.DataFrame(columns=range(width))
    frame.columns = names_row or [f"column_{i}" for i in range(1, width + 1)]
    notes = [] if header else [NOTE_NO_HEADER.format(count=width)]
    frame, cap_notes = cap_rows(frame, options.max_rows)
    return frame, detected, notes + cap_notes


def _pick_sheet(name: str, names: tuple[str, ...], choice: str | int | None) -> str:
    if choice is None and names:
        return names[0]
    if isinstance(choice, int) and 0 <= choice < len(names):
        return names[choice]
    if isinstance(choice, str) and choice in names:
        return choice
    raise IngestError(
        MSG_SHEET_UNKNOWN.format(
            name=name, sheet=choice, sheets=", ".join(repr(n) for n in names) or "none"
        ),
        field="sheet",
        hint=HINT_SHEET,
    )


def _sheet_rows(sheet: Any, limit: int | None) -> list[tuple[Any, ...]]:
    """Cell values inside the used range (empty edge rows and columns dropped); ``limit`` rows."""
    if not hasattr(sheet, "iter_rows"):  # a chart sheet
        return []
    sheet.reset_dimensions()
    rows: list[tuple[Any, ...]] = []
    for row in sheet.iter_rows(values_only=True):
        if rows or any(cell is not None for cell in row):  # skip empty rows above the table
            rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    while rows and all(cell is None for cell in rows[-1]):
        rows.pop()
    used = sorted({i for row in rows for i, cell in enumerate(row) if cell is not None})
    if not used:
        return []
    left, right = used[0], used[-1] + 1
    return [tuple(row[left:right]) + (None,) * (right - max(len(row), left)) for row in rows]
