"""Rows with more fields than the header stop the read with their line; short rows are padded."""

from __future__ import annotations

import math

import pytest

from core.data.ingest import IngestError
from core.data.ingest.messages import MSG_RAGGED, MSG_UNCLOSED_QUOTE


def test_long_row_in_the_sample_names_its_line(read) -> None:
    data = b"a,b,c,d,e\n" + b"1,2,3,4,5\n" * 55 + b"1,2,3,4,5,6,7\n"
    with pytest.raises(IngestError) as caught:
        read(data, "churn.csv")
    expected = MSG_RAGGED.format(name="churn.csv", line=57, found=7, expected=5, reference="header")
    assert caught.value.message == expected
    assert caught.value.line == 57
    assert "delimiter" in caught.value.hint and "quot" in caught.value.hint


def test_long_row_far_into_the_file_names_its_line(read) -> None:
    data = b"a,b,c\n" + b"1,2,3\n" * 30_000 + b"\n" + b"4,5,6,7\n"
    with pytest.raises(IngestError) as caught:
        read(data, "big.csv")
    assert caught.value.line == 30_003
    assert "line 30003 has 4 fields, the header has 3" in caught.value.message


def test_first_data_row_longer_than_header_is_not_turned_into_an_index(read) -> None:
    with pytest.raises(IngestError, match="line 2 has 3 fields, the header has 2"):
        read(b"a,b\n1,2,3\n4,5,6\n", "x.csv")


def test_headerless_file_compares_with_the_first_line(read) -> None:
    with pytest.raises(IngestError, match="line 3 has 3 fields, the first line has 2"):
        read(b"1,2\n3,4\n5,6,7\n", "x.csv")


def test_short_row_is_padded_with_missing_values(read) -> None:
    frame, _ = read(b"a,b,c\n1,2,3\n4,5\n", "x.csv")
    assert frame.loc[1, "a"] == 4
    assert math.isnan(frame.loc[1, "c"])


def test_unclosed_quote_names_its_line(read) -> None:
    data = b"a,b\n" + b"1,2\n" * 30_000 + b'3,"never closed\n4,5\n'
    with pytest.raises(IngestError) as caught:
        read(data, "x.csv")
    assert caught.value.message == MSG_UNCLOSED_QUOTE.format(name="x.csv", line=30_002)
