"""to_parquet_safe makes any frame storable: mixed object columns become text, with a note."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

from core.data.ingest import to_parquet_safe
from core.data.ingest.messages import NOTE_INDEX, NOTE_JSON_TEXT, NOTE_MIXED, NOTE_MIXED_TYPES


def roundtrip(frame: pd.DataFrame) -> pd.DataFrame:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return pd.read_parquet(io.BytesIO(buffer.getvalue()))


def test_ints_and_strings_become_text_with_missing_kept() -> None:
    frame = pd.DataFrame({"code": pd.Series([1, "A7", None, np.nan, 2.5], dtype=object)})
    safe, notes = to_parquet_safe(frame)
    assert safe["code"].tolist() == ["1", "A7", None, None, "2.5"]
    assert notes == (NOTE_MIXED.format(column="code"),)
    assert roundtrip(safe)["code"].tolist() == ["1", "A7", None, None, "2.5"]


def test_numbers_stored_as_text_stay_text(read) -> None:
    frame, info = read(b"zip,city\n01234,Rome\n98765,Oslo\nN/A-1,Bern\n", "x.csv")
    assert frame["zip"].tolist() == ["01234", "98765", "N/A-1"]
    assert info.notes == ()


def test_lists_and_objects_become_json_text() -> None:
    frame = pd.DataFrame({"tags": pd.Series([["a", "b"], {"k": 1}, None], dtype=object)})
    safe, notes = to_parquet_safe(frame)
    assert safe["tags"].tolist() == ['["a", "b"]', '{"k": 1}', None]
    assert notes == (NOTE_JSON_TEXT.format(column="tags"),)


def test_booleans_and_text_are_named_in_the_note() -> None:
    frame = pd.DataFrame({"flag": pd.Series([True, "maybe"], dtype=object)})
    safe, notes = to_parquet_safe(frame)
    assert safe["flag"].tolist() == ["True", "maybe"]
    assert notes == (NOTE_MIXED_TYPES.format(column="flag", types="booleans and text"),)


def test_ints_and_floats_are_left_to_arrow() -> None:
    frame = pd.DataFrame({"x": pd.Series([1, 2.5, None], dtype=object)})
    safe, notes = to_parquet_safe(frame)
    assert notes == ()
    assert roundtrip(safe)["x"].tolist()[:2] == [1.0, 2.5]


def test_mixed_categories_become_text() -> None:
    frame = pd.DataFrame({"c": pd.Categorical([1, "a", 1])})
    safe, notes = to_parquet_safe(frame)
    assert safe["c"].tolist() == ["1", "a", "1"]
    assert notes == (NOTE_MIXED.format(column="c"),)
    roundtrip(safe)


def test_huge_python_ints_become_text() -> None:
    frame = pd.DataFrame({"big": pd.Series([2**80, 1], dtype=object)})
    safe, notes = to_parquet_safe(frame)
    assert safe["big"].tolist() == [str(2**80), "1"]
    assert len(notes) == 1
    roundtrip(safe)


def test_index_and_names_are_made_storable() -> None:
    frame = pd.DataFrame({0: [1, 2], "b": [3, 4]}, index=pd.Index([7, 9], name="id"))
    safe, notes = to_parquet_safe(frame)
    assert list(safe.columns) == ["id", "0", "b"]
    assert isinstance(safe.index, pd.RangeIndex) and safe.index.start == 0
    assert NOTE_INDEX.format(names="'id'") in notes
    unnamed, _ = to_parquet_safe(pd.DataFrame({"a": [1, 2]}, index=[5, 6]))
    assert list(unnamed.columns) == ["a"] and unnamed.index.tolist() == [0, 1]


def test_input_frame_is_not_changed() -> None:
    frame = pd.DataFrame({"a": pd.Series([1, "x"], dtype=object), "a ": [1, 2]})
    before = frame.copy()
    safe, _ = to_parquet_safe(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(safe.columns) == ["a", "a_2"]


def test_clean_frame_passes_unchanged() -> None:
    frame = pd.DataFrame({"a": [1.0, math.inf], "b": ["x", None]})
    safe, notes = to_parquet_safe(frame)
    assert notes == ()
    pd.testing.assert_frame_equal(safe, frame)
