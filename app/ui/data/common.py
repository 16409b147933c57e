"""Shared pieces of the Data and Explore pages: the version picker and cached frames."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Workbench, open_workbench
from app.services import datasets
from app.services.datasets import VersionInfo
from app.ui.labels import Labels

VERSION_KEY = "wb.data.version_id"
_PENDING_KEY = "wb.data.version_id.next"


@st.cache_data(max_entries=4, show_spinner="Loading the data…")
def _cached_frame(version_id: int, sha256: str, home: str) -> pd.DataFrame:
    """Keyed by content hash and home, so two users' projects never share an entry."""
    wb = open_workbench()
    return datasets.load_frame(wb, datasets.get_version(wb, version_id))


def frame_of(wb: Workbench, version: VersionInfo) -> pd.DataFrame:
    """The version's table; callers get their own copy (st.cache_data)."""
    return _cached_frame(version.id, version.sha256, str(wb.settings.home))


def version_picker(
    wb: Workbench, project_id: int, *, label: str = "Dataset version"
) -> VersionInfo | None:
    """Select a version (newest by default); None when the project has no data yet."""
    versions = datasets.list_versions(wb, project_id)
    if not versions:
        return None
    by_id = {v.id: v for v in versions}
    pending = st.session_state.pop(_PENDING_KEY, None)
    if pending in by_id:
        st.session_state[VERSION_KEY] = pending
    if st.session_state.get(VERSION_KEY) not in by_id:
        st.session_state[VERSION_KEY] = versions[0].id
    chosen = st.selectbox(
        label,
        list(by_id),
        format_func=Labels.of({v.id: v.label for v in versions}),
        key=VERSION_KEY,
    )
    return by_id[chosen]


def select_version_next(version_id: int | None) -> None:
    """Show ``version_id`` in the picker from the next rerun on (e.g. after an import)."""
    if version_id is not None:
        st.session_state[_PENDING_KEY] = version_id
