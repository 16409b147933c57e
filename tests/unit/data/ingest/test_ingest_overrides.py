"""Detected options can be overridden; Detected still reports what sniffing found."""

from __future__ import annotations

import pandas as pd

from core.data.ingest import detect

SEMICOLON_DECIMAL_COMMA = b"item;price\nA;1,5\nB;2,5\n"


def test_force_decimal_point_keeps_comma_values_as_text(read) -> None:
    frame, info = read(SEMICOLON_DECIMAL_COMMA, "x.csv", decimal=".")
    assert frame["price"].tolist() == ["1,5", "2,5"]
    assert info.detected.decimal == ","  # what sniffing found, for the UI to show


def test_force_delimiter(read) -> None:
    data = b"name|note\nAnn|a,b\nBob|c,d\nCy|e,f\n"
    frame, _ = read(data, "x.txt", delimiter="|")
    assert list(frame.columns) == ["name", "note"]
    assert frame["note"].tolist() == ["a,b", "c,d", "e,f"]


def test_force_delimiter_and_decimal_together(read) -> None:
    frame, _ = read(b"a\tb\n1,5\t2,5\n", "x.txt", delimiter="\t", decimal=",")
    assert frame.iloc[0].tolist() == [1.5, 2.5]


def test_force_encoding(read) -> None:
    data = "name\nRené\n".encode("cp1252")
    frame, _ = read(data, "x.csv", encoding="latin-1")
    assert frame.loc[0, "name"] == "René"


def test_force_csv_on_json_lines_text(read) -> None:
    frame, info = read(
        b'{"a": 1}\n{"a": 2}\n', "x.jsonl", format="csv", delimiter="\t", header=False
    )
    assert info.format == "csv"
    assert info.detected.format == "jsonl"
    assert frame["column_1"].tolist() == ['{"a": 1}', '{"a": 2}']


def test_detect_matches_the_automatic_read(read) -> None:
    detected = detect(SEMICOLON_DECIMAL_COMMA, filename="x.csv")
    frame, info = read(SEMICOLON_DECIMAL_COMMA, "x.csv")
    assert info.detected == detected
    assert pd.api.types.is_float_dtype(frame["price"])
