"""small_groups: sensitive groups too small for reliable fairness numbers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from core.data.findings import Finding
from core.data.quality import quality_findings
from core.data.schema import infer_schema

FindingsOf = Callable[..., list[Finding]]
Only = Callable[[list[Finding], str], Finding]
DEMO = Path(__file__).resolve().parents[4] / "assets" / "demo" / "churn.csv"
GENDER = {"gender": "sensitive"}  # marked by the user: a sensitive-looking name is no role


def test_small_group_is_a_warning(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    clean.loc[:11, "gender"] = "X"
    finding = only(findings_of(clean, target="churned", roles=GENDER), "small_groups")
    assert (finding.severity, finding.column) == ("warning", "gender")
    assert finding.message == (
        "gender has 1 group with fewer than 30 rows: 'X' (12 rows). Fairness numbers for "
        "these groups are unreliable."
    )


def test_min_group_size_is_a_parameter(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    assert "small_groups" not in {
        f.code for f in findings_of(clean, target="churned", roles=GENDER)
    }
    findings = findings_of(clean, target="churned", roles=GENDER, min_group_size=150)
    assert any(
        f.code == "small_groups" and "'F' (100 rows), 'M' (100 rows)" in f.message for f in findings
    )


def test_only_sensitive_columns_are_checked(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    clean.loc[:3, "plan"] = "legacy"
    findings = findings_of(clean, target="churned", roles={"gender": "feature"}, min_group_size=150)
    assert "small_groups" not in {f.code for f in findings}


def test_continuous_sensitive_numbers_are_skipped(
    clean: pd.DataFrame, findings_of: FindingsOf
) -> None:
    clean["age"] = np.random.default_rng(0).integers(18, 90, len(clean))
    findings = findings_of(clean, target="churned", roles={**GENDER, "age": "sensitive"})
    assert not [f for f in findings if f.code == "small_groups" and f.column == "age"]


def test_demo_non_binary_group_with_a_high_minimum() -> None:
    df = pd.read_csv(DEMO)
    roles = dict.fromkeys(("gender", "age", "age_band"), "sensitive")
    schema = infer_schema(df, target="churned", roles=roles)
    findings = quality_findings(df, schema, min_group_size=200)
    small = [f for f in findings if f.code == "small_groups"]
    assert [f.column for f in small] == ["gender"]
    assert "'Non-binary'" in small[0].message
