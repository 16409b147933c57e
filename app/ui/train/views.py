"""Train page views: start training (preset or custom), leaderboard, runs, compare, score a file."""

from __future__ import annotations

import dataclasses

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app.context import Workbench, open_workbench
from app.jobs import list_jobs
from app.jobs.worker import ensure_worker
from app.services import scoring, training
from app.services.training import RunInfo, TrainPlan
from app.ui.feedback import attempt
from app.ui.jobs import job_panel
from app.ui.labels import Labels
from app.ui.team.comments import comments_panel
from app.ui.train import sensitive as train_sensitive
from core import metrics, train
from core.figure_style import style_figure
from core.goal import Goal
from core.report import csv_bytes, escape_markdown
from core.train import zoo

PRESETS = {
    "quick": "Quick — light models, about a minute on the demo; big data on a 50,000-row stratified sample",
    "thorough": "Thorough — the whole zoo on all rows, each tuned for up to 60 s (Optuna)",
    "custom": "Custom — pick models and settings",
}


@st.cache_data(max_entries=4, show_spinner="Preparing the training rows…")
def _cached_context(project_id: int, key: str, home: str) -> training.TrainingContext:

    return training.training_context(open_workbench(), project_id)


def training_context(wb: Workbench, project_id: int) -> training.TrainingContext:
    """The training rows, rebuilt only when data, settings, split or goal changed (not per click)."""
    key = training.context_key(wb, project_id)
    if key is None:
        return training.training_context(wb, project_id)  # raises the "no data yet" message
    return _cached_context(project_id, key, str(wb.settings.home))


def start_section(
    wb: Workbench, project_id: int, ctx: training.TrainingContext, *, read_only: bool = False
) -> None:
    task, rows = ctx.schema.task or "binary", len(ctx.frame)
    preset = st.radio(
        "Preset", list(PRESETS), format_func=Labels.of(PRESETS), key="wb.train.preset"
    )
    plan = TrainPlan(preset=preset)
    if preset == "custom":
        plan = _custom_plan(task, rows)
    elif preset == "quick" and rows > training.QUICK_SAMPLE_ROWS:
        st.caption(
            f"{rows:,} training rows: Quick trains on a stratified sample of {training.QUICK_SAMPLE_ROWS:,}."
        )
    st.caption(
        "Baselines always come first and stay on the leaderboard: a dummy model, the Goal page's "
        "rule (if any) and a linear model. The held-out test rows are not used here."
    )
    plan = dataclasses.replace(
        plan,
        include_sensitive=train_sensitive.inputs_section(wb, project_id, ctx, read_only=read_only),
    )
    start = st.button(
        "Start training", type="primary", key="wb.train.start", icon=":material/play_arrow:",
        disabled=read_only,
    )  # fmt: skip
    if train_sensitive.compare_button(ctx, read_only=read_only):
        plan, start = dataclasses.replace(plan, compare_sensitive=True), True
    if start:
        job_id = attempt(lambda: training.submit_training(wb, project_id, plan))
        if job_id is not None:
            if wb.settings.autostart_worker:
                ensure_worker(wb)
            st.rerun()
    jobs = list_jobs(wb, project_id=project_id, kind=training.TRAIN_KIND, limit=1)
    if jobs:
        job_panel(wb, jobs[0].id)


def _custom_plan(task: str, rows: int) -> TrainPlan:
    available = [k for k in zoo.models_for(task, rows=rows) if k != "dummy"]
    names = Labels.of({k: zoo.ZOO[k].name for k in zoo.ZOO})
    models = st.multiselect(
        "Models", available, default=available[:3], format_func=names, key="wb.train.models"
    )
    cols = st.columns(4)
    folds = int(cols[0].number_input("Folds", 2, 20, 5, key="wb.train.folds"))
    seed = int(cols[1].number_input("Seed", 0, 1_000_000, 0, key="wb.train.seed"))
    tuning = cols[2].selectbox("Tuning", ["none", "trials", "seconds"], key="wb.train.tuning")
    budget = cols[3].number_input(
        "Budget per model", 1, 3600, 20, key="wb.train.budget", disabled=tuning == "none"
    )
    left, right = st.columns(2)
    ensemble = left.toggle("Add a soft-voting ensemble of the best 3", key="wb.train.ensemble")
    balanced = right.toggle(
        "Balance classes (class weights)", key="wb.train.balanced", disabled=task == "regression"
    )
    return TrainPlan(
        preset="custom", models=tuple(models), folds=folds, seed=seed,
        tune_trials=int(budget) if tuning == "trials" else None,
        tune_seconds=float(budget) if tuning == "seconds" else None,
        class_weight="balanced" if balanced else None, ensemble=ensemble,
    )  # fmt: skip


