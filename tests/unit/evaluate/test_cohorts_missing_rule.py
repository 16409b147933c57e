"""A discovered cohort that holds missing values says "or missing" (core.conditions' rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.evaluate import apply_cohort, discover_cohorts


def test_not_equal_cohort_that_holds_missing_values_says_so() -> None:
    rng = np.random.default_rng(3)
    rows = 3_000
    plan = rng.choice(["basic", "pro", None], rows, p=[0.5, 0.3, 0.2])
    frame = pd.DataFrame({"plan": pd.Series(plan, dtype=object), "noise": rng.normal(size=rows)})
    wrong = rng.random(rows) < np.where(plan == "basic", 0.05, 0.5)  # missing and pro: 50 %
    top = discover_cohorts(frame, wrong, max_depth=1)[0]
    assert top.rule == "plan ≠ basic or missing"
    expected = (frame["plan"] != "basic").to_numpy()  # pandas: None != "basic" is True
    np.testing.assert_array_equal(apply_cohort(frame, top), expected)
    assert top.rows == int(expected.sum())
