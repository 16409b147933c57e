"""Goal: the decision, the KPI, what each prediction outcome is worth, ROI, risks, and 'is ML needed?'."""

import streamlit as st

from app.services import data_config
from app.ui import state
from app.ui.goal import page, panels, sections
from app.ui.goal.form import get_path
from app.ui.team.comments import comments_panel

wb, project = state.require_project()

st.title(":material/flag: Goal")
state.page_caption(
    project,
    "what decision does the model change, and what is it worth? "
    "Every change is saved as a new version.",
)
state.read_only_notice(wb, project.id)
status_slot = st.empty()
form, latest = page.open_form(
    wb, project.id, project.name, read_only=not state.can_edit(wb, project.id)
)
saved_goal = latest.goal if latest else None

tabs = st.tabs(
    [
        "Problem",
        "KPI & metric",
        "Payoff & ROI",
        "Risks",
        "Requirements & milestones",
        "Is ML needed?",
        "History & downloads",
    ]
)
with tabs[0]:
    task = sections.problem_section(form, data_config.get_settings(wb, project.id).target)
with tabs[1]:
    sections.kpi_section(form, task, page.metric_suggestion(saved_goal, task))
with tabs[2]:
    sections.payoff_section(form, task)
    sections.assumptions_section(form, task, get_path(form.saved, "rule"))
    roi_area = st.container()
with tabs[3]:
    sections.risks_section(form)
    risk_area = st.container()
with tabs[4]:
    sections.requirements_section(form)
with tabs[5]:
    sections.ml_check_section(form)
    verdict_area = st.container()

outcome = page.autosave(wb, project.id, form, latest)
page.status_line(status_slot, outcome)
goal = outcome.goal

with roi_area:
    st.markdown("##### Return on investment")
    roi = panels.roi_panel(goal) if goal else None
if goal is not None:  # statements, not `x if goal else None`: Streamlit's magic prints a bare None
    with risk_area:
        panels.risk_panel(goal)
    with verdict_area:
        panels.verdict_panel(goal)
with tabs[6]:
    page.missing_banner(goal)
    if goal is not None:
        panels.downloads(goal, roi)
    st.markdown("##### Version history")
    panels.history_panel(wb, project.id, read_only=form.read_only)
    panels.import_panel(wb, project.id, read_only=form.read_only)
comments_panel(wb, project.id, "goal")
