"""What reading starts from: the user's options (checked once, at the boundary), the opened
source (bytes or a path, only the first 64 KB read up front) and what sniffing decided.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Literal

from core.data.ingest.messages import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    HINT_EMPTY,
    HINT_OPTION_ENCODING,
    HINT_TOO_BIG,
    MSG_EMPTY,
    MSG_FILE_MISSING,
    MSG_OPTION_DECIMAL,
    MSG_OPTION_DELIMITER,
    MSG_OPTION_ENCODING,
    MSG_OPTION_FORMAT,
    MSG_OPTION_LIMIT,
    MSG_OPTION_SAME,
    MSG_OPTION_SHEET,
    MSG_TOO_BIG,
    SAMPLE_BYTES,
    Format,
    IngestError,
)


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
        return open(self.path, "rb") if self.path is not None else io.BytesIO(self.data or b"")

    def handle(self) -> str | IO[bytes]:
        """What pandas and pyarrow read: a path (streamed, memory-mapped) or a buffer."""
        return str(self.path) if self.path is not None else io.BytesIO(self.data or b"")

    def read_all(self) -> bytes:
        return self.path.read_bytes() if self.path is not None else self.data or b""


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


@dataclass(frozen=True)
class _Row:
    line: int
    cells: list[str]


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


@dataclass(frozen=True)
class _Sniff:
    detected: Detected
    read_as: Format
    notes: list[str]
    plan: _CsvPlan | None = None
