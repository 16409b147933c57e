"""Projects: create, find by name or id, rename, delete (rows first, then unreferenced artifacts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.context import Workbench
from app.errors import NotFound, UserError
from app.services import artifacts as artifact_service
from storage.models import Project, utcnow

MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    name: str
    description: str
    is_demo: bool
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "is_demo": self.is_demo,
            "created_at": self.created_at.isoformat(),
            "last_activity": self.updated_at.isoformat(),
        }


def _info(row: Project) -> ProjectInfo:
    return ProjectInfo(
        row.id, row.name, row.description, row.is_demo, row.created_at, row.updated_at
    )


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


def _ensure_unique(session, name: str, *, except_id: int | None = None) -> None:  # type: ignore[no-untyped-def]
    query = select(Project.id).where(func.lower(Project.name) == name.lower())
    if except_id is not None:
        query = query.where(Project.id != except_id)
    if session.scalar(query) is not None:
        raise UserError(
            f"A project named '{name}' already exists.", hint="Choose another name.", field="name"
        )


def create_project(
    wb: Workbench, name: str, description: str = "", *, is_demo: bool = False
) -> ProjectInfo:
    name = clean_name(name)
    with wb.db.write() as session:
        _ensure_unique(session, name)
        row = Project(name=name, description=(description or "").strip(), is_demo=is_demo)
        session.add(row)
        session.flush()
        return _info(row)


def list_projects(wb: Workbench) -> list[ProjectInfo]:
    """Most recently active first."""
    with wb.db.read() as session:
        rows = session.scalars(select(Project).order_by(Project.updated_at.desc(), Project.id))
        return [_info(r) for r in rows]


def get_project(wb: Workbench, project_id: int) -> ProjectInfo:
    with wb.db.read() as session:
        row = session.get(Project, project_id)
        if row is None:
            raise NotFound(f"There is no project with id {project_id}.")
        return _info(row)


def resolve_project(wb: Workbench, ref: str | int) -> ProjectInfo:
    """Find a project by id or by name (case-insensitive), with a helpful error."""
    text = str(ref).strip()
    with wb.db.read() as session:
        row = None
        if text.isdigit():
            row = session.get(Project, int(text))
        if row is None:
            row = session.scalar(select(Project).where(func.lower(Project.name) == text.lower()))
        if row is not None:
            return _info(row)
        names = session.scalars(select(Project.name).order_by(Project.name).limit(10)).all()
    known = ", ".join(f"'{n}'" for n in names) if names else "none yet"
    raise NotFound(
        f"No project named or numbered '{text}'. Known projects: {known}.",
        hint="Create one with `workbench project create NAME`.",
    )


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


def touch_project(session, project_id: int) -> None:  # type: ignore[no-untyped-def]
    """Record activity inside an open write session (for 'last activity')."""
    row = session.get(Project, project_id)
    if row is not None:
        row.updated_at = utcnow()


def delete_project(wb: Workbench, project_id: int, *, confirm_name: str) -> int:
    """Delete a project and everything in it; ``confirm_name`` must equal its name.

    Returns the bytes freed by removing artifacts nothing else refers to.
    """
    with wb.db.write() as session:
        row = session.get(Project, project_id)
        if row is None:
            raise NotFound(f"There is no project with id {project_id}.")
        if confirm_name.strip() != row.name:
            raise UserError(
                f"To delete '{row.name}', type its exact name to confirm.", field="confirm_name"
            )
        session.delete(row)
    return artifact_service.collect_garbage(wb, grace_seconds=0).freed_bytes
