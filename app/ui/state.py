"""Session-state accessor: ids and small UI state only, under namespaced keys.

Anything a user would be upset to lose lives in the database, not here.
"""

from __future__ import annotations

import streamlit as st

from app.context import Workbench, open_workbench
from app.errors import DatabaseUnavailable
from app.jobs.worker import ensure_worker
from app.services.projects import ProjectInfo, list_projects
from app.services.team.rights import Right, membership, rights_of
from app.settings import SettingsError
from app.ui import signin
from core.report import escape_markdown

PROJECT_KEY = "wb.project_id"  # the one source of truth for the selected project
PICKER_KEY = "wb.sidebar.project"  # the sidebar's selectbox: a view of PROJECT_KEY, synced below


def workbench() -> Workbench:
    """The workbench acting for whoever uses this page (team mode: signs them in first).

    Settings that cannot work or a database that cannot be used stop the page with one error.
    """
    try:
        wb = open_workbench()
    except (SettingsError, DatabaseUnavailable) as error:
        st.error(escape_markdown(str(error)), icon=":material/error:")
        st.stop()
    if wb.settings.autostart_worker:
        _ensure_worker_once(str(wb.settings.home), wb.settings.database_url)
    if wb.settings.team_mode:
        return wb.acting_as(signin.signed_in_actor(wb))
    return wb


def rights(wb: Workbench, project_id: int | None) -> frozenset[Right]:
    """What the page's person may do in the project (read fresh: an owner may change it)."""
    return rights_of(wb, project_id)


def can_edit(wb: Workbench, project_id: int) -> bool:
    """False for a viewer: every control that changes the project is drawn disabled."""
    return Right.EDIT in rights(wb, project_id)


def read_only_notice(wb: Workbench, project_id: int) -> None:
    """Say once at the top of a stage page why its controls are disabled."""
    if can_edit(wb, project_id):
        return
    role = _role_words(wb, project_id)
    st.info(
        f"You can look at everything here; changes are disabled ({role}). "
        "An owner can change your role on the Team page.",
        icon=":material/visibility:",
    )


def _role_words(wb: Workbench, project_id: int) -> str:
    member = membership(wb, project_id)
    if member is None:
        return "you are not a member of this project"
    return f"your role is {member.role}" + (
        ", with the approver right" if member.can_approve else ""
    )


@st.cache_resource(show_spinner=False)
def _ensure_worker_once(home: str, database_url: str) -> bool:
    """Start the job worker with the first page view of this server process (keyed by home)."""

    return ensure_worker(open_workbench())


def selected_project_id() -> int | None:
    value = st.session_state.get(PROJECT_KEY)
    return int(value) if value is not None else None


def select_project(project_id: int | None) -> None:
    """Select a project from anywhere (a card's Open, Create, the picker); the picker follows."""
    st.session_state[PROJECT_KEY] = project_id
    if project_id is None:
        st.query_params.pop("project", None)
    else:
        st.query_params["project"] = str(project_id)


def sync_picker() -> str:
    """Set the picker widget to the selected project before it is drawn; returns its key.

    A widget keeps its own state across reruns and would otherwise re-select the project it
    showed last, undoing a selection made elsewhere (a card's Open, Create project).
    """
    st.session_state[PICKER_KEY] = selected_project_id()
    return PICKER_KEY


def project_picked() -> None:
    """on_change of the picker: the user's choice becomes the selected project."""
    select_project(st.session_state[PICKER_KEY])


def project_key(key: str, project_id: int) -> str:
    """A session key for UI state that belongs to one project (e.g. the id of its import job)."""
    return f"{key}.project{project_id}"


def current_project(wb: Workbench) -> ProjectInfo | None:
    """The selected project: session, then the URL, then the most recently active one."""
    projects = list_projects(wb)
    known = {p.id: p for p in projects}
    candidates = [selected_project_id(), _query_project_id()]
    for candidate in candidates:
        if candidate in known:
            if candidate != selected_project_id():
                select_project(candidate)
            return known[candidate]
    if not projects:
        select_project(None)
        return None
    select_project(projects[0].id)
    return projects[0]


def _query_project_id() -> int | None:
    raw = st.query_params.get("project")
    return int(raw) if raw and raw.isdigit() else None


def require_project() -> tuple[Workbench, ProjectInfo]:
    """The workbench and the selected project; a stage page stops here with a hint if there is none."""
    wb = workbench()
    project = current_project(wb)
    if project is None:
        st.info("Create or pick a project first (Projects page).", icon=":material/info:")
        st.stop()
    return wb, project


def page_caption(project: ProjectInfo, question: str) -> None:
    """The stage page's subtitle: the project's name (escaped: it is user text) and the question."""
    st.caption(f"**{escape_markdown(project.name)}** — {question}")
