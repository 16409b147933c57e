"""Evaluate: the chosen run on rows it never saw — metrics, threshold, errors, explanations."""

import streamlit as st

from app.services import evaluation
from app.ui import state
from app.ui.evaluate import cohorts, explain, views
from app.ui.feedback import attempt

wb, project = state.require_project()

st.title(":material/rule: Evaluate")
state.page_caption(project, "how good is it on unseen rows, and at which threshold?")
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
    views.threshold_section(wb, run, rows, result, worth)
with tabs[2]:
    cohorts.errors_section(wb, project.id, run, rows)
with tabs[3]:
    explain.explain_section(wb, run, rows)
with tabs[4]:
    explain.what_if_section(wb, run, rows)
with tabs[5]:
    cohorts.compare_section(wb, project.id, run, rows)
