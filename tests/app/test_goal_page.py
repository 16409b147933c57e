"""Goal page: fill from empty, validation next to fields, autosave versions, ROI, restore."""

from __future__ import annotations

from typing import Any

import pytest

from app.context import open_workbench
from app.services.demo import ensure_demo_project
from app.services.goals import goal_history, latest_goal
from app.services.projects import create_project
from app.services.stages import stage_statuses
from tests.helpers.markdown import as_shown

GOAL_PAGE = "../pages/goal.py"


def _key(at: Any, path: str) -> str:
    return f"wb.goal.g{at.session_state['wb.goal.generation']}.{path}"


def _open_goal(app, project_id: int):  # type: ignore[no-untyped-def]
    at = app()
    at.session_state["wb.project_id"] = project_id
    at.run()
    at.switch_page(GOAL_PAGE).run()
    assert not at.exception
    return at


def _metric(at: Any, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _goal_state(project_id: int) -> str:
    return next(s.state for s in stage_statuses(open_workbench(), project_id) if s.key == "goal")


def test_fill_the_goal_from_empty(app) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Fraud")
    at = _open_goal(app, project.id)
    assert latest_goal(open_workbench(), project.id) is None
    assert not at.error  # an untouched empty form shows no errors
    assert _goal_state(project.id) == "not_started"

    at.text_area(key=_key(at, "problem")).input("Card fraud costs us money").run()
    first = latest_goal(open_workbench(), project.id)
    assert first is not None and first.document["problem"] == "Card fraud costs us money"
    assert _goal_state(project.id) == "attention"

    for path, value in {
        "kpi.name": "Fraud losses",
        "kpi.unit": "EUR/month",
        "currency": "EUR",
    }.items():
        at.text_input(key=_key(at, path)).input(value)
    at.number_input(key=_key(at, "kpi.baseline")).set_value(50000)
    at.number_input(key=_key(at, "kpi.target")).set_value(30000)
    at.radio(key=_key(at, "kpi.direction")).set_value("decrease")
    at.selectbox(key=_key(at, "metric")).select("expected_value")
    for cell, value in {"tp": 200, "fp": -5, "fn": -300, "tn": 0}.items():
        at.number_input(key=_key(at, f"payoff.{cell}")).set_value(value)
    at.number_input(key=_key(at, "volume_per_month")).set_value(10000)
    at.number_input(key=_key(at, "expected_positive_rate")).set_value(0.02)
    at.number_input(key=_key(at, "roi_assumptions.model_precision")).set_value(0.5)
    at.number_input(key=_key(at, "roi_assumptions.model_recall")).set_value(0.6)
    at.run()
    assert not at.exception
    saved = latest_goal(open_workbench(), project.id)
    assert saved is not None
    assert saved.document["payoff"] == {"tp": 200, "fp": -5, "fn": -300, "tn": 0}
    assert _goal_state(project.id) == "done"
    # 10,000 x 2 % = 200 positives; recall 0.6 -> TP 120, FN 80; precision 0.5 -> FP 120
    # model: 120*200 - 120*5 - 80*300 = -600; nothing: 200*-300 = -60,000
    assert _metric(at, "Model value / month") == "-600 EUR"
    assert _metric(at, "Current way / month") == "-60,000 EUR"


def test_invalid_values_are_shown_next_to_the_field_and_not_saved(app) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = _open_goal(app, project.id)
    versions_before = len(goal_history(open_workbench(), project.id))
    at.number_input(key=_key(at, "volume_per_month")).set_value(-5).run()
    assert not at.exception
    errors = [as_shown(e.value) for e in at.error]
    assert any("volume_per_month must be 0 or more" in e for e in errors), errors
    assert any("not saved" in w.value for w in at.warning)
    at.text_input(key=_key(at, "currency")).input("").run()
    assert any("currency is required" in as_shown(e.value) for e in at.error)
    assert len(goal_history(open_workbench(), project.id)) == versions_before
    assert latest_goal(open_workbench(), project.id).document["volume_per_month"] == 7000


def test_editing_a_payoff_cell_updates_roi_and_survives_a_reload(app) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = _open_goal(app, project.id)
    assert _metric(at, "Model value / month") == "77,000 EUR"
    at.number_input(key=_key(at, "payoff.fp")).set_value(-20).run()
    assert not at.exception
    # FP 816.67 a month now cost 20 instead of 60: 77,000 + 816.67 x 40 = 109,667
    assert _metric(at, "Model value / month") == "109,667 EUR"
    reloaded = _open_goal(app, project.id)
    assert reloaded.number_input(key=_key(reloaded, "payoff.fp")).value == -20
    assert _metric(reloaded, "Model value / month") == "109,667 EUR"


def test_history_lists_versions_and_restore_brings_back_an_old_one(app) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = _open_goal(app, project.id)
    at.number_input(key=_key(at, "payoff.tp")).set_value(150).run()
    history = goal_history(open_workbench(), project.id)
    assert [h.version for h in history] == [2, 1]
    assert "payoff.tp: 120 → 150" in history[0].summary
    at.selectbox(key="wb.goal.restore_version").select(1)
    at.button(key="wb.goal.restore").click().run()
    assert not at.exception
    latest = latest_goal(open_workbench(), project.id)
    assert latest.version == 3 and latest.document["payoff"]["tp"] == 120
    assert latest.source == "restore of v1"
    assert at.number_input(key=_key(at, "payoff.tp")).value == 120  # widgets reloaded


@pytest.mark.parametrize("task", ["regression"])
def test_regression_goal_uses_error_cost(app, task: str) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Demand")
    at = _open_goal(app, project.id)
    at.text_area(key=_key(at, "problem")).input("Forecast demand")
    at.selectbox(key=_key(at, "task")).select(task).run()
    assert not at.exception
    at.number_input(key=_key(at, "error_cost.under")).set_value(3)
    at.number_input(key=_key(at, "error_cost.over")).set_value(1)
    at.text_input(key=_key(at, "currency")).input("USD").run()
    saved = latest_goal(open_workbench(), project.id)
    assert saved.document["error_cost"] == {"under": 3, "over": 1}
    assert "payoff" not in saved.document
