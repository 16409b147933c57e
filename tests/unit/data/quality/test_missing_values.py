"""missing_values and all_null: counts and shares, and a fix that does not leak."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from core.data.findings import Finding
from core.data.quality import FIX_MISSING_CATEGORY, FIX_MISSING_LEARNED

FindingsOf = Callable[..., list[Finding]]
Only = Callable[[list[Finding], str], Finding]


def test_missing_numbers_are_left_to_the_pipeline(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean.loc[:9, "usage"] = np.nan
    finding = only(findings_of(clean, target="churned"), "missing_values")
    assert finding.column == "usage"
    assert finding.severity == "info"
    assert finding.message == "usage is missing in 10 of 200 rows (5 %)."
    assert finding.fix == FIX_MISSING_LEARNED
    assert "training rows only" in finding.fix and "leak" in finding.fix
    assert finding.fix_step is None


def test_missing_categories_get_a_fill_step(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean.loc[:59, "plan"] = None
    finding = only(findings_of(clean, target="churned"), "missing_values")
    assert finding.severity == "warning"  # 30 % is a lot
    assert "plan is missing in 60 of 200 rows (30 %)" in finding.message
    assert finding.fix == FIX_MISSING_CATEGORY
    assert finding.fix_step == {
        "kind": "fill_missing",
        "column": "plan",
        "params": {"value": "missing"},
    }


def test_all_null_column(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    clean["notes"] = None
    findings = findings_of(clean, target="churned")
    finding = only(findings, "all_null")
    assert finding.message == "notes is empty: all 200 rows are missing."
    assert finding.fix_step == {"kind": "drop_column", "column": "notes", "params": {}}
    assert "missing_values" not in {f.code for f in findings}


def test_ignored_columns_are_not_checked(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    clean["notes"] = None
    findings = findings_of(clean, target="churned", roles={"notes": "ignore"})
    assert "all_null" not in {f.code for f in findings}
