"""Team mode in the app: the sign-in gate, the Team page (members, activity) and four-eyes
promotion on the Export page, as different signed-in people (AppTest fakes ``st.user``).

Team mode runs on the test's SQLite home here (``Settings.check`` is patched for this module:
these tests are about who may do what); the browser test runs it on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.context import open_workbench
from app.jobs.runner import run_in_foreground
from app.services import export, projects, training
from app.services.team import activity, members, promotions
from app.settings import Settings
from tests.helpers.team import ADMIN, ANA, BEN, as_person

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
People = Callable[..., AppTest]


@pytest.fixture
def team_env(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_MODE", "team")
    monkeypatch.setattr(Settings, "check", lambda self: None)


@pytest.fixture
def signed_in(team_env: None) -> People:
    """``signed_in(ANA, page="../pages/team.py", project_id=1)``: the app as that person."""

    def make(person, *, page: str | None = None, project_id: int | None = None) -> AppTest:  # type: ignore[no-untyped-def]
        at = AppTest.from_file(MAIN, default_timeout=60)
        if person is not None:
            at.user = {"is_logged_in": True, "email": person.key, "name": person.name}
        else:
            at.user = {"is_logged_in": False}
        if project_id is not None:
            at.session_state["wb.project_id"] = project_id
        at.run()
        if page is not None:
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return make


def _admin():  # type: ignore[no-untyped-def]
    """The CLI admin, after Ana signed in first (so she, not Ben, is the workspace admin)."""
    as_person(open_workbench(), ANA)
    return open_workbench().acting_as(ADMIN)


def test_nobody_gets_past_the_sign_in_page(signed_in: People) -> None:
    at = signed_in(None)
    assert at.title[0].value.endswith("Lifecycle Workbench")
    assert "Sign in with your company account" in at.markdown[0].value
    assert "no `[auth]` section" in at.error[0].value  # the test server has no provider
    assert not at.sidebar.selectbox  # no project picker: nothing of the workspace shows


def test_owner_invites_a_viewer_on_the_members_tab_and_the_activity_tab_shows_it(
    signed_in: People,
) -> None:
    at = signed_in(ANA)  # first to sign in: the admin
    assert "Ana Lima <ana@example.com>" in [t.value for t in at.sidebar.text]
    project = projects.create_project(as_person(open_workbench(), ANA), "Churn")
    at = signed_in(ANA, page="../pages/team.py", project_id=project.id)
    at.text_input(key="wb.team.invite.email").input("ben@example.com")
    at.selectbox(key="wb.team.invite.role").select("viewer")
    at.button[[b.label for b in at.button].index("Invite")].click().run()
    assert not at.exception, at.exception
    people = {m.email: m.role for m in members.list_members(open_workbench(), project.id)}
    assert people == {"ana@example.com": "owner", "ben@example.com": "viewer"}
    table = at.dataframe[-1].value  # the Activity tab
    assert list(table["action"]) == ["member.invited", "project.created"]
    assert list(table["who"]) == ["Ana Lima", "Ana Lima"]
    # Changing Ben shows Ben's role (not the first member's) and saves only what was changed
    at.selectbox(key="wb.team.change.email").select("ben@example.com").run()
    assert at.selectbox(key="wb.team.change.role.ben@example.com").value == "viewer"
    at.checkbox(key="wb.team.change.approver.ben@example.com").check()
    at.button[[b.label for b in at.button].index("Save")].click().run()
    assert not at.exception, at.exception
    (ben_now,) = [
        m for m in members.list_members(open_workbench(), project.id) if m.email == BEN.key
    ]
    assert (ben_now.role, ben_now.can_approve) == ("viewer", True)
    # Ben sees the project, but the member forms are disabled for him
    ben = signed_in(BEN, page="../pages/team.py", project_id=project.id)
    assert ben.text_input(key="wb.team.invite.email").disabled
    assert "Only an owner" in " ".join(c.value for c in ben.caption)


def test_viewer_sees_the_goal_but_its_controls_are_disabled(signed_in: People) -> None:
    admin = _admin()
    project = projects.create_project(admin, "Churn")
    members.invite(admin, project.id, BEN.key, "viewer")
    at = signed_in(BEN, page="../pages/goal.py", project_id=project.id)
    assert "changes are disabled (your role is viewer)" in at.info[0].value
    assert at.text_input and all(t.disabled for t in at.text_input)
    assert all(t.disabled for t in at.text_area)


@pytest.fixture
def exported(trained_demo: str, team_env: None) -> tuple[int, int]:
    admin = _admin()
    project_id = projects.resolve_project(admin, trained_demo).id
    run = training.champion(admin, project_id)
    assert run is not None
    job = run_in_foreground(admin, export.submit_export(admin, run.id, claimed=True))
    assert job.status == "succeeded", job.error
    members.invite(admin, project_id, ANA.key, "owner")
    members.invite(admin, project_id, BEN.key, "viewer", can_approve=True)
    return project_id, int(job.result["registry_version"])


def test_request_on_the_export_page_and_another_person_approves(
    signed_in: People, exported: tuple[int, int]
) -> None:
    project_id, version = exported
    at = signed_in(ANA, page="../pages/export.py", project_id=project_id)
    stages = at.selectbox(key="wb.export.stage").options
    assert "Production" not in " ".join(stages)  # only through a request here
    at.text_area(key="wb.export.request.reason").input("+800 EUR/month")
    at.button[[b.label for b in at.button].index("Request approval")].click().run()
    assert not at.exception, at.exception
    (request,) = promotions.list_requests(open_workbench(), project_id, status="pending")
    assert at.button(key=f"wb.export.decide.{request.id}.approve").disabled  # not her own
    ben = signed_in(BEN, page="../pages/export.py", project_id=project_id)
    assert "Model card attached" in " ".join(e.label for e in ben.expander)
    ben.button(key=f"wb.export.decide.{request.id}.approve").click().run()
    assert not ben.exception, ben.exception
    assert export.get_version(open_workbench(), project_id, version).stage == "production"
    actions = [e.action for e in activity.list_activity(open_workbench(), project_id)]
    assert actions[:2] == ["promotion.decided", "promotion.requested"]
