"""Data: import versions, set column roles, check quality and expectations, clean, split."""

import streamlit as st

from app.ui import data_import, data_quality, data_recipe, data_views, state
from app.ui.data_common import version_picker

wb, project = state.require_project()

st.title(":material/database: Data")
state.page_caption(project, "which data, which target, and is it fit for use?")

version = version_picker(wb, project.id)
tabs = st.tabs(
    ["Import", "Versions", "Schema & roles", "Quality", "Expectations", "Recipe", "Split"]
)
with tabs[0]:
    data_import.import_progress(wb, project.id)
    data_import.upload_section(wb, project.id)
    with st.expander("Or import from a SQL database", icon=":material/database:"):
        data_import.sql_section(wb, project.id)
if version is None:
    for tab in tabs[1:]:
        tab.info("Import a file first (Import tab).", icon=":material/upload:")
    st.stop()
with tabs[1]:
    data_views.versions_section(wb, project.id)
with tabs[2]:
    data_views.schema_section(wb, project.id, version)
with tabs[3]:
    data_quality.findings_section(wb, version)
with tabs[4]:
    data_quality.expectations_section(wb, version)
with tabs[5]:
    data_recipe.recipe_section(wb, version)
with tabs[6]:
    data_recipe.split_section(wb, version)
