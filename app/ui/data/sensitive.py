"""Data page: columns whose names look like sensitive attributes, offered as suggestions.

A guess is never applied: each suggested column stays a feature until the user accepts
(role "sensitive") or dismisses it (it does not come back for the project).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench
from app.services import data_config
from core.report import escape_markdown

CAPTION = (
    "Guessed from the column names only. **Accept** marks a column *sensitive*: the Fairness "
    "stage compares its groups, and the model does not use it as an input unless you turn on "
    "“Use sensitive attributes as inputs” on the Train page. **Dismiss** keeps it a feature."
)


def suggestions_section(
    wb: Workbench, project_id: int, frame: pd.DataFrame, target: str | None, *,
    read_only: bool = False,
) -> None:  # fmt: skip
    settings = data_config.get_settings(wb, project_id)
    suggested = data_config.suggested_sensitive(settings, frame, target=target)
    if not suggested:
        return
    with st.container(border=True):
        st.markdown("##### Suggested sensitive attributes")
        st.caption(CAPTION)
        for name, why in suggested.items():
            text, accept, dismiss = st.columns([4, 1, 1], vertical_alignment="center")
            text.text(f"{name} — {why}")  # user-provided names: plain text, never Markdown
            if accept.button("Accept", key=f"wb.data.sensitive.accept.{name}", disabled=read_only):
                data_config.accept_sensitive(wb, project_id, [name])
                st.toast(f"{escape_markdown(name)} is marked sensitive.", icon=":material/check:")
                st.rerun()
            if dismiss.button(
                "Dismiss", key=f"wb.data.sensitive.dismiss.{name}", disabled=read_only
            ):
                data_config.dismiss_sensitive(wb, project_id, [name])
                st.rerun()
