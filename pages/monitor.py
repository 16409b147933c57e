"""Monitor: production predictions come back — drift, live metrics, KPI, health, alerts, retrain."""

import streamlit as st

from app.services import monitoring
from app.ui import state
from app.ui.feedback import attempt
from app.ui.monitor import views as monitor_views
from app.ui.team.comments import comments_panel
from core.report import escape_markdown

wb, project = state.require_project()

st.title(":material/monitor_heart: Monitor")
state.page_caption(project, "is it still right, and still worth it, in production?")
state.read_only_notice(wb, project.id)
read_only = not state.can_edit(wb, project.id)
tabs = st.tabs(["Import", "Drift", "Performance & KPI", "Service health", "Alerts", "Retrain"])
with tabs[0]:
    monitor_views.import_section(wb, project.id, read_only=read_only)
report = None
if monitoring.list_batches(wb, project.id):
    report = attempt(lambda: monitor_views.cached_report(wb, project.id))
for tab in tabs[1:]:
    with tab:
        if report is None:
            st.info("Import production data first (Import tab).", icon=":material/upload:")
if report is not None:
    for note in report.notes:
        st.caption(f"Note: {escape_markdown(note)}")
    with tabs[1]:
        monitor_views.drift_section(report)
    with tabs[2]:
        monitor_views.performance_section(report)
    with tabs[3]:
        monitor_views.health_section(report)
    with tabs[4]:
        monitor_views.alerts_section(wb, project.id, report, read_only=read_only)
    with tabs[5]:
        monitor_views.retrain_section(wb, project.id, read_only=read_only)
comments_panel(wb, project.id, "monitor")
