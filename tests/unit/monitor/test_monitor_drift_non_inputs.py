"""Columns the model does not read (sensitive, ignored) are monitored too, and marked as such."""

from __future__ import annotations

from core.monitor import AlertRule, drift_report, evaluate_alerts


def _report(frames, *, shift_spend: float = 0.0):  # type: ignore[no-untyped-def]
    reference, current = frames(seed=0), frames(seed=1)
    current["spend"] = current["spend"] + shift_spend
    return drift_report(
        reference, current, columns=["income", "plan"], other_columns=["spend"],
        categorical=["plan"], prediction_column=None,
    )  # fmt: skip


def test_a_shift_in_a_non_input_column_is_reported_as_drift(frames) -> None:  # type: ignore[no-untyped-def]
    report = _report(frames, shift_spend=15.0)
    spend = report.column("spend")
    assert spend.role == "other" and spend.model_input is False
    assert spend.status == "drift" and spend.psi > 0.2
    assert report.drifted == ["spend"]


def test_the_table_says_which_columns_are_model_inputs(frames) -> None:  # type: ignore[no-untyped-def]
    table = _report(frames).table.set_index("column")
    assert table.loc["income", "model_input"] and table.loc["plan", "model_input"]
    assert not table.loc["spend", "model_input"]


def test_a_non_input_column_is_never_listed_twice(frames) -> None:  # type: ignore[no-untyped-def]
    report = drift_report(
        frames(seed=0), frames(seed=1), columns=["income"], other_columns=["income", "plan"],
        categorical=["plan"], prediction_column=None,
    )  # fmt: skip
    assert [(c.column, c.role) for c in report.columns] == [
        ("income", "feature"),
        ("plan", "other"),
    ]


def test_an_alert_on_a_non_input_column_says_the_model_does_not_read_it(frames) -> None:  # type: ignore[no-untyped-def]
    (alert,) = evaluate_alerts([AlertRule("drift", 0.2)], drift=_report(frames, shift_spend=15.0))
    assert alert.column == "spend" and "not a model input" in alert.message
