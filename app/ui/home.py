"""Home page widgets: project cards with create, rename and confirmed delete; trash; maintenance."""

from __future__ import annotations

import streamlit as st

from app.context import Workbench
from app.jobs import list_jobs, submit
from app.jobs.worker import ensure_worker
from app.services import projects as project_service
from app.services.projects import ProjectInfo
from app.services.stages import stage_statuses
from app.services.team.rights import Right
from app.ui import state
from app.ui.feedback import attempt
from app.ui.jobs import job_panel
from app.ui.sidebar import STATE_LABELS
from core.report import escape_markdown

CARDS_PER_ROW = 2


def create_project_form(wb: Workbench) -> None:
    allowed = Right.CREATE in state.rights(wb, None)
    with st.form("wb.home.create", clear_on_submit=True, border=True):
        st.markdown("**New project**")
        name = st.text_input("Name", key="wb.home.create.name", placeholder="e.g. Churn 2026")
        description = st.text_area(
            "What is it for? (optional)", key="wb.home.create.description", height=80
        )
        if st.form_submit_button(
            "Create project", type="primary", icon=":material/add:", disabled=not allowed
        ):
            info = attempt(lambda: project_service.create_project(wb, name, description))
            if info is not None:
                state.select_project(info.id)
                st.toast(
                    f"Created project '{escape_markdown(info.name)}'.", icon=":material/check:"
                )
                st.rerun()


def project_cards(wb: Workbench, projects: list[ProjectInfo], selected_id: int | None) -> None:
    for start in range(0, len(projects), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, project in zip(columns, projects[start : start + CARDS_PER_ROW], strict=False):
            with column:
                _card(wb, project, selected=project.id == selected_id)


def _stage_strip(wb: Workbench, project_id: int) -> str:
    parts = []
    for status in stage_statuses(wb, project_id):
        _label, icon, colour = STATE_LABELS[status.state]
        parts.append(f":{colour}[{icon}]&nbsp;{status.title}")
    return " · ".join(parts)


def _card(wb: Workbench, project: ProjectInfo, *, selected: bool) -> None:
    with st.container(border=True):
        title = f"#### {escape_markdown(project.name)}"
        st.markdown(title + ("  :blue-badge[selected]" if selected else ""))
        if project.is_demo:
            st.caption(":violet-badge[demo]")
        st.text(project.description or "No description.")
        st.caption(_stage_strip(wb, project.id))
        st.caption(f"Last activity {project.updated_at:%Y-%m-%d %H:%M} UTC")
        manages = Right.MANAGE in state.rights(wb, project.id)
        open_col, rename_col, delete_col = st.columns([2, 1, 1])
        if open_col.button(
            "Open",
            key=f"wb.home.open.{project.id}",
            type="primary" if not selected else "secondary",
            icon=":material/arrow_forward:",
            width="stretch",
        ):
            state.select_project(project.id)
            st.rerun()
        with rename_col.popover("", icon=":material/edit:", help="Rename"):
            _rename_form(wb, project, allowed=manages)
        with delete_col.popover("", icon=":material/delete:", help="Delete"):
            _delete_form(wb, project, allowed=manages)
        if not manages:
            st.caption("Renaming and deleting need the owner role.")


def _rename_form(wb: Workbench, project: ProjectInfo, *, allowed: bool) -> None:
    with st.form(f"wb.home.rename.{project.id}", border=False):
        new_name = st.text_input(
            "New name", value=project.name, key=f"wb.home.rename.name.{project.id}",
            disabled=not allowed,
        )  # fmt: skip
        if st.form_submit_button("Rename", disabled=not allowed):
            info = attempt(lambda: project_service.rename_project(wb, project.id, new_name))
            if info is not None:
                st.toast(f"Renamed to '{escape_markdown(info.name)}'.", icon=":material/check:")
                st.rerun()


def _delete_form(wb: Workbench, project: ProjectInfo, *, allowed: bool) -> None:
    st.warning(
        f"This moves **{escape_markdown(project.name)}** with all its data versions, runs and exports to the "
        f"trash. You can restore it from the trash for {wb.settings.trash_days:g} days.",
        icon=":material/warning:",
    )
    with st.form(f"wb.home.delete.{project.id}", border=False):
        typed = st.text_input(
            "Type the project name to confirm", key=f"wb.home.delete.confirm.{project.id}",
            disabled=not allowed,
        )  # fmt: skip
        if st.form_submit_button("Move to trash", type="primary", disabled=not allowed):
            trashed = attempt(
                lambda: project_service.delete_project(wb, project.id, confirm_name=typed)
            )
            if trashed is not None:
                if state.selected_project_id() == project.id:
                    state.select_project(None)
                st.toast("Moved the project to the trash.", icon=":material/delete:")
                st.rerun()


def trash(wb: Workbench) -> None:
    """Deleted projects, each with a Restore button, until they are removed for good."""
    trashed = project_service.list_trash(wb)
    if not trashed:
        return
    with st.expander(f"Trash ({len(trashed)})", icon=":material/delete:"):
        st.caption(
            f"Deleted projects stay here for {wb.settings.trash_days:g} days, then they and "
            "their files are removed for good."
        )
        for project in trashed:
            name_col, restore_col = st.columns([3, 1])
            purge = project_service.purge_after(wb, project)
            name_col.text(
                f"{project.name} — deleted {project.deleted_at:%Y-%m-%d %H:%M} UTC, "
                f"removed after {purge:%Y-%m-%d %H:%M} UTC"
            )
            if restore_col.button(
                "Restore", key=f"wb.home.restore.{project.id}", icon=":material/restore_from_trash:",
                disabled=Right.MANAGE not in state.rights(wb, project.id),
            ):  # fmt: skip
                restored = attempt(lambda p=project: project_service.restore_project(wb, p.id))
                if restored is not None:
                    st.toast("Restored the project.", icon=":material/check:")
                    st.rerun()


MAINTENANCE_JOBS = {
    "maintenance.verify_artifacts": ("Verify stored files", ":material/verified:"),
    "maintenance.collect_garbage": ("Free unused storage", ":material/cleaning_services:"),
}


def maintenance(wb: Workbench) -> None:
    """Verify and free storage: the whole workspace's files, so only its admin may start them."""
    admin = Right.ADMIN in state.rights(wb, None)
    with st.expander("Storage maintenance", icon=":material/build:"):
        st.caption(
            f"Data and models are stored in `{wb.settings.home}`. Every file is named by its "
            "SHA-256 hash and checked before use."
        )
        columns = st.columns(len(MAINTENANCE_JOBS))
        for column, (kind, (title, icon)) in zip(columns, MAINTENANCE_JOBS.items(), strict=True):
            if column.button(title, key=f"wb.home.{kind}", icon=icon, disabled=not admin):
                submit(wb, kind, title=title)
                if wb.settings.autostart_worker:
                    ensure_worker(wb)
        if not admin:
            st.caption("Storage maintenance needs the workspace admin.")
        for kind in MAINTENANCE_JOBS:
            recent = list_jobs(wb, kind=kind, limit=1)
            if recent:
                job_panel(wb, recent[0].id)
