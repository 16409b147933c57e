"""Comments beside a stage: a conversation, oldest first, and a box to add one."""

from __future__ import annotations

import streamlit as st

from app.context import Workbench
from app.services.team import comments
from app.services.team.rights import Right
from app.ui import state
from app.ui.feedback import attempt
from core.report import escape_markdown


def comments_panel(wb: Workbench, project_id: int, stage: str, *, subject: str = "") -> None:
    """An expander with the stage's comments (of ``subject`` when given: e.g. ``run:12``)."""
    found = comments.list_comments(wb, project_id, stage, subject=subject)
    label = f"Comments ({len(found)})" if found else "Comments"
    with st.expander(label, icon=":material/forum:", expanded=bool(found) and len(found) <= 3):
        for item in found:
            about = f" · on {escape_markdown(item.subject)}" if item.subject else ""
            st.caption(
                f"**{escape_markdown(item.author_name)}** · "
                f"{item.created_at:%Y-%m-%d %H:%M} UTC{about}"
            )
            st.text(item.text)  # user text: shown as text, never as Markdown
        allowed = Right.COMMENT in state.rights(wb, project_id)
        key = f"wb.comments.{stage}.{subject or 'stage'}"
        with st.form(key, clear_on_submit=True, border=False):
            text = st.text_area(
                "Add a comment", key=f"{key}.text", height=80, disabled=not allowed,
                placeholder="e.g. Signed off: the payoff matches finance's numbers.",
            )  # fmt: skip
            if st.form_submit_button("Post", icon=":material/send:", disabled=not allowed):
                posted = attempt(
                    lambda: comments.add_comment(wb, project_id, stage, text, subject=subject)
                )
                if posted is not None:
                    st.rerun()
        if not allowed:
            st.caption("Commenting needs the editor role or the approver right.")
