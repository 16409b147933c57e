"""A clean frame gives no warnings or errors; the demo data gives no errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from core.data.findings import Finding
from core.data.quality import quality_findings
from core.data.schema import infer_schema

FindingsOf = Callable[..., list[Finding]]

DEMO = Path(__file__).resolve().parents[4] / "assets" / "demo" / "churn.csv"


def test_clean_frame_has_no_warnings_or_errors(
    clean: pd.DataFrame, findings_of: FindingsOf
) -> None:
    findings = findings_of(clean, target="churned")
    assert [f for f in findings if f.severity != "info"] == []


def test_clean_frame_without_target_only_asks_for_one(
    clean: pd.DataFrame, findings_of: FindingsOf
) -> None:
    assert [f.code for f in findings_of(clean)] == ["no_target"]


def test_demo_data_has_no_errors_and_flags_the_date_text() -> None:
    df = pd.read_csv(DEMO)
    findings = quality_findings(df, infer_schema(df, target="churned"))
    assert not [f for f in findings if f.severity == "error"]
    codes = {f.code for f in findings}
    assert "dates_as_text" in codes
    assert "target_leakage" not in codes and "id_like" not in codes


def test_findings_are_sorted_errors_first(findings_of: FindingsOf) -> None:
    df = pd.DataFrame({"x": [1.0, 2.0, float("inf"), None] * 10, "y": ["a", "b"] * 20})
    severities = [f.severity for f in findings_of(df)]
    order = {"error": 0, "warning": 1, "info": 2}
    assert severities == sorted(severities, key=order.__getitem__)
    assert severities[0] == "error"


def test_empty_frame_gives_no_crash(findings_of: FindingsOf) -> None:
    df = pd.DataFrame({"x": pd.Series([], dtype=float), "y": pd.Series([], dtype=object)})
    assert findings_of(df, target="y") == []
