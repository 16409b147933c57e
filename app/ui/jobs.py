"""Job progress panel: bar, message, elapsed time and Cancel, polling without freezing the page."""

from __future__ import annotations

import streamlit as st

from app.context import Workbench
from app.jobs import JobInfo, get_job
from app.jobs.worker import worker_running
from app.services.jobs import cancel_job
from app.services.team.members import display_names, name_of
from app.services.team.rights import Right
from app.ui import state
from core.report import escape_markdown

POLL_SECONDS = 1.0


def _elapsed(info: JobInfo) -> str:
    seconds = int(info.elapsed_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"


def job_panel(wb: Workbench, job_id: int) -> JobInfo:
    """Show a job; while it is active the panel refreshes itself every second."""
    info = get_job(wb, job_id)
    if info.is_active:
        _live_panel(wb, job_id, may_cancel=may_cancel(wb, info))
    else:
        finished_message(info)
    return info


def may_cancel(wb: Workbench, info: JobInfo) -> bool:
    """Cancelling changes the project (a viewer may not); a workspace job needs the admin."""
    if info.project_id is None:
        return Right.ADMIN in state.rights(wb, None)
    return state.can_edit(wb, info.project_id)


@st.fragment(run_every=POLL_SECONDS)
def _live_panel(wb: Workbench, job_id: int, *, may_cancel: bool = True) -> None:
    info = get_job(wb, job_id)
    if not info.is_active:
        st.rerun(scope="app")  # let the page redraw with the result
    label = f"{info.title} — {info.message}" if info.message else info.title
    st.progress(min(max(info.progress, 0.0), 1.0), text=label)
    left, right = st.columns([4, 1])
    if info.status == "queued" and not worker_running(wb):
        left.warning(
            "Queued, but no worker is running. Start the app with `workbench ui` "
            "(it starts one), or run `workbench worker` in a terminal.",
            icon=":material/hourglass_empty:",
        )
    else:
        left.caption(
            f"{info.status.capitalize()} · {_elapsed(info)} elapsed{_started_by(wb, info)}"
        )
    if right.button(
        "Cancel",
        key=f"wb.job.cancel.{job_id}",
        disabled=info.cancel_requested or not may_cancel,
        icon=":material/stop:",
    ):
        cancel_job(wb, job_id)
        st.rerun(scope="fragment")


def finished_message(info: JobInfo) -> None:
    text = f"**{escape_markdown(info.title)}** — {escape_markdown(info.message)} ({_elapsed(info)})"
    if info.status == "succeeded":
        st.success(text, icon=":material/check_circle:")
    elif info.status == "cancelled":
        st.warning(text, icon=":material/cancel:")
    else:
        st.error(text, icon=":material/error:")


def _started_by(wb: Workbench, info: JobInfo) -> str:
    """On a team server, whose job this is (several people share one worker)."""
    if not wb.settings.team_mode or not info.submitted_by:
        return ""
    return f" · started by {escape_markdown(name_of(info.submitted_by, display_names(wb)))}"
