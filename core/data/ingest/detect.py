"""Sniffing a file from its first ~64 KB: format, encoding, delimiter, decimal mark, header.

- **The content decides the format, not the extension.** A file whose bytes are
  unambiguously Parquet or an Excel workbook is read as such, with a note ("churn.csv is an
  Excel workbook, not CSV text as its extension says: read it as Excel (.xlsx)"). Plain text
  with a binary extension (a ``.xls`` that is really tab-separated text) is read as delimited
  text, with the same kind of note. An ``.xlsx`` that is not a zip archive is refused
  (``MSG_NOT_EXCEL``): a workbook always is one. Only an explicit ``ReadOptions(format=…)``
  that contradicts the bytes is an error (``MSG_FORMAT_MISMATCH``). Legacy ``.xls``/``.ods``/
  ``.xlsb`` and non-table files (PDF, images, zip, gzip, HTML) are refused with a hint.
- **Detection reads ~64 KB** (more only when the first line is longer): encoding, delimiter
  (``csv.Sniffer`` limited to , ; tab |, checked by field counts), decimal comma, header.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import cast

from core.data.ingest.excel import _sheet_names
from core.data.ingest.messages import (
    DELIMITERS,
    EXCEL_SUFFIXES,
    EXTENSION_FORMATS,
    FORMAT_LABELS,
    FORMAT_NAMES,
    HEADER_SNIFF_ROWS,
    HINT_CSV,
    HINT_EMPTY,
    HINT_ENCODING,
    HINT_EXCEL,
    HINT_FORMAT_MISMATCH,
    HINT_FORMATS,
    HINT_LEGACY,
    HINT_NOT_EXCEL,
    HINT_UNPACK,
    LEGACY_KINDS,
    MAX_FIRST_LINE_BYTES,
    MSG_EMPTY,
    MSG_ENCODING,
    MSG_FIRST_LINE_TOO_LONG,
    MSG_FORMAT_MISMATCH,
    MSG_LEGACY,
    MSG_NOT_EXCEL,
    MSG_NOT_TABLE_FILE,
    MSG_ZIP_DAMAGED,
    NOTE_FORMAT_FROM_CONTENT,
    OTHER_KINDS,
    SAMPLE_BYTES,
    SNIFF_LINES,
    ZIP_KINDS,
    Format,
    IngestError,
)
from core.data.ingest.source import (
    Detected,
    ReadOptions,
    _CsvPlan,
    _open_source,
    _Row,
    _size_text,
    _Sniff,
    _Source,
)


def _extension_format(name: str) -> tuple[str, Format | None]:
    suffix = PurePath(name).suffix.lower()
    return suffix, EXTENSION_FORMATS.get(suffix)


def _binary_kind(src: _Source) -> str | None:
    """The format the magic bytes prove, or a kind we refuse; None for text."""
    head = src.head
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(src)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "image"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return "binary"
    return None


def _zip_kind(src: _Source) -> str:
    try:
        with src.open() as stream, zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size < 200 and b"opendocument" in archive.read(info):
                    return "ods"
    except (zipfile.BadZipFile, OSError, EOFError):
        raise IngestError(
            MSG_ZIP_DAMAGED.format(name=src.name), field="file", hint=HINT_EXCEL
        ) from None
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsb" if "xl/workbook.bin" in names else "excel"
    return "zip"


def _text_kind(text: str, ext_format: Format | None) -> str:
    """csv, json, jsonl, or a markup kind we refuse, from the first characters of the text."""
    start = text.lstrip()
    lowered = start[:20].lower()
    if lowered.startswith(("<!doctype html", "<html")):
        return "html"
    if lowered.startswith("<?xml"):
        return "xml"
    after = start[1:].lstrip()[:1]
    if start[:1] == "[" and (after in ("{", "[", "]", '"', "-") or after.isdigit()):
        return "json"
    if start[:1] == "{" and after in ('"', "}"):
        if ext_format == "jsonl":
            return "jsonl"
        first, _, rest = start.partition("\n")
        with contextlib.suppress(ValueError):
            if isinstance(json.loads(first), dict) and rest.lstrip()[:1] == "{":
                return "jsonl"
        return "json"
    return ext_format if ext_format in ("json", "jsonl") else "csv"


def _choose_format(src: _Source, kind: str, forced: Format | None) -> tuple[Format, list[str]]:
    """Content first, extension second, an explicit choice last but checked against the bytes."""
    suffix, ext_format = _extension_format(src.name)
    text_kind = kind in ("csv", "json", "jsonl")
    if kind in LEGACY_KINDS:
        raise IngestError(
            MSG_LEGACY.format(name=src.name, what=LEGACY_KINDS[kind]),
            field="file",
            hint=HINT_LEGACY,
        )
    if suffix in EXCEL_SUFFIXES and kind not in ZIP_KINDS and forced in (None, "excel"):
        raise IngestError(
            MSG_NOT_EXCEL.format(name=src.name, actual={**FORMAT_LABELS, **OTHER_KINDS}[kind]),
            field="file",
            hint=HINT_NOT_EXCEL,
        )
    if kind in OTHER_KINDS:
        hint = HINT_UNPACK if kind in ("zip", "gzip") else HINT_FORMATS
        raise IngestError(
            MSG_NOT_TABLE_FILE.format(name=src.name, what=OTHER_KINDS[kind]),
            field="file",
            hint=hint,
        )
    if forced is not None:
        if forced != kind and not (text_kind and forced in ("csv", "json", "jsonl")):
            raise IngestError(
                MSG_FORMAT_MISMATCH.format(
                    name=src.name, actual=FORMAT_LABELS[kind], expected=FORMAT_LABELS[forced]
                ),
                field="format",
                hint=HINT_FORMAT_MISMATCH.format(
                    actual_format=FORMAT_NAMES[kind], expected_format=FORMAT_NAMES[forced]
                ),
            )
        return forced, []
    claimed = ext_format or ("excel" if suffix in (".xls", ".ods", ".xlsb") else None)
    notes = []
    if claimed is not None and claimed != kind and not (text_kind and claimed == "csv"):
        expected = LEGACY_KINDS["xls"] if suffix == ".xls" else FORMAT_LABELS[claimed]
        notes.append(
            NOTE_FORMAT_FROM_CONTENT.format(
                name=src.name,
                actual=FORMAT_LABELS[kind],
                expected=expected,
                actual_format=FORMAT_NAMES[kind],
            )
        )
    return kind, notes  # type: ignore[return-value]


# -- text: encoding, sample, delimiter, decimal, header -------------------------------


def _sniff_encoding(head: bytes, complete: bool) -> tuple[str, bool]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252, else latin-1."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", True
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True
    for encoding in ("utf-8", "cp1252"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
            return encoding, False
        except UnicodeDecodeError:
            continue
    return "latin-1", False


_LINE_END = re.compile(rb"[\r\n]")


def _decode_sample(src: _Source, encoding: str) -> str:
    """The first ~64 KB as text, cut after the last complete line (never the whole file)."""
    head = src.head
    if not _LINE_END.search(head) and not src.complete:
        head = _first_line_bytes(src)
    complete = len(head) >= src.size
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        text = decoder.decode(head, final=complete)
    except UnicodeDecodeError as error:
        raise _encoding_error(src.name, encoding, error) from None
    if not complete:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut >= 0 else text
    return text.removeprefix("\ufeff")


def _first_line_bytes(src: _Source) -> bytes:
    with src.open() as stream:
        chunks: list[bytes] = []
        while (chunk := stream.read(SAMPLE_BYTES)) and sum(map(len, chunks)) < MAX_FIRST_LINE_BYTES:
            chunks.append(chunk)
            if _LINE_END.search(chunk):
                return b"".join(chunks)
        if not chunk:
            return b"".join(chunks)
    raise IngestError(
        MSG_FIRST_LINE_TOO_LONG.format(name=src.name, limit=_size_text(MAX_FIRST_LINE_BYTES)),
        field="header",
        hint=HINT_CSV,
    )


def _encoding_error(name: str, encoding: str, error: UnicodeDecodeError) -> IngestError:
    bad = error.object[error.start : error.start + 1]
    byte = f"0x{bad.hex()}" if bad else "at the end"
    return IngestError(
        MSG_ENCODING.format(name=name, encoding=encoding, byte=byte),
        field="encoding",
        hint=HINT_ENCODING,
    )


def _sniff_delimiter(sample: str) -> str:
    """csv.Sniffer restricted to , ; tab |, checked; else the most consistent candidate."""
    head = "\n".join(sample.splitlines()[:SNIFF_LINES])
    try:
        found = csv.Sniffer().sniff(head, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        found = None
    if found in DELIMITERS and _field_count_profile(head, found)[1] > 1:
        return found
    best, best_score = ",", (0.0, 1)
    for candidate in DELIMITERS:
        score = _field_count_profile(head, candidate)
        if score[1] > 1 and score > best_score:
            best, best_score = candidate, score
    return best


def _field_count_profile(text: str, delimiter: str) -> tuple[float, int]:
    """(share of rows with the most common field count, that count)."""
    counts = Counter(
        len(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row
    )
    if not counts:
        return 0.0, 0
    fields, rows = counts.most_common(1)[0]
    return rows / sum(counts.values()), fields


def _sample_rows(sample: str, delimiter: str, complete: bool) -> list[_Row]:
    """Parsed sample rows with their 1-based starting line; blank lines skipped like pandas."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    rows, line = [], 1
    for cells in reader:
        if len(cells) > 1 or (cells and cells[0].strip()):
            rows.append(_Row(line, cells))
        line = reader.line_num + 1
    if not complete and len(rows) > 1:
        rows.pop()  # may be cut inside a quoted value
    return rows


