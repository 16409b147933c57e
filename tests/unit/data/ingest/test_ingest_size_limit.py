"""Inputs over max_bytes are refused up front, with the size and the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.data.ingest import IngestError
from core.data.ingest.messages import HINT_TOO_BIG, MSG_TOO_BIG


def test_bytes_over_the_limit(read) -> None:
    with pytest.raises(IngestError) as caught:
        read(b"a,b\n" + b"1,2\n" * 600, "big.csv", max_bytes=1024)
    assert caught.value.message == MSG_TOO_BIG.format(name="big.csv", size="2.3 KB", limit="1.0 KB")
    assert caught.value.hint == HINT_TOO_BIG


def test_file_over_the_limit_is_not_read(read, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a\n" + b"1\n" * (3 * 1024 * 1024))
    with pytest.raises(IngestError, match=r"big.csv is 6.0 MB, over the limit of 5.0 MB"):
        read(path, "big.csv", max_bytes=5 * 1024 * 1024)


def test_file_at_the_limit_is_read(read) -> None:
    data = b"a,b\n1,2\n"
    frame, _ = read(data, "x.csv", max_bytes=len(data))
    assert len(frame) == 1