def leaderboard_section(wb: Workbench, project_id: int, goal: Goal | None) -> list[RunInfo]:
    board = training.leaderboard(wb, project_id)
    if not board:
        st.info("No runs yet on the newest dataset version.", icon=":material/leaderboard:")
        return board
    metric = board[0].metric
    info = train.METRICS.get(metric)
    money = metric == "expected_value" and goal is not None
    headline = f"Ranked by **{metrics.metric_label(metric)}** (`{metric}`)"
    if money:
        headline += (
            f" — expected business value per month at each model's best threshold ({goal.currency})"
        )
    st.markdown(headline + ("" if info is None or info.greater_is_better else " (lower is better)"))
    rows = []
    compared = any(training.SENSITIVE_TAG in run.tags for run in board)
    for rank, run in enumerate(board, start=1):
        row = {
            "rank": rank,
            "run": run.id,
            "model": run.model_name + (" ★" if run.is_champion else ""),
            "kind": run.kind,
            metric: metrics.format_score(metric, run.cv_mean),
            "± std": metrics.format_score(metric, run.cv_std),
        }
        if compared:
            row["sensitive inputs"] = run.tags.get(training.SENSITIVE_TAG, "—")
        for key in ("roc_auc", "pr_auc", "f1", "log_loss", "rmse", "mae", "r2"):
            if key in run.scores and key != metric:
                row[key] = run.scores[key]
        row |= {
            "fit s": round(run.fit_seconds, 2),
            "ms / 1k rows": round(run.predict_ms_per_1k, 1),
            "size MB": round(run.size_bytes / 1e6, 2),
            "cannot ship because": "; ".join(run.flags.values()),
            "from job": run.from_incomplete_job or "",
        }
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    incomplete = sorted({r.from_incomplete_job for r in board if r.from_incomplete_job})
    if incomplete:
        st.warning(
            f'Runs marked in "from job" were saved by a training job that did not finish '
            f"({', '.join(incomplete)}): they are never the champion by default. Train again, or "
            'pick one and press "Mark as champion" if you trust it.',
            icon=":material/warning:",
        )
    train_sensitive.cost_section(board, goal)
    st.plotly_chart(_fold_box(board, metric), key="wb.train.folds_chart")
    return board


def _fold_box(board: list[RunInfo], metric: str) -> go.Figure:
    figure = go.Figure()
    for run in board:
        values = [
            f["scores"].get(metric)
            for f in run.folds.get("folds", [])
            if f["scores"].get(metric) is not None
        ]
        figure.add_trace(
            go.Box(y=values, name=f"{run.model_name} (run {run.id})", boxpoints="all", jitter=0.3)
        )
    figure.update_layout(showlegend=False, height=380)
    return style_figure(
        figure, f"{metric} per fold — the spread shows how much to trust a difference"
    )


def run_actions(wb: Workbench, board: list[RunInfo], *, read_only: bool = False) -> None:
    """The selected run: champion, re-run, notes and tags, its details and its comments."""
    labels = Labels.of(
        {
            r.id: f"run {r.id} · {r.model_name} · {r.metric} {metrics.format_score(r.metric, r.cv_mean)}"
            for r in board
        }
    )
    run_id = st.selectbox("Run", [r.id for r in board], format_func=labels, key="wb.train.selected")
    run = next(r for r in board if r.id == run_id)
    train_sensitive.run_inputs_line(run)
    cols = st.columns(3)
    if cols[0].button(
        "Mark as champion",
        key="wb.train.champion",
        icon=":material/star:",
        disabled=read_only or run.is_champion,
    ):
        training.set_champion(wb, run.id)
        st.toast(f"Run {run.id} is the champion.", icon=":material/star:")
        st.rerun()
    if cols[1].button(
        "Re-run (check reproducibility)", key="wb.train.rerun", icon=":material/replay:",
        disabled=read_only,
    ):  # fmt: skip
        training.submit_rerun(wb, run.id)
        if wb.settings.autostart_worker:
            ensure_worker(wb)
        st.rerun()
    with (
        cols[2].popover("Notes and tags", icon=":material/edit_note:"),
        st.form(f"wb.train.notes.{run.id}"),
    ):
        notes = st.text_area(
            "Notes", value=run.notes, key=f"wb.train.notes.text.{run.id}", disabled=read_only
        )
        tags = st.text_input(
            "Tags (comma-separated)",
            value=", ".join(run.tags.get("labels", [])),
            key=f"wb.train.tags.{run.id}",
            disabled=read_only,
        )
        if st.form_submit_button("Save", disabled=read_only):
            training.update_run_notes(
                wb,
                run.id,
                notes=notes,
                tags={"labels": [t.strip() for t in tags.split(",") if t.strip()]},
            )
            st.rerun()
    rerun = list_jobs(wb, project_id=run.project_id, kind=training.RERUN_KIND, limit=1)
    if rerun:
        job_panel(wb, rerun[0].id)
    with st.expander(f"Details of run {run.id}"):
        st.json(run.to_json(), expanded=False)
    st.caption(f"A reviewer's notes on run {run.id}:")
    comments_panel(wb, run.project_id, "train", subject=f"run:{run.id}")


