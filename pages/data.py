"""Data: import versions, set column roles, check quality and expectations, clean, split."""

import streamlit as st

from app.ui import state
from app.ui.data import quality, recipe, upload, views
from app.ui.data.common import version_picker

wb, project = state.require_project()

st.title(":material/database: Data")
state.page_caption(project, "which data, which target, and is it fit for use?")

version = version_picker(wb, project.id)
tabs = st.tabs(
    ["Import", "Versions", "Schema & roles", "Quality", "Expectations", "Recipe", "Split"]
)
with tabs[0]:
    upload.import_progress(wb, project.id)
    upload.upload_section(wb, project.id)
    with st.expander("Or import from a SQL database", icon=":material/database:"):
        upload.sql_section(wb, project.id)
if version is None:
    for tab in tabs[1:]:
        tab.info("Import a file first (Import tab).", icon=":material/upload:")
    st.stop()
with tabs[1]:
    views.versions_section(wb, project.id)
with tabs[2]:
    views.schema_section(wb, project.id, version)
with tabs[3]:
    quality.findings_section(wb, version)
with tabs[4]:
    quality.expectations_section(wb, version)
with tabs[5]:
    recipe.recipe_section(wb, version)
with tabs[6]:
    recipe.split_section(wb, version)
