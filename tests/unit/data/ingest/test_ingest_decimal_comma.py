"""Decimal commas (1,5) are detected in ;-separated text, with '.' thousands when present."""

from __future__ import annotations

import pandas as pd

from core.data.ingest.messages import NOTE_THOUSANDS


def test_decimal_comma_values_become_numbers(read) -> None:
    frame, info = read(b"item;price;qty\nA;1,5;2\nB;10,25;3\nC;-0,75;1\n", "x.csv")
    assert info.detected.delimiter == ";"
    assert info.detected.decimal == ","
    assert pd.api.types.is_float_dtype(frame["price"])
    assert frame["price"].tolist() == [1.5, 10.25, -0.75]
    assert frame["qty"].tolist() == [2, 3, 1]


def test_thousands_dot_with_decimal_comma(read) -> None:
    frame, info = read(b"item;amount\nA;1.234,5\nB;12,5\nC;2.000.000,00\n", "x.csv")
    assert frame["amount"].tolist() == [1234.5, 12.5, 2_000_000.0]
    assert NOTE_THOUSANDS in info.notes


def test_dot_decimal_is_kept(read) -> None:
    frame, info = read(b"item;price\nA;1.5\nB;2.25\n", "x.csv")
    assert info.detected.decimal == "."
    assert frame["price"].tolist() == [1.5, 2.25]


def test_decimal_comma_in_tab_separated_text(read) -> None:
    frame, _ = read(b"a\tb\n0,5\t1\n1,5\t2\n", "x.tsv")
    assert frame["a"].tolist() == [0.5, 1.5]