def runs_section(wb: Workbench, project_id: int) -> None:
    runs = training.list_runs(wb, project_id)
    if not runs:
        st.caption("No runs yet.")
        return
    kinds = sorted({r.kind for r in runs})
    models = sorted({r.model_key for r in runs})
    left, right = st.columns(2)
    chosen_kinds = left.multiselect("Kind", kinds, default=kinds, key="wb.train.runs.kinds")
    chosen_models = right.multiselect("Model", models, default=models, key="wb.train.runs.models")
    shown = [r for r in runs if r.kind in chosen_kinds and r.model_key in chosen_models]
    table = pd.DataFrame(
        [
            {"run": r.id, "model": r.model_name, "kind": r.kind, "data": f"v{r.snapshot.get('dataset_version', '?')}",
             "metric": r.metric, "cv mean": r.cv_mean, "cv std": r.cv_std, "seed": r.settings.get("seed"),
             "re-run of": r.rerun_of, "created (UTC)": r.created_at.strftime("%Y-%m-%d %H:%M"), "notes": r.notes}
            for r in shown
        ]
    )  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch")
    if len(shown) >= 2:
        st.markdown("##### Compare two runs")
        labels = Labels.of({r.id: f"run {r.id} · {r.model_name}" for r in shown})
        left, right = st.columns(2)
        a = left.selectbox(
            "Run A", [r.id for r in shown], index=0, format_func=labels, key="wb.train.cmp.a"
        )
        b = right.selectbox(
            "Run B", [r.id for r in shown], index=1, format_func=labels, key="wb.train.cmp.b"
        )
        diff = training.compare_runs(training.get_run(wb, a), training.get_run(wb, b))
        only = st.toggle("Only differences", value=True, key="wb.train.cmp.only")
        st.dataframe(diff[diff["differs"]] if only else diff, hide_index=True, width="stretch")


def score_section(wb: Workbench, project_id: int, board: list[RunInfo]) -> None:
    if not board:
        st.caption("Train a model first.")
        return
    champion = training.champion(wb, project_id)
    ids = [r.id for r in board]
    labels = Labels.of({r.id: f"run {r.id} · {r.model_name}" for r in board})
    run_id = st.selectbox(
        "Model", ids, index=ids.index(champion.id) if champion and champion.id in ids else 0,
        format_func=labels, key="wb.train.score.run",
    )  # fmt: skip
    upload = st.file_uploader(
        "File to score (same columns as the training data)", key="wb.train.score.file"
    )
    if upload is None:
        return
    result = attempt(
        lambda: scoring.score_content(
            wb, training.get_run(wb, run_id), upload.getvalue(), filename=upload.name
        )
    )
    if result is None:
        return
    st.success(escape_markdown(result.summary), icon=":material/check_circle:")
    for problem in result.problems[:20]:
        st.caption(f":material/warning: {escape_markdown(problem)}")
    st.dataframe(result.frame.head(200), hide_index=True)
    st.download_button(
        "Download scored rows (CSV)", csv_bytes(result.frame), f"scored-{upload.name.rsplit('.', 1)[0]}.csv",
        "text/csv", icon=":material/download:", key="wb.train.score.download",
    )  # fmt: skip
