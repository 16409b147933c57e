"""Deleting moves a project to the trash; restore brings it back; emptying frees files."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from app.cli import main
from app.errors import NotFound, UserError
from app.jobs import get_job, submit
from app.permits import system_write
from app.services import artifacts as artifact_service
from app.services import datasets
from app.services.projects import (
    create_project,
    delete_project,
    empty_trash,
    list_projects,
    list_trash,
    purge_expired_trash,
    resolve_project,
    restore_project,
)
from storage.models import Artifact, Project, utcnow

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

CSV = b"id,target\n1,0\n2,1\n3,0\n"


def _import(wb, project_id: int) -> str:  # type: ignore[no-untyped-def]
    from app.jobs.runner import run_in_foreground

    job = run_in_foreground(wb, datasets.submit_file_import(wb, project_id, CSV, filename="a.csv"))
    assert job.status == "succeeded", job.error
    return datasets.list_versions(wb, project_id)[0].sha256


def _age(wb, sha: str, hours: float = 2) -> None:  # type: ignore[no-untyped-def]
    """Make a stored file and its row look older than the grace period."""
    past = time.time() - hours * 3600
    os.utime(wb.artifacts.path(sha), (past, past))
    with system_write("test setup"), wb.db.write() as session:
        session.execute(
            update(Artifact)
            .where(Artifact.sha256 == sha)
            .values(created_at=utcnow() - timedelta(hours=hours))
        )


def test_delete_hides_and_restore_brings_back_with_data(wb) -> None:  # type: ignore[no-untyped-def]
    project = create_project(wb, "Churn")
    sha = _import(wb, project.id)
    _age(wb, sha)
    trashed = delete_project(wb, project.id, confirm_name="Churn")
    assert trashed.deleted_at is not None
    assert list_projects(wb) == [] and [p.name for p in list_trash(wb)] == ["Churn"]
    with pytest.raises(NotFound, match="is in the trash"):
        resolve_project(wb, "Churn")
    with pytest.raises(UserError, match="is in the trash"):
        create_project(wb, "churn")
    artifact_service.collect_garbage(wb)  # files of a trashed project are still referenced
    assert wb.artifacts.exists(sha)
    restored = restore_project(wb, "Churn")
    assert restored.deleted_at is None and [p.name for p in list_projects(wb)] == ["Churn"]
    assert datasets.list_versions(wb, project.id)[0].sha256 == sha


def test_empty_trash_deletes_rows_and_frees_old_files(wb) -> None:  # type: ignore[no-untyped-def]
    doomed, kept = create_project(wb, "Doomed"), create_project(wb, "Kept")
    doomed_sha, kept_sha = _import(wb, doomed.id), _import(wb, kept.id)
    assert doomed_sha == kept_sha  # same content: shared file, must survive
    other = create_project(wb, "Other")
    other_csv = wb.artifacts.put_bytes(b"id,target\n9,1\n").sha256  # fresh, unreferenced
    delete_project(wb, doomed.id, confirm_name="Doomed")
    from app.jobs.runner import run_in_foreground

    job = datasets.submit_file_import(wb, other.id, b"x,y\n1,2\n3,4\n", filename="b.csv")
    run_in_foreground(wb, job)
    other_sha = datasets.list_versions(wb, other.id)[0].sha256
    delete_project(wb, other.id, confirm_name="Other")
    _age(wb, other_sha)
    report = empty_trash(wb)
    assert sorted(report.purged) == ["Doomed", "Other"] and list_trash(wb) == []
    assert wb.artifacts.exists(kept_sha) and wb.artifacts.exists(other_csv)
    assert not wb.artifacts.exists(other_sha)
    assert report.freed_bytes > 0


def test_trash_is_purged_only_after_the_retention_period(wb) -> None:  # type: ignore[no-untyped-def]
    old, recent = create_project(wb, "Old"), create_project(wb, "Recent")
    delete_project(wb, old.id, confirm_name="Old")
    delete_project(wb, recent.id, confirm_name="Recent")
    with system_write("test setup"), wb.db.write() as session:
        session.execute(
            update(Project)
            .where(Project.id == old.id)
            .values(deleted_at=utcnow() - timedelta(days=wb.settings.trash_days, minutes=1))
        )
    assert purge_expired_trash(wb).purged == ("Old",)
    assert [p.name for p in list_trash(wb)] == ["Recent"]


def test_delete_cancels_the_projects_jobs(wb) -> None:  # type: ignore[no-untyped-def]
    project = create_project(wb, "Busy")
    queued = submit(wb, "test.count", project_id=project.id)
    running = submit(wb, "test.count", project_id=project.id, claimed=True)
    delete_project(wb, project.id, confirm_name="Busy")
    assert get_job(wb, queued).status == "cancelled"
    assert get_job(wb, running).cancel_requested
    assert empty_trash(wb).waiting == ("Busy",)  # its job is still stopping: kept for now


def test_cli_trash_restore_and_empty(home: Path) -> None:
    runner = CliRunner()

    def cli(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(main, list(args), catch_exceptions=False)

    assert cli("project", "create", "Fraud").exit_code == 0
    deleted = cli("project", "delete", "Fraud", "--yes")
    assert deleted.exit_code == 0 and "project restore" in deleted.output
    shown = cli("project", "show", "Fraud")
    assert shown.exit_code == 2 and "is in the trash" in shown.output
    trash = json.loads(cli("project", "trash", "--json").output)
    assert [p["name"] for p in trash] == ["Fraud"] and "purge_after" in trash[0]
    assert cli("project", "restore", "Fraud").exit_code == 0
    assert [p["name"] for p in json.loads(cli("project", "list", "--json").output)] == ["Fraud"]
    assert cli("project", "delete", "Fraud", "--yes").exit_code == 0
    refused = cli("project", "empty-trash")
    assert refused.exit_code != 0 and "--yes" in refused.output
    emptied = json.loads(cli("project", "empty-trash", "--yes", "--json").output)
    assert emptied["purged"] == ["Fraud"]
    assert cli("project", "trash").output.strip() == "The trash is empty."
    missing = cli("project", "restore", "Fraud")
    assert missing.exit_code == 2 and "no project 'Fraud' in the trash" in missing.output


def test_home_page_restores_from_the_trash(app) -> None:  # type: ignore[no-untyped-def]
    from app.context import open_workbench

    wb = open_workbench()
    project = create_project(wb, "Doomed")
    delete_project(wb, project.id, confirm_name="Doomed")
    at = app().run()
    assert not at.exception
    assert any("Doomed" in t.value for t in at.text)
    at.button(key=f"wb.home.restore.{project.id}").click().run()
    assert not at.exception
    assert [p.name for p in list_projects(wb)] == ["Doomed"] and list_trash(wb) == []
