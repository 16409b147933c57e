"""Data: import versions, set column roles, check quality and expectations, clean, split."""

import streamlit as st

from app.ui import state
from app.ui.data import quality, recipe, upload, views
from app.ui.data.common import version_picker
from app.ui.team.comments import comments_panel

wb, project = state.require_project()

st.title(":material/database: Data")
state.page_caption(project, "which data, which target, and is it fit for use?")
state.read_only_notice(wb, project.id)
read_only = not state.can_edit(wb, project.id)

version = version_picker(wb, project.id)
tabs = st.tabs(
    ["Import", "Versions", "Schema & roles", "Quality", "Expectations", "Recipe", "Split"]
)
with tabs[0]:
    upload.import_progress(wb, project.id)
    upload.upload_section(wb, project.id, read_only=read_only)
    with st.expander("Or import from a SQL database", icon=":material/database:"):
        upload.sql_section(wb, project.id, read_only=read_only)
if version is None:
    for tab in tabs[1:]:
        tab.info("Import a file first (Import tab).", icon=":material/upload:")
else:
    with tabs[1]:
        views.versions_section(wb, project.id)
    with tabs[2]:
        views.schema_section(wb, project.id, version, read_only=read_only)
    with tabs[3]:
        quality.findings_section(wb, version, read_only=read_only)
    with tabs[4]:
        quality.expectations_section(wb, version, read_only=read_only)
    with tabs[5]:
        recipe.recipe_section(wb, version, read_only=read_only)
    with tabs[6]:
        recipe.split_section(wb, version, read_only=read_only)
comments_panel(wb, project.id, "data")
