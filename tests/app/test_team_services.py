"""The team services on their own: sign-in and the admin, members, the guard, the trail,
comments and four-eyes promotion (team mode on the test's home, on SQLite and on
PostgreSQL; see tests/helpers/team)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from app.context import Workbench
from app.errors import PermissionDenied, UserError
from app.jobs.runner import run_in_foreground
from app.permits import UnguardedWrite
from app.services import export, goals, projects, training
from app.services.team import activity, comments, members, promotions
from app.services.team.rights import Right, rights_of
from storage.models import Project
from tests.helpers.team import ADMIN, ANA, BEN, CARA, as_person, team_workbench

#: Runs on SQLite and on PostgreSQL (tests/conftest.py): team mode's real database is PostgreSQL.
pytestmark = pytest.mark.backends

GOAL = {"name": "Churn", "problem": "Who will leave?", "task": "binary"}


@pytest.fixture
def team(home) -> Workbench:  # type: ignore[no-untyped-def]
    return team_workbench()


@pytest.fixture
def project(team: Workbench) -> projects.ProjectInfo:
    """Ana's project: she signed in first (so she is also the admin) and created it."""
    return projects.create_project(as_person(team, ANA), "Churn", "who leaves")


def test_first_person_to_sign_in_is_the_admin_unless_the_config_names_admins(home) -> None:  # type: ignore[no-untyped-def]
    wb = team_workbench()
    assert members.signed_in(wb, ANA).is_admin
    assert not members.signed_in(wb, BEN).is_admin
    configured = team_workbench(admins=("cara@example.com",))
    assert members.signed_in(configured, CARA).is_admin
    assert not members.signed_in(configured, user_first := BEN).is_admin, user_first


def test_nobody_signed_in_may_change_nothing(team: Workbench) -> None:
    assert team.actor.kind == "nobody"
    with pytest.raises(PermissionDenied, match="Sign in first"):
        projects.create_project(team, "Anything")


def test_creator_owns_the_project_and_invites_with_roles(
    team: Workbench, project: projects.ProjectInfo
) -> None:
    ana = as_person(team, ANA)
    assert [(m.email, m.role) for m in members.list_members(ana, project.id)] == [
        ("ana@example.com", "owner")
    ]
    members.invite(ana, project.id, "Ben@Example.com ", "viewer")
    ben = as_person(team, BEN)
    assert rights_of(ben, project.id) == {Right.VIEW}
    assert [p.name for p in projects.list_projects(ben)] == ["Churn"]
    stranger = as_person(team, CARA)
    assert projects.list_projects(stranger) == []
    with pytest.raises(PermissionDenied, match="is not a member"):
        goals.save_goal(stranger, project.id, GOAL, source="page")
    with pytest.raises(PermissionDenied, match="is viewer of project 'Churn'"):
        goals.save_goal(ben, project.id, GOAL, source="page")
    with pytest.raises(UserError, match="already a member"):
        members.invite(ana, project.id, "ben@example.com", "editor")
    with pytest.raises(UserError, match="not an e-mail"):
        members.invite(ana, project.id, "ben", "editor")
    members.change_member(ana, project.id, "ben@example.com", role="editor", can_approve=True)
    assert Right.EDIT in rights_of(ben, project.id) and Right.APPROVE in rights_of(ben, project.id)
    assert goals.save_goal(ben, project.id, GOAL, source="page").author == "ben@example.com"


def test_the_last_owner_cannot_leave(team: Workbench, project: projects.ProjectInfo) -> None:
    ana = as_person(team, ANA)
    with pytest.raises(UserError, match="only owner"):
        members.change_member(ana, project.id, "ana@example.com", role="editor")
    with pytest.raises(UserError, match="only owner"):
        members.remove_member(ana, project.id, "ana@example.com")
    members.invite(ana, project.id, "ben@example.com", "owner")
    members.remove_member(ana, project.id, "ana@example.com")
    assert [m.email for m in members.list_members(ana, project.id)] == ["ben@example.com"]


def test_a_refused_call_changes_nothing_and_records_nothing(
    team: Workbench, project: projects.ProjectInfo
) -> None:
    ana = as_person(team, ANA)
    members.invite(ana, project.id, "ben@example.com", "viewer")
    before = activity.list_activity(ana, project.id)
    with pytest.raises(PermissionDenied):
        projects.rename_project(as_person(team, BEN), project.id, "Mine now")
    assert projects.get_project(ana, project.id).name == "Churn"
    assert activity.list_activity(ana, project.id) == before


def test_a_write_outside_any_guarded_service_is_refused(team: Workbench) -> None:
    with pytest.raises(UnguardedWrite), team.db.write() as session:
        session.add(Project(name="sneaky"))


def test_the_trail_names_who_did_what_in_order_and_once_per_action(
    team: Workbench, project: projects.ProjectInfo
) -> None:
    ana = as_person(team, ANA)
    goals.save_goal(ana, project.id, GOAL, source="page")
    goals.save_goal(ana, project.id, GOAL, source="page")  # unchanged: no version, no entry
    changed = {**GOAL, "name": "Churn 2027"}
    goals.save_goal(ana, project.id, changed, source="page")
    goals.restore_goal_version(ana, project.id, 1)  # saves inside: recorded once, as a restore
    members.invite(ana, project.id, "ben@example.com", "viewer")
    trail = activity.list_activity(ana, project.id)
    assert [e.action for e in reversed(trail)] == [
        "project.created", "goal.saved", "goal.saved", "goal.restored", "member.invited",
    ]  # fmt: skip
    assert {e.actor for e in trail} == {"ana@example.com"}
    assert {e.actor_name for e in trail} == {"Ana Lima"}
    assert "name: Churn → Churn 2027" in trail[-3].summary
    assert activity.list_activity(ana, project.id, areas=["member"])[0].summary == (
        "Invited ben@example.com as viewer"
    )


