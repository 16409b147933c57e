"""ID-like columns: unique strings, unique integers with an ID-like name, row numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.inference import NOTE_ID_NAME, NOTE_ID_STRINGS, NOTE_ROW_NUMBER, infer_column_type


def test_unique_short_strings_look_like_an_id() -> None:
    codes = pd.Series([f"K{i:05d}X" for i in range(50)])
    assert infer_column_type(codes, name="ref") == ("identifier", NOTE_ID_STRINGS)


def test_near_unique_strings_look_like_an_id() -> None:
    codes = [f"K{i:05d}" for i in range(98)] + ["K00001", "K00002"]
    kind, note = infer_column_type(pd.Series(codes), name="ref")
    assert kind == "identifier"
    assert "98 %" in note


def test_unique_integers_with_an_id_name_are_identifiers() -> None:
    ids = pd.Series(np.random.default_rng(0).permutation(1000)[:30] + 10_000)
    for name in ("customer_id", "CustomerID", "id", "user_uuid", "order_number"):
        assert infer_column_type(ids, name=name) == ("identifier", NOTE_ID_NAME), name


def test_unique_integers_without_an_id_name_are_numbers() -> None:
    values = pd.Series(np.random.default_rng(0).permutation(1000)[:30])
    assert infer_column_type(values, name="balance")[0] == "numeric"


def test_counting_integers_look_like_a_row_number() -> None:
    rows = pd.Series(range(1, 41))
    assert infer_column_type(rows, name="index_col") == ("identifier", NOTE_ROW_NUMBER)


def test_unique_floats_are_numbers_not_ids() -> None:
    values = pd.Series(np.linspace(0, 1, 50))
    assert infer_column_type(values, name="charge_id_ratio")[0] == "numeric"


def test_a_handful_of_distinct_strings_is_not_an_id() -> None:
    assert infer_column_type(pd.Series(["a", "b", "c"]), name="grade")[0] == "categorical"


def test_id_name_words_are_whole_words() -> None:
    values = pd.Series([f"v{i}" for i in range(10)])
    assert infer_column_type(values, name="paid")[0] == "categorical"
    assert infer_column_type(values, name="valid")[0] == "categorical"
