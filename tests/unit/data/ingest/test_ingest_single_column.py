"""A read that yields one column where the detected delimiter gives several is flagged before saving.

The second upload on the Data page kept the first file's ';' and imported a comma file as
"344 rows × 1 column" with a green message; the warning makes that visible wherever it happens.
"""

from __future__ import annotations

from core.data.ingest import WARN_SINGLE_COLUMN

COMMA_FILE = ("species,island,bill_length_mm\n" + "Adelie,Torgersen,39.1\n" * 344).encode()


def test_forced_delimiter_that_gives_one_column_is_warned(read) -> None:
    frame, info = read(COMMA_FILE, "penguins.csv", delimiter=";")
    assert frame.shape == (344, 1)
    expected = WARN_SINGLE_COLUMN.format(
        name="penguins.csv", used="Semicolon ;", detected="Comma ,", columns=3
    )
    assert info.warnings == (expected,)


def test_the_old_options_of_a_german_file_on_a_comma_file_are_warned(read) -> None:
    frame, info = read(COMMA_FILE, "penguins.csv", encoding="cp1252", delimiter=";", decimal=",")
    assert frame.shape[1] == 1
    assert len(info.warnings) == 1 and "3 columns" in info.warnings[0]


def test_detected_options_give_no_warning(read) -> None:
    frame, info = read(COMMA_FILE, "penguins.csv")
    assert frame.shape == (344, 3)
    assert info.warnings == ()


def test_forcing_the_detected_delimiter_gives_no_warning(read) -> None:
    _, info = read(COMMA_FILE, "penguins.csv", delimiter=",")
    assert info.warnings == ()


def test_a_file_of_one_column_is_not_warned(read) -> None:
    frame, info = read(b"name\nAda\nGrace\n", "names.csv", delimiter=";")
    assert frame.shape[1] == 1
    assert info.warnings == ()


def test_several_columns_with_another_delimiter_are_not_warned(read) -> None:
    # a forced delimiter that still splits the rows is a choice, not an accident
    _, info = read(b"a;b,c\n1;2,3\n4;5,6\n", "x.csv", delimiter=";")
    assert info.warnings == ()
