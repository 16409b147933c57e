"""Evaluate: the chosen run on rows it never saw — metrics, threshold, errors, explanations."""

import streamlit as st

from app.services import evaluation
from app.ui import state
from app.ui.evaluate import cohorts, explain, views
from app.ui.feedback import attempt
from app.ui.team.comments import comments_panel

wb, project = state.require_project()

st.title(":material/rule: Evaluate")
state.page_caption(project, "how good is it on unseen rows, and at which threshold?")
state.read_only_notice(wb, project.id)
read_only = not state.can_edit(wb, project.id)
run = views.pick_run(wb, project.id)
if run is None:
    st.info(
        "Train a model first (Train page); the champion is evaluated by default.",
        icon=":material/model_training:",
    )
    st.stop()
rows = attempt(lambda: views.rows_for(wb, run))
if rows is None:
    st.stop()
worth = evaluation.money(wb, project.id)
result = attempt(lambda: views.evaluation_for(wb, run, rows, worth))
if result is None:
    st.stop()

tabs = st.tabs(
    ["Performance", "Threshold & value", "Errors", "Explanations", "What-if", "Compare runs"]
)
with tabs[0]:
    views.performance_section(rows, result, worth)
with tabs[1]:
    views.threshold_section(wb, run, rows, result, worth, read_only=read_only)
with tabs[2]:
    cohorts.errors_section(wb, project.id, run, rows, read_only=read_only)
with tabs[3]:
    explain.explain_section(wb, run, rows, read_only=read_only)
with tabs[4]:
    explain.what_if_section(wb, run, rows)
with tabs[5]:
    cohorts.compare_section(wb, project.id, run, rows)
comments_panel(wb, project.id, "evaluate")
st.caption(f"A reviewer's notes on run {run.id}:")
comments_panel(wb, project.id, "evaluate", subject=f"run:{run.id}")
