"""Data stage, first step: read a user's file or SQL query into a clean, storable DataFrame.

Detection is cheap (the first 64 KB) and shown to the user, who may override it with
:class:`ReadOptions`. Every bad input ends in an :class:`IngestError` whose message names the
file, the line or column where known, and what to do. Pure Python: no Streamlit, no storage.

Decisions worth knowing:

- **The content decides the format, not the extension.** A file whose bytes are
  unambiguously Parquet or an Excel workbook is read as such, with a note
  ("churn.csv is an Excel workbook, not CSV text as its extension says: read it as Excel
  (.xlsx)").
  Plain text with a binary extension (a ``.xls`` that is really tab-separated text) is read as
  delimited text, with the same kind of note. An ``.xlsx`` that is not a zip archive is
  refused (:data:`MSG_NOT_EXCEL`): a workbook always is one, so read as text it imports
  garbage. Only an explicit ``ReadOptions(format=…)`` that
  contradicts the bytes is an error (:data:`MSG_FORMAT_MISMATCH`). Legacy ``.xls``/``.ods``/
  ``.xlsb`` and non-table files (PDF, images, zip, gzip, HTML) are refused with a hint.
- **Ragged rows are an error, never skipped.** A row with more fields than the header stops
  the read with its line number (:data:`MSG_RAGGED`); dropping rows silently would lose data.
  A row with fewer fields is padded with missing values (pandas' rule).
- **Fast path.** UTF-8 text without ``max_rows`` or a thousands separator is parsed by
  pyarrow (``pd.read_csv(engine="pyarrow")``); anything pyarrow refuses or may have misread
  (short or long rows, a type change deep in the file, invalid UTF-8, an unclosed quote) is
  re-read by pandas' C engine, which gives exact line numbers. The pyarrow engine types ISO
  dates and timestamps; the C engine keeps them as text. Files with a lone carriage return
  before a space (pandas-dev/pandas#51141) and UTF-16 text use the Python engine.
- **Detection reads ~64 KB** (more only when the first line is longer): encoding, delimiter
  (``csv.Sniffer`` limited to , ; tab |, checked by field counts), decimal comma, header.
  Text that is not UTF-8 only after the sample is re-read as cp1252, with a note.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import math
import re
import sys
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import IO, Any, Literal, get_args
from urllib.parse import unquote

import numpy as np
import pandas as pd

from core.exceptions import CoreError

__all__ = [
    "DatasetInfo",
    "Detected",
    "Format",
    "IngestError",
    "ReadOptions",
    "cap_rows",
    "check_read_only_query",
    "detect",
    "read_table",
    "redact_url",
    "scrub_secrets",
    "to_parquet_safe",
    "url_secrets",
]

Format = Literal["csv", "json", "jsonl", "parquet", "excel"]
FORMATS: tuple[str, ...] = get_args(Format)

DEFAULT_MAX_BYTES = 1024 * 1024**2
SAMPLE_BYTES = 64 * 1024
MAX_FIRST_LINE_BYTES = 8 * 1024**2
SNIFF_LINES = 50
HEADER_SNIFF_ROWS = 200
DELIMITERS = (",", ";", "\t", "|")
XLSX_MAX_UNCOMPRESSED_BYTES = 200 * 1024**2
XLSX_MAX_RATIO = 100
XLSX_RATIO_MIN_BYTES = 1024**2  # a smaller part cannot be a bomb, whatever its ratio
SQL_CONNECT_TIMEOUT_SECONDS = 10

EXTENSION_FORMATS: dict[str, Format] = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv", ".psv": "csv", ".dat": "csv",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".pq": "parquet", ".xlsx": "excel", ".xlsm": "excel",
}  # fmt: skip
FORMAT_LABELS: dict[str, str] = {
    "csv": "CSV text",
    "json": "JSON",
    "jsonl": "JSON lines",
    "parquet": "a Parquet file",
    "excel": "an Excel workbook",
}
FORMAT_NAMES: dict[str, str] = {
    "csv": "CSV",
    "json": "JSON",
    "jsonl": "JSON lines",
    "parquet": "Parquet",
    "excel": "Excel (.xlsx)",
}
EXCEL_SUFFIXES = (".xlsx", ".xlsm")  # always a zip archive; anything else is the wrong file
ZIP_KINDS = frozenset({"excel", "xlsb", "ods", "zip"})
LEGACY_KINDS: dict[str, str] = {
    "xls": "a legacy Excel 97-2003 workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "xlsb": "a binary Excel workbook (.xlsb)",
}
OTHER_KINDS: dict[str, str] = {
    "zip": "a zip archive",
    "gzip": "a gzip-compressed file",
    "pdf": "a PDF document",
    "image": "an image",
    "html": "an HTML page",
    "xml": "an XML document",
    "binary": "a binary file",
}
SQL_READ_KEYWORDS = ("SELECT", "WITH")
SQL_WRITE_KEYWORDS = frozenset({
    "INSERT", "UPDATE", "DELETE", "DROP", "ALTER", "CREATE", "ATTACH", "DETACH", "PRAGMA",
    "TRUNCATE", "GRANT", "REVOKE", "VACUUM", "REINDEX", "MERGE", "UPSERT", "INTO", "COPY",
    "CALL", "EXEC", "EXECUTE", "LOCK", "COMMIT", "ROLLBACK",
})  # fmt: skip
SQL_READ_ONLY_DIALECTS = ("postgresql", "mysql", "mariadb")
SQL_DRIVER_HINTS = {"postgresql": "psycopg2-binary", "mysql": "pymysql", "mariadb": "pymysql"}
URL_SECRET_KEYS = frozenset({"password", "passwd", "pwd", "secret", "token", "access_token"})

# -- messages (format strings; tests import them) ------------------------------------

#: How each read option is named on the Data page and by ``workbench data add``: every message
#: that tells the user to change one uses these names (tests/app/test_ingest_message_labels.py).
OPTION_LABELS: dict[str, str] = {
    "encoding": "Encoding",
    "delimiter": "Delimiter",
    "decimal": "Decimal",
    "header": "First row is a header",
    "sheet": "Sheet",
}
OPTION_FLAGS: dict[str, str] = {
    "encoding": "--encoding",
    "delimiter": "--delimiter",
    "decimal": "--decimal",
    "header": "--header/--no-header",
    "sheet": "--sheet",
}
DELIMITER_LABELS: dict[str, str] = {",": "Comma ,", ";": "Semicolon ;", "\t": "Tab", "|": "Pipe |"}
DECIMAL_LABELS: dict[str, str] = {".": "Point 1.5", ",": "Comma 1,5"}

MSG_OPTION_FORMAT = "format must be one of {choices}, got {value!r}"
MSG_OPTION_ENCODING = "Encoding (--encoding) {value!r} is not a known text encoding"
HINT_OPTION_ENCODING = (
    "Set Encoding (--encoding) to utf-8, utf-8-sig, cp1252 or latin-1, "
    "or leave --encoding out to detect it."
)
MSG_OPTION_DELIMITER = (
    "Delimiter (--delimiter) must be one character such as , ; | or a tab, got {value!r}"
)
MSG_OPTION_DECIMAL = "Decimal (--decimal) must be '.' or ',', got {value!r}"
MSG_OPTION_SAME = "Delimiter and Decimal (--delimiter, --decimal) must differ, both are {value!r}"
MSG_OPTION_SHEET = "Sheet (--sheet) must be a sheet name or a 0-based position, got {value!r}"
MSG_OPTION_LIMIT = "{field} must be a whole number of at least 1, got {value!r}"

MSG_FILE_MISSING = "{name} does not exist"
MSG_TOO_BIG = "{name} is {size}, over the limit of {limit}"
HINT_TOO_BIG = (
    "Upload a smaller extract (fewer rows or columns), or raise the limit with the "
    "WORKBENCH_MAX_UPLOAD_MB setting."
)
MSG_EMPTY = "{name} is empty"
HINT_EMPTY = "Check that you picked the right file and that it was saved completely."
MSG_HEADER_ONLY = "{name} has column names but no rows"
HINT_HEADER_ONLY = (
    "Add data rows under the column names. If the first line is data, not names, "
    "untick First row is a header (--no-header)."
)
MSG_NO_COLUMNS = "{name} has {rows:,} rows but no columns"
MSG_FORMAT_MISMATCH = "{name} looks like {actual}, not {expected}"
HINT_FORMAT_MISMATCH = (
    "Read it without a format option (it is then read as {actual_format}), "
    "or export it as {expected_format}."
)
MSG_LEGACY = "{name} is {what}, which is not supported"
HINT_LEGACY = "Open it in your spreadsheet program and save it as .xlsx or CSV."
MSG_NOT_TABLE_FILE = "{name} is {what}, not a table file"
HINT_FORMATS = "Upload delimited text (CSV, TSV), JSON, JSON lines, Parquet or Excel (.xlsx)."
HINT_UNPACK = "Unpack it first and upload the table file inside."
MSG_NOT_EXCEL = "{name} is not an Excel workbook (its content looks like {actual})"
HINT_NOT_EXCEL = (
    "An .xlsx workbook is a zip archive and this file is not one. Upload the real workbook, "
    "or save the data as CSV and upload that (a text file must not be named .xlsx)."
)
MSG_ZIP_DAMAGED = "{name} is a damaged or incomplete zip archive (an .xlsx workbook is one)"
MSG_FIRST_LINE_TOO_LONG = "{name}: the first line is longer than {limit}, so it is not a header"
MSG_ENCODING = "{name} is not valid {encoding} text: byte {byte} cannot be decoded"
HINT_ENCODING = (
    "Choose another Encoding (--encoding): cp1252 or latin-1 for Western European text, "
    "utf-16 for Excel 'Unicode text'."
)
MSG_RAGGED = "{name}: line {line} has {found} fields, the {reference} has {expected}"
HINT_RAGGED = (
    "Check Delimiter (--delimiter), now {delimiter}, and the quoting: a value that contains "
    "the delimiter must be in double quotes."
)
MSG_UNCLOSED_QUOTE = "{name}: a quoted value that starts on line {line} is never closed"
HINT_UNCLOSED_QUOTE = 'Close the quote, or write a quote inside a quoted value as two quotes ("").'
MSG_CSV_UNREADABLE = "{name} could not be read as delimited text: {reason}"
HINT_CSV = "Check Delimiter, Decimal and Encoding (--delimiter, --decimal, --encoding)."
MSG_JSON_INVALID = "{name} is not valid JSON: {reason} at line {line}, column {column}"
HINT_JSON_INVALID = "Fix the JSON there: a missing comma, quote or bracket is the usual cause."
MSG_JSONL_INVALID = "{name}: line {line} is not valid JSON: {reason}"
MSG_JSONL_NOT_OBJECT = "{name}: line {line} holds {what}, not a JSON object"
HINT_JSONL = 'Write one object per line, like {"a": 1, "b": "x"}.'
MSG_JSON_NOT_TABLE = "{name} is JSON but not a table: it holds {what}"
HINT_JSON_NOT_TABLE = (
    'Save it as an array of records, [{"a": 1, "b": "x"}, …], or as JSON lines '
    "(one object per line)."
)
HINT_JSON_RECORDS_UNDER = (
    "The records seem to be under the key {key!r}: save that array on its own."
)
MSG_JSON_NO_RECORDS = "{name} holds an empty JSON array: there are no rows"
MSG_ZIP_TOO_BIG = "{name} unpacks to {size}, over the limit of {limit} for Excel workbooks"
MSG_ZIP_RATIO = (
    "{name}: the part {member!r} unpacks to {ratio:,.0f} times its stored size "
    "(limit {limit}), the mark of a zip bomb"
)
HINT_ZIP = "Save the data as CSV or Parquet instead, or split the workbook."
MSG_EXCEL_UNSAFE = "{name} contains XML entity or DTD declarations, the mark of an XML bomb"
MSG_EXCEL_UNREADABLE = "{name} could not be read as an Excel workbook: {reason}"
HINT_EXCEL = "Open it in Excel and save it again as .xlsx, or export the sheet as CSV."
MSG_SHEET_UNKNOWN = "{name} has no sheet {sheet!r}; its sheets are: {sheets}"
HINT_SHEET = (
    "Set Sheet (--sheet) to one of the listed sheets: by name, or by position (0 is the first)."
)
MSG_SHEET_EMPTY = "Sheet {sheet!r} of {name} is empty"
HINT_SHEET_EMPTY = "Set Sheet (--sheet) to the sheet that holds the table."
MSG_PARQUET_UNREADABLE = "{name} could not be read as Parquet: {reason}"
HINT_PARQUET = "The file may be damaged or cut short: export it again."

MSG_SQL_URL = "The connection URL is not a database URL"
HINT_SQL_URL = (
    "Use a form like sqlite:///path/to/file.db or postgresql://user:password@host:5432/db."
)
MSG_SQL_DIALECT = "SQL sources of type {dialect!r} are not supported"
HINT_SQL_DIALECT = "Use SQLite, PostgreSQL or MySQL, or export the table as CSV or Parquet."
MSG_SQL_DRIVER = "The Python driver for {dialect} is not installed"
HINT_SQL_DRIVER = "Install it, e.g. pip install {package}."
MSG_SQL_NO_FILE = "A SQLite URL must name a database file, got {database!r}"
HINT_SQL_NO_FILE = "Use sqlite:///relative/path.db or sqlite:////absolute/path.db."
MSG_SQL_FILE_MISSING = "There is no SQLite database file at {path}"
HINT_SQL_FILE_MISSING = "Check the path: a missing database is never created."
MSG_SQL_EMPTY_QUERY = "The query is empty"
MSG_SQL_NOT_SELECT = (
    "The query starts with {keyword}; only a read-only SELECT (or WITH … SELECT) is allowed"
)
MSG_SQL_WRITE = (
    "The query contains {keyword}, which changes the database; only read-only queries are allowed"
)
MSG_SQL_CHAINED = "The query holds {count} statements separated by ';'; only one is allowed"
MSG_SQL_UNTERMINATED = "The query has an unterminated {what}"
HINT_SQL_QUERY = (
    "Write one SELECT statement, e.g. SELECT * FROM customers WHERE signup >= '2024-01-01'."
)
MSG_SQL_CONNECT = "Could not connect to {source}: {reason}"
HINT_SQL_CONNECT = "Check the host, port, user name and password, and that the database is running."
MSG_SQL_FAILED = "The query failed on {source}: {reason}"
HINT_SQL_FAILED = "Check the table and column names; try the query in your database tool first."
MSG_SQL_NO_ROWS = "The query returned no rows"
HINT_SQL_NO_ROWS = "Check the WHERE clause and the table name."
MSG_SQL_MAX_ROWS = (
    "The query returned more than {limit:,} rows (the SQL row limit) and was stopped; "
    "add a WHERE or LIMIT clause, or raise WORKBENCH_SQL_MAX_ROWS"
)
MSG_SQL_TIMEOUT = (
    "The query ran longer than {limit:g} s (the SQL time limit) and was stopped; "
    "narrow it, or raise WORKBENCH_SQL_TIMEOUT_SECONDS"
)
MSG_SQL_MAX_BYTES = (
    "The query result is larger than {limit:g} MB (the SQL result-size limit) and was stopped; "
    "select fewer rows or columns, or raise WORKBENCH_SQL_MAX_MB"
)
MSG_SQL_MAX_VALUE = (
    "A value in the query result is larger than {limit:g} MB (the SQL value-size limit) and "
    "was refused; leave that column out, or raise WORKBENCH_SQL_MAX_VALUE_MB"
)

NOTE_FORMAT_FROM_CONTENT = (
    "{name} is {actual}, not {expected} as its extension says: read it as {actual_format}"
)
NOTE_ENCODING_FALLBACK = (
    "The text is not valid {encoding} further into the file: read it as {fallback}"
)
NOTE_THOUSANDS = "Read '.' as the thousands separator (values like 1.234,5)"
NOTE_NO_HEADER = (
    "The first row holds data, not names: named the columns column_1 … column_{count} "
    "(tick First row is a header (--header) if it holds names)"
)
NOTE_TRUNCATED = "Read only the first {rows:,} rows (max_rows); the source has more"
NOTE_FLATTENED = "Flattened nested JSON objects into the columns {examples}"
NOTE_DUPLICATE = "Renamed duplicate column {old!r} to {new!r}"
NOTE_BLANK = "Named blank column {position} {new!r}"
NOTE_INDEX = "Kept the index {names} as columns"
NOTE_MIXED = "Column {column!r} mixed numbers and text: kept as text"
NOTE_MIXED_TYPES = "Column {column!r} mixed {types}: kept as text"
NOTE_JSON_TEXT = "Column {column!r} held lists or objects: stored as JSON text"
NOTE_UNSTORABLE = "Column {column!r} could not be stored as {kind} values: kept as text"

WARN_SINGLE_COLUMN = (
    "{name} was read as a single column with Delimiter {used}, but its detected delimiter "
    "{detected} gives {columns} columns. Set Delimiter (--delimiter) to {detected} unless one "
    "column is really what you want."
)


class IngestError(CoreError):
    """Bad input while reading data; ``line`` is the 1-based line of the file where known."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        hint: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message, field=field, hint=hint)
        self.line = line

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        stop = "" if self.message.endswith((".", "!", "?", ":")) else "."
        return f"{self.message}{stop} {self.hint}"


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; ``None`` means detect."""

    format: Format | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    header: bool | None = None
    sheet: str | int | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int | None = None


@dataclass(frozen=True)
class Detected:
    """What sniffing found; shown to the user, who may override it."""

    format: Format
    encoding: str | None
    has_bom: bool
    delimiter: str | None
    decimal: str | None
    header: bool | None
    sheet_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatasetInfo:
    """Where a table came from and what reading it changed."""

    source: str
    format: Format | Literal["sql"]
    rows: int
    columns: int
    detected: Detected | None
    notes: tuple[str, ...]
    #: Signs that the options read the file wrongly (:data:`WARN_SINGLE_COLUMN`): shown before
    #: saving, and the import asks for confirmation.
    warnings: tuple[str, ...] = ()


# -- sources -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    name: str
    data: bytes | None
    path: Path | None
    size: int
    head: bytes

    @property
    def complete(self) -> bool:
        return self.size <= len(self.head)

    def open(self) -> IO[bytes]:
        return io.BytesIO(self.data) if self.data is not None else open(self.path, "rb")

    def handle(self) -> str | IO[bytes]:
        """What pandas and pyarrow read: a path (streamed, memory-mapped) or a buffer."""
        return str(self.path) if self.path is not None else io.BytesIO(self.data)

    def read_all(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


def _open_source(source: bytes | Path, filename: str, max_bytes: int) -> _Source:
    name = PurePath(filename).name or filename or "the file"
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        src = _Source(name, data, None, len(data), data[:SAMPLE_BYTES])
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            with path.open("rb") as stream:
                head = stream.read(SAMPLE_BYTES)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise IngestError(MSG_FILE_MISSING.format(name=name), field="file") from None
        src = _Source(name, None, path, size, head)
    if src.size > max_bytes:
        raise IngestError(
            MSG_TOO_BIG.format(name=name, size=_size_text(src.size), limit=_size_text(max_bytes)),
            field="file",
            hint=HINT_TOO_BIG,
        )
    if src.size == 0 or (src.complete and not _strip_bom(src.head).strip()):
        raise IngestError(MSG_EMPTY.format(name=name), field="file", hint=HINT_EMPTY)
    return src


def _size_text(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:,.1f} {unit}"
    return f"{size:,} bytes"


def _strip_bom(head: bytes) -> bytes:
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def _validate_options(options: ReadOptions) -> None:
    """Check user overrides once, at the boundary."""
    if options.format is not None and options.format not in FORMATS:
        raise IngestError(
            MSG_OPTION_FORMAT.format(choices=", ".join(FORMATS), value=options.format),
            field="format",
        )
    if options.encoding is not None:
        try:
            codecs.lookup(options.encoding)
        except (LookupError, TypeError):
            raise IngestError(
                MSG_OPTION_ENCODING.format(value=options.encoding),
                field="encoding",
                hint=HINT_OPTION_ENCODING,
            ) from None
    delimiter, decimal = options.delimiter, options.decimal
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise IngestError(MSG_OPTION_DELIMITER.format(value=delimiter), field="delimiter")
    if decimal is not None and decimal not in (".", ","):
        raise IngestError(MSG_OPTION_DECIMAL.format(value=decimal), field="decimal")
    if delimiter is not None and delimiter == decimal:
        raise IngestError(MSG_OPTION_SAME.format(value=delimiter), field="decimal")
    if options.sheet is not None and (
        isinstance(options.sheet, bool) or not isinstance(options.sheet, str | int)
    ):
        raise IngestError(MSG_OPTION_SHEET.format(value=options.sheet), field="sheet")
    for field in ("max_bytes", "max_rows"):
        value = getattr(options, field)
        if value is None and field == "max_rows":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise IngestError(MSG_OPTION_LIMIT.format(field=field, value=value), field=field)


# -- format detection ----------------------------------------------------------------


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
    lies = claimed is not None and claimed != kind and not (text_kind and claimed == "csv")
    if lies:
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
        chunks = []
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


@dataclass(frozen=True)
class _Row:
    line: int
    cells: list[str]


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


@dataclass(frozen=True)
class _CsvPlan:
    encoding: str
    delimiter: str
    decimal: str
    thousands: str | None
    header: bool
    rows: list[_Row]

    @property
    def width(self) -> int:
        return len(self.rows[0].cells)

    @property
    def multiline_values(self) -> bool:
        return any("\n" in cell or "\r" in cell for row in self.rows for cell in row.cells)


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


@dataclass(frozen=True)
class _Sniff:
    detected: Detected
    read_as: Format
    notes: list[str]
    plan: _CsvPlan | None = None


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
    if kind != "csv":
        return _Sniff(Detected(kind, encoding, has_bom, None, None, None), read_as, notes)
    plan = _plan_csv(src, encoding, ReadOptions(), sample)
    detected = Detected("csv", encoding, has_bom, plan.delimiter, plan.decimal, plan.header)
    return _Sniff(detected, read_as, notes, plan)


# -- read_table ------------------------------------------------------------------------


def read_table(
    source: bytes | Path, *, filename: str, options: ReadOptions = ReadOptions()
) -> tuple[pd.DataFrame, DatasetInfo]:
    """Read an uploaded file (bytes) or a file on disk into a DataFrame ready for Parquet.

    ``filename`` names the file in messages and gives the extension; ``options`` override
    detection. Raises :class:`IngestError` for every bad input.
    """
    _validate_options(options)
    src = _open_source(source, filename, options.max_bytes)
    sniff = _sniff(src, forced=options.format)
    readers = {
        "csv": _read_csv,
        "json": _read_json,
        "jsonl": _read_json,
        "parquet": _read_parquet,
        "excel": _read_excel,
    }
    frame, detected, read_notes = readers[sniff.read_as](src, sniff, options)
    frame, safe_notes = to_parquet_safe(frame)
    _check_shape(frame, src.name)
    origin = "upload" if src.data is not None else "file"
    info = DatasetInfo(
        source=f"{origin}: {src.name}",
        format=options.format or detected.format,
        rows=len(frame),
        columns=frame.shape[1],
        detected=detected,
        notes=(*sniff.notes, *read_notes, *safe_notes),
        warnings=_single_column_warnings(src.name, frame, sniff, options),
    )
    return frame, info


def _single_column_warnings(
    name: str, frame: pd.DataFrame, sniff: _Sniff, options: ReadOptions
) -> tuple[str, ...]:
    """One column from a forced delimiter where the detected one splits the rows: a likely misread."""
    detected = sniff.plan
    forced = options.delimiter
    if sniff.read_as != "csv" or detected is None or forced is None:
        return ()
    if frame.shape[1] != 1 or forced == detected.delimiter or detected.width < 2:
        return ()
    label = DELIMITER_LABELS.get
    return (
        WARN_SINGLE_COLUMN.format(
            name=name,
            used=label(forced, repr(forced)),
            detected=label(detected.delimiter, repr(detected.delimiter)),
            columns=detected.width,
        ),
    )


def _check_shape(frame: pd.DataFrame, name: str) -> None:
    if frame.shape[1] == 0:
        raise IngestError(MSG_NO_COLUMNS.format(name=name, rows=len(frame)), field="file")
    if len(frame) == 0:
        raise IngestError(MSG_HEADER_ONLY.format(name=name), field="header", hint=HINT_HEADER_ONLY)


def cap_rows(frame: pd.DataFrame, max_rows: int | None) -> tuple[pd.DataFrame, list[str]]:
    """Keep ``max_rows`` of a frame read with one row to spare, noting the cut."""
    if max_rows is None or len(frame) <= max_rows:
        return frame, []
    return frame.iloc[:max_rows], [NOTE_TRUNCATED.format(rows=max_rows)]


# -- CSV -------------------------------------------------------------------------------

_FALLBACK_ENCODINGS = {"utf-8": "cp1252", "utf-8-sig": "cp1252", "cp1252": "latin-1"}
_PANDAS_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_PANDAS_EOF_IN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
_CR_SPACE = re.compile(rb"\r[ \t]")


#: Text read as missing: pandas' defaults without "None", which in real data is often a
#: category ("internet service: None"), not a gap.
MISSING_MARKERS = (
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null",
)  # fmt: skip


def _read_csv(
    src: _Source, sniff: _Sniff, options: ReadOptions
) -> tuple[pd.DataFrame, Detected, list[str]]:
    overrides = (options.encoding, options.delimiter, options.decimal, options.header)
    if sniff.plan is not None and all(value is None for value in overrides):
        plan = sniff.plan
    else:
        encoding = options.encoding or sniff.detected.encoding or "utf-8"
        plan = _plan_csv(src, encoding, options)
    _check_sample_ragged(src, plan)
    notes = [NOTE_THOUSANDS] if plan.thousands else []
    fast = (
        plan.encoding in ("utf-8", "utf-8-sig")
        and options.max_rows is None
        and plan.thousands is None
        and not plan.multiline_values
    )
    frame = _read_csv_pyarrow(src, plan) if fast else None
    if frame is None:
        frame, plan, fallback_notes = _read_csv_c(src, plan, options, forced=options.encoding)
        notes += fallback_notes
    frame, cap_notes = cap_rows(frame, options.max_rows)
    frame.columns = _csv_names(plan, frame)
    if not plan.header:
        notes.append(NOTE_NO_HEADER.format(count=frame.shape[1]))
    return frame, sniff.detected, notes + cap_notes


def _check_sample_ragged(src: _Source, plan: _CsvPlan) -> None:
    """Rows longer than the first are an error (also stops pandas' silent implicit index)."""
    for row in plan.rows[1:]:
        if len(row.cells) > plan.width:
            raise _ragged_error(src.name, plan, row.line, len(row.cells))


def _ragged_error(name: str, plan: _CsvPlan, line: int, found: int) -> IngestError:
    delimiter = "tab" if plan.delimiter == "\t" else repr(plan.delimiter)
    return IngestError(
        MSG_RAGGED.format(
            name=name,
            line=line,
            found=found,
            expected=plan.width,
            reference="header" if plan.header else "first line",
        ),
        field="delimiter",
        hint=HINT_RAGGED.format(delimiter=delimiter),
        line=line,
    )


def _read_csv_pyarrow(src: _Source, plan: _CsvPlan) -> pd.DataFrame | None:
    """The fast path; None when pyarrow refuses the file (the C engine then explains why)."""
    try:
        frame = pd.read_csv(
            src.handle(),
            engine="pyarrow",
            sep=plan.delimiter,
            decimal=plan.decimal,
            header=0 if plan.header else None,
            keep_default_na=False,
            na_values=list(MISSING_MARKERS),
        )
    except Exception:  # any pyarrow refusal: the strict C engine will explain it
        return None
    return None if _pyarrow_suspect(frame, plan) else frame


def _pyarrow_suspect(frame: pd.DataFrame, plan: _CsvPlan) -> bool:
    """Cases pyarrow reads without complaint but the C engine must judge.

    A header split differently from our sample; a binary column (invalid UTF-8 further in);
    a line break in the last row (pyarrow lets a quote left open swallow the rest of the file).
    """
    if frame.shape[1] != plan.width:
        return True
    for position, dtype in enumerate(frame.dtypes):
        if not pd.api.types.is_object_dtype(dtype):
            continue
        values = frame.iloc[:, position].to_numpy()
        # pyarrow makes a whole column binary: its first value tells (cheap on 1M rows)
        first = next((v for v in values[:1000] if not _is_missing(v)), None)
        if first is None:
            first = "" if pd.api.types.infer_dtype(values, skipna=True) != "bytes" else b""
        if isinstance(first, bytes):
            return True
        last = values[-1] if len(values) else None
        if isinstance(last, str) and ("\n" in last or "\r" in last):
            return True
    return False


def _read_csv_c(
    src: _Source, plan: _CsvPlan, options: ReadOptions, *, forced: str | None
) -> tuple[pd.DataFrame, _CsvPlan, list[str]]:
    """pandas' C engine: exact line numbers; falls back to the next encoding if detected."""
    notes: list[str] = []
    engine = "python" if plan.encoding.startswith("utf-16") or _has_cr_space(src) else "c"
    while True:
        try:
            return _pandas_read(src, plan, options, engine), plan, notes
        except UnicodeDecodeError as error:
            fallback = _FALLBACK_ENCODINGS.get(plan.encoding)
            if forced is not None or fallback is None:
                raise _encoding_error(src.name, plan.encoding, error) from None
            notes.append(NOTE_ENCODING_FALLBACK.format(encoding=plan.encoding, fallback=fallback))
            plan = replace(plan, encoding=fallback)


def _has_cr_space(src: _Source) -> bool:
    """A lone carriage return before a space or tab sends pandas' C tokenizer into an endless
    loop (pandas-dev/pandas#51141, fixed after pandas 2.3); such files use the Python engine."""
    if src.data is not None:
        return _CR_SPACE.search(src.data) is not None
    with src.open() as stream:
        previous = b""
        while chunk := stream.read(16 * 1024 * 1024):
            if _CR_SPACE.search(previous + chunk):
                return True
            previous = chunk[-1:]
    return False


def _pandas_read(src: _Source, plan: _CsvPlan, options: ReadOptions, engine: str) -> pd.DataFrame:
    nrows = None if options.max_rows is None else options.max_rows + 1
    # The C engine needs index_col=False (else a long first row becomes the index; warned
    # below) and low_memory=False (else column types depend on chunk boundaries). The Python
    # engine supports neither, and with index_col=False would drop extra fields silently.
    extra = {"index_col": False, "low_memory": False} if engine == "c" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(
                src.handle(),
                engine=engine,
                sep=plan.delimiter,
                decimal=plan.decimal,
                thousands=plan.thousands,
                header=0 if plan.header else None,
                encoding=plan.encoding,
                nrows=nrows,
                keep_default_na=False,
                na_values=list(MISSING_MARKERS),
                **extra,
            )
        except pd.errors.EmptyDataError:
            raise IngestError(
                MSG_EMPTY.format(name=src.name), field="file", hint=HINT_EMPTY
            ) from None
        except pd.errors.ParserWarning:
            raise _ragged_error(src.name, plan, plan.rows[0].line + 1, plan.width + 1) from None
        except pd.errors.ParserError as error:
            raise _csv_parser_error(src.name, plan, str(error)) from None


def _csv_parser_error(name: str, plan: _CsvPlan, reason: str) -> IngestError:
    if match := _PANDAS_RAGGED.search(reason):
        return _ragged_error(name, plan, int(match[2]), int(match[3]))
    if match := _PANDAS_EOF_IN_QUOTE.search(reason):
        line = int(match[1]) + 1
        return IngestError(
            MSG_UNCLOSED_QUOTE.format(name=name, line=line), hint=HINT_UNCLOSED_QUOTE, line=line
        )
    reason = reason.removeprefix("Error tokenizing data. C error: ").strip()
    return IngestError(MSG_CSV_UNREADABLE.format(name=name, reason=reason), hint=HINT_CSV)


def _csv_names(plan: _CsvPlan, frame: pd.DataFrame) -> list[str]:
    """Raw header cells from our own parse (pandas would mangle duplicates to 'a.1')."""
    if not plan.header:
        return [f"column_{i}" for i in range(1, frame.shape[1] + 1)]
    cells = plan.rows[0].cells
    if len(cells) == frame.shape[1]:
        return list(cells)
    return [str(c) for c in frame.columns]


# -- JSON ------------------------------------------------------------------------------


def _read_json(
    src: _Source, sniff: _Sniff, options: ReadOptions
) -> tuple[pd.DataFrame, Detected, list[str]]:
    detected = sniff.detected
    encoding = options.encoding or detected.encoding or "utf-8"
    raw = src.read_all()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise _encoding_error(src.name, encoding, error) from None
    text = text.removeprefix("\ufeff")
    if sniff.read_as == "jsonl":
        records = _json_lines(src.name, text, options.max_rows)
    else:
        try:
            records = _json_records(src.name, json.loads(text))
        except json.JSONDecodeError as error:
            if error.msg != "Extra data":
                raise _json_error(src.name, error) from None
            records = _json_lines(src.name, text, options.max_rows)  # JSON lines in a .json
            detected = replace(detected, format="jsonl")
    if not records:
        raise IngestError(MSG_JSON_NO_RECORDS.format(name=src.name), field="file")
    frame, notes = _records_frame(
        records[: None if options.max_rows is None else options.max_rows + 1]
    )
    frame, cap_notes = cap_rows(frame, options.max_rows)
    return frame, detected, notes + cap_notes


def _json_error(name: str, error: json.JSONDecodeError) -> IngestError:
    return IngestError(
        MSG_JSON_INVALID.format(name=name, reason=error.msg, line=error.lineno, column=error.colno),
        hint=HINT_JSON_INVALID,
        line=error.lineno,
    )


def _json_lines(name: str, text: str, max_rows: int | None) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise IngestError(
                MSG_JSONL_INVALID.format(name=name, line=number, reason=error.msg),
                hint=HINT_JSONL,
                line=number,
            ) from None
        if not isinstance(value, dict):
            raise IngestError(
                MSG_JSONL_NOT_OBJECT.format(name=name, line=number, what=_json_what(value)),
                hint=HINT_JSONL,
                line=number,
            )
        records.append(value)
        if max_rows is not None and len(records) > max_rows:
            break
    return records


def _json_records(name: str, value: Any) -> list[dict[str, Any]]:
    """An array of objects is a table; anything else gets a message saying what it is."""
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    hint = HINT_JSON_NOT_TABLE
    if isinstance(value, dict):
        under = [
            k for k, v in value.items() if isinstance(v, list) and v and isinstance(v[0], dict)
        ]
        if len(under) == 1:
            hint = HINT_JSON_RECORDS_UNDER.format(key=under[0])
    raise IngestError(
        MSG_JSON_NOT_TABLE.format(name=name, what=_json_what(value)), field="file", hint=hint
    )


def _json_what(value: Any) -> str:
    if isinstance(value, dict):
        if value and all(isinstance(v, list) for v in value.values()):
            return "an object of arrays"
        return "a single object"
    if isinstance(value, list):
        kinds = sorted({_json_what(item).split(" ", 1)[1] for item in value[:100]})
        return "an array of " + " and ".join(f"{kind}s" for kind in kinds)
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "a null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _records_frame(records: list[dict[str, Any]]) -> tuple[pd.DataFrame, list[str]]:
    nested = any(isinstance(v, dict) for record in records for v in record.values())
    if not nested:
        return pd.DataFrame.from_records(records), []
    frame = pd.json_normalize(records, sep=".")
    top = {key for record in records for key in record}
    flat = [c for c in frame.columns if c not in top]
    examples = ", ".join(repr(c) for c in flat[:5])
    if len(flat) > 5:
        examples += f" and {len(flat) - 5} more"
    return frame, [NOTE_FLATTENED.format(examples=examples)]


# -- Parquet ---------------------------------------------------------------------------


def _read_parquet(
    src: _Source, sniff: _Sniff, options: ReadOptions
) -> tuple[pd.DataFrame, Detected, list[str]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        handle = src.path if src.path is not None else pa.BufferReader(src.data)
        parquet = pq.ParquetFile(handle)
        if options.max_rows is None:
            table = parquet.read()
        else:
            batches, wanted = [], options.max_rows + 1
            for batch in parquet.iter_batches(batch_size=min(wanted, 65_536)):
                batches.append(batch)
                wanted -= batch.num_rows
                if wanted <= 0:
                    break
            table = pa.Table.from_batches(batches, schema=parquet.schema_arrow)
        frame = table.to_pandas()
    except (pa.ArrowException, OSError, ValueError, TypeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise IngestError(
            MSG_PARQUET_UNREADABLE.format(name=src.name, reason=reason),
            field="file",
            hint=HINT_PARQUET,
        ) from None
    frame, notes = cap_rows(frame, options.max_rows)
    return frame, sniff.detected, notes


# -- Excel -----------------------------------------------------------------------------


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


# -- to_parquet_safe -------------------------------------------------------------------

_SAFE_OBJECT_KINDS = {"string", "empty"}
_TEXT_KINDS = {"mixed", "mixed-integer"}  # infer_dtype kinds that are never one Arrow type
_NUMBER_TYPES = (int, float, np.integer, np.floating)


def to_parquet_safe(df: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A copy of ``df`` that Parquet can store, the same way every time; notes say what changed.

    Column names become unique trimmed strings; a named index becomes columns, any other
    index a fresh RangeIndex; object columns mixing Python types (e.g. ints and strings)
    become text, missing values staying missing. Numbers stored as text and ±inf are data:
    they stay.
    """
    notes: list[str] = []
    frame = df.copy(deep=False)
    if not _is_default_index(frame.index):
        kept = [n for n in frame.index.names if n is not None]
        if kept:
            notes.append(NOTE_INDEX.format(names=", ".join(repr(str(n)) for n in kept)))
        frame = frame.reset_index(drop=not kept)
    names, name_notes = clean_column_names(frame.columns)
    frame.columns = names
    notes += name_notes
    for position, column in enumerate(names):
        series = frame.iloc[:, position]
        converted = _storable_column(series, column)
        if converted is not None:
            frame[column] = converted[0]
            notes.append(converted[1])
    return frame, tuple(notes)


def _is_default_index(index: pd.Index) -> bool:
    return (
        isinstance(index, pd.RangeIndex)
        and index.start == 0
        and index.step == 1
        and index.name is None
    )


def clean_column_names(columns: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Trimmed strings; blanks become ``column_<n>``, duplicates ``name_2``, ``name_3``."""
    notes: list[str] = []
    names = [_column_name(column) for column in columns]
    for position, name in enumerate(names):
        if not name:
            names[position] = f"column_{position + 1}"
            notes.append(NOTE_BLANK.format(position=position + 1, new=names[position]))
    taken, seen, result = set(names), Counter[str](), []
    for name in names:
        seen[name] += 1
        if seen[name] == 1:
            result.append(name)
            continue
        number = seen[name]
        while f"{name}_{number}" in taken:
            number += 1
        new = f"{name}_{number}"
        taken.add(new)
        result.append(new)
        notes.append(NOTE_DUPLICATE.format(old=name, new=new))
    return result, notes


def _column_name(column: Any) -> str:
    if isinstance(column, tuple):  # MultiIndex columns
        return ".".join(part for part in (_column_name(c) for c in column) if part)
    if column is None or (isinstance(column, float) and math.isnan(column)):
        return ""
    return str(column).replace("\ufeff", "").strip()


def _storable_column(series: pd.Series, column: str) -> tuple[pd.Series, str] | None:
    """(text version, note) when pyarrow cannot store ``series`` as it is; None when fine."""
    dtype = series.dtype
    if pd.api.types.is_complex_dtype(dtype):
        return _as_text(series.to_numpy(dtype=object), series.index), NOTE_UNSTORABLE.format(
            column=column, kind="complex"
        )
    if isinstance(dtype, pd.CategoricalDtype):
        probe = dtype.categories.to_numpy()
    elif pd.api.types.is_object_dtype(dtype):
        probe = series.to_numpy()
    else:
        return None
    kind = pd.api.types.infer_dtype(probe, skipna=True)
    if kind in _SAFE_OBJECT_KINDS or (kind not in _TEXT_KINDS and _arrow_accepts(probe)):
        return None
    values = series.to_numpy(dtype=object)
    labels = {_type_label(type(v)) for v in values if not _is_missing(v)}
    text = _as_text(values, series.index)
    if "lists or objects" in labels:
        return text, NOTE_JSON_TEXT.format(column=column)
    if labels == {"numbers", "text"}:
        return text, NOTE_MIXED.format(column=column)
    if len(labels) > 1:
        return text, NOTE_MIXED_TYPES.format(column=column, types=" and ".join(sorted(labels)))
    return text, NOTE_UNSTORABLE.format(column=column, kind=kind)


def _as_text(values: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series([_cell_text(v) for v in values], index=index, dtype=object)


def _arrow_accepts(values: np.ndarray) -> bool:
    import pyarrow as pa

    try:
        pa.array(values, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return False
    return True


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _cell_text(value: Any) -> str | None:
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _type_label(kind: type) -> str:
    if issubclass(kind, list | dict | tuple):
        return "lists or objects"
    if issubclass(kind, bool | np.bool_):
        return "booleans"
    if issubclass(kind, _NUMBER_TYPES):
        return "numbers"
    if issubclass(kind, str):
        return "text"
    return f"{kind.__name__} values"


# -- SQL -------------------------------------------------------------------------------


# user:password@host…: the password runs to the LAST "@" (an unescaped "@" is a common slip)
_USERINFO = re.compile(r"^(?P<user>[^:/@]*):(?P<password>.*)@(?P<rest>[^@/?#]*(?:[/?#].*)?)$", re.S)


def redact_url(url: str) -> str:
    """The URL with its password (and password-like query values) replaced by ``***``.

    Works on the raw text, so even a URL SQLAlchemy cannot parse (an unescaped ``@``, ``/``
    or ``?`` in the password) is safe to show: ``postgresql://ann:***@db/sales``.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***" if "@" in url or "=" in url else url
    if match := _USERINFO.match(rest):
        rest = f"{match['user']}:***@{match['rest']}"
    location, question, query = rest.partition("?")
    if question:
        query = "&".join(_redact_pair(pair) for pair in query.split("&"))
    return f"{scheme}://{location}{question}{query}"


def _redact_pair(pair: str) -> str:
    key, equals, _ = pair.partition("=")
    return f"{key}=***" if equals and key.lower() in URL_SECRET_KEYS else pair


def url_secrets(url: str) -> list[str]:
    """Password-like substrings of ``url``, to scrub from driver messages."""
    secrets = []
    rest = url.partition("://")[2]
    if match := _USERINFO.match(rest):
        secrets.append(match["password"])
        rest = match["rest"]
    for pair in rest.partition("?")[2].split("&"):
        key, _, value = pair.partition("=")
        if key.lower() in URL_SECRET_KEYS:
            secrets.append(value)
    return [s for v in secrets if v for s in {v, unquote(v)}]


def scrub_secrets(message: str, secrets: Sequence[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message.strip().splitlines()[0] if message.strip() else message


def check_read_only_query(query: str) -> str:
    """The single read-only statement to run, comments removed; IngestError otherwise."""
    kept, masked = _split_sql(query)
    statements = [s for s in masked.split(";") if s.strip()]
    if not statements:
        raise IngestError(MSG_SQL_EMPTY_QUERY, field="query", hint=HINT_SQL_QUERY)
    if len(statements) > 1:
        raise IngestError(
            MSG_SQL_CHAINED.format(count=len(statements)), field="query", hint=HINT_SQL_QUERY
        )
    words = [w.upper() for w in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", masked)]
    if not words or words[0] not in SQL_READ_KEYWORDS:
        keyword = words[0] if words else masked.strip()[:10]
        raise IngestError(
            MSG_SQL_NOT_SELECT.format(keyword=keyword), field="query", hint=HINT_SQL_QUERY
        )
    if forbidden := next((w for w in words if w in SQL_WRITE_KEYWORDS), None):
        raise IngestError(
            MSG_SQL_WRITE.format(keyword=forbidden), field="query", hint=HINT_SQL_QUERY
        )
    return kept.strip().rstrip(";").strip()


def _split_sql(query: str) -> tuple[str, str]:
    """(query without comments, the same with string literals and quoted names blanked)."""
    kept, masked, i, n = [], [], 0, len(query)
    while i < n:
        if query.startswith("--", i):
            i = n if (end := query.find("\n", i)) < 0 else end
            kept.append(" ")
            masked.append(" ")
        elif query.startswith("/*", i):
            if (end := query.find("*/", i + 2)) < 0:
                raise IngestError(MSG_SQL_UNTERMINATED.format(what="comment"), field="query")
            i = end + 2
            kept.append(" ")
            masked.append(" ")
        elif (quoted := _quoted_end(query, i)) is not None:
            kept.append(query[i:quoted])
            masked.append(" ")
            i = quoted
        else:
            kept.append(query[i])
            masked.append(query[i])
            i += 1
    return "".join(kept), "".join(masked)


def _quoted_end(query: str, start: int) -> int | None:
    """End of a '…', "…", `…` or $tag$…$tag$ token starting at ``start``; None if none starts."""
    char = query[start]
    if char in "'\"`":
        i = start + 1
        while (i := query.find(char, i)) >= 0:
            if query.startswith(char * 2, i):
                i += 2
                continue
            return i + 1
        what = "string" if char == "'" else "quoted name"
        raise IngestError(MSG_SQL_UNTERMINATED.format(what=what), field="query")
    if char == "$" and (match := re.match(r"\$([A-Za-z_]\w*)?\$", query[start:])):
        tag = match.group(0)
        end = query.find(tag, start + len(tag))
        if end < 0:
            raise IngestError(
                MSG_SQL_UNTERMINATED.format(what="dollar-quoted string"), field="query"
            )
        return end + len(tag)
    return None
