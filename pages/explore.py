"""Explore: overview and interactive charts of a dataset version, the full report, notes."""

import streamlit as st

from app.ui import state
from app.ui.data.common import version_picker
from app.ui.explore import views as explore_views
from app.ui.team.comments import comments_panel

wb, project = state.require_project()

st.title(":material/query_stats: Explore")
state.page_caption(project, "what does the data say before any model?")
state.read_only_notice(wb, project.id)
read_only = not state.can_edit(wb, project.id)
left, right = st.columns([3, 1])
with left:
    version = version_picker(wb, project.id)
if version is None:
    st.info("Import data on the Data page first.", icon=":material/upload:")
    st.stop()
apply_recipe = right.toggle("Apply the cleaning recipe", value=True, key="wb.explore.recipe")

explore_views.overview_section(wb, version, apply_recipe=apply_recipe)
data = explore_views.load(wb, version, apply_recipe=apply_recipe)
tabs = st.tabs(
    [
        "Distribution",
        "Missing values",
        "Correlations",
        "Target",
        "Two columns",
        "Time",
        "Train vs test",
        "Full report",
        "Notes",
    ]
)
with tabs[0]:
    explore_views.distribution_tab(data)
with tabs[1]:
    explore_views.missing_tab(data)
with tabs[2]:
    explore_views.correlation_tab(data)
with tabs[3]:
    explore_views.target_tab(data)
with tabs[4]:
    explore_views.pair_tab(data)
with tabs[5]:
    explore_views.time_tab(data)
with tabs[6]:
    explore_views.split_tab(wb, version, data)
with tabs[7]:
    explore_views.report_tab(wb, version, read_only=read_only)
with tabs[8]:
    explore_views.notes_section(wb, version, read_only=read_only)
comments_panel(wb, project.id, "explore")
