"""JSON (an array of records, or records under one key) and JSON lines into a DataFrame;
nested objects are flattened into columns.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pandas as pd

from core.data.ingest.columns import cap_rows
from core.data.ingest.detect import _encoding_error
from core.data.ingest.messages import (
    HINT_JSON_INVALID,
    HINT_JSON_NOT_TABLE,
    HINT_JSON_RECORDS_UNDER,
    HINT_JSONL,
    MSG_JSON_INVALID,
    MSG_JSON_NO_RECORDS,
    MSG_JSON_NOT_TABLE,
    MSG_JSONL_INVALID,
    MSG_JSONL_NOT_OBJECT,
    NOTE_FLATTENED,
    IngestError,
)
from core.data.ingest.source import Detected, ReadOptions, _Sniff, _Source


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