def test_the_csv_cannot_run_formulas_and_matches_the_table(
    team: Workbench, project: projects.ProjectInfo
) -> None:
    ana = as_person(team, ANA)
    comments.add_comment(ana, project.id, "goal", '=HYPERLINK("http://evil")')
    entries = activity.list_activity(ana, project.id)
    frame = pd.read_csv(io.BytesIO(activity.activity_csv(entries)))
    assert list(frame.columns) == list(activity.activity_frame(entries).columns)
    assert frame["what"].iloc[0].startswith("Comment on goal: ")
    assert not any(str(v).startswith("=") for v in frame.to_numpy().ravel())


def test_comments_keep_the_text_as_written_and_need_a_right(
    team: Workbench, project: projects.ProjectInfo
) -> None:
    ana = as_person(team, ANA)
    members.invite(ana, project.id, "ben@example.com", "viewer")
    members.invite(ana, project.id, "cara@example.com", "viewer", can_approve=True)
    comments.add_comment(ana, project.id, "goal", "Signed off **by finance**\n<b>ok</b>")
    comments.add_comment(
        as_person(team, CARA), project.id, "train", "v2 looks good", subject="run:3"
    )
    with pytest.raises(PermissionDenied):
        comments.add_comment(as_person(team, BEN), project.id, "goal", "me too")
    with pytest.raises(UserError, match="empty"):
        comments.add_comment(ana, project.id, "goal", "   ")
    on_goal = comments.list_comments(ana, project.id, "goal")
    assert [c.text for c in on_goal] == ["Signed off **by finance**\n<b>ok</b>"]
    assert on_goal[0].author_name == "Ana Lima"
    assert comments.list_comments(ana, project.id, "train", subject="run:3")[0].author == (
        "cara@example.com"
    )


@pytest.fixture
def shipped(trained_demo: str) -> tuple[Workbench, int, int]:
    """The trained demo in team mode: Ana owns it, Ben is a viewer; one exported version."""
    admin = team_workbench().acting_as(ADMIN)
    project_id = projects.resolve_project(admin, trained_demo).id
    run = training.champion(admin, project_id)
    assert run is not None
    job = run_in_foreground(admin, export.submit_export(admin, run.id, claimed=True))
    assert job.status == "succeeded", job.error
    members.invite(admin, project_id, "ana@example.com", "owner")
    members.invite(admin, project_id, "ben@example.com", "viewer")
    return admin, project_id, int(job.result["registry_version"])


def test_four_eyes_promotion(shipped: tuple[Workbench, int, int]) -> None:
    admin, project_id, version = shipped
    ana, ben = as_person(admin, ANA), as_person(admin, BEN)
    with pytest.raises(UserError, match="needs a second person's approval"):
        export.set_stage(ana, project_id, version, "production", why="ship it")
    with pytest.raises(PermissionDenied):
        promotions.request_promotion(ben, project_id, version, "I am only a viewer")
    request = promotions.request_promotion(ana, project_id, version, "+800 EUR/month over v0")
    assert "## Performance" in request.model_card and request.status == "pending"
    with pytest.raises(UserError, match="pending request"):
        promotions.request_promotion(ana, project_id, version, "again")
    with pytest.raises(PermissionDenied, match="someone else must decide"):
        promotions.decide(ana, request.id, approve=True)
    with pytest.raises(PermissionDenied):  # a viewer without the approver right
        promotions.decide(ben, request.id, approve=True)
    members.change_member(ana, project_id, "ben@example.com", can_approve=True)
    decided = promotions.decide(ben, request.id, approve=True, comment="card checked")
    assert (decided.status, decided.decided_by_name) == ("approved", "Ben Okafor")
    entry = export.get_version(ana, project_id, version)
    assert entry.stage == "production"
    assert [(h["stage"], h["who"]) for h in entry.history[-2:]] == [
        ("production requested", "Ana Lima <ana@example.com>"),
        ("production", "Ben Okafor <ben@example.com>"),
    ]
    assert "approved request" in entry.history[-1]["why"]
    trail = [
        e.action for e in reversed(activity.list_activity(ana, project_id, areas=["promotion"]))
    ]
    assert trail == ["promotion.requested", "promotion.decided"]
    with pytest.raises(UserError, match="already approved"):
        promotions.decide(ben, request.id, approve=False)


def test_a_rejected_request_leaves_the_stage_and_says_why(
    shipped: tuple[Workbench, int, int],
) -> None:
    admin, project_id, version = shipped
    ana = as_person(admin, ANA)
    request = promotions.request_promotion(ana, project_id, version, "try it")
    rejected = promotions.decide(admin, request.id, approve=False, comment="fairness not checked")
    assert rejected.status == "rejected"
    entry = export.get_version(ana, project_id, version)
    assert entry.stage == "candidate"
    assert entry.history[-1]["stage"] == "production rejected"
    assert entry.history[-1]["why"] == "fairness not checked"
