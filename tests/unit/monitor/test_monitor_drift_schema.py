"""Schema problems: new categories, missing columns, values out of range, too few rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.monitor import drift_report
from core.monitor.drift import FINDING_MISSING_COLUMN, FINDING_NO_PREDICTION, FINDING_TOO_FEW_ROWS


def codes(report) -> dict[str, str]:
    return {f.code: f.message for f in report.findings}


def test_new_categories_are_listed_with_their_counts(frames) -> None:
    current = frames(rows=500, seed=1)
    current.loc[:6, "plan"] = "enterprise"
    current.loc[7:8, "plan"] = "trial"
    report = drift_report(
        frames(seed=0), current, columns=["plan"], categorical=["plan"], prediction_column=None
    )
    plan = report.column("plan")
    assert plan.new_categories == (("enterprise", 7), ("trial", 2))
    assert plan.new_category_rows == 9
    message = codes(report)["new_category"]
    assert "9 row(s) with 2 value(s) never seen in training" in message
    assert "'enterprise' (7)" in message


def test_a_missing_column_is_an_error_finding_and_a_status(frames) -> None:
    current = frames(rows=500, seed=1).drop(columns="spend")
    report = drift_report(
        frames(seed=0), current, columns=["income", "spend"], categorical=[], prediction_column=None
    )
    assert report.column("spend").status == "missing column"
    finding = next(f for f in report.findings if f.code == "missing_column")
    assert (finding.severity, finding.column) == ("error", "spend")
    assert finding.message == FINDING_MISSING_COLUMN.format(column="spend", side="current")
    assert report.table["column"].iloc[-1] == "spend"  # no PSI: last


def test_values_out_of_the_training_range_are_counted(frames) -> None:
    reference = frames(seed=0)
    current = frames(rows=400, seed=1)
    low, high = reference["income"].min(), reference["income"].max()
    current.loc[:2, "income"] = low - 1
    current.loc[3:9, "income"] = high + 5
    report = drift_report(
        reference, current, columns=["income"], categorical=[], prediction_column=None
    )
    income = report.column("income")
    assert (income.below_range, income.above_range) == (3, 7)
    finding = next(f for f in report.findings if f.code == "out_of_range")
    assert finding.severity == "warning"  # 10 of 400 rows = 2.5 %
    assert "3 value(s) below the training minimum" in finding.message
    assert "7 above the training maximum" in finding.message


def test_too_few_rows_are_never_an_alarm(frames) -> None:
    current = frames(rows=20, seed=1, shift=3.0)
    report = drift_report(
        frames(seed=0), current, columns=["income"], categorical=[], prediction_column=None
    )
    income = report.column("income")
    assert income.status == "too few rows"
    assert income.psi > 1  # still measured, just not judged
    assert report.drifted == []
    assert report.findings[0].message == FINDING_TOO_FEW_ROWS.format(
        rows=20, side="current", minimum=50
    )


def test_text_in_a_number_column_is_counted_as_missing(frames) -> None:
    current = frames(rows=200, seed=1)
    current["income"] = current["income"].astype(object)
    current.loc[:1, "income"] = "n/a"
    report = drift_report(
        frames(seed=0), current, columns=["income"], categorical=[], prediction_column=None
    )
    assert "2 value(s) are not numbers" in codes(report)["not_numeric"]
    assert report.column("income").missing_share == 0.01


def test_a_text_column_is_read_as_categories_even_if_not_declared(frames) -> None:
    report = drift_report(
        frames(seed=0), frames(seed=1), columns=["plan"], categorical=[], prediction_column=None
    )
    assert report.column("plan").kind == "categorical"


def test_prediction_drift_needs_the_column_on_both_sides(frames) -> None:
    reference = frames(seed=0).assign(probability=np.linspace(0, 1, 5000))
    report = drift_report(reference, frames(seed=1), columns=["income"], categorical=[])
    assert [c.column for c in report.columns] == ["income"]
    assert codes(report)["no_prediction"] == FINDING_NO_PREDICTION.format(column="probability")


def test_refused_log_rows_are_left_out(frames) -> None:
    current = frames(rows=100, seed=1)
    current["log_line"] = np.arange(100)
    current["status"] = [200] * 60 + [422] * 40
    report = drift_report(
        frames(seed=0), current, columns=["income"], categorical=[], prediction_column=None
    )
    assert report.current_rows == 60
    assert report.column("income").current_rows == 60
    assert isinstance(report.table, pd.DataFrame)


def test_missing_values_are_not_a_new_category(frames) -> None:
    current = frames(rows=300, seed=1)
    current.loc[:9, "plan"] = None
    report = drift_report(
        frames(seed=0), current, columns=["plan"], categorical=["plan"], prediction_column=None
    )
    plan = report.column("plan")
    assert plan.new_categories == ()
    assert "(missing)" in plan.distribution["bucket"].tolist()
    assert plan.missing_share == pytest.approx(10 / 300)


def test_a_predicted_label_is_compared_as_a_category(frames) -> None:
    reference = frames(seed=0).assign(prediction=lambda f: np.where(f["income"] > 50, "hi", "lo"))
    current = frames(seed=1, shift=1.0).assign(
        prediction=lambda f: np.where(f["income"] > 50, "hi", "lo")
    )
    report = drift_report(
        reference, current, columns=["plan"], categorical=["plan"], prediction_column="prediction"
    )
    prediction = report.column("prediction")
    assert (prediction.role, prediction.kind, prediction.status) == (
        "prediction",
        "categorical",
        "drift",
    )
