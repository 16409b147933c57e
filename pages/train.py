"""Train: baselines first, then the model zoo; a leaderboard ranked by the goal's metric."""

import streamlit as st

from app.ui import state
from app.ui.feedback import attempt
from app.ui.team.comments import comments_panel
from app.ui.train import views as train_views
from core.report import code_span, escape_markdown

wb, project = state.require_project()

st.title(":material/model_training: Train")
state.page_caption(project, "which model earns the most, beyond the baselines?")
state.read_only_notice(wb, project.id)
read_only = not state.can_edit(wb, project.id)
ctx = attempt(lambda: train_views.training_context(wb, project.id))
if ctx is None:
    st.info(
        "Training needs data with a target and a frozen split (Data page).",
        icon=":material/database:",
    )
    st.stop()
st.caption(
    f"Dataset v{ctx.version.version}: {len(ctx.frame):,} training rows · target "
    f"{code_span(ctx.schema.target)} ({ctx.schema.task}) · {escape_markdown(ctx.split_description)} · test rows are held out for the Evaluate stage."
)

tabs = st.tabs(["Train", "Leaderboard", "Runs", "Score a file"])
with tabs[0]:
    train_views.start_section(wb, project.id, ctx, read_only=read_only)
with tabs[1]:
    board = train_views.leaderboard_section(wb, project.id, ctx.goal)
    if board:
        train_views.run_actions(wb, board, read_only=read_only)
with tabs[2]:
    train_views.runs_section(wb, project.id)
with tabs[3]:
    train_views.score_section(wb, project.id, board)
comments_panel(wb, project.id, "train")
