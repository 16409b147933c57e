"""A fix says the share of rows it changes; above 5 % it asks first, and says why."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.findings import FIX_CONFIRM_SHARE, fix_impact
from core.data.quality import quality_findings
from core.data.schema import infer_schema


def _finding(frame: pd.DataFrame, code: str, column: str | None):  # type: ignore[no-untyped-def]
    findings = quality_findings(frame, infer_schema(frame))
    return next(f for f in findings if f.code == code and f.column == column)


def skewed(rows: int = 10_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {"income": rng.lognormal(0.0, 1.5, rows).round(3), "other": rng.normal(size=rows)}
    )


def test_capping_a_skewed_column_changes_many_rows_and_asks_first() -> None:
    frame = skewed()
    finding = _finding(frame, "outliers", "income")
    impact = fix_impact(frame, finding)
    params = finding.fix_step["params"]  # type: ignore[index]
    lower, upper = params.get("lower", -np.inf), params.get("upper", np.inf)
    expected = ((frame["income"] < lower) | (frame["income"] > upper)).mean()
    assert impact.rows == len(frame)
    assert impact.share == pytest.approx(expected)
    assert impact.share > FIX_CONFIRM_SHARE  # 6.x % of a lognormal(0, 1.5) beyond 3 × IQR
    assert impact.needs_confirmation
    assert impact.warning.startswith(f"caps {impact.share * 100:.1f} % of rows: at that share")
    assert "probably real values, not errors" in impact.warning


def test_capping_a_few_far_values_is_one_click() -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(50, 5, 2_000)
    values[:10] = 900.0
    frame = pd.DataFrame({"hours": values})
    impact = fix_impact(frame, _finding(frame, "outliers", "hours"))
    assert impact.rows_changed == 10 and impact.share == pytest.approx(0.005)
    assert not impact.needs_confirmation and impact.warning is None
    assert impact.describe() == "changes 0.5 % of rows (10 of 2,000)"


def test_dropping_a_column_rewrites_no_row() -> None:
    frame = skewed(rows=500).assign(constant=1)
    impact = fix_impact(frame, _finding(frame, "constant_column", "constant"))
    assert impact.rows_changed == 0 and not impact.needs_confirmation


def test_filling_and_removing_rows_count_what_they_change() -> None:
    frame = skewed(rows=1_000)
    frame["plan"] = np.where(np.arange(1_000) < 300, None, "basic")
    frame.loc[frame.index[-1], "plan"] = "pro"
    fill = fix_impact(frame, _finding(frame, "missing_values", "plan"))
    assert fill.rows_changed == 300 and fill.needs_confirmation
    assert fill.warning.startswith("fills 30 % of rows")
    doubled = pd.concat([frame, frame.iloc[:100]], ignore_index=True)
    dupes = fix_impact(doubled, _finding(doubled, "duplicate_rows", None))
    assert dupes.rows_changed == 100 and dupes.warning.startswith("removes 9.1 % of rows")


def test_impact_to_json() -> None:
    frame = skewed()
    data = fix_impact(frame, _finding(frame, "outliers", "income")).to_json()
    assert set(data) >= {"rows", "rows_changed", "share", "needs_confirmation", "warning"}
