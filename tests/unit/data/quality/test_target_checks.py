"""Target checks: no_target, missing_target, single class, too many classes, imbalance, rare."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from core.data.findings import Finding
from core.data.quality import FIX_NO_TARGET, MSG_NO_TARGET, quality_findings
from core.data.schema import infer_schema

FindingsOf = Callable[..., list[Finding]]
Only = Callable[[list[Finding], str], Finding]


def with_target(clean: pd.DataFrame, values: list[object]) -> pd.DataFrame:
    rows = len(values)
    df = pd.concat([clean] * (rows // len(clean) + 1), ignore_index=True).iloc[:rows].copy()
    df["churned"] = values
    return df


def test_no_target_is_an_info(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    finding = only(findings_of(clean), "no_target")
    assert (finding.severity, finding.column) == ("info", None)
    assert (finding.message, finding.fix) == (MSG_NO_TARGET, FIX_NO_TARGET)


def test_missing_target_rows_get_a_filter_step(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean.loc[:4, "churned"] = None
    finding = only(findings_of(clean, target="churned"), "missing_target")
    assert finding.severity == "warning"
    assert finding.message.startswith("The target churned is missing in 5 of 200 rows (2.5 %)")
    assert finding.fix_step == {
        "kind": "filter_rows",
        "column": "churned",
        "params": {"op": "not null", "action": "keep"},
    }


def test_all_missing_target_is_an_error(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["churned"] = None
    assert only(findings_of(clean, target="churned"), "missing_target").severity == "error"


def test_target_gone_from_the_data(clean: pd.DataFrame, only: Only) -> None:
    schema = infer_schema(clean, target="churned")
    finding = only(quality_findings(clean.drop(columns="churned"), schema), "missing_target")
    assert (finding.severity, finding.message) == (
        "error",
        "The target churned is not in this data.",
    )


def test_single_class_target_is_an_error(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["churned"] = "No"
    findings = findings_of(clean, target="churned")
    finding = only(findings, "single_class_target")
    assert finding.severity == "error"
    assert finding.message.startswith("The target churned has a single value 'No' in all 200")
    assert "constant_column" not in {f.code for f in findings}


def test_constant_regression_target_is_an_error(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    clean["spend"] = 9.5
    finding = only(findings_of(clean, target="spend", task="regression"), "single_class_target")
    assert "'9.5'" in finding.message


@pytest.mark.parametrize(("classes", "severity"), [(60, "warning"), (300, "error")])
def test_too_many_classes(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only, classes: int, severity: str
) -> None:
    df = with_target(clean, [f"reason {i % classes}" for i in range(classes * 3)])
    findings = findings_of(df, target="churned")
    finding = only(findings, "too_many_classes")
    assert finding.severity == severity
    assert f"has {classes} classes" in finding.message
    assert "an ID or free text" in finding.message
    assert not {"rare_classes", "target_leakage"} & {f.code for f in findings}


def test_too_many_numeric_classes_suggest_regression(
    clean: pd.DataFrame, findings_of: FindingsOf, only: Only
) -> None:
    df = with_target(clean, [i % 70 for i in range(210)])
    finding = only(findings_of(df, target="churned", task="multiclass"), "too_many_classes")
    assert "choose regression" in finding.message


def test_class_imbalance_warning(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    df = with_target(clean, ["No"] * 180 + ["Yes"] * 20)
    finding = only(findings_of(df, target="churned"), "class_imbalance")
    assert finding.severity == "warning"
    assert finding.message == (
        "churned is imbalanced: 'Yes' is 10 % of labelled rows (1 : 9.0 against 'No')."
    )
    assert "PR AUC" in (finding.fix or "")


def test_strong_class_imbalance(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    df = with_target(clean, ["No"] * 390 + ["Yes"] * 10)
    finding = only(findings_of(df, target="churned"), "class_imbalance")
    assert finding.message.startswith("churned is strongly imbalanced: 'Yes' is only 2.5 %")
    assert "1 : 39.0" in finding.message


def test_balanced_enough_target_is_fine(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    df = with_target(clean, ["No"] * 150 + ["Yes"] * 50)  # 25 %
    assert "class_imbalance" not in {f.code for f in findings_of(df, target="churned")}


def test_rare_classes(clean: pd.DataFrame, findings_of: FindingsOf, only: Only) -> None:
    values = ["a"] * 95 + ["b"] * 95 + ["c"] * 6 + ["d"] * 4
    df = with_target(clean, values)
    finding = only(findings_of(df, target="churned"), "rare_classes")
    assert finding.message.startswith(
        "churned has 2 classes with fewer than 10 rows: 'c' (6 rows), 'd' (4 rows)."
    )


def test_multiclass_imbalance_uses_the_ratio(clean: pd.DataFrame, findings_of: FindingsOf) -> None:
    df = with_target(clean, [f"k{i % 8}" for i in range(400)])  # 8 balanced classes of 12.5 %
    assert "class_imbalance" not in {f.code for f in findings_of(df, target="churned")}


def test_numeric_target_is_not_flagged_as_outliers(
    clean: pd.DataFrame, findings_of: FindingsOf
) -> None:
    clean["spend"] = np.tile(np.arange(10.0, 30.0), 10)
    clean.loc[0, "spend"] = 10_000.0
    findings = findings_of(clean, target="spend")
    assert "outliers" not in {f.code for f in findings if f.column == "spend"}
