"""Projects: every project as a card with its stage statuses; create, rename, delete; the trash."""

import streamlit as st

from app.services.projects import list_projects
from app.ui import home, state

wb = state.workbench()
st.title(":material/conversion_path: Lifecycle Workbench")
st.caption(
    "From a business goal to a monitored model: goal → data → explore → train → evaluate → "
    "fairness → export → monitor."
)

projects = list_projects(wb)
left, right = st.columns([3, 1])
with right:
    home.create_project_form(wb)
with left:
    if not projects:
        st.info(
            "No projects yet. Create one on the right, or run `workbench demo` for a worked example.",
            icon=":material/info:",
        )
    else:
        home.project_cards(wb, projects, state.selected_project_id())

home.trash(wb)
home.maintenance(wb)
