"""Entry script: one router over pages/, project picker and stage stepper in the sidebar."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` puts app/ first, not the repo
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app.services.stages import built_stages  # noqa: E402
from app.ui import sidebar, signin, state  # noqa: E402

st.set_page_config(
    page_title="Lifecycle Workbench",
    page_icon=":material/conversion_path:",
    layout="wide",
    initial_sidebar_state="expanded",
)

sidebar.open_server_banner()
wb = state.workbench()
project = state.current_project(wb)

home = st.Page(ROOT / "pages" / "home.py", title="Projects", icon=":material/home:", default=True)
team = st.Page(ROOT / "pages" / "team.py", title="Team", icon=":material/groups:", url_path="team")
stage_pages = {
    stage.key: st.Page(
        ROOT / "pages" / stage.page, title=stage.title, icon=stage.icon, url_path=stage.key
    )
    for stage in built_stages()
}
navigation = st.navigation([home, team, *stage_pages.values()], position="hidden")

st.sidebar.markdown("### :material/conversion_path: Lifecycle Workbench")
st.sidebar.page_link(home, label="All projects", icon=":material/home:")
sidebar.project_picker(wb, project)
if project is not None:
    st.sidebar.page_link(team, label="Team & activity", icon=":material/groups:")
sidebar.stepper(wb, project, stage_pages)
signin.user_menu(wb)

navigation.run()
