"""Cancel goes through a guarded service: the job's project decides who may stop it.

Team mode runs on the test's SQLite home through ``tests.helpers.team.team_settings``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.context import Workbench, close_all
from app.errors import PermissionDenied
from app.jobs import get_job, submit
from app.services import jobs, projects
from app.services.team import activity
from tests.helpers.team import ADMIN, ANA, BEN, as_person, team_workbench


@pytest.fixture
def wb(home: Path) -> Iterator[Workbench]:
    yield team_workbench()
    close_all()


def test_a_member_of_another_project_may_not_cancel_its_job(wb: Workbench) -> None:
    ana, ben = as_person(wb, ANA), as_person(wb, BEN)
    theirs = projects.create_project(ana, "Ana's").id
    projects.create_project(ben, "Ben's")
    job_id = submit(ana, "test.count", {}, project_id=theirs)
    with pytest.raises(PermissionDenied, match="not a member of project 'Ana's'"):
        jobs.cancel_job(ben, job_id)
    assert get_job(wb, job_id).status == "queued"
    assert jobs.cancel_job(ana, job_id).status == "cancelled"
    actions = [(e.actor, e.action) for e in reversed(activity.list_activity(wb, theirs))]
    assert actions[-2:] == [(ANA.key, "test.count.cancelled"), (ANA.key, "test.count.finished")]


def test_a_job_of_no_project_is_the_admins_to_cancel(home: Path) -> None:
    wb = team_workbench(admins=(BEN.key,))  # so Ana, signing in first, is not the admin
    ana, ben = as_person(wb, ANA), as_person(wb, BEN)
    projects.create_project(ana, "Ana's")  # a project of her own does not make her an admin
    job_id = submit(wb.acting_as(ADMIN), "maintenance.verify_artifacts", {})
    with pytest.raises(PermissionDenied, match="may not change this project"):
        jobs.cancel_job(ana, job_id)
    assert jobs.cancel_job(ben, job_id).status == "cancelled"
    close_all()


def test_cancelling_an_ended_job_records_nothing(wb: Workbench) -> None:
    ana = as_person(wb, ANA)
    pid = projects.create_project(ana, "Ana's").id
    job_id = submit(ana, "test.count", {}, project_id=pid)
    jobs.cancel_job(ana, job_id)
    before = len(activity.list_activity(wb, pid))
    assert jobs.cancel_job(ana, job_id).status == "cancelled"
    assert len(activity.list_activity(wb, pid)) == before
