"""The Members tab: who has which role; owners invite by e-mail and change roles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench
from app.services.projects import ProjectInfo
from app.services.team import members
from app.services.team.rights import RIGHT_WORDS, ROLE_RIGHTS, Right, Role
from app.ui import state
from app.ui.feedback import attempt

ROLE_HELP = {
    Role.OWNER: "everything, plus members, renaming and deleting the project",
    Role.EDITOR: "changes goal, data, training, evaluation, fairness, exports and monitoring",
    Role.VIEWER: "sees everything, changes nothing",
}


def members_tab(wb: Workbench, project: ProjectInfo) -> None:
    if not wb.settings.team_mode:
        st.info(
            "Local mode: one person, no sign-in, so there are no members to manage. "
            "A team server (README: Team mode) gives each person a role per project.",
            icon=":material/person:",
        )
        return
    manage = Right.MANAGE in state.rights(wb, project.id)
    people = members.list_members(wb, project.id)
    if people:
        st.dataframe(
            pd.DataFrame(
                {
                    "name": [m.name for m in people],
                    "e-mail": [m.email for m in people],
                    "role": [m.role for m in people],
                    "approver": ["yes" if m.can_approve else "" for m in people],
                    "status": ["active" if m.has_signed_in else "invited" for m in people],
                    "added by": [m.added_by for m in people],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("No members yet: the workspace admin sees this project.")
    with st.expander("What each role may do", icon=":material/help:"):
        for role, words in ROLE_HELP.items():
            st.markdown(f"- **{role.value}** — {words}")
        st.markdown(f"- **approver** (on top of any role) — may {RIGHT_WORDS[Right.APPROVE]}")
    if not manage:
        st.caption("Only an owner of the project (or the workspace admin) changes members.")
    left, right = st.columns(2)
    with left:
        _invite_form(wb, project, disabled=not manage)
    with right:
        _change_form(wb, project, people, disabled=not manage)


def _invite_form(wb: Workbench, project: ProjectInfo, *, disabled: bool) -> None:
    with st.form("wb.team.invite", clear_on_submit=True):
        st.markdown("**Invite by e-mail**")
        email = st.text_input("E-mail", key="wb.team.invite.email", disabled=disabled)
        role = st.selectbox(
            "Role", [r.value for r in ROLE_RIGHTS], index=2, key="wb.team.invite.role",
            disabled=disabled,
        )  # fmt: skip
        approver = st.checkbox(
            "Approver right (may approve promotions to production)",
            key="wb.team.invite.approver",
            disabled=disabled,
        )
        if st.form_submit_button("Invite", icon=":material/person_add:", disabled=disabled):
            added = attempt(
                lambda: members.invite(wb, project.id, email, role, can_approve=approver)
            )
            if added is not None:
                st.toast(f"Invited {added.email} as {added.role}.", icon=":material/check:")
                st.rerun()


def _change_form(
    wb: Workbench, project: ProjectInfo, people: list[members.MemberInfo], *, disabled: bool
) -> None:
    if not people:
        return
    st.markdown("**Change a member**")
    # The member is picked outside the form: a form does not rerun on a pick, and the role
    # and approver fields below must show the picked member's current values.
    emails = [m.email for m in people]
    email = st.selectbox("Member", emails, key="wb.team.change.email", disabled=disabled)
    current = next(m for m in people if m.email == email)
    with st.form(f"wb.team.change.{email}"):
        roles = [r.value for r in ROLE_RIGHTS]
        role = st.selectbox(
            "Role", roles, index=roles.index(current.role), key=f"wb.team.change.role.{email}",
            disabled=disabled,
        )  # fmt: skip
        approver = st.checkbox(
            "Approver right", value=current.can_approve,
            key=f"wb.team.change.approver.{email}", disabled=disabled,
        )  # fmt: skip
        save, remove = st.columns(2)
        if save.form_submit_button("Save", icon=":material/save:", disabled=disabled):
            changed = attempt(
                lambda: members.change_member(
                    wb, project.id, email, role=role, can_approve=approver
                )
            )
            if changed is not None:
                st.toast(f"{changed.email} is now {changed.role}.", icon=":material/check:")
                st.rerun()
        if remove.form_submit_button(
            "Remove from project", icon=":material/person_remove:", disabled=disabled
        ):
            if attempt(lambda: members.remove_member(wb, project.id, email)) is None:
                return
            st.toast(f"Removed {email}.", icon=":material/check:")
            st.rerun()


def workspace_people(wb: Workbench) -> None:
    """For the workspace admin: everyone who has signed in, and who the admins are."""
    if not wb.settings.team_mode or Right.ADMIN not in state.rights(wb, None):
        return
    people = members.list_users(wb)
    with st.expander(f"Everyone in this workspace ({len(people)})", icon=":material/badge:"):
        st.dataframe(
            pd.DataFrame(
                {
                    "name": [u.name for u in people],
                    "e-mail": [u.email for u in people],
                    "admin": [
                        "yes" if u.is_admin or u.email in wb.settings.admins else "" for u in people
                    ],
                    "first sign-in (UTC)": [f"{u.created_at:%Y-%m-%d %H:%M}" for u in people],
                    "last seen (UTC)": [f"{u.last_seen_at:%Y-%m-%d %H:%M}" for u in people],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "The first person to sign in is the admin unless the settings file names admins "
            "(`[team] admins = [...]`, README: Team mode)."
        )
