"""Data stage, first step: read a user's file or SQL query into a clean, storable DataFrame.

One module per subject: ``detect`` (format, encoding, delimiter, decimal and header sniffing),
``text`` (CSV/TSV), ``json``, ``parquet``, ``excel``, ``columns`` (column names and storable
types), ``sql`` (query text and URL secrets; the connection lives in ``app.services``),
``reader`` (``read_table``, which picks the reader) and ``messages`` (every message and limit;
tests import them from there). Pure Python: no Streamlit, no storage.
"""

from __future__ import annotations

from core.data.ingest.columns import cap_rows, clean_column_names, to_parquet_safe
from core.data.ingest.detect import detect
from core.data.ingest.messages import (
    DECIMAL_LABELS,
    DELIMITER_LABELS,
    FORMATS,
    OPTION_FLAGS,
    OPTION_LABELS,
    WARN_SINGLE_COLUMN,
    Format,
    IngestError,
)
from core.data.ingest.reader import read_table
from core.data.ingest.source import DatasetInfo, Detected, ReadOptions
from core.data.ingest.sql import check_read_only_query, redact_url, scrub_secrets, url_secrets
from core.data.ingest.text import MISSING_MARKERS

__all__ = [
    "DECIMAL_LABELS",
    "DELIMITER_LABELS",
    "FORMATS",
    "MISSING_MARKERS",
    "OPTION_FLAGS",
    "OPTION_LABELS",
    "WARN_SINGLE_COLUMN",
    "DatasetInfo",
    "Detected",
    "Format",
    "IngestError",
    "ReadOptions",
    "cap_rows",
    "check_read_only_query",
    "clean_column_names",
    "detect",
    "read_table",
    "redact_url",
    "scrub_secrets",
    "to_parquet_safe",
    "url_secrets",
]