_NUMBER_DOT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_NUMBER_COMMA = re.compile(r"^[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")
_DECIMAL_DOT = re.compile(r"^[+-]?\d*\.\d+([eE][+-]?\d+)?$")
_THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")


def _sniff_decimal(rows: Sequence[_Row]) -> tuple[str, str | None]:
    """(decimal, thousands): ',' when values like 1,5 outnumber values like 1.5."""
    cells = [cell.strip() for row in rows for cell in row.cells]
    commas = sum(1 for cell in cells if _DECIMAL_COMMA.match(cell))
    dots = sum(1 for c in cells if _DECIMAL_DOT.match(c) and not _THOUSANDS_DOT.match(c))
    if commas == 0 or commas <= dots:
        return ".", None
    thousands = any(_THOUSANDS_DOT.match(cell) for cell in cells)
    return ",", "." if thousands else None


def _is_number(cell: str, decimal: str) -> bool:
    text = cell.strip()
    if decimal == ",":
        return bool(_NUMBER_COMMA.match(text.replace(".", "")))
    return bool(_NUMBER_DOT.match(text))


def _sniff_header(rows: Sequence[_Row], decimal: str) -> bool:
    """True unless the first row has numbers where the rows below have numbers too."""
    first = rows[0].cells
    filled = [cell for cell in first if cell.strip()]
    if filled and all(_is_number(cell, decimal) for cell in filled):
        return False
    below = rows[1:HEADER_SNIFF_ROWS]
    if not below:
        return True
    verdicts = []
    for position, cell in enumerate(first):
        values = [r.cells[position] for r in below if position < len(r.cells)]
        values = [v for v in values if v.strip()]
        if cell.strip() and values and all(_is_number(v, decimal) for v in values):
            verdicts.append(_is_number(cell, decimal))
    return not (verdicts and all(verdicts))


