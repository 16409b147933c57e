"""Export: one click for a verified, self-contained bundle; the model card; the registry."""

import streamlit as st

from app.services import export
from app.ui import state
from app.ui.evaluate import views as evaluate_views
from app.ui.export import views as export_views
from app.ui.team.comments import comments_panel

wb, project = state.require_project()

st.title(":material/deployed_code: Export")
state.page_caption(project, "ship a verified, self-contained bundle.")
state.read_only_notice(wb, project.id)
run = evaluate_views.pick_run(wb, project.id, key="wb.export.run")
if run is None:
    st.info(
        "Train a model first (Train page); the champion is exported by default.",
        icon=":material/model_training:",
    )
    st.stop()
if run.threshold is not None and run.chosen_threshold is None:
    st.caption(
        f"Decision threshold {run.threshold:.3f}: the cross-validation optimum. Choose it on the "
        "Evaluate page to make it a deliberate decision."
    )
entries = export.registry(wb, project.id)
tabs = st.tabs(["Bundle", "Model card", "Registry"])
with tabs[0]:
    export_views.build_section(wb, run, entries)
with tabs[1]:
    export_views.card_section(wb, run)
with tabs[2]:
    export_views.registry_section(wb, project.id, entries)
comments_panel(wb, project.id, "export")
