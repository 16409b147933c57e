"""Parquet round-trips exactly; a damaged file is an IngestError, not a pyarrow traceback."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.ingest import IngestError
from core.data.ingest.messages import HINT_PARQUET


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": np.arange(5, dtype="int64"),
            "score": [0.5, np.inf, np.nan, -1.0, 2.0],
            "name": ["a", None, "c", "d", "<e>"],
            "when": pd.date_range("2024-01-01", periods=5),
            "flag": [True, False, True, True, False],
        }
    )


def test_round_trip_from_bytes(read, frame: pd.DataFrame) -> None:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    result, info = read(buffer.getvalue(), "data.parquet")
    pd.testing.assert_frame_equal(result, frame)
    assert info.format == "parquet"
    assert (info.rows, info.columns) == (5, 5)


def test_round_trip_from_a_path(read, frame: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "artifact"
    frame.to_parquet(path, index=False)
    result, info = read(path, "data.parquet")
    pd.testing.assert_frame_equal(result, frame)
    assert info.source == "file: data.parquet"


def test_max_rows(read, frame: pd.DataFrame) -> None:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    result, info = read(buffer.getvalue(), "data.parquet", max_rows=3)
    assert result["id"].tolist() == [0, 1, 2]
    assert any("first 3 rows" in note for note in info.notes)


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_corrupt_parquet_is_an_ingest_error(read, frame: pd.DataFrame, damage: str) -> None:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    data = buffer.getvalue()
    data = data[: len(data) // 2] if damage == "truncate" else b"PAR1" + b"\x07" * 200
    with pytest.raises(IngestError) as caught:
        read(data, "data.parquet")
    assert caught.value.message.startswith("data.parquet could not be read as Parquet: ")
    assert caught.value.hint == HINT_PARQUET
