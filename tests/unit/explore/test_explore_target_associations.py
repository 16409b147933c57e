"""target_associations: one measure for every column, informative columns first."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data.schema import infer_schema
from core.explore import target_associations


def test_informative_columns_rank_above_noise() -> None:
    rng = np.random.default_rng(0)
    rows = 4000
    signal = rng.normal(size=rows)
    group = rng.choice(["a", "b", "c"], size=rows)
    frame = pd.DataFrame(
        {
            "signal": signal,
            "noise": rng.normal(size=rows),
            "group": group,
            "random_group": rng.choice(["u", "v"], size=rows),
        }
    )
    frame["target"] = np.where(signal + (group == "a") * 2 > 0.5, "yes", "no")
    ranked = target_associations(frame, infer_schema(frame, target="target"))
    assert list(ranked.columns[:2]) == ["column", "type"]
    assert set(ranked["column"][:2]) == {"signal", "group"}
    assert ranked["measure"].nunique() == 1
    assert ranked["value"].is_monotonic_decreasing
    assert ranked.set_index("column").loc["noise", "strength"] == "very weak or none"


def test_regression_target_and_identifiers_left_out(churn) -> None:
    from core.data.schema import infer_schema

    schema = infer_schema(churn, target="monthly_charges")
    ranked = target_associations(churn, schema, sample=2000)
    assert "customer_id" not in set(ranked["column"])
    assert "monthly_charges" not in set(ranked["column"])
    assert ranked["column"].iloc[0] in {"internet_service", "avg_monthly_gb", "total_charges"}
