"""overview copes with empty frames, odd dtypes and columns the schema does not know."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.schema import infer_schema
from core.explore import overview


def test_overview_of_an_empty_frame_is_all_zero() -> None:
    frame = pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=object)})
    facts = overview(frame, infer_schema(frame))
    assert facts.rows == 0 and facts.duplicate_rows == 0
    assert all(c.missing == 0 and c.distinct == 0 for c in facts.column_overviews)


def test_overview_handles_odd_dtypes_like_pandas() -> None:
    frame = pd.DataFrame(
        {
            "all_missing": [np.nan] * 4,
            "infinite": [1.0, np.inf, -np.inf, 2.0],
            "nullable": pd.array([1, None, 3, 3], dtype="Int64"),
            "category": pd.Categorical(["a", "b", None, "a"]),
            "stamp": pd.to_datetime(["2024-01-01", None, "2024-02-01", "2024-01-01"]),
            "lists": [[1], [1], [2], None],
        }
    )
    facts = overview(frame, infer_schema(frame[["all_missing", "infinite"]]))
    table = facts.table().set_index("column")
    assert table["missing"].to_dict() == frame.isna().sum().to_dict()
    assert table.loc["nullable", "distinct"] == 2
    assert table.loc["category", "distinct"] == 2
    assert table.loc["stamp", "distinct"] == 2
    assert table.loc["lists", "distinct"] == 2
    assert table.loc["infinite", "min"] == -np.inf
    assert facts.memory_bytes == int(frame.memory_usage(deep=True).sum())


def test_overview_infers_columns_missing_from_the_schema(churn, churn_schema) -> None:
    frame = churn.assign(extra=churn["age"] * 2)
    facts = {c.name: c for c in overview(frame, churn_schema).column_overviews}
    assert facts["extra"].type == "numeric" and facts["extra"].role == "feature"
    assert facts["churned"].role == "target"
