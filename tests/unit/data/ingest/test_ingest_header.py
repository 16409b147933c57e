"""Header presence is detected (numbers in the first row mean data) and can be overridden."""

from __future__ import annotations

from core.data.ingest import detect
from core.data.ingest.messages import NOTE_NO_HEADER


def test_text_first_row_over_numbers_is_a_header() -> None:
    assert detect(b"age,income\n31,1000\n45,2000\n", filename="x.csv").header is True


def test_numeric_first_row_is_data(read) -> None:
    frame, info = read(b"31,1000,yes\n45,2000,no\n", "x.csv")
    assert info.detected.header is False
    assert list(frame.columns) == ["column_1", "column_2", "column_3"]
    assert frame["column_1"].tolist() == [31, 45]
    assert NOTE_NO_HEADER.format(count=3) in info.notes


def test_all_text_file_assumes_a_header() -> None:
    assert detect(b"name,city\nAnn,Rome\nBob,Oslo\n", filename="x.csv").header is True


def test_header_can_be_forced_off(read) -> None:
    frame, _ = read(b"name,city\nAnn,Rome\n", "x.csv", header=False)
    assert list(frame.columns) == ["column_1", "column_2"]
    assert frame["column_1"].tolist() == ["name", "Ann"]


def test_header_can_be_forced_on(read) -> None:
    frame, _ = read(b"2019,2020\n5,6\n7,8\n", "years.csv", header=True)
    assert list(frame.columns) == ["2019", "2020"]
    assert len(frame) == 2
