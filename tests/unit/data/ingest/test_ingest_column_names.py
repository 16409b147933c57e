"""Column names are trimmed strings; blanks and duplicates are renamed, with a note each."""

from __future__ import annotations

import pandas as pd

from core.data.ingest import clean_column_names
from core.data.ingest.messages import NOTE_BLANK, NOTE_DUPLICATE


def test_duplicate_names_get_numbered(read) -> None:
    frame, info = read(b"a,b,a,a\n1,2,3,4\n", "x.csv")
    assert list(frame.columns) == ["a", "b", "a_2", "a_3"]
    assert NOTE_DUPLICATE.format(old="a", new="a_2") in info.notes
    assert NOTE_DUPLICATE.format(old="a", new="a_3") in info.notes
    assert frame["a_3"].tolist() == [4]


def test_blank_names_get_their_position(read) -> None:
    frame, info = read(b"id,,  ,score\n1,2,3,4\n", "x.csv")
    assert list(frame.columns) == ["id", "column_2", "column_3", "score"]
    assert NOTE_BLANK.format(position=2, new="column_2") in info.notes


def test_names_are_trimmed(read) -> None:
    frame, _ = read(b" id , name \n1,Ann\n", "x.csv")
    assert list(frame.columns) == ["id", "name"]


def test_generated_names_never_collide() -> None:
    names, _ = clean_column_names(["a", "a", "a_2", "", "column_4"])
    assert names == ["a", "a_3", "a_2", "column_4", "column_4_2"]
    assert len(set(names)) == len(names)


def test_non_string_names_become_strings() -> None:
    names, notes = clean_column_names([0, 1.5, None, ("x", "y")])
    assert names == ["0", "1.5", "column_3", "x.y"]
    assert notes == [NOTE_BLANK.format(position=3, new="column_3")]


def test_all_null_and_constant_columns_are_kept(read) -> None:
    frame, _ = read(b"id,empty,same\n1,,k\n2,,k\n", "x.csv")
    assert list(frame.columns) == ["id", "empty", "same"]
    assert frame["empty"].isna().all()
    assert isinstance(frame, pd.DataFrame)
