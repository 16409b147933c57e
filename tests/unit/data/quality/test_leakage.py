"""target_leakage: one column that predicts the target almost perfectly on its own."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from core.data.findings import Finding
from core.data.leakage import LEAKAGE_SCORE

FindingsOf = Callable[..., list[Finding]]
Only = Callable[[list[Finding], str], Finding]


def frame(rows: int = 2000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    honest = rng.normal(size=rows)
    churned = np.where(honest + rng.normal(size=rows) > 0.8, "Yes", "No")
    return pd.DataFrame({"honest": honest, "churned": churned})


def test_noisy_copy_of_the_target_is_leakage(findings_of: FindingsOf, only: Only) -> None:
    df = frame()
    rng = np.random.default_rng(2)
    df["cancel_fee"] = np.where(df["churned"] == "Yes", 50.0, 0.0) + rng.normal(0, 3, len(df))
    finding = only(findings_of(df, target="churned"), "target_leakage")
    assert (finding.severity, finding.column) == ("error", "cancel_fee")
    assert finding.message.startswith("cancel_fee predicts the target almost perfectly on its own")
    assert "(AUC 1.00)" in finding.message and "recorded after the outcome" in finding.message
    assert finding.fix_step == {"kind": "drop_column", "column": "cancel_fee", "params": {}}


def test_honest_feature_is_not_leakage(findings_of: FindingsOf) -> None:
    assert "target_leakage" not in {f.code for f in findings_of(frame(), target="churned")}


def test_text_copy_with_a_few_flips_is_leakage(findings_of: FindingsOf, only: Only) -> None:
    df = frame()
    status = np.where(df["churned"] == "Yes", "closed", "open")
    status[:10] = "open"  # a few mistakes
    df["account_status"] = status
    assert only(findings_of(df, target="churned"), "target_leakage").column == "account_status"


def test_missingness_that_reveals_the_target_is_leakage(
    findings_of: FindingsOf, only: Only
) -> None:
    df = frame()
    df["cancelled_on"] = pd.to_datetime("2024-01-01") + pd.to_timedelta(
        np.arange(len(df)) % 300, unit="D"
    )
    df.loc[df["churned"] == "No", "cancelled_on"] = pd.NaT
    assert only(findings_of(df, target="churned"), "target_leakage").column == "cancelled_on"


def test_regression_leakage_uses_r2(findings_of: FindingsOf, only: Only) -> None:
    rng = np.random.default_rng(3)
    spend = rng.gamma(2.0, 50.0, 3000)
    df = pd.DataFrame(
        {
            "spend": spend,
            "spend_eur": spend * 0.92 + rng.normal(0, 1, 3000),
            "x": rng.normal(size=3000),
        }
    )
    findings = findings_of(df, target="spend")
    finding = only(findings, "target_leakage")
    assert finding.column == "spend_eur"
    assert "(R² 1.00)" in finding.message or "(R² 0.99)" in finding.message


def test_multiclass_leakage(findings_of: FindingsOf, only: Only) -> None:
    df = frame()
    df["plan"] = np.random.default_rng(4).choice(["basic", "plus", "pro"], len(df))
    df["plan_code"] = df["plan"].map({"basic": 1.0, "plus": 2.0, "pro": 3.0})
    finding = only(findings_of(df, target="plan"), "target_leakage")
    assert finding.column == "plan_code"


def test_identifiers_and_ignored_columns_are_not_tested(findings_of: FindingsOf) -> None:
    df = frame()
    df["copy"] = df["churned"]
    codes = {f.code for f in findings_of(df, target="churned", roles={"copy": "ignore"})}
    assert "target_leakage" not in codes


def test_leakage_on_many_rows_is_sampled(findings_of: FindingsOf, only: Only) -> None:
    """Speed on 60k rows: benchmarks/bench_speed_goals.py."""
    df = frame(rows=60_000)
    df["copy"] = np.where(df["churned"] == "Yes", 1.0, 0.0)
    finding = only(findings_of(df, target="churned"), "target_leakage")
    assert "sample of 20,000 rows" in finding.message


def test_threshold_is_near_perfect() -> None:
    assert LEAKAGE_SCORE == 0.98
