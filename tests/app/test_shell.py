"""The app shell: home page cards, project picker, stepper, create/rename/delete."""

from __future__ import annotations

from app.context import open_workbench
from app.services.demo import ensure_demo_project
from app.services.projects import create_project, list_projects
from tests.helpers.markdown import as_shown


def _texts(at) -> str:  # type: ignore[no-untyped-def]
    parts = (
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text]
    )
    return "\n".join(as_shown(str(p)) for p in parts)  # as a reader sees them


def test_empty_home_invites_to_create(app) -> None:  # type: ignore[no-untyped-def]
    at = app().run()
    assert not at.exception
    assert any("No projects yet" in i.value for i in at.info)


def test_demo_project_is_selected_and_stepper_shows_eight_stages(app) -> None:  # type: ignore[no-untyped-def]
    ensure_demo_project(open_workbench())
    at = app().run()
    assert not at.exception
    assert at.sidebar.selectbox(key="wb.sidebar.project").value is not None
    links = [link.proto.label for link in at.sidebar.get("page_link")]
    sidebar_text = "\n".join([m.value for m in at.sidebar.markdown] + links)
    for number, title in enumerate(
        ["Goal", "Data", "Explore", "Train", "Evaluate", "Fairness", "Export", "Monitor"], start=1
    ):
        assert f"{number}. {title}" in sidebar_text
    assert "Customer churn (demo)" in _texts(at)
    assert "1. Goal" in links and "8. Monitor" in links  # every stage is built: all link


def test_create_project_from_the_form(app) -> None:  # type: ignore[no-untyped-def]
    at = app().run()
    at.text_input(key="wb.home.create.name").input("Fraud detection")
    at.text_area(key="wb.home.create.description").input("Flag card fraud")
    at.button[0].click()  # the form's submit button is the first button on an empty home
    at.run()
    assert not at.exception
    assert [p.name for p in list_projects(open_workbench())] == ["Fraud detection"]
    assert at.session_state["wb.project_id"] == list_projects(open_workbench())[0].id


def test_create_with_blank_name_shows_message_not_traceback(app) -> None:  # type: ignore[no-untyped-def]
    at = app().run()
    at.text_input(key="wb.home.create.name").input("   ")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert any("needs a name" in e.value for e in at.error)
    assert list_projects(open_workbench()) == []


def test_select_another_project_in_the_sidebar(app) -> None:  # type: ignore[no-untyped-def]
    wb = open_workbench()
    first = create_project(wb, "First")
    second = create_project(wb, "Second")
    at = app().run()
    at.sidebar.selectbox(key="wb.sidebar.project").select(first.id).run()
    assert not at.exception
    assert at.session_state["wb.project_id"] == first.id
    assert second.id != first.id


def test_delete_requires_the_exact_name(app) -> None:  # type: ignore[no-untyped-def]
    wb = open_workbench()
    project = create_project(wb, "Doomed")
    at = app().run()
    at.text_input(key=f"wb.home.delete.confirm.{project.id}").input("doomed?")
    _submit_of(at, f"wb.home.delete.{project.id}").click()
    at.run()
    assert any("type its exact name" in e.value for e in at.error)
    assert [p.name for p in list_projects(wb)] == ["Doomed"]
    at.text_input(key=f"wb.home.delete.confirm.{project.id}").input("Doomed")
    _submit_of(at, f"wb.home.delete.{project.id}").click()
    at.run()
    assert not at.exception
    assert list_projects(wb) == []


def test_rename_project(app) -> None:  # type: ignore[no-untyped-def]
    wb = open_workbench()
    project = create_project(wb, "Old name")
    at = app().run()
    at.text_input(key=f"wb.home.rename.name.{project.id}").input("New name")
    _submit_of(at, f"wb.home.rename.{project.id}").click()
    at.run()
    assert not at.exception
    assert [p.name for p in list_projects(wb)] == ["New name"]


def test_maintenance_job_can_be_started(app) -> None:  # type: ignore[no-untyped-def]
    at = app().run()
    at.button(key="wb.home.maintenance.verify_artifacts").click().run()
    assert not at.exception
    from app.jobs import list_jobs

    jobs = list_jobs(open_workbench())
    assert [j.kind for j in jobs] == ["maintenance.verify_artifacts"]


def _submit_of(at, form_key: str):  # type: ignore[no-untyped-def]
    """The submit button of the form with ``form_key``."""
    for button in at.get("button"):
        if getattr(button, "form_id", None) == form_key:
            return button
    raise AssertionError(f"no submit button in form {form_key}")


def _picked(at) -> int:  # type: ignore[no-untyped-def]
    return at.sidebar.selectbox(key="wb.sidebar.project").value


def test_open_on_another_card_switches_and_stays(app) -> None:  # type: ignore[no-untyped-def]
    wb = open_workbench()
    first = create_project(wb, "First")
    second = create_project(wb, "Second")
    at = app().run()
    at.sidebar.selectbox(key="wb.sidebar.project").select(first.id).run()
    assert at.session_state["wb.project_id"] == first.id
    at.button(key=f"wb.home.open.{second.id}").click().run()
    assert not at.exception, at.exception
    assert (at.session_state["wb.project_id"], _picked(at)) == (second.id, second.id)
    at.run()  # the next rerun (e.g. an upload) must not fall back to the old project
    assert (at.session_state["wb.project_id"], _picked(at)) == (second.id, second.id)


def test_create_project_switches_to_it(app) -> None:  # type: ignore[no-untyped-def]
    first = create_project(open_workbench(), "First")
    at = app().run()
    assert _picked(at) == first.id
    at.text_input(key="wb.home.create.name").input("Second")
    _submit_of(at, "wb.home.create").click()
    at.run()
    assert not at.exception, at.exception
    second = next(p for p in list_projects(open_workbench()) if p.name == "Second")
    assert (at.session_state["wb.project_id"], _picked(at)) == (second.id, second.id)
    at.run()
    assert (at.session_state["wb.project_id"], _picked(at)) == (second.id, second.id)
