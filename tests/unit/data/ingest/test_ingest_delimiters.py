"""Comma, semicolon, tab and pipe are detected; quoted delimiters stay inside values."""

from __future__ import annotations

import pytest

from core.data.ingest import detect


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_detected_and_used(read, delimiter: str) -> None:
    rows = [["id", "name", "score"], ["1", "Ann", "3"], ["2", "Bob", "4"]]
    data = "\n".join(delimiter.join(row) for row in rows).encode()
    frame, info = read(data, "data.txt")
    assert info.detected.delimiter == delimiter
    assert list(frame.columns) == ["id", "name", "score"]
    assert frame["name"].tolist() == ["Ann", "Bob"]


def test_quoted_delimiter_stays_in_the_value(read) -> None:
    frame, _ = read(b'id,comment\n1,"late, again"\n2,"fine"\n', "x.csv")
    assert frame.loc[0, "comment"] == "late, again"


def test_semicolon_file_whose_text_holds_commas(read) -> None:
    data = b"name;note\nAnn;red, green\nBob;blue, red, green\nCy;none\n"
    frame, info = read(data, "x.csv")
    assert info.detected.delimiter == ";"
    assert frame["note"].tolist() == ["red, green", "blue, red, green", "none"]


def test_single_column_file_falls_back_to_comma() -> None:
    detected = detect(b"name\nAnn\nBob\n", filename="names.csv")
    assert detected.delimiter == ","
    assert detected.header is True


def test_quoted_newline_inside_a_value(read) -> None:
    frame, _ = read(b'id,address\n1,"1 Main St\nSpringfield"\n2,"x"\n', "x.csv")
    assert frame.loc[0, "address"] == "1 Main St\nSpringfield"
    assert len(frame) == 2
