"""Team mode's door: sign in through the company's identity provider (Streamlit's ``st.login``).

Local mode has no door (one implicit person). In team mode nobody past this point is
anonymous: the page acts for the signed-in person, whose e-mail is their identity.
"""

from __future__ import annotations

import streamlit as st

from app.actors import Actor, user_actor
from app.context import Workbench
from app.services.team import members
from app.services.team.rights import is_admin

SIGNED_IN_KEY = "wb.signin.recorded"  # the actor key whose sign-in this session recorded


def auth_configured() -> bool:
    """True when the server has an ``[auth]`` section (Streamlit's secrets)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError):  # no secrets file at all
        return False


def signed_in_actor(wb: Workbench) -> Actor:
    """The signed-in person; otherwise draw the sign-in page and stop the script."""
    if not st.user.is_logged_in:
        _sign_in_page()
        st.stop()
    email = str(st.user.get("email") or "").strip()
    if not email:
        st.error(
            "The identity provider did not give an e-mail address, which is how this "
            "workbench knows people. Ask your administrator to add the `email` scope.",
            icon=":material/error:",
        )
        st.button("Sign out", on_click=st.logout)
        st.stop()
    actor = user_actor(email, str(st.user.get("name") or ""))
    if st.session_state.get(SIGNED_IN_KEY) != actor.key:
        members.signed_in(wb, actor)
        st.session_state[SIGNED_IN_KEY] = actor.key
    return actor


def _sign_in_page() -> None:
    st.title(":material/conversion_path: Lifecycle Workbench")
    st.markdown("This workbench is shared by a team. Sign in with your company account.")
    if not auth_configured():
        st.error(
            "Sign-in is not configured on this server: its `.streamlit/secrets.toml` has no "
            "`[auth]` section (README: Team mode).",
            icon=":material/error:",
        )
        return
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)


def user_menu(wb: Workbench) -> None:
    """Sidebar: who is signed in (and whether they are the admin), and Sign out."""
    if not wb.settings.team_mode:
        return
    actor = wb.actor
    badge = "  :violet-badge[admin]" if is_admin(wb) else ""
    st.sidebar.caption(":material/account_circle: Signed in as")
    st.sidebar.text(actor.label)
    if badge:
        st.sidebar.caption(badge.strip())
    st.sidebar.button("Sign out", key="wb.signout", icon=":material/logout:", on_click=st.logout)
