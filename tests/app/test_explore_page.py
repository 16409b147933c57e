"""Explore page: overview, every chart tab with defaults, full report job, notes."""

from __future__ import annotations

from app.context import open_workbench
from app.jobs import list_jobs
from app.jobs.runner import run_in_foreground
from app.services import datasets, explore
from app.services.demo import ensure_demo_project

EXPLORE_PAGE = "../pages/explore.py"


def _open(app):  # type: ignore[no-untyped-def]
    project, _ = ensure_demo_project(open_workbench())
    at = app()
    at.session_state["wb.project_id"] = project.id
    at.run()
    at.switch_page(EXPLORE_PAGE).run()
    assert not at.exception, at.exception
    return at, project


def test_overview_and_every_chart_tab_render(app) -> None:  # type: ignore[no-untyped-def]
    at, _project = _open(app)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows"] == "7,000" and metrics["Columns"] == "21"
    overview = at.dataframe[0].value
    assert set(overview["column"]) >= {"churned", "tenure_months", "gender"}
    charts = at.get("plotly_chart")
    assert (
        len(charts) >= 8
    )  # distribution, box, missing x2, correlations x2, target, pair, time?, split
    assert at.selectbox(key="wb.explore.dist.column").value == "signup_date"  # first non-ID column


def test_distribution_controls_change_the_chart(app) -> None:  # type: ignore[no-untyped-def]
    at, _project = _open(app)
    at.selectbox(key="wb.explore.dist.column").select("monthly_charges")
    at.slider(key="wb.explore.dist.bins").set_value(12).run()
    assert not at.exception
    assert any(m.label == "Skewness" for m in at.metric)


def test_full_report_runs_as_a_job_and_shows_alerts(app) -> None:  # type: ignore[no-untyped-def]
    at, project = _open(app)
    at.toggle(key="wb.explore.report.minimal").set_value(True).run()
    at.button(key="wb.explore.report.start").click().run()
    wb = open_workbench()
    job = list_jobs(wb, project_id=project.id, kind=explore.PROFILE_KIND)[0]
    assert run_in_foreground(wb, job.id).status == "succeeded"
    at.run()
    assert not at.exception
    assert any("Report ready" in s.value for s in at.success)
    assert any(b.label == "Download the full report (HTML)" for b in at.get("download_button"))


def test_notes_are_saved_with_the_version(app) -> None:  # type: ignore[no-untyped-def]
    at, project = _open(app)
    version = datasets.list_versions(open_workbench(), project.id)[0]
    at.text_area(key=f"wb.explore.notes.text.{version.id}").input(
        "Churn is highest in the first 6 months."
    )
    next(b for b in at.button if b.label == "Save notes").click().run()
    assert (
        explore.get_note(open_workbench(), version.id) == "Churn is highest in the first 6 months."
    )
