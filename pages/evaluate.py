"""Evaluate: the chosen run on rows it never saw — metrics, threshold, errors, explanations."""

import streamlit as st

from app.services import evaluation
from app.ui import evaluate_errors, evaluate_explain, evaluate_views, state
from app.ui.feedback import attempt

wb, project = state.require_project()

st.title(":material/rule: Evaluate")
state.page_caption(project, "how good is it on unseen rows, and at which threshold?")
run = evaluate_views.pick_run(wb, project.id)
if run is None:
    st.info(
        "Train a model first (Train page); the champion is evaluated by default.",
        icon=":material/model_training:",
    )
    st.stop()
rows = attempt(lambda: evaluate_views.rows_for(wb, run))
if rows is None:
    st.stop()
worth = evaluation.money(wb, project.id)
result = attempt(lambda: evaluate_views.evaluation_for(wb, run, rows, worth))
if result is None:
    st.stop()

tabs = st.tabs(
    ["Performance", "Threshold & value", "Errors", "Explanations", "What-if", "Compare runs"]
)
with tabs[0]:
    evaluate_views.performance_section(rows, result, worth)
with tabs[1]:
    evaluate_views.threshold_section(wb, run, rows, result, worth)
with tabs[2]:
    evaluate_errors.errors_section(wb, project.id, run, rows)
with tabs[3]:
    evaluate_explain.explain_section(wb, run, rows)
with tabs[4]:
    evaluate_explain.what_if_section(wb, run, rows)
with tabs[5]:
    evaluate_errors.compare_section(wb, project.id, run, rows)