def _plan_csv(
    src: _Source, encoding: str, options: ReadOptions, sample: str | None = None
) -> _CsvPlan:
    """How to parse delimited text: user overrides first, sniffed values for the rest."""
    sample = _decode_sample(src, encoding) if sample is None else sample
    delimiter = options.delimiter or _sniff_delimiter(sample)
    rows = _sample_rows(sample, delimiter, complete=len(src.head) >= src.size)
    if not rows:
        raise IngestError(MSG_EMPTY.format(name=src.name), field="file", hint=HINT_EMPTY)
    decimal, thousands = (options.decimal, None) if options.decimal else _sniff_decimal(rows[1:])
    if decimal == delimiter:
        decimal, thousands = ".", None
    header = options.header if options.header is not None else _sniff_header(rows, decimal)
    return _CsvPlan(encoding, delimiter, decimal, thousands, header, rows)


# -- detect ----------------------------------------------------------------------------


def detect(source: bytes | Path, *, filename: str) -> Detected:
    """Sniff format, encoding, delimiter, decimal mark, header and sheets from the first 64 KB.

    >>> detect(b"a;b\\n1,5;2\\n", filename="x.csv").decimal
    ','
    """
    src = _open_source(source, filename, max_bytes=sys.maxsize)  # reads only the start
    return _sniff(src, forced=None).detected


def _sniff(src: _Source, *, forced: Format | None) -> _Sniff:
    """What the bytes are (``detected``) and what to read them as (``read_as``)."""
    kind = _binary_kind(src)
    encoding, has_bom, sample = None, False, ""
    if kind is None:
        encoding, has_bom = _sniff_encoding(src.head, src.complete)
        sample = _decode_sample(src, encoding)
        kind = _text_kind(sample, _extension_format(src.name)[1])
    read_as, notes = _choose_format(src, kind, forced)
    if kind == "excel":
        return _Sniff(
            Detected("excel", None, False, None, None, None, _sheet_names(src)), read_as, notes
        )
    if kind != "csv" or encoding is None:  # csv is only ever sniffed from decoded text
        detected = Detected(cast(Format, kind), encoding, has_bom, None, None, None)
        return _Sniff(detected, read_as, notes)
    plan = _plan_csv(src, encoding, ReadOptions(), sample)
    detected = Detected("csv", encoding, has_bom, plan.delimiter, plan.decimal, plan.header)
    return _Sniff(detected, read_as, notes, plan)


# -- read_table ------------------------------------------------------------------------
