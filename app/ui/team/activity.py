"""The Activity tab: every change with who, when and what; filters; CSV download."""

from __future__ import annotations

from datetime import UTC, datetime, time

import streamlit as st

from app.context import Workbench
from app.services.projects import ProjectInfo
from app.services.team import activity


def activity_tab(wb: Workbench, project: ProjectInfo) -> None:
    everything = activity.list_activity(wb, project.id)
    if not everything:
        st.caption("Nothing recorded yet: changes appear here as people make them.")
        return
    people = sorted({e.actor for e in everything})
    names = {e.actor: e.actor_name for e in everything}
    areas = sorted({e.action.split(".", 1)[0] for e in everything})
    left, middle, right = st.columns([2, 2, 2])
    chosen_areas = left.multiselect(
        "Area", areas, format_func=activity.area_label, key="wb.activity.areas"
    )
    chosen_people = middle.multiselect(
        "Who", people, format_func=names.__getitem__, key="wb.activity.who"
    )
    first, last = everything[-1].at.date(), everything[0].at.date()
    period = right.date_input(
        "Between", value=(first, last), min_value=first, max_value=last, key="wb.activity.dates"
    )
    since, until = _bounds(period)
    entries = activity.list_activity(
        wb, project.id, areas=chosen_areas or None, actors=chosen_people or None,
        since=since, until=until,
    )  # fmt: skip
    st.caption(f"{len(entries):,} of {len(everything):,} entries, newest first (times in UTC).")
    st.dataframe(activity.activity_frame(entries), hide_index=True, width="stretch")
    st.download_button(
        "Download as CSV",
        activity.activity_csv(entries),
        file_name=f"activity-project-{project.id}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="wb.activity.csv",
    )


def _bounds(period: object) -> tuple[datetime | None, datetime | None]:
    """The date picker gives one date while the user picks the second: treat it as open."""
    if not isinstance(period, tuple) or not period:
        return None, None
    since = datetime.combine(period[0], time.min, tzinfo=UTC)
    until = datetime.combine(period[-1], time.max, tzinfo=UTC) if len(period) > 1 else None
    return since, until
