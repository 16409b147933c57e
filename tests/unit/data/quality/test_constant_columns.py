"""constant_column and near_constant: columns that carry (almost) no information."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from core.data.findings import Finding

FindingsOf = Callable[..., list[Finding]]
Only = Callable[[list[Finding], str], Finding]


def test_constant_text_column(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    clean["country"] = "DE"
    finding = only(findings_of(clean, target="churned"), "constant_column")
    assert finding.severity == "warning"
    assert finding.message == "country has the same value 'DE' in every row."
    assert finding.fix_step == {"kind": "drop_column", "column": "country", "params": {}}


def test_constant_number_with_gaps(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["fee"] = 5.0
    clean.loc[:3, "fee"] = np.nan
    finding = only(findings_of(clean, target="churned"), "constant_column")
    assert finding.message == (
        "fee has the same value '5' in every row that has a value (4 missing)."
    )


def test_near_constant_column(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    clean = pd.concat([clean] * 5, ignore_index=True)  # 1,000 rows
    clean["region"] = "North"
    clean.loc[:4, "region"] = "South"
    finding = only(findings_of(clean, target="churned"), "near_constant")
    assert finding.severity == "info"
    assert finding.message.startswith("region is 'North' in 99.5 % of its rows (995 of 1,000)")


def test_near_constant_number(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    clean = pd.concat([clean] * 5, ignore_index=True)
    clean["discount"] = 0.0
    clean.loc[:2, "discount"] = [5.0, 10.0, 15.0]
    finding = only(findings_of(clean, target="churned"), "near_constant")
    assert finding.column == "discount"
    assert "'0' in 99.7 %" in finding.message


def test_a_common_but_not_dominant_value_is_fine(
    clean: pd.DataFrame, findings_of: FindingsOf
) -> None:
    clean["promo"] = "none"
    clean.loc[:9, "promo"] = "spring"  # 95 %
    assert "near_constant" not in {f.code for f in findings_of(clean, target="churned")}
