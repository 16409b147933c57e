"""Fairness: does the model treat groups of people alike, and what does a fix cost?"""

import streamlit as st

from app.services import evaluation
from app.ui import state
from app.ui.evaluate import views as evaluate_views
from app.ui.fairness import views as fairness_views
from app.ui.feedback import attempt
from app.ui.team.comments import comments_panel

wb, project = state.require_project()

st.title(":material/balance: Fairness")
state.page_caption(project, "does it treat groups of people fairly?")
state.read_only_notice(wb, project.id)
read_only = not state.can_edit(wb, project.id)
run = evaluate_views.pick_run(wb, project.id, key="wb.fair.run")
if run is None:
    st.info(
        "Train a model first (Train page); the champion is checked by default.",
        icon=":material/model_training:",
    )
    st.stop()
rows = attempt(lambda: evaluate_views.rows_for(wb, run))
if rows is None:
    st.stop()
choice = fairness_views.choose_groups(run, rows)
if not choice or not choice[0]:
    st.stop()
attributes, bins = choice
st.caption(
    f"Decisions of run {run.id} on {rows.source}"
    + (f" at threshold {rows.threshold:.3f}" if rows.threshold is not None else "")
    + "; intervals are 95 % bootstrap."
)
report = attempt(
    lambda: fairness_views.group_report(wb, run, attributes, bins, rows, read_only=read_only)
)
if report is None:
    st.stop()
worth = evaluation.money(wb, project.id)
tabs = st.tabs(["Groups", "Mitigate", "Trade-off"])
with tabs[0]:
    fairness_views.report_section(report, worth.currency)
with tabs[1]:
    fairness_views.mitigation_section(wb, run, attributes, bins, read_only=read_only)
with tabs[2]:
    fairness_views.tradeoff_section(
        wb, project.id, run, attributes, bins, worth.currency, read_only=read_only
    )
comments_panel(wb, project.id, "fairness")
