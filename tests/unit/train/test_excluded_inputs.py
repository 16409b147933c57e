"""excluded_inputs: which columns the model does not see, and why — the complement of
feature_columns (apart from the target)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.schema import infer_schema
from core.train.features import excluded_inputs, feature_columns


@pytest.fixture
def frame() -> pd.DataFrame:
    n = 40
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "row_id": [f"r{i}" for i in range(n)],
            "x": rng.normal(size=n),
            "age": rng.integers(18, 80, n),
            "note": [f"a free text remark, number {i}, with several words in it" for i in range(n)],
            "region": ["a", "b"] * (n // 2),
            "y": [0, 1] * (n // 2),
        }
    )


def test_excluded_inputs_name_each_column_and_reason(frame: pd.DataFrame) -> None:
    roles = {"age": "sensitive", "region": "ignore"}
    schema = infer_schema(frame, target="y", roles=roles, types={"note": "text"})
    got = {e.column: e.reason for e in excluded_inputs(schema)}
    assert got == {"row_id": "identifier", "age": "sensitive", "note": "text", "region": "ignored"}
    assert feature_columns(schema) == ["x"]


def test_included_sensitive_is_not_excluded(frame: pd.DataFrame) -> None:
    schema = infer_schema(frame, target="y", roles={"age": "sensitive"})
    excluded = {e.column for e in excluded_inputs(schema, include_sensitive=True)}
    assert "age" not in excluded and "age" in feature_columns(schema, include_sensitive=True)


def test_excluded_and_used_cover_every_column_but_the_target(frame: pd.DataFrame) -> None:
    schema = infer_schema(frame, target="y", roles={"age": "sensitive"})
    for include in (False, True):
        used = feature_columns(schema, include_sensitive=include)
        excluded = [e.column for e in excluded_inputs(schema, include_sensitive=include)]
        assert sorted(used + excluded) == sorted(c for c in frame.columns if c != "y")
