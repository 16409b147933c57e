"""Delimited text (CSV, TSV, …) into a DataFrame.

- **Ragged rows are an error, never skipped.** A row with more fields than the header stops
  the read with its line number (``MSG_RAGGED``); dropping rows silently would lose data.
  A row with fewer fields is padded with missing values (pandas' rule).
- **Fast path.** UTF-8 text without ``max_rows`` or a thousands separator is parsed by
  pyarrow (``pd.read_csv(engine="pyarrow")``); anything pyarrow refuses or may have misread
  (short or long rows, a type change deep in the file, invalid UTF-8, an unclosed quote) is
  re-read by pandas' C engine, which gives exact line numbers. The pyarrow engine types ISO
  dates and timestamps; the C engine keeps them as text. Files with a lone carriage return
  before a space (pandas-dev/pandas#51141) and UTF-16 text use the Python engine.
- Text that is not UTF-8 only after the sample is re-read as cp1252, with a note.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from typing import Any, Literal

import pandas as pd

from core.data.ingest.columns import _is_missing, cap_rows
from core.data.ingest.detect import _encoding_error, _plan_csv
from core.data.ingest.messages import (
    HINT_CSV,
    HINT_EMPTY,
    HINT_RAGGED,
    HINT_UNCLOSED_QUOTE,
    MSG_CSV_UNREADABLE,
    MSG_EMPTY,
    MSG_RAGGED,
    MSG_UNCLOSED_QUOTE,
    NOTE_ENCODING_FALLBACK,
    NOTE_NO_HEADER,
    NOTE_THOUSANDS,
    IngestError,
)
from core.data.ingest.source import Detected, ReadOptions, _CsvPlan, _Sniff, _Source

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
    engine: Literal["c", "python"] = (
        "python" if plan.encoding.startswith("utf-16") or _has_cr_space(src) else "c"
    )
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


def _pandas_read(
    src: _Source, plan: _CsvPlan, options: ReadOptions, engine: Literal["c", "python"]
) -> pd.DataFrame:
    nrows = None if options.max_rows is None else options.max_rows + 1
    # The C engine needs index_col=False (else a long first row becomes the index; warned
    # below) and low_memory=False (else column types depend on chunk boundaries). The Python
    # engine supports neither, and with index_col=False would drop extra fields silently.
    extra: dict[str, Any] = {"index_col": False, "low_memory": False} if engine == "c" else {}
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
