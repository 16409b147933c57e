"""``read_table``: one entry point that sniffs a file, picks its reader and returns a frame
that Parquet can store, with notes saying what reading changed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.data.ingest.columns import to_parquet_safe
from core.data.ingest.detect import _sniff
from core.data.ingest.excel import _read_excel
from core.data.ingest.json import _read_json
from core.data.ingest.messages import (
    DELIMITER_LABELS,
    HINT_HEADER_ONLY,
    MSG_HEADER_ONLY,
    MSG_NO_COLUMNS,
    WARN_SINGLE_COLUMN,
    IngestError,
)
from core.data.ingest.parquet import _read_parquet
from core.data.ingest.source import (
    DatasetInfo,
    ReadOptions,
    _open_source,
    _Sniff,
    _validate_options,
)
from core.data.ingest.text import _read_csv

_DETECT_ALL = ReadOptions()  # every option detected


def read_table(
    source: bytes | Path, *, filename: str, options: ReadOptions = _DETECT_ALL
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
