"""Empty files and header-only files get a specific message, not a pandas error."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.data.ingest import IngestError, detect
from core.data.ingest.messages import MSG_EMPTY, MSG_FILE_MISSING, MSG_HEADER_ONLY


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_empty_or_whitespace_file_is_empty(read, data: bytes) -> None:
    with pytest.raises(IngestError) as caught:
        read(data, "churn.csv")
    assert caught.value.message == MSG_EMPTY.format(name="churn.csv")
    assert caught.value.hint


def test_empty_file_on_disk_is_empty(read, tmp_path: Path) -> None:
    path = tmp_path / "stored-artifact"
    path.write_bytes(b"")
    with pytest.raises(IngestError, match=r"churn\.csv is empty"):
        read(path, "churn.csv")


def test_detect_refuses_an_empty_file() -> None:
    with pytest.raises(IngestError, match="is empty"):
        detect(b"", filename="x.csv")


@pytest.mark.parametrize("data", [b"id,name,spend\n", b"id,name,spend", b"id;name\r\n\r\n"])
def test_header_only_file_has_no_rows(read, data: bytes) -> None:
    with pytest.raises(IngestError) as caught:
        read(data, "churn.csv")
    assert caught.value.message == MSG_HEADER_ONLY.format(name="churn.csv")
    assert "first line is data" in caught.value.hint


def test_header_only_parquet(read, tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "empty.parquet"
    pd.DataFrame({"a": pd.Series([], dtype="int64")}).to_parquet(path)
    with pytest.raises(IngestError, match="has column names but no rows"):
        read(path, "empty.parquet")


def test_missing_file_is_named(read, tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        read(tmp_path / "gone.csv", "gone.csv")
    assert caught.value.message == MSG_FILE_MISSING.format(name="gone.csv")
