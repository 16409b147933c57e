"""Glue for the Goal page: load the saved goal, autosave valid edits, report the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from app.context import Workbench
from app.services import goals as goal_service
from app.ui.goal.form import GoalForm, mark_synced, sync_generation
from core.goal import (
    BusinessError,
    FieldProblem,
    Goal,
    GoalValidationError,
    MetricSuggestion,
    goal_missing_fields,
    suggest_metric,
)


@dataclass(frozen=True)
class SaveOutcome:
    goal: Goal | None  # the goal as now saved (None while nothing valid is saved)
    version: int | None
    problems: tuple[FieldProblem, ...] = ()
    changed: bool = False


def open_form(
    wb: Workbench, project_id: int, project_name: str, *, read_only: bool = False
) -> tuple[GoalForm, goal_service.GoalVersionInfo | None]:
    latest = goal_service.latest_goal(wb, project_id)
    saved = latest.document if latest else {"name": project_name}
    generation = sync_generation(project_id, latest.version if latest else 0)
    return GoalForm(saved, generation, read_only=read_only), latest


def autosave(
    wb: Workbench, project_id: int, form: GoalForm, latest: goal_service.GoalVersionInfo | None
) -> SaveOutcome:
    """Save the form as a new version when it is valid and differs from the saved one.

    A read-only form (a viewer's) saves nothing: it shows the saved goal as it is.
    """
    document: dict[str, Any] = form.document()
    previous_goal = latest.goal if latest else None
    if form.read_only:
        return SaveOutcome(previous_goal, latest.version if latest else None)
    try:
        saved = goal_service.save_goal(wb, project_id, document, source="page")
    except GoalValidationError as error:
        not_started = latest is None and "problem" not in document
        if not not_started:  # a fresh, empty form is not an error
            form.show_problems(error.problems)
        return SaveOutcome(previous_goal, latest.version if latest else None, tuple(error.problems))
    mark_synced(project_id, saved.version)
    changed = latest is None or saved.version != latest.version
    return SaveOutcome(saved.goal, saved.version, (), changed)


def status_line(slot: Any, outcome: SaveOutcome) -> None:
    if outcome.problems and outcome.version is None:
        slot.caption(":material/edit_note: Not saved yet: fill the fields marked in red.")
    elif outcome.problems:
        slot.warning(
            f"Your latest edit is **not saved**: {len(outcome.problems)} field(s) need fixing "
            f"(marked in red). Version {outcome.version} is still the saved one.",
            icon=":material/warning:",
        )
    elif outcome.changed:
        slot.caption(f":material/cloud_done: Saved as version {outcome.version}.")
    else:
        slot.caption(f":material/cloud_done: All changes saved (version {outcome.version}).")


def metric_suggestion(goal: Goal | None, task: str) -> MetricSuggestion | None:
    if goal is None:
        return None
    money = goal.error_cost if task == "regression" else goal.payoff
    try:
        return suggest_metric(task, money)  # type: ignore[arg-type]
    except BusinessError:
        return None


def missing_banner(goal: Goal | None) -> None:
    if goal is None:
        return
    missing = goal_missing_fields(goal)
    if missing:
        st.info(
            "To finish this stage, fill: " + ", ".join(f"**{m}**" for m in missing) + ".",
            icon=":material/checklist:",
        )
