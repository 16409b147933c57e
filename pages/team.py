"""Team: who works on the selected project (Members) and everything they changed (Activity)."""

import streamlit as st

from app.ui import state
from app.ui.team.activity import activity_tab
from app.ui.team.members import members_tab, workspace_people

wb, project = state.require_project()
st.title(":material/groups: Team & activity")
state.page_caption(project, "who works on this project, and what changed, when and by whom.")
members, trail = st.tabs(["Members", "Activity"])
with members:
    members_tab(wb, project)
    workspace_people(wb)
with trail:
    activity_tab(wb, project)
