"""Train page: start a preset as a job, leaderboard with baselines, champion, re-run, scoring."""

from __future__ import annotations

from app.context import open_workbench
from app.jobs import list_jobs
from app.jobs.runner import run_in_foreground
from app.services import training
from app.services.demo import ensure_demo_project
from app.services.projects import create_project

TRAIN_PAGE = "../pages/train.py"


def _open(app, project_id: int):  # type: ignore[no-untyped-def]
    at = app()
    at.session_state["wb.project_id"] = project_id
    at.run()
    at.switch_page(TRAIN_PAGE).run()
    assert not at.exception, at.exception
    return at


def test_project_without_data_is_told_what_is_missing(app) -> None:  # type: ignore[no-untyped-def]
    project = create_project(open_workbench(), "Empty")
    at = _open(app, project.id)
    assert any("has no data yet" in e.value for e in at.error)


def test_custom_training_job_fills_the_leaderboard(app) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = _open(app, project.id)
    at.radio(key="wb.train.preset").set_value("custom").run()
    at.multiselect(key="wb.train.models").set_value(["tree"])
    at.number_input(key="wb.train.folds").set_value(3)
    at.button(key="wb.train.start").click().run()
    wb = open_workbench()
    job = list_jobs(wb, project_id=project.id, kind=training.TRAIN_KIND)[0]
    finished = run_in_foreground(wb, job.id)
    assert finished.status == "succeeded", finished.error
    at.run()
    assert not at.exception
    board = next(df.value for df in at.dataframe if "rank" in df.value.columns)
    assert {"Baseline (class shares / mean)", "Logistic regression"} <= {
        m.rstrip(" ★") for m in board["model"]
    }
    values = board["expected_value"].str.replace(",", "").astype(float)
    assert values.is_monotonic_decreasing
    at.button(key="wb.train.champion").click().run()
    assert training.champion(wb, project.id).is_champion


def test_rerun_reproduces_the_scores(app) -> None:  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    wb = open_workbench()
    plan = training.TrainPlan(preset="custom", models=("tree",), folds=3)
    run_in_foreground(wb, training.submit_training(wb, project.id, plan))
    original = next(r for r in training.list_runs(wb, project.id) if r.model_key == "tree")
    at = _open(app, project.id)
    at.selectbox(key="wb.train.selected").select(original.id)
    at.button(key="wb.train.rerun").click().run()
    job = list_jobs(wb, project_id=project.id, kind=training.RERUN_KIND)[0]
    done = run_in_foreground(wb, job.id)
    assert done.status == "succeeded" and done.result["identical"] is True
    rerun = training.get_run(wb, done.result["run_id"])
    assert rerun.cv_mean == original.cv_mean and rerun.scores == original.scores
    assert rerun.rerun_of == original.id
