"""Projects: create, find by name or id, rename; delete to a trash, restore, empty the trash.

Deleting only hides a project (``deleted_at``): its rows and files stay, so it can be
restored for ``WORKBENCH_TRASH_DAYS``. Emptying the trash (by hand, or by the worker once
that time is over) deletes the rows; garbage collection then frees the files nothing else
refers to, never one younger than its grace period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.actors import SYSTEM
from app.context import Workbench
from app.errors import NotFound, UserError
from app.jobs import queue
from app.services import artifacts as artifact_service
from app.services.team.guard import guarded, note, workspace
from app.services.team.members import add_owner, visible_project_ids
from app.services.team.rights import Right
from core.text_limits import TEXT_LIMITS, check_text
from storage.models import ActivityEntry, Job, Project, utcnow

MAX_NAME_LENGTH = TEXT_LIMITS["project name"]


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    name: str
    description: str
    is_demo: bool
    created_at: datetime
    updated_at: datetime
    #: When it was moved to the trash; None for a live project.
    deleted_at: datetime | None = None

    def to_json(self) -> dict[str, object]:
        payload: dict[str, object] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "is_demo": self.is_demo,
            "created_at": self.created_at.isoformat(),
            "last_activity": self.updated_at.isoformat(),
        }
        if self.deleted_at is not None:
            payload["deleted_at"] = self.deleted_at.isoformat()
        return payload


def _info(row: Project) -> ProjectInfo:
    return ProjectInfo(
        row.id, row.name, row.description, row.is_demo, row.created_at, row.updated_at,
        row.deleted_at,
    )  # fmt: skip


_LIVE = Project.deleted_at.is_(None)
_TRASHED = Project.deleted_at.is_not(None)


def clean_name(name: str) -> str:
    """Validate a project name: trimmed, non-empty, not too long, not all digits (ids are digits)."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise UserError(
            "A project needs a name.", hint="Type a name such as 'Churn 2026'.", field="name"
        )
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UserError(
            f"The project name is {len(cleaned)} characters long; the limit is {MAX_NAME_LENGTH}.",
            field="name",
        )
    if cleaned.isdigit():
        raise UserError(
            f"'{cleaned}' is only digits, which would be confused with a project id.",
            hint="Add a letter.",
            field="name",
        )
    return cleaned


def _ensure_unique(session: Session, name: str, *, except_id: int | None = None) -> None:
    query = select(Project).where(func.lower(Project.name) == name.lower())
    if except_id is not None:
        query = query.where(Project.id != except_id)
    clash = session.scalar(query)
    if clash is not None and clash.deleted_at is not None:
        raise UserError(
            f"A project named '{clash.name}' is in the trash.",
            hint="Restore it (Projects page → Trash, or `workbench project restore`), "
            "or choose another name.",
            field="name",
        )
    if clash is not None:
        raise UserError(
            f"A project named '{name}' already exists.", hint="Choose another name.", field="name"
        )


@guarded(Right.CREATE, "project.created", project=workspace, summary="Created project '{name}'")
def create_project(
    wb: Workbench, name: str, description: str = "", *, is_demo: bool = False
) -> ProjectInfo:
    """A new project; in team mode its creator is its first owner."""
    name = clean_name(name)
    with wb.db.write() as session:
        _ensure_unique(session, name)
        description = check_text("project description", (description or "").strip())
        row = Project(name=name, description=description, is_demo=is_demo)
        session.add(row)
        session.flush()
        add_owner(session, row.id, wb.actor)
        note(f"Created project '{name}'", project_id=row.id)
        return _info(row)


def list_projects(wb: Workbench) -> list[ProjectInfo]:
    """The projects the actor may see, most recently active first."""
    query = select(Project).where(_LIVE).order_by(Project.updated_at.desc(), Project.id)
    visible = visible_project_ids(wb)
    if visible is not None:
        query = query.where(Project.id.in_(visible))
    with wb.db.read() as session:
        return [_info(r) for r in session.scalars(query)]


def get_project(wb: Workbench, project_id: int) -> ProjectInfo:
    with wb.db.read() as session:
        row = session.get(Project, project_id)
        if row is None:
            raise NotFound(f"There is no project with id {project_id}.")
        return _info(row)


def resolve_project(wb: Workbench, ref: str | int) -> ProjectInfo:
    """Find a project by id or by name (case-insensitive), with a helpful error."""
    row = _find(wb, ref)
    if row is not None and row.deleted_at is None:
        return row
    if row is not None:
        raise NotFound(
            f"Project '{row.name}' is in the trash (deleted {row.deleted_at:%Y-%m-%d %H:%M} UTC).",
            hint=f"Restore it with `workbench project restore {row.id}`.",
        )
    with wb.db.read() as session:
        query = select(Project.name).where(_LIVE).order_by(Project.name).limit(10)
        names = session.scalars(query).all()
    known = ", ".join(f"'{n}'" for n in names) if names else "none yet"
    raise NotFound(
        f"No project named or numbered '{str(ref).strip()}'. Known projects: {known}.",
        hint="Create one with `workbench project create NAME`.",
    )


def _find(wb: Workbench, ref: str | int) -> ProjectInfo | None:
    """A project (live or in the trash) by id or case-insensitive name."""
    text = str(ref).strip()
    with wb.db.read() as session:
        row = session.get(Project, int(text)) if text.isdigit() else None
        if row is None:
            row = session.scalar(select(Project).where(func.lower(Project.name) == text.lower()))
        return None if row is None else _info(row)


