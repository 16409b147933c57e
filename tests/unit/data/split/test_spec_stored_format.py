"""Split specs saved before the pydantic model still load, and are saved the same way."""

from __future__ import annotations

import pytest

from core.data.split import SplitSpec, split_spec_from_dict, split_spec_to_dict

STORED = [  # as split_spec_to_dict wrote them before (unused column fields left out)
    {"method": "random", "test_size": 0.2, "seed": 0, "stratify": True},
    {"method": "time", "test_size": 0.25, "seed": 3, "stratify": False, "time_column": "signup"},
    {"method": "group", "test_size": 0.3, "seed": 5, "stratify": True, "group_column": "home"},
]


@pytest.mark.parametrize("stored", STORED)
def test_stored_spec_loads_and_saves_identically(stored: dict) -> None:
    spec = split_spec_from_dict(stored)
    assert isinstance(spec, SplitSpec)
    assert split_spec_to_dict(spec) == stored
    assert [type(v) for v in split_spec_to_dict(spec).values()] == [
        type(v) for v in stored.values()
    ]
