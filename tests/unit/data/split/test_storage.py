"""A split is stored as JSON-safe data or as a compact deterministic blob, and checked on load."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.data.split import Split, SplitError, SplitSpec, make_split
from core.data.split_store import split_from_bytes, split_from_dict, split_to_bytes, split_to_dict


@pytest.fixture
def split(customers: pd.DataFrame) -> Split:
    df = customers.copy()
    df.loc[df.index[0], "churned"] = None
    return make_split(df, SplitSpec(seed=3), target="churned", task="binary")


def test_split_dict_round_trip_through_json(split: Split) -> None:
    data = json.loads(json.dumps(split_to_dict(split)))
    assert all(isinstance(i, int) for i in data["test_index"])
    assert split_from_dict(data) == split


def test_split_bytes_round_trip_is_deterministic(split: Split) -> None:
    blob = split_to_bytes(split)
    assert split_to_bytes(split) == blob
    back = split_from_bytes(blob)
    assert back == split
    assert back.test_index.dtype == np.int64
    assert not back.test_index.flags.writeable


def test_split_arrays_are_read_only(split: Split) -> None:
    with pytest.raises(ValueError):
        split.test_index[0] = 1


def test_split_from_dict_refuses_overlapping_sides(split: Split) -> None:
    data = split_to_dict(split)
    data["train_index"] = sorted([*data["train_index"], data["test_index"][0]])
    with pytest.raises(SplitError, match="a row id is on more than one side"):
        split_from_dict(data)


def test_split_from_dict_refuses_unsorted_or_odd_ids(split: Split) -> None:
    data = split_to_dict(split)
    data["test_index"] = data["test_index"][::-1]
    with pytest.raises(SplitError, match="test_index must be sorted row ids"):
        split_from_dict(data)
    data["test_index"] = ["a"]
    with pytest.raises(SplitError, match="test_index must be a list of whole numbers"):
        split_from_dict(data)


def test_split_from_dict_refuses_unknown_fields_and_formats(split: Split) -> None:
    with pytest.raises(SplitError, match="unknown fields"):
        split_from_dict({**split_to_dict(split), "extra": 1})
    with pytest.raises(SplitError, match="format 99"):
        split_from_dict({**split_to_dict(split), "format": 99})


def test_split_from_bytes_refuses_garbage() -> None:
    with pytest.raises(SplitError, match="the stored split is damaged"):
        split_from_bytes(b"not a split")
