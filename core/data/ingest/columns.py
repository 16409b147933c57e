"""Column names and column types that every reader shares: clean, unique names and a frame
that Parquet stores the same way every time (``to_parquet_safe``).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from core.data.ingest.messages import (
    NOTE_BLANK,
    NOTE_DUPLICATE,
    NOTE_INDEX,
    NOTE_JSON_TEXT,
    NOTE_MIXED,
    NOTE_MIXED_TYPES,
    NOTE_TRUNCATED,
    NOTE_UNSTORABLE,
)


def cap_rows(frame: pd.DataFrame, max_rows: int | None) -> tuple[pd.DataFrame, list[str]]:
    """Keep ``max_rows`` of a frame read with one row to spare, noting the cut."""
    if max_rows is None or len(frame) <= max_rows:
        return frame, []
    return frame.iloc[:max_rows], [NOTE_TRUNCATED.format(rows=max_rows)]


# -- CSV -------------------------------------------------------------------------------
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


def clean_column_names(columns: Iterable[Any]) -> tuple[list[str], list[str]]:
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
