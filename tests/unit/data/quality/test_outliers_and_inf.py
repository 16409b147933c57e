"""outliers (IQR rule, bounds fixed in the step) and inf_values."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from core.data.findings import Finding
from core.data.quality import OUTLIER_IQR_FACTOR

FindingsOf = Callable[..., list[Finding]]
Only = Callable[[list[Finding], str], Finding]


def test_outliers_with_bounds_computed_now(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["bill"] = np.tile(np.arange(10.0, 30.0), 10)  # quartiles 14.75 and 24.25
    clean.loc[:2, "bill"] = [500.0, 900.0, -400.0]
    finding = only(findings_of(clean, target="churned"), "outliers")
    q1, q3 = np.quantile(clean["bill"], [0.25, 0.75])
    lower, upper = q1 - OUTLIER_IQR_FACTOR * (q3 - q1), q3 + OUTLIER_IQR_FACTOR * (q3 - q1)
    assert finding.severity == "info"
    assert finding.message.startswith(
        f"bill has 3 values (1.5 %) far outside the usual range: below {lower:g} or above {upper:g}"
    )
    assert finding.fix_step == {
        "kind": "cap_outliers",
        "column": "bill",
        "params": {"lower": lower, "upper": upper},
    }


def test_outliers_on_one_side_name_one_bound(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["bill"] = np.tile(np.arange(10.0, 30.0), 10)
    clean.loc[0, "bill"] = 1000.0
    message = only(findings_of(clean, target="churned"), "outliers").message
    assert "usual range: above" in message and "below" not in message


def test_no_outliers_in_a_spread_column(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    assert "outliers" not in {f.code for f in findings_of(clean, target="churned")}


def test_mostly_zero_counts_are_not_outliers(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    clean["tickets"] = 0
    clean.loc[:30, "tickets"] = np.arange(31) % 5 + 1  # IQR 0: no rule
    assert "outliers" not in {f.code for f in findings_of(clean, target="churned")}


def test_infinite_values_are_an_error_with_a_cap_step(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["ratio"] = np.tile(np.arange(1.0, 21.0), 10)
    clean.loc[:1, "ratio"] = [np.inf, -np.inf]
    finding = only(findings_of(clean, target="churned"), "inf_values")
    assert finding.severity == "error"
    assert finding.message == "ratio holds 2 infinite values; models cannot use them."
    assert finding.fix == "Cap them to the column's finite range (1 … 20)."
    assert finding.fix_step == {
        "kind": "cap_outliers",
        "column": "ratio",
        "params": {"lower": 1.0, "upper": 20.0},
    }
