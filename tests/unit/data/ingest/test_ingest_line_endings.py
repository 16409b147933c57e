"""Windows, Unix and old-Mac line endings; a lone CR before a space must not hang pandas."""

from __future__ import annotations

import pytest

from core.data.ingest import IngestError


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_line_endings(read, newline: bytes) -> None:
    data = newline.join([b"id;name", b"1;Ann", b"2;Bob", b""])
    frame, info = read(data, "x.csv")
    assert info.detected.delimiter == ";"
    assert frame.to_dict("records") == [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}]


@pytest.mark.parametrize("data", [b",\r\r :", b"a,b\r\r 1,2", b"a,b\r 1,2\r3,4\n"])
def test_lone_carriage_return_before_a_space_stays_small(read, data: bytes) -> None:
    """pandas-dev/pandas#51141: the C tokenizer re-reads such a line forever."""
    try:
        frame, _ = read(data, "x.csv")
    except IngestError:
        return
    assert len(frame) <= 3


def test_lone_carriage_return_far_into_a_file(read) -> None:
    # lines: 1 header, 2-30001 rows, 30002 "3,4", 30003 blank, 30004 " 5,6", 30005 "7,8,9"
    data = b"a,b\n" + b"1,2\n" * 30_000 + b"3,4\r\r 5,6\n" + b"7,8,9\n"
    with pytest.raises(IngestError, match="line 30005 has 3 fields, the header has 2"):
        read(data, "x.csv")
