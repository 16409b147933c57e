"""Sidebar: project picker and the eight-stage stepper with each stage's status."""

from __future__ import annotations

import streamlit as st

from app.context import Workbench
from app.services.projects import ProjectInfo, list_projects
from app.services.stages import STAGES, StageStatus, stage_statuses
from app.settings import load_settings
from app.ui import state

STATE_LABELS = {
    "done": ("Done", ":material/check_circle:", "green"),
    "attention": ("Needs attention", ":material/warning:", "orange"),
    "not_started": ("Not started", ":material/radio_button_unchecked:", "gray"),
    "coming": ("Coming", ":material/schedule:", "gray"),
}


def open_server_banner() -> None:
    """On every page: say so when anyone on the network can use this app (local mode has no
    accounts; team mode signs everyone in, so it shows nothing)."""
    settings = load_settings()
    if settings.beyond_localhost and not settings.team_mode:  # address set by `workbench ui`
        st.warning(
            "This app has no accounts and listens beyond this computer: anyone who can reach "
            "it can see, change and delete every project (started with `--allow-anyone`).",
            icon=":material/public:",
        )


def project_picker(wb: Workbench, current: ProjectInfo | None) -> None:
    projects = list_projects(wb)
    if not projects:
        st.sidebar.caption("No projects yet — create one on the Projects page.")
        return
    ids = [p.id for p in projects]
    names = {p.id: p.name for p in projects}
    if current is None or current.id not in ids:
        state.select_project(ids[0])
    st.sidebar.selectbox(
        "Project",
        ids,
        format_func=names.__getitem__,  # picklable, unlike a lambda
        key=state.sync_picker(),
        on_change=state.project_picked,
    )


def status_badge(status: StageStatus) -> str:
    label, icon, colour = STATE_LABELS[status.state]
    return f":{colour}-badge[{icon} {label}]"


def stepper(wb: Workbench, project: ProjectInfo | None, pages: dict[str, st.Page]) -> None:
    """Each stage with its status; built stages link to their page, others are greyed 'coming'."""
    st.sidebar.markdown("**Lifecycle**")
    statuses = {s.key: s for s in stage_statuses(wb, project.id)} if project else {}
    for number, stage in enumerate(STAGES, start=1):
        status = statuses.get(stage.key)
        page = pages.get(stage.key)
        if page is None or status is None or status.state == "coming":
            st.sidebar.markdown(f":gray[{number}. {stage.title} · *coming*]")
            continue
        st.sidebar.page_link(
            page, label=f"{number}. {stage.title}", icon=stage.icon, help=status.detail
        )
        st.sidebar.caption(status_badge(status))