@guarded(Right.MANAGE, "project.renamed", summary="Renamed the project to '{new_name}'")
def rename_project(wb: Workbench, project_id: int, new_name: str) -> ProjectInfo:
    new_name = clean_name(new_name)
    with wb.db.write() as session:
        row = session.get(Project, project_id)
        if row is None:
            raise NotFound(f"There is no project with id {project_id}.")
        _ensure_unique(session, new_name, except_id=project_id)
        row.name = new_name
        row.updated_at = utcnow()
        session.flush()
        return _info(row)


def touch_project(session: Session, project_id: int) -> None:
    """Record activity inside an open write session (for 'last activity')."""
    row = session.get(Project, project_id)
    if row is not None:
        row.updated_at = utcnow()


@guarded(Right.MANAGE, "project.deleted", summary="Moved the project to the trash")
def delete_project(wb: Workbench, project_id: int, *, confirm_name: str) -> ProjectInfo:
    """Move a project to the trash; ``confirm_name`` must equal its name.

    Its queued jobs are cancelled and running ones asked to stop, in the same transaction,
    so no worker keeps writing into it. Nothing is deleted: see :func:`empty_trash`.
    """
    with wb.db.write() as session:
        row = session.get(Project, project_id)
        if row is None or row.deleted_at is not None:
            raise NotFound(f"There is no project with id {project_id}.")
        if confirm_name.strip() != row.name:
            raise UserError(
                f"To delete '{row.name}', type its exact name to confirm.", field="confirm_name"
            )
        note(f"Moved '{row.name}' to the trash")
        queue.cancel_project_jobs(session, project_id, stale_after=queue.stale_limit(wb))
        row.deleted_at = utcnow()
        session.flush()
        return _info(row)


def _in_trash(wb: Workbench, ref: str | int) -> ProjectInfo:
    found = _find(wb, ref)
    if found is None or found.deleted_at is None:
        raise NotFound(
            f"There is no project '{str(ref).strip()}' in the trash.",
            hint="See what is there with `workbench project trash`.",
        )
    return found


def _trashed_project(wb: Workbench, arguments: Mapping[str, Any]) -> int | None:
    return _in_trash(wb, arguments["ref"]).id


@guarded(
    Right.MANAGE, "project.restored", project=_trashed_project, summary="Restored from the trash"
)
def restore_project(wb: Workbench, ref: str | int) -> ProjectInfo:
    """Bring a project back from the trash (by id or name)."""
    found = _in_trash(wb, ref)
    note(f"Restored '{found.name}' from the trash")
    with wb.db.write() as session:
        row = session.get(Project, found.id)
        if row is None:  # purged meanwhile
            raise NotFound(f"Project '{found.name}' was removed from the trash for good.")
        row.deleted_at = None
        row.updated_at = utcnow()
        session.flush()
        return _info(row)


def list_trash(wb: Workbench) -> list[ProjectInfo]:
    """Projects in the trash the actor may see, most recently deleted first."""
    query = select(Project).where(_TRASHED).order_by(Project.deleted_at.desc())
    visible = visible_project_ids(wb)
    if visible is not None:
        query = query.where(Project.id.in_(visible))
    with wb.db.read() as session:
        return [_info(r) for r in session.scalars(query)]


def purge_after(wb: Workbench, project: ProjectInfo) -> datetime | None:
    """When a project in the trash is removed for good (None for a live project)."""
    if project.deleted_at is None:
        return None
    return project.deleted_at + timedelta(days=wb.settings.trash_days)


@dataclass(frozen=True)
class TrashReport:
    #: Names of the projects deleted for good.
    purged: tuple[str, ...]
    #: Names kept for now: a job of theirs is still stopping.
    waiting: tuple[str, ...]
    freed_bytes: int


@guarded(Right.ADMIN, "project.purged", project=workspace, summary="Emptied the trash")
def empty_trash(wb: Workbench, *, older_than: timedelta | None = None) -> TrashReport:
    """Delete the rows of projects in the trash (those deleted before ``older_than`` ago),
    then collect garbage with the normal grace period.

    A project whose job is still running (asked to stop, not yet stopped) waits for the
    next time: deleting its rows under the job would make that job fail in odd ways.
    """
    purged: list[str] = []
    waiting: list[str] = []
    with wb.db.write() as session:
        query = select(Project).where(_TRASHED)
        if older_than is not None:
            query = query.where(Project.deleted_at <= utcnow() - older_than)
        for row in session.scalars(query).all():
            queue.cancel_project_jobs(session, row.id, stale_after=queue.stale_limit(wb))
            busy = session.scalar(
                select(Job.id).where(Job.project_id == row.id, Job.status == "running").limit(1)
            )
            if busy is not None:
                waiting.append(row.name)
                continue
            purged.append(row.name)
            session.add(
                ActivityEntry(
                    project_id=row.id, actor=wb.actor.key, action="project.purged",
                    summary=f"Deleted project '{row.name}' for good (emptied from the trash)",
                )
            )  # fmt: skip
            session.delete(row)
    freed = artifact_service.collect_garbage(wb).freed_bytes if purged else 0
    return TrashReport(tuple(purged), tuple(waiting), freed)


def purge_expired_trash(wb: Workbench) -> TrashReport:
    """Empty what has been in the trash longer than ``WORKBENCH_TRASH_DAYS`` (the worker's
    housekeeping: it acts as the workbench itself)."""
    return empty_trash(wb.acting_as(SYSTEM), older_than=timedelta(days=wb.settings.trash_days))
