"""duplicate_rows, id_like and high_cardinality."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from core.data.findings import Finding

FindingsOf = Callable[..., list[Finding]]
Only = Callable[[list[Finding], str], Finding]


def test_duplicate_rows_are_counted(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    df = pd.concat([clean, clean.iloc[:8], clean.iloc[:2]], ignore_index=True)
    finding = only(findings_of(df, target="churned"), "duplicate_rows")
    assert finding.column is None
    assert finding.message == "10 duplicate rows (4.8 %): each is an exact copy of an earlier row."
    assert finding.fix_step == {"kind": "drop_duplicates", "column": None, "params": {}}


def test_no_duplicates_in_unique_rows(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    assert "duplicate_rows" not in {f.code for f in findings_of(clean, target="churned")}


def test_id_used_as_a_feature(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    clean["account"] = [f"A-{i:04d}" for i in range(len(clean))]
    finding = only(findings_of(clean, target="churned", roles={"account": "feature"}), "id_like")
    assert finding.severity == "warning"
    assert finding.message.startswith("account looks like an ID (all values unique strings")
    assert "role to identifier" in (finding.fix or "")
    assert finding.fix_step == {"kind": "drop_column", "column": "account", "params": {}}


def test_id_with_the_identifier_role_is_fine(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    clean["account"] = [f"A-{i:04d}" for i in range(len(clean))]
    codes = {f.code for f in findings_of(clean, target="churned")}  # suggested role: identifier
    assert "id_like" not in codes and "high_cardinality" not in codes


def test_high_cardinality_category(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["city"] = [f"city {i % 80}" for i in range(len(clean))]
    finding = only(findings_of(clean, target="churned"), "high_cardinality")
    assert finding.message.startswith("city has 80 distinct values in 200 rows")
    assert finding.fix_step is None


def test_mostly_unique_small_category(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    df = clean.iloc[:40].copy()
    df["street"] = [f"s{i % 30}" for i in range(40)]  # 30 of 40 distinct: > 50 %
    assert only(findings_of(df), "high_cardinality").column == "street"
